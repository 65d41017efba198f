package imapd

// The switch to Postroom's own IMAP protocol layer (issue 17,
// internal/imapd/session): with Server.Next set, Serve accepts connections
// itself and runs a nextsession.Session on each, keeping the listeners, TLS,
// the connection budget, the per-IP and per-user limits, quick ACKs and
// Shutdown's BYE of the go-imap path. The go-imap path stays the default
// until the new layer passes every interop test.

import (
	"errors"
	"net"
	"os"
	"time"

	nextsession "postroom/internal/imapd/session"
)

// NextFromEnv reports whether POSTROOM_TEST_IMAP=next asks for the new
// layer: the interop suite runs the server binary with it to test the
// new sessions before they become the default.
func NextFromEnv() bool { return os.Getenv("POSTROOM_TEST_IMAP") == "next" }

// nextConfig is the configuration every new session shares.
func (s *Server) nextConfig() *nextsession.Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next == nil {
		s.next = &nextsession.Config{Mail: s.Mail, Auth: s.Auth, Events: s.Events, TLS: s.TLS,
			MaxMessageSize: s.MaxMessageSize, Hubs: &nextsession.Hubs{}, Log: s.log(), Version: s.Version,
			Admit: func(accountID int64) (func(), bool) {
				if !s.claimUser(accountID) {
					return nil, false
				}
				return func() { s.releaseUser(accountID) }, true
			}}
	}
	return s.next
}

// serveNext accepts connections on l (already limited, TLS-wrapped for
// imaps) and runs a session on each until Shutdown.
func (s *Server) serveNext(l net.Listener) error {
	cfg := s.nextConfig()
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		return nil
	}
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	var delay time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			if s.closing.Load() || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// too many open files and the like: wait, as net/http does
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		se := nextsession.New(cfg, c)
		s.mu.Lock()
		if s.closing.Load() {
			s.mu.Unlock()
			se.Shutdown()
			go se.Serve() // says BYE and closes
			continue
		}
		if s.liveNext == nil {
			s.liveNext = map[*nextsession.Session]struct{}{}
		}
		s.liveNext[se] = struct{}{}
		// under mu, before Shutdown (which sets closing first) can Wait
		s.sessions.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.sessions.Done()
			_ = se.Serve()
			s.mu.Lock()
			delete(s.liveNext, se)
			s.mu.Unlock()
		}()
	}
}

// shutdownNext closes the new layer's listeners and says BYE to its
// sessions.
func (s *Server) shutdownNext() []error {
	s.mu.Lock()
	listeners := append([]net.Listener(nil), s.listeners...)
	live := make([]*nextsession.Session, 0, len(s.liveNext))
	for se := range s.liveNext {
		live = append(live, se)
	}
	s.mu.Unlock()
	var errs []error
	for _, l := range listeners {
		if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	for _, se := range live {
		se.Shutdown()
	}
	return errs
}
