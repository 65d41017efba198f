package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// heartbeat keeps idle event streams open through proxies.
const heartbeat = 25 * time.Second

// eventStream sends the account's committed changes as server-sent
// events, so new mail appears without reloading (E7).
func (s *Server) eventStream(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		s.fail(w, r, http.StatusInternalServerError, "internal")
		return
	}
	ch, cancel := s.Events.Subscribe(sessionOf(r).accountID)
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			fmt.Fprint(w, ": ping\n\n")
		case e := <-ch:
			data, _ := json.Marshal(map[string]any{"kind": e.Kind, "mailbox_id": e.MailboxID, "uids": e.UIDs})
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Kind, data)
		}
		flusher.Flush()
	}
}

// healthz answers load balancers: the store answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Store.Domains(r.Context()); err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}
