package web

import (
	"fmt"
	"net/http"
)

// healthz answers load balancers: the server serves, and its store
// answers (Server.Ready).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if s.Ready != nil {
		if err := s.Ready(r.Context()); err != nil {
			s.log().Warn("healthz", "err", err)
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}
