package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"postroom/internal/auth"
)

// The Apple configuration profile (P8, S6): an iPhone, iPad or Mac opens
// it and sets up the account with IMAP and SMTP, asking only for the
// password, which the profile never holds. The keys are those of Apple's
// "Mail" payload (com.apple.mail.managed) in the Configuration Profile
// Reference; a profile with the same PayloadIdentifier replaces the
// installed one, so the identifier is the account's, stable, while each
// download's PayloadUUIDs are new.

// profileServer picks the endpoint of protocol a client should use: TLS
// from the first byte when there is one (RFC 8314), else STARTTLS.
func profileServer(servers []auth.Endpoint, protocol string) (auth.Endpoint, bool) {
	i := slices.IndexFunc(servers, func(e auth.Endpoint) bool { return e.Protocol == protocol && e.Security == "tls" })
	if i < 0 {
		i = slices.IndexFunc(servers, func(e auth.Endpoint) bool { return e.Protocol == protocol })
	}
	if i < 0 {
		return auth.Endpoint{}, false
	}
	return servers[i], true
}

// appleProfile answers the profile: 404 when IMAP or submission is off.
func (s *Server) appleProfile(w http.ResponseWriter, r *http.Request) {
	if s.Clients == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	c, err := s.Clients.Setup(r.Context(), sessionOf(r).actor)
	if err != nil {
		s.clientsFail(w, r, err)
		return
	}
	s.writeAppleProfile(w, r, c)
}

// writeAppleProfile answers c's profile, for the user himself or an
// administrator handing it out (admin_user_profile.go): 404 when IMAP or
// submission is off.
func (s *Server) writeAppleProfile(w http.ResponseWriter, r *http.Request, c *auth.ClientSetup) {
	in, ok1 := profileServer(c.Servers, "imap")
	out, ok2 := profileServer(c.Servers, "smtp")
	if !ok1 || !ok2 {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	w.Header().Set("Content-Type", "application/x-apple-aspen-config")
	w.Header().Set("Content-Disposition", attachmentDisposition(c.Address+".mobileconfig", "mail.mobileconfig"))
	w.Write(appleProfileXML(c, in, out))
}

// appleProfileXML is the profile's property list (XML, Apple's DTD).
func appleProfileXML(c *auth.ClientSetup, in, out auth.Endpoint) []byte {
	var b bytes.Buffer
	str := func(key, v string) {
		b.WriteString("<key>" + key + "</key><string>")
		xml.EscapeText(&b, []byte(v))
		b.WriteString("</string>\n")
	}
	num := func(key string, v int) { fmt.Fprintf(&b, "<key>%s</key><integer>%d</integer>\n", key, v) }
	flag := func(key string, v bool) { fmt.Fprintf(&b, "<key>%s</key><%t/>\n", key, v) }
	id := profileID(in.Host, c.Address)
	name := c.Name
	if name == "" {
		name = c.Address
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
<key>PayloadContent</key>
<array>
<dict>
`)
	str("EmailAccountDescription", c.Address)
	str("EmailAccountName", name)
	str("EmailAccountType", "EmailTypeIMAP")
	str("EmailAddress", c.Address)
	str("IncomingMailServerAuthentication", "EmailAuthPassword")
	str("IncomingMailServerHostName", in.Host)
	num("IncomingMailServerPortNumber", in.Port)
	// "SSL" covers STARTTLS on a plain port too: the password never goes
	// in clear either way.
	flag("IncomingMailServerUseSSL", true)
	str("IncomingMailServerUsername", c.Login)
	str("OutgoingMailServerAuthentication", "EmailAuthPassword")
	str("OutgoingMailServerHostName", out.Host)
	num("OutgoingMailServerPortNumber", out.Port)
	flag("OutgoingMailServerUseSSL", true)
	str("OutgoingMailServerUsername", c.Login)
	flag("OutgoingPasswordSameAsIncomingPassword", true)
	str("PayloadDescription", "IMAP + SMTP")
	str("PayloadDisplayName", c.Address)
	str("PayloadIdentifier", id+".mail")
	str("PayloadType", "com.apple.mail.managed")
	str("PayloadUUID", newUUID())
	num("PayloadVersion", 1)
	b.WriteString("</dict>\n</array>\n")
	str("PayloadDescription", c.Address)
	str("PayloadDisplayName", "Postroom: "+c.Address)
	str("PayloadIdentifier", id)
	flag("PayloadRemovalDisallowed", false)
	str("PayloadType", "Configuration")
	str("PayloadUUID", newUUID())
	num("PayloadVersion", 1)
	b.WriteString("</dict>\n</plist>\n")
	return b.Bytes()
}

// profileID is the account's reverse-DNS identifier under the mail
// host: the same for every download, so a new one replaces the old.
func profileID(host, address string) string {
	labels := strings.Split(strings.ToLower(host), ".")
	slices.Reverse(labels)
	sum := sha256.Sum256([]byte(strings.ToLower(address)))
	return fmt.Sprintf("%s.postroom.%x", strings.Join(labels, "."), sum[:8])
}

// newUUID is a random (version 4) UUID, RFC 9562 §5.4.
func newUUID() string {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]))
}
