// Package imapd is the IMAP adapter: IMAP4rev1 and IMAP4rev2 (RFC 3501,
// RFC 9051) on go-imap v2's imapserver, backed by the mailbox service
// (services.go: the interfaces it uses; never the store). It keeps every
// selected session in step with changes made elsewhere (other sessions,
// SMTP delivery, the webmail) through internal/events and the library's
// MailboxTracker (hub.go).
//
// Invariants:
//   - APPEND answers OK only after the blob is fsynced and the metadata
//     committed (the mail service's AppendRaw).
//   - Every field the library may ask for is filled (it panics on nil), see
//     status in mailboxes.go, and fetch.go.
//   - A session's own changes are applied to its mailbox hub before the
//     command completes, so their untagged responses precede the tagged OK.
package imapd

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"postroom/internal/connlimit"
	nextsession "postroom/internal/imapd/session"
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
	// Idle and command timeouts are the library's: 35 minutes in IDLE
	// (RFC 9051 §5.4 asks for at least 30), 30 seconds inside a command.
	Log *slog.Logger
	// Next runs Postroom's own IMAP layer (internal/imapd/session, issue
	// 17) instead of go-imap's server (next.go); Version is what its ID
	// command answers.
	Next    bool
	Version string

	hubs hubs
	// the new layer's (next.go)
	next      *nextsession.Config
	listeners []net.Listener
	liveNext  map[*nextsession.Session]struct{}

	mu       sync.Mutex
	servers  []*imapserver.Server
	perUser  map[int64]int
	live     map[*session]struct{}
	closing  atomic.Bool
	sessions sync.WaitGroup
}

// caps are the capabilities offered (RFC 9051 §7.2.2 and extensions).
var caps = imap.CapSet{
	imap.CapIMAP4rev1:      {},
	imap.CapIMAP4rev2:      {},
	imap.CapNamespace:      {},
	imap.CapUIDPlus:        {},
	imap.CapESearch:        {},
	imap.CapListExtended:   {},
	imap.CapListStatus:     {},
	imap.CapMove:           {},
	imap.CapStatusSize:     {},
	imap.CapChildren:       {},
	imap.CapSpecialUse:     {},
	imap.CapLiteralPlus:    {},
	imap.CapUnauthenticate: {},
	imap.CapBinary:         {},
}

func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

type slogLogger struct{ l *slog.Logger }

func (l slogLogger) Printf(format string, args ...any) {
	l.l.Warn("imap", "msg", sprintf(format, args...))
}

// Serve accepts connections on l until Shutdown; implicitTLS wraps them in
// TLS first (the imaps listener), otherwise STARTTLS is offered.
func (s *Server) Serve(l net.Listener, implicitTLS bool) error {
	if s.Next {
		return s.serveNext(s.limit(l, implicitTLS))
	}
	opts := &imapserver.Options{
		NewSession: s.newSession,
		Caps:       caps,
		Logger:     slogLogger{s.log()},
		// Whether a password may be sent is decided per connection in
		// Login (loopback, allow_plaintext_auth), not by the library.
		InsecureAuth: true,
	}
	if !implicitTLS {
		opts.TLSConfig = s.TLS
	}
	srv := imapserver.New(opts)
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		return nil
	}
	s.servers = append(s.servers, srv)
	s.mu.Unlock()
	err := srv.Serve(s.limit(l, implicitTLS))
	if s.closing.Load() {
		return nil
	}
	return err
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
	servers := append([]*imapserver.Server(nil), s.servers...)
	var live []*session
	for se := range s.live {
		live = append(live, se)
	}
	s.mu.Unlock()
	for _, se := range live {
		se.conn.Bye("Server shutting down, reconnect shortly")
	}
	errs := s.shutdownNext()
	for _, srv := range servers {
		if err := srv.Close(); err != nil {
			errs = append(errs, err)
		}
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

func (s *Server) track(se *session, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live == nil {
		s.live = map[*session]struct{}{}
	}
	if on {
		s.live[se] = struct{}{}
	} else {
		delete(s.live, se)
	}
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
