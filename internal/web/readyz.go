package web

// GET /readyz (issue 19): readiness, for a load balancer deciding where
// to send traffic. /healthz stays the liveness check (the process serves
// and its store answers); /readyz adds that the server is not shutting
// down: from SIGTERM on (cmd/postroom's serve calls Drain before its
// listeners close) it answers 503, so traffic moves elsewhere while the
// transactions in flight finish.

import (
	"fmt"
	"net/http"
	"sync/atomic"
)

// drainFlag is set once the server begins to shut down.
type drainFlag struct{ on atomic.Bool }

// Drain marks the server as shutting down: /readyz answers 503 from now
// on. It cannot be undone (a server that drains stops).
func (s *Server) Drain() { s.draining.on.Store(true) }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	// a load balancer probes again soon; the answer must not be cached
	w.Header().Set("Cache-Control", "no-store")
	if s.draining.on.Load() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if s.Ready != nil {
		if err := s.Ready(r.Context()); err != nil {
			s.log().Warn("readyz", "err", err)
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ready")
}
