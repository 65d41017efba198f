// Package imapd runs the IMAP listeners: it accepts connections (plain
// with STARTTLS, or implicit TLS), applies the connection limits (per
// IP, per user, the server-wide budget) and quick ACKs, and runs one
// session of Postroom's own IMAP layer on each (internal/imapd/session:
// IMAP4rev1 and IMAP4rev2 with their extensions, on the mailbox service).
// Shutdown says BYE to every session.
//
// The protocol itself lives below: wire (parser and writer), view (a
// session's sequence numbers and pending responses), order (SORT and
// THREAD), bodypart (message structure) and session (the commands).
package imapd

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"postroom/internal/connlimit"
	"postroom/internal/imapd/session"
	"postroom/internal/quickack"
)

// Server runs the IMAP listeners.
type Server struct {
	Mail   Mailboxes
	Events Events
	Auth   Logins
	TLS    *tls.Config
	// MaxMessageSize is the APPENDLIMIT announced (RFC 7889); the mailbox
	// service enforces its own (the same config value).
	MaxMessageSize int64
	MaxConnsPerIP  int
	// Budget is the connections all listeners share (nil: no limit).
	Budget *connlimit.Budget
	// MaxConnsPerUser limits simultaneous logged-in sessions per account
	// (phones and desktop clients open several each).
	MaxConnsPerUser int
	Log             *slog.Logger
	// Version is what the ID command answers (RFC 2971).
	Version string

	mu        sync.Mutex
	cfg       *session.Config
	listeners []net.Listener
	live      map[*session.Session]struct{}
	perUser   map[int64]int
	closing   atomic.Bool
	sessions  sync.WaitGroup
}

func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// config is the configuration every session shares; its Hubs are the
// selected mailboxes' shared state.
func (s *Server) config() *session.Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg == nil {
		s.cfg = &session.Config{Mail: s.Mail, Auth: s.Auth, Events: s.Events, TLS: s.TLS,
			MaxMessageSize: s.MaxMessageSize, Hubs: &session.Hubs{}, Log: s.log(), Version: s.Version,
			Admit: func(accountID int64) (func(), bool) {
				if !s.claimUser(accountID) {
					return nil, false
				}
				return func() { s.releaseUser(accountID) }, true
			}}
	}
	return s.cfg
}

// Serve accepts connections on l until Shutdown; implicitTLS wraps them in
// TLS first (the imaps listener), otherwise STARTTLS is offered.
func (s *Server) Serve(l net.Listener, implicitTLS bool) error {
	l = s.limit(l, implicitTLS)
	cfg := s.config()
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
		se := session.New(cfg, c)
		s.mu.Lock()
		if s.closing.Load() {
			s.mu.Unlock()
			se.Shutdown()
			go se.Serve() // says BYE and closes
			continue
		}
		if s.live == nil {
			s.live = map[*session.Session]struct{}{}
		}
		s.live[se] = struct{}{}
		// under mu, before Shutdown (which sets closing first) can Wait
		s.sessions.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.sessions.Done()
			_ = se.Serve()
			s.mu.Lock()
			delete(s.live, se)
			s.mu.Unlock()
		}()
	}
}

// limit wraps l in quick ACKs, the per-IP and the server's connection
// limits, and TLS for the imaps listener.
func (s *Server) limit(l net.Listener, implicitTLS bool) net.Listener {
	cl := connlimit.New(quickack.Listener(l), s.MaxConnsPerIP, "* BYE [UNAVAILABLE] Too many connections from your address\r\n")
	cl.Budget, cl.Busy, cl.Log, cl.Name = s.Budget, "* BYE [UNAVAILABLE] Server too busy, try again later\r\n", s.Log, "imap" // RFC 5530 §3
	if implicitTLS {
		cl.Name = "imaps"
	}
	l = cl
	if implicitTLS {
		l = tls.NewListener(l, s.TLS)
	}
	return l
}

// Shutdown stops accepting connections and says BYE to every session
// (RFC 9051 §7.1.5); IMAP clients reconnect and resynchronise by UID. A
// command cut short was not acknowledged, so nothing acknowledged is lost.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	s.mu.Lock()
	listeners := append([]net.Listener(nil), s.listeners...)
	live := make([]*session.Session, 0, len(s.live))
	for se := range s.live {
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
	done := make(chan struct{})
	go func() { s.sessions.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, ctx.Err())
	}
	return errors.Join(errs...)
}

// claimUser counts a logged-in session against the per-user limit.
func (s *Server) claimUser(accountID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perUser == nil {
		s.perUser = map[int64]int{}
	}
	if s.MaxConnsPerUser > 0 && s.perUser[accountID] >= s.MaxConnsPerUser {
		return false
	}
	s.perUser[accountID]++
	return true
}

func (s *Server) releaseUser(accountID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perUser[accountID]--; s.perUser[accountID] <= 0 {
		delete(s.perUser, accountID)
	}
}
