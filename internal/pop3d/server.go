// Package pop3d is the POP3 adapter (RFC 1939, RFC 2449 CAPA, RFC 2595
// STLS, RFC 5034 SASL PLAIN), our own since no maintained Go library fits.
// POP3 sees INBOX only, as a snapshot taken at login (P4); what a client's
// DELE does at QUIT follows the account's setting: keep (hide from later
// POP3 sessions), move to Trash, or delete. Both rules are the mailbox
// service's (services.go: the interfaces POP3 uses; never the store).
//
// Invariants:
//   - Nothing is deleted or hidden before QUIT in the TRANSACTION state
//     (RFC 1939 §6, the UPDATE state); a dropped connection deletes nothing.
//     What RETR sent whole is marked read in batches, by the end of the
//     session however it ends (retrieved.go).
//   - One POP3 session per account at a time ([IN-USE], RFC 2449 §8.1.1).
//   - A UIDL is the message's row id: it survives moves between folders.
package pop3d

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"

	"postroom/internal/connlimit"
	"postroom/internal/quickack"
)

// Server runs the POP3 listeners.
type Server struct {
	Hostname      string
	Mail          Mailboxes
	Auth          Logins
	TLS           *tls.Config
	MaxConnsPerIP int
	// Budget is the connections all listeners share (nil: no limit).
	Budget *connlimit.Budget
	Log    *slog.Logger

	closing   atomic.Bool
	mu        sync.Mutex
	listeners []net.Listener
	conns     map[*conn]struct{}
	inUse     map[int64]bool
	wg        sync.WaitGroup
}

func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Serve accepts connections on l until Shutdown; implicitTLS wraps them in
// TLS first (the pop3s listener), otherwise STLS is offered.
func (s *Server) Serve(l net.Listener, implicitTLS bool) error {
	// Accept waits out a shortage of descriptors (connlimit): an error
	// it returns is the listener's end.
	cl := connlimit.New(quickack.Listener(l), s.MaxConnsPerIP, "-ERR [SYS/TEMP] Too many connections from your address\r\n")
	cl.Budget, cl.Busy, cl.Log, cl.Name = s.Budget, "-ERR [SYS/TEMP] Server too busy, try again later\r\n", s.Log, "pop3" // RFC 3206 §4
	if implicitTLS {
		cl.Name = "pop3s"
	}
	l = cl
	if implicitTLS {
		l = tls.NewListener(l, s.TLS)
	}
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		l.Close()
		return nil
	}
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.closing.Load() || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		c := newConn(s, nc, implicitTLS)
		s.mu.Lock()
		if s.conns == nil {
			s.conns = map[*conn]struct{}{}
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			c.serve()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// Shutdown stops accepting, ends every session without applying its
// deletions (the client did not QUIT, RFC 1939 §6) and waits for them.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	s.mu.Lock()
	for _, l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		c.interrupt()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// lock takes the account's maildrop for one session.
func (s *Server) lock(accountID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inUse == nil {
		s.inUse = map[int64]bool{}
	}
	if s.inUse[accountID] {
		return false
	}
	s.inUse[accountID] = true
	return true
}

func (s *Server) unlock(accountID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inUse, accountID)
}
