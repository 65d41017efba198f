package session

import (
	"slices"
	"strconv"
)

// capabilities is the one list of what the server advertises (RFC 9051
// §7.2.2): an extension is listed only once it is complete, in this
// package and in the services beneath it.
var capabilities = []string{
	"IMAP4rev1", "IMAP4rev2",
	"LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT",
	"CHILDREN", "LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE", "CREATE-SPECIAL-USE",
	"QUOTA", "QUOTA=RES-STORAGE", "UTF8=ACCEPT", "STATUS=SIZE",
	"UIDPLUS", "MOVE", "ESEARCH", "SEARCHRES", "WITHIN", "BINARY", "CONDSTORE", "QRESYNC",
	"SORT", "ESORT", "CONTEXT=SEARCH", "CONTEXT=SORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES",
	"MULTIAPPEND", "CATENATE", "SAVEDATE", "OBJECTID",
}

// offered reports whether capability is in the list: responses of an
// extension (MAILBOXID of OBJECTID) go out only once it is.
func offered(capability string) bool { return slices.Contains(capabilities, capability) }

// capabilities lists what the session offers in its state: STARTTLS and
// the login mechanisms before login.
func (s *Session) capabilities() []string {
	out := append([]string(nil), capabilities...)
	if s.cfg.MaxMessageSize > 0 {
		out = append(out, "APPENDLIMIT="+strconv.FormatInt(min(s.cfg.MaxMessageSize, 1<<32-1), 10))
	}
	if s.state == NotAuthenticated {
		if !s.tls && s.cfg.TLS != nil {
			out = append(out, "STARTTLS")
		}
		if s.cfg.Auth.PlaintextAllowed(s.raw.RemoteAddr(), s.tls) {
			out = append(out, "AUTH=PLAIN")
		} else {
			out = append(out, "LOGINDISABLED")
		}
	}
	// RFC 4978 §3: COMPRESS is valid once logged in, and only once; the
	// client sees it in the LOGIN answer's capabilities.
	if s.state != NotAuthenticated && !s.compressed {
		out = append(out, "COMPRESS=DEFLATE")
	}
	return out
}
