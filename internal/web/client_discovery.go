package web

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"

	"postroom/internal/auth"
)

// Self-configuring mail clients (P8), before any login: Thunderbird's
// autoconfig (on this host's /.well-known/autoconfig/ and, through the
// autoconfig.<domain> DNS name pointed here, /mail/config-v1.1.xml),
// Outlook's autodiscover (the POX request and the JSON v2 redirect).
// Each answer carries this server's host name and listeners; the
// rules (hosted domains only, the same answer whether or not the
// account exists) are auth.Clients.DomainSetup's.

// discoverySetup is the setup for address, or answers 404 (a domain not
// hosted, no address) and returns nil.
func (s *Server) discoverySetup(w http.ResponseWriter, r *http.Request, address string) *auth.ClientSetup {
	if s.Clients == nil || address == "" {
		http.NotFound(w, r)
		return nil
	}
	c, err := s.Clients.DomainSetup(r.Context(), address)
	switch {
	case errors.Is(err, auth.ErrNotHosted):
		http.NotFound(w, r)
		return nil
	case err != nil:
		s.storeFail(w, r, err)
		return nil
	}
	return c
}

type acServer struct {
	Type           string `xml:"type,attr"`
	Hostname       string `xml:"hostname"`
	Port           int    `xml:"port"`
	SocketType     string `xml:"socketType"`
	Authentication string `xml:"authentication"`
	Username       string `xml:"username"`
}

type acConfig struct {
	XMLName  xml.Name `xml:"clientConfig"`
	Version  string   `xml:"version,attr"`
	Provider struct {
		ID        string     `xml:"id,attr"`
		Domain    string     `xml:"domain"`
		Name      string     `xml:"displayName"`
		ShortName string     `xml:"displayShortName"`
		Incoming  []acServer `xml:"incomingServer"`
		Outgoing  []acServer `xml:"outgoingServer"`
	} `xml:"emailProvider"`
}

// autoconfig answers Thunderbird (and K-9, Evolution, ...): the
// Mozilla clientConfig 1.1 format, implicit TLS first.
func (s *Server) autoconfig(w http.ResponseWriter, r *http.Request) {
	c := s.discoverySetup(w, r, r.URL.Query().Get("emailaddress"))
	if c == nil {
		return
	}
	domain := c.Address[strings.LastIndexByte(c.Address, '@')+1:]
	var cfg acConfig
	cfg.Version = "1.1"
	cfg.Provider.ID, cfg.Provider.Domain, cfg.Provider.ShortName = domain, domain, domain
	cfg.Provider.Name = "Postroom (" + domain + ")"
	for _, e := range c.Servers {
		sv := acServer{Type: e.Protocol, Hostname: e.Host, Port: e.Port, SocketType: "SSL",
			Authentication: "password-cleartext", Username: c.Login}
		if e.Security == "starttls" {
			sv.SocketType = "STARTTLS"
		}
		if e.Protocol == "smtp" {
			cfg.Provider.Outgoing = append(cfg.Provider.Outgoing, sv)
		} else {
			cfg.Provider.Incoming = append(cfg.Provider.Incoming, sv)
		}
	}
	writeXML(w, "application/xml", cfg)
}

// The autodiscover POX schemas (Outlook's "Autodiscover" request).
const (
	adRequestNS  = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
	adResponseNS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
	adOutlookNS  = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
)

type adProtocol struct {
	Type           string `xml:"Type"`
	Server         string `xml:"Server"`
	Port           int    `xml:"Port"`
	LoginName      string `xml:"LoginName"`
	DomainRequired string `xml:"DomainRequired"`
	SPA            string `xml:"SPA"`
	SSL            string `xml:"SSL"`
	Encryption     string `xml:"Encryption"`
	AuthRequired   string `xml:"AuthRequired"`
}

type adResponse struct {
	XMLName  xml.Name `xml:"Autodiscover"`
	NS       string   `xml:"xmlns,attr"`
	Response struct {
		NS      string `xml:"xmlns,attr"`
		Account struct {
			AccountType string       `xml:"AccountType"`
			Action      string       `xml:"Action"`
			Protocols   []adProtocol `xml:"Protocol"`
		} `xml:"Account"`
	} `xml:"Response"`
}

// autodiscover answers Outlook's POX request with the IMAP, POP3 and
// SMTP settings of the address it names ("email" account, "settings").
func (s *Server) autodiscover(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Request struct {
			EMailAddress string `xml:"EMailAddress"`
		} `xml:"Request"`
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil || xml.Unmarshal(body, &req) != nil {
		http.Error(w, "not an autodiscover request", http.StatusBadRequest)
		return
	}
	c := s.discoverySetup(w, r, strings.TrimSpace(req.Request.EMailAddress))
	if c == nil {
		return
	}
	var out adResponse
	out.NS, out.Response.NS = adResponseNS, adOutlookNS
	out.Response.Account.AccountType, out.Response.Account.Action = "email", "settings"
	for _, e := range c.Servers {
		p := adProtocol{Type: strings.ToUpper(e.Protocol), Server: e.Host, Port: e.Port, LoginName: c.Login,
			DomainRequired: "off", SPA: "off", SSL: "on", Encryption: "SSL", AuthRequired: "on"}
		if e.Security == "starttls" {
			p.Encryption = "TLS"
		}
		out.Response.Account.Protocols = append(out.Response.Account.Protocols, p)
	}
	writeXML(w, "text/xml", out)
}

// autodiscoverJSON is Outlook's first question (autodiscover v2): where
// the POX endpoint is, for the AutodiscoverV1 protocol it asks about.
func (s *Server) autodiscoverJSON(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if c := s.discoverySetup(w, r, q.Get("Email")); c == nil {
		return
	}
	if p := q.Get("Protocol"); p != "" && !strings.EqualFold(p, "AutodiscoverV1") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"ErrorCode": "InvalidProtocol",
			"ErrorMessage": "The given protocol value is invalid. Supported values are 'AutodiscoverV1'."})
		return
	}
	host := s.Hostname
	if host == "" {
		host = r.Host
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"Protocol": "AutodiscoverV1", "Url": "https://" + host + "/autodiscover/autodiscover.xml"})
}

func writeXML(w http.ResponseWriter, ctype string, v any) {
	out, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype+"; charset=utf-8")
	io.WriteString(w, xml.Header)
	w.Write(out)
}
