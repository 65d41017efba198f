// Package smtpd is the SMTP adapter, a server of its own (conn.go,
// commands.go): the MX listener that receives
// mail for hosted domains (RFC 5321; never relays, no AUTH) and the
// submission listeners for mail clients (RFC 6409 on 587 with STARTTLS,
// RFC 8314 implicit TLS on 465) with AUTH PLAIN and LOGIN. It translates
// the protocol to calls of the delivery pipeline (MX), the send service
// (submission) and auth, and their errors to replies; it decides no policy
// of its own.
//
// Invariant: 250 after DATA/BDAT is sent only after deliver returned, that
// is after the blob was fsynced and the metadata committed (X4).
package smtpd

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"postroom/internal/auth"
	"postroom/internal/connlimit"
	"postroom/internal/quickack"
	"postroom/internal/readahead"
)

// Role says what a listener is for.
type Role int

const (
	RoleMX          Role = iota // port 25: hosted domains only, no AUTH
	RoleSubmission              // port 587: STARTTLS, AUTH required
	RoleSubmissions             // port 465: implicit TLS, AUTH required
)

func (r Role) String() string {
	return [...]string{"smtp", "submission", "submissions"}[r]
}

// MaxLineLength is the longest line of a message, far above the 1000 of
// RFC 5321 §4.5.3.1.6: real mailers send longer unwrapped lines, and
// refusing them loses mail.
const MaxLineLength = 1 << 20

// Server runs the SMTP listeners.
type Server struct {
	Hostname       string
	Deliver        Delivery // the MX's
	Send           Sending  // submission's
	Auth           *auth.Authenticator
	TLS            *tls.Config
	MaxMessageSize int64
	MaxRecipients  int
	MaxConnsPerIP  int
	// Budget is the connections all listeners share (nil: no limit).
	Budget *connlimit.Budget
	// Spool is the directory where messages wait while they arrive
	// (spool.go); the system's temporary directory when empty.
	Spool string
	// MaxInFlight bounds the memory that received messages being
	// delivered hold at once (spool.go: deliver.MemoryCost of each); what
	// two messages of MaxMessageSize cost when 0.
	MaxInFlight int64
	Log         *slog.Logger

	closing   atomic.Bool
	inFlight  byteBudget
	arriving  byteBudget // messages arriving in memory past spoolInMemory (spool.go)
	mu        sync.Mutex
	listeners []net.Listener
	sessions  map[*session]struct{}
	conns     sync.WaitGroup // the accept loops and serveConn of every connection

	baseOnce sync.Once
	base     context.Context    // the work of every command; ends when Shutdown gives up
	stop     context.CancelFunc // ends base
}

// context returns the context of a command's work: it ends after d, or
// when Shutdown closes what is left.
func (s *Server) context(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(s.baseContext(), d)
}

func (s *Server) baseContext() context.Context {
	s.baseOnce.Do(func() { s.base, s.stop = context.WithCancel(context.Background()) })
	return s.base
}

// Serve accepts connections on l for a role until Shutdown. For
// RoleSubmissions the caller passes a plain listener; TLS is added here.
func (s *Server) Serve(l net.Listener, role Role) error {
	cl := connlimit.New(readahead.Listener(quickack.Listener(l)), s.MaxConnsPerIP, "421 4.7.0 Too many connections from your address, try again later\r\n")
	cl.Budget, cl.Busy, cl.Log, cl.Name = s.Budget, "421 4.3.2 Too busy, try again later\r\n", s.Log, role.String() // RFC 3463 §3.5
	l = cl
	if role == RoleSubmissions {
		l = tls.NewListener(l, s.TLS)
	}
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		l.Close()
		return nil
	}
	s.listeners = append(s.listeners, l)
	// The accept loop counts as a connection, so that the count is not
	// zero while a connection may still be added (sync.WaitGroup's rule).
	s.conns.Add(1)
	defer s.conns.Done()
	s.mu.Unlock()
	var pause time.Duration // after a failed accept, as net/http does
	for {
		c, err := l.Accept()
		if err != nil {
			if s.closing.Load() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				pause = min(max(2*pause, 5*time.Millisecond), time.Second)
				s.log().Warn("smtp accept", "listener", role.String(), "err", err, "pause", pause)
				time.Sleep(pause)
				continue
			}
			return err
		}
		pause = 0
		s.conns.Add(1)
		go func() {
			defer s.conns.Done()
			s.serveConn(c, role)
		}()
	}
}

// Shutdown stops accepting connections, lets transactions in flight finish,
// answers 421 to idle clients and to new transactions (RFC 5321 §3.8), and
// closes whatever is left when ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	s.mu.Lock()
	for _, l := range s.listeners {
		l.Close()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.conns.Wait()
		close(done)
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		s.rejectIdle()
		select {
		case <-done:
			return nil
		case <-ctx.Done():
			s.baseContext()
			s.stop() // the work still in flight ends too
			s.mu.Lock()
			for sess := range s.sessions {
				sess.raw.Close()
			}
			s.mu.Unlock()
			<-done
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func (s *Server) rejectIdle() {
	s.mu.Lock()
	var idle []*session
	for sess := range s.sessions {
		idle = append(idle, sess)
	}
	s.mu.Unlock()
	for _, sess := range idle {
		sess.rejectIfIdle()
	}
}

func (s *Server) track(sess *session, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions == nil {
		s.sessions = map[*session]struct{}{}
	}
	if on {
		s.sessions[sess] = struct{}{}
	} else {
		delete(s.sessions, sess)
	}
}

func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
