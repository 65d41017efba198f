package web

import (
	"errors"
	"net/http"

	"postroom/internal/auth"
)

// Settings > Mail server information (S6): what to type into a mail
// client, the "use mail clients" switch (P7) and what a POP3 client's
// delete does (P4). The rules are auth.Clients'; the Apple profile is in
// client_setup_apple.go.

type clientServerJSON struct {
	Protocol string `json:"protocol"` // imap, pop3, smtp
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Security string `json:"security"` // tls, starttls
}

type clientSetupJSON struct {
	Login          string             `json:"login"`
	Address        string             `json:"address"`
	ClientsAllowed bool               `json:"clients_allowed"`
	POP3Delete     string             `json:"pop3_delete"`
	Servers        []clientServerJSON `json:"servers"`
}

func clientSetupOf(c *auth.ClientSetup) clientSetupJSON {
	out := clientSetupJSON{Login: c.Login, Address: c.Address, ClientsAllowed: c.ClientsAllowed, POP3Delete: c.POP3Delete,
		Servers: []clientServerJSON{}}
	for _, e := range c.Servers {
		out.Servers = append(out.Servers, clientServerJSON{Protocol: e.Protocol, Host: e.Host, Port: e.Port, Security: e.Security})
	}
	return out
}

// clientSetupGet answers the account's client setup.
func (s *Server) clientSetupGet(w http.ResponseWriter, r *http.Request) {
	if s.Clients == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	c, err := s.Clients.Setup(r.Context(), sessionOf(r).actor)
	if err != nil {
		s.clientsFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, clientSetupOf(c))
}

type clientSetupPatch struct {
	ClientsAllowed *bool   `json:"clients_allowed"`
	POP3Delete     *string `json:"pop3_delete"`
}

// clientSetupPatch changes the switch and the POP3 delete behaviour,
// each optional; an invalid value saves neither.
func (s *Server) clientSetupPatch(w http.ResponseWriter, r *http.Request) {
	if s.Clients == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req clientSetupPatch
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	c, err := s.Clients.Change(r.Context(), sessionOf(r).actor, auth.ClientChange{Allowed: req.ClientsAllowed, POP3Delete: req.POP3Delete})
	if err != nil {
		s.clientsFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, clientSetupOf(c))
}

func (s *Server) clientsFail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, auth.ErrInvalidPOP3Delete):
		s.failFieldReason(w, r, "pop3_delete", "invalid_pop3_delete")
	case errors.Is(err, auth.ErrNotAUser):
		s.fail(w, r, http.StatusForbidden, "forbidden")
	default:
		s.storeFail(w, r, err)
	}
}
