package web

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"postroom/internal/metrics"
)

// metricsEndpoint serves GET /metrics (Prometheus, issue 19). With
// MetricsToken set it asks for that bearer token (compared in constant
// time); without, it answers only a client on this machine that no proxy
// forwarded, so that a reverse proxy in front of the server never hands
// the numbers to the internet. Others get 404, as if there were none.
func (s *Server) metricsEndpoint(w http.ResponseWriter, r *http.Request) {
	if !s.metricsAllowed(r) {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	metrics.Handler().ServeHTTP(w, r)
}

func (s *Server) metricsAllowed(r *http.Request) bool {
	if s.MetricsToken != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.MetricsToken)) == 1
	}
	return isLoopback(r.RemoteAddr) && r.Header.Get("X-Forwarded-For") == "" && r.Header.Get("Forwarded") == ""
}

// timed records each request's time and status under its route's
// pattern (metrics.HTTPRequest): the pattern, not the path, so that ids
// make no series of their own.
func timed(pattern string, next http.Handler) http.Handler {
	method, route, _ := strings.Cut(pattern, " ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		metrics.HTTPRequest(route, method, sw.status, time.Since(start))
	})
}

// statusWriter remembers the status a handler answered. It passes
// flushes on (the event stream) and unwraps for http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
