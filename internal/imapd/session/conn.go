package session

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"postroom/internal/auth"
	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
)

// The connection loop: greeting, reading commands, dispatching them by
// state, and the tagged status after the view's pending updates.

const (
	defaultIdleTimeout    = 30 * time.Minute // RFC 9051 §5.4: at least 30 minutes
	defaultCommandTimeout = 30 * time.Second
	// maxBad is how many commands in a row may be answered BAD before the
	// server gives up on the client (item 12: a client with a bug gets
	// BAD and keeps the connection, one sending garbage does not).
	maxBad = 20
)

// New returns the session of conn. A *tls.Conn is taken for implicit TLS
// (port 993): STARTTLS is then neither offered nor accepted.
func New(cfg *Config, conn net.Conn) *Session {
	ctx, cancel := context.WithCancel(context.Background())
	_, isTLS := conn.(*tls.Conn)
	s := &Session{cfg: cfg, ctx: ctx, cancel: cancel, conn: conn, raw: conn, tls: isTLS,
		stop: make(chan struct{}), enabled: map[string]bool{}}
	s.br = bufio.NewReader(conn)
	s.r = wire.NewReader(s.br, s.limits())
	s.r.Continue = s.continueLiteral
	s.r.ReadRefused = true
	s.w = wire.NewWriter(s.writeTarget(conn))
	return s
}

// limits are the Reader's: a message literal above MaxMessageSize is
// refused before it is read (NO [TOOBIG]).
func (s *Session) limits() wire.Limits {
	l := wire.DefaultLimits
	if n := s.cfg.MaxMessageSize; n > 0 {
		l.MaxLiteral = n
		l.MaxAppendTotal = max(l.MaxAppendTotal, n)
		// a LITERAL+ message over the limit is skipped, not run as commands
		l.MaxSkip = max(l.MaxSkip, n+1<<20)
	}
	return l
}

// continueLiteral answers a synchronising literal the Reader accepted
// (RFC 9051 §7.5).
func (s *Session) continueLiteral(string, int64) error {
	if err := s.w.Continue("Ready for literal data"); err != nil {
		return err
	}
	return s.w.Flush()
}

func (s *Session) idleTimeout() time.Duration {
	if s.cfg.IdleTimeout > 0 {
		return s.cfg.IdleTimeout
	}
	return defaultIdleTimeout
}

func (s *Session) commandTimeout() time.Duration {
	if s.cfg.CommandTimeout > 0 {
		return s.cfg.CommandTimeout
	}
	return defaultCommandTimeout
}

// deadlineWriter bounds every write to the client: one that does not read
// its responses does not hold the session forever.
type deadlineWriter struct {
	c net.Conn
	d time.Duration
}

func (w deadlineWriter) Write(p []byte) (int, error) {
	_ = w.c.SetWriteDeadline(time.Now().Add(w.d))
	return w.c.Write(p)
}

func (s *Session) writeTarget(c net.Conn) deadlineWriter {
	return deadlineWriter{c, s.commandTimeout()}
}

// Account is the logged-in account's id, 0 before login (the server's
// per-user bookkeeping).
func (s *Session) Account() int64 {
	if s.acct == nil {
		return 0
	}
	return s.acct.ID
}

// Shutdown asks the session to say BYE and close (RFC 9051 §7.1.5): at
// once when it waits for a command or is in IDLE, after the command in
// progress otherwise. Safe to call from any goroutine, more than once.
func (s *Session) Shutdown() {
	s.stopOnce.Do(func() {
		close(s.stop)
		// wakes a read in progress; the loop sets its own deadline only
		// before checking stop, so this one is never overwritten unseen
		_ = s.raw.SetReadDeadline(time.Now())
	})
}

func (s *Session) stopping() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

func (s *Session) log() interface {
	Info(string, ...any)
	Error(string, ...any)
} {
	if s.cfg.Log != nil {
		return s.cfg.Log
	}
	return nopLog{}
}

type nopLog struct{}

func (nopLog) Info(string, ...any)  {}
func (nopLog) Error(string, ...any) {}

// bye sends an untagged BYE.
func (s *Session) bye(code wire.Code, text string) {
	_ = s.w.Status("", "BYE", code, text)
	_ = s.w.Flush()
}

// Serve runs the session until the client logs out, the connection
// breaks or the server shuts down; it closes the connection.
func (s *Session) Serve() (err error) {
	defer s.end()
	// A bug that panics ends this connection, not the server with every
	// other user's sessions: the client gets BYE [SERVERBUG] and
	// reconnects; the stack goes to the log.
	defer func() {
		if r := recover(); r != nil {
			s.log().Error("imap session panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			s.bye(wire.CodeServerBug, "Internal error; please reconnect")
			err = fmt.Errorf("imap session: panic: %v", r)
		}
	}()
	if s.stopping() {
		s.bye(wire.CodeUnavailable, "Server shutting down")
		return nil
	}
	if err := s.w.Status("", "OK", wire.CodeCapability(s.capabilities()...), "Postroom IMAP ready"); err != nil {
		return err
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	for {
		_ = s.conn.SetReadDeadline(time.Now().Add(s.idleTimeout()))
		if s.stopping() {
			s.bye(wire.Code{}, "Server shutting down, reconnect shortly")
			return nil
		}
		cmd, err := s.r.ReadCommand()
		if err != nil {
			var we *wire.Error
			if !errors.As(err, &we) {
				return s.readFailed(err)
			}
			if err := s.w.Refused(we); err != nil {
				return err
			}
			if we.Fatal {
				s.bye(wire.Code{}, "Cannot read the command stream any more; reconnect")
				return nil
			}
			if err := s.w.Flush(); err != nil {
				return err
			}
			if we.Status == "BAD" && s.tooManyBad() {
				return nil
			}
			continue
		}
		if done, err := s.run(cmd); done || err != nil {
			return err
		}
	}
}

// readFailed ends the session after a read error: the server shutting
// down, an idle client (autologout, RFC 9051 §5.4), or a closed connection.
func (s *Session) readFailed(err error) error {
	if s.stopping() {
		s.bye(wire.Code{}, "Server shutting down, reconnect shortly")
		return nil
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		s.bye(wire.Code{}, "Autologout; idle for too long")
		return nil
	}
	return nil // the client went away
}

// tooManyBad counts a BAD answer; past maxBad in a row it says BYE.
func (s *Session) tooManyBad() bool {
	s.bad++
	if s.bad < maxBad {
		return false
	}
	s.bye(wire.Code{}, "Too many invalid commands")
	return true
}

// run dispatches one command; done ends the session.
func (s *Session) run(cmd *wire.Command) (done bool, err error) {
	c, found := commands[cmd.Name]
	var st *Status
	var after func() error
	switch {
	case !found:
		st = &Status{"BAD", wire.Code{}, "Unknown command"}
	case !slices.Contains(c.states, s.state):
		st = &Status{"BAD", wire.Code{}, s.wrongState()}
	default:
		// LOGOUT is always possible, whatever the store says of the login
		var err error
		if cmd.Name != "LOGOUT" {
			err = s.loginHolds()
		}
		if err != nil {
			if errors.Is(err, errLoginEnded) {
				return true, nil
			}
			st, _ = statusOf(err)
			break
		}
		herr := c.run(s, cmd)
		if errors.Is(herr, errLoginEnded) || errors.Is(herr, errClosed) {
			return true, nil
		}
		var hs *handled
		if errors.As(herr, &hs) {
			herr, after = hs.err, hs.after
		}
		if herr != nil {
			var known bool
			st, known = statusOf(herr)
			if !known {
				s.log().Error("imap command", "command", cmd.Name, "user", s.user(), "err", herr)
			}
		}
	}
	if st == nil {
		st = &Status{"OK", wire.Code{}, strings.ToUpper(cmd.Name[:1]) + strings.ToLower(cmd.Name[1:]) + " completed"}
	}
	if st.Status == "BAD" {
		if s.tooManyBad() {
			return true, nil
		}
	} else {
		s.bad = 0
	}
	if s.state == Logout {
		_ = s.w.Status(cmd.Tag, st.Status, st.Code, st.Text)
		_ = s.w.Flush()
		return true, nil
	}
	if err := s.updates(cmd.Name); err != nil {
		if errors.Is(err, errLoginEnded) {
			return true, nil
		}
		s.log().Error("imap updates", "user", s.user(), "err", err)
	}
	if err := s.w.Status(cmd.Tag, st.Status, st.Code, st.Text); err != nil {
		return true, err
	}
	if err := s.w.Flush(); err != nil {
		return true, err
	}
	if after != nil {
		if err := after(); err != nil {
			s.log().Info("imap", "user", s.user(), "err", err)
			return true, nil
		}
	}
	return false, nil
}

// handled is a handler's error carrying work to do after the tagged
// response went out (STARTTLS and COMPRESS switch the stream then).
type handled struct {
	err   error
	after func() error
}

func (h *handled) Error() string { return fmt.Sprint(h.err) }

// errClosed ends the session without a tagged response (the handler
// closed the connection or it broke mid-response).
var errClosed = errors.New("imap session: connection closed")

func (s *Session) wrongState() string {
	switch s.state {
	case NotAuthenticated:
		return "Log in first"
	case Selected, Authenticated:
		if s.sel == nil {
			return "Select a mailbox first, or this command is not valid after login"
		}
		return "Command not valid in the selected state"
	}
	return "Command not valid in this state"
}

func (s *Session) user() string {
	if s.acct == nil {
		return ""
	}
	return s.acct.Address()
}

// updates drains the events and writes the selected view's pending
// untagged responses, before a tagged status (or during IDLE: command
// "IDLE").
func (s *Session) updates(command string) error {
	if s.sel == nil {
		return nil
	}
	if err := s.drain(); err != nil {
		if errors.Is(err, errLoginEnded) {
			return err
		}
		s.log().Error("imap events", "user", s.user(), "err", err)
	}
	if s.sel == nil {
		return nil
	}
	// RFC 5267 §4.3.4: REMOVEFROM of expunged messages before their
	// EXPUNGE; §4.3.3: ADDTO of new ones after their EXISTS
	if err := s.contextRemovals(); err != nil {
		return err
	}
	name, uid := strings.CutPrefix(command, "UID ")
	for _, r := range s.sel.view.Pending(view.MayExpunge(name, uid, command != "IDLE" && s.seqCommandQueued())) {
		if err := r.Write(s.w); err != nil {
			return err
		}
	}
	return s.contextChanges()
}

// seqCommandQueued reports whether the client already sent (pipelined) a
// command that uses sequence numbers (RFC 9051 §5.5): an EXPUNGE now
// would change what its numbers mean.
func (s *Session) seqCommandQueued() bool {
	n := s.br.Buffered()
	if n == 0 {
		return false
	}
	buf, _ := s.br.Peek(n)
	for len(buf) > 0 {
		line := buf
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			line, buf = buf[:i], buf[i+1:]
		} else {
			buf = nil
		}
		f := strings.Fields(strings.ToUpper(string(line)))
		if len(f) >= 2 && seqCommands[f[1]] {
			return true
		}
	}
	return false
}

// seqCommands are the commands marked seq in the dispatch table (a
// separate set: the table refers to handlers that refer to this).
var seqCommands = map[string]bool{"FETCH": true, "STORE": true, "SEARCH": true, "SORT": true,
	"THREAD": true, "COPY": true, "MOVE": true}

// loginHolds checks before a command that the session's login still
// holds (issue 13): once the account is suspended or removed, its mail
// clients turned off or its password changed, the session says BYE.
func (s *Session) loginHolds() error {
	if s.acct == nil {
		return nil
	}
	err := s.cfg.Auth.Recheck(s.ctx, s.acct, auth.ProtoIMAP)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, auth.ErrLoginEnded):
		return s.loginEnded(err)
	default:
		s.log().Error("imap recheck", "user", s.user(), "err", err)
		return &Status{"NO", wire.CodeUnavailable, "Temporary problem, try again later"}
	}
}

// loginEnded says BYE for a login that ended and returns errLoginEnded.
func (s *Session) loginEnded(why error) error {
	s.log().Info("imap login ended", "user", s.user(), "why", why)
	s.bye(wire.Code{}, "Your login has ended: the account was suspended or its password changed; log in again")
	return errLoginEnded
}

// end ends the session: the selected mailbox, the per-user claim, the
// connection.
func (s *Session) end() {
	s.deselect()
	if s.release != nil {
		s.release()
		s.release = nil
	}
	s.cancel()
	_ = s.conn.Close()
}
