package web

// The event stream (E7): the account's committed changes as server-sent
// events, so new mail appears without reloading.
//
// Invariant: a stream lives only as long as its session. It checks the
// session again (auth.Sessions.Check, which is no use of it) when the
// account's sessions change (session.end: a logout, here or on another
// node; account.change: suspended, removed) and at every heartbeat (a
// change nobody announced, the idle time); it ends when the session has
// ended and when the server shuts down (EndStreams), which would
// otherwise wait its whole grace period for the open streams.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"postroom/internal/auth"
	"postroom/internal/events"
)

// heartbeat keeps idle event streams open through proxies, and is how
// often a stream checks its session without news.
const heartbeat = 25 * time.Second

// streams ends the event streams at shutdown, and counts each account's.
type streams struct {
	once, closeOnce sync.Once
	stop            chan struct{}

	mu   sync.Mutex
	open map[int64]int // account id -> streams open on this server
}

// claim counts a new stream of the account; false when it holds max
// already.
func (st *streams) claim(accountID int64, max int) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.open[accountID] >= max {
		return false
	}
	if st.open == nil {
		st.open = map[int64]int{}
	}
	st.open[accountID]++
	return true
}

func (st *streams) release(accountID int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.open[accountID]--; st.open[accountID] <= 0 {
		delete(st.open, accountID)
	}
}

func (st *streams) stopping() <-chan struct{} {
	st.once.Do(func() { st.stop = make(chan struct{}) })
	return st.stop
}

// EndStreams ends every event stream, and refuses new ones, at once: the
// browsers reconnect to the server that comes next. Call it when the HTTP
// server shuts down (http.Server.RegisterOnShutdown).
func (s *Server) EndStreams() {
	s.streams.stopping()
	s.streams.closeOnce.Do(func() { close(s.streams.stop) })
}

func (s *Server) heartbeat() time.Duration {
	if s.beat > 0 {
		return s.beat
	}
	return heartbeat
}

// eventStream sends the account's committed changes as server-sent
// events, until the session or the server ends. A stream is one
// connection held for as long as a tab is open: an account holds at most
// max_event_streams_per_user at once (429 beyond), and a stream is the
// one request that http.read_timeout does not end.
func (s *Server) eventStream(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		s.fail(w, r, http.StatusInternalServerError, "internal")
		return
	}
	stop := s.streams.stopping()
	select {
	case <-stop:
		s.fail(w, r, http.StatusServiceUnavailable, "internal")
		return
	default:
	}
	sess := sessionOf(r)
	if !s.streams.claim(sess.accountID, s.maxStreams()) {
		s.fail(w, r, http.StatusTooManyRequests, "too_many_streams")
		return
	}
	defer s.streams.release(sess.accountID)
	// No body to read: the read deadline only ended the stream early.
	http.NewResponseController(w).SetReadDeadline(time.Time{})
	ch, cancel := s.Events.Subscribe(sess.accountID)
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	tick := time.NewTicker(s.heartbeat())
	defer tick.Stop()
	from := clientOf(r)
	for {
		select {
		case <-r.Context().Done():
			return
		case <-stop:
			return
		case <-tick.C:
			if !s.sessionLive(r, sess, from) {
				return
			}
			fmt.Fprint(w, ": ping\n\n")
		case e := <-ch:
			switch e.Kind {
			case events.SessionEnd, events.AccountChange:
				if !s.sessionLive(r, sess, from) {
					return
				}
				continue // news for the server, not the page
			}
			data, _ := json.Marshal(map[string]any{"kind": e.Kind, "mailbox_id": s.outID(idMailbox, e.MailboxID), "uids": e.UIDs})
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Kind, data)
		}
		flusher.Flush()
	}
}

// sessionLive reports whether the stream's session may go on. The page
// learns that it has ended when it reconnects (401: the login form). A
// store that does not answer ends nothing.
func (s *Server) sessionLive(r *http.Request, sess *session, from auth.Client) bool {
	err := s.Sessions.Check(r.Context(), sess.auth, from)
	switch {
	case err == nil:
		return true
	case errors.Is(err, auth.ErrNoSession), errors.Is(err, auth.ErrAccessDenied):
		return false
	}
	if r.Context().Err() == nil {
		s.log().Warn("event stream: checking the session", "account", sess.accountID, "err", err)
	}
	return true
}
