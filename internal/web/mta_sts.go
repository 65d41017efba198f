package web

import (
	"net/http"

	"postroom/internal/dnsrecords"
)

// mtaSTSPolicy serves the MTA-STS policy (RFC 8461 §3.2) that `postroom
// domain dns` tells every hosted domain to publish at
// https://mta-sts.DOMAIN/.well-known/mta-sts.txt (a CNAME to this
// server; its certificate comes over ACME with the others).
func (s *Server) mtaSTSPolicy(w http.ResponseWriter, r *http.Request) {
	if s.Hostname == "" {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte(dnsrecords.MTASTSPolicy(s.Hostname)))
}
