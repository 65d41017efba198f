package imapd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"runtime"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-sasl"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/store"
)

// session is one IMAP connection.
type session struct {
	s    *Server
	conn *imapserver.Conn
	ctx  context.Context
	stop context.CancelFunc

	acct     *store.Account
	selected *selection // nil unless a mailbox is selected
}

var _ interface {
	imapserver.SessionIMAP4rev2
	imapserver.SessionSASL
	imapserver.SessionAppendLimit
	imapserver.SessionUnauthenticate
} = (*session)(nil)

func (s *Server) newSession(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
	if s.closing.Load() {
		return nil, nil, errShuttingDown
	}
	s.sessions.Add(1)
	ctx, cancel := context.WithCancel(context.Background())
	se := &session{s: s, conn: c, ctx: ctx, stop: cancel}
	s.track(se, true)
	return loginChecked{se}, nil, nil // every command checks the login first (login_check.go)
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// who is the actor of the session's service calls: its logged-in account.
func (se *session) who() actor.Actor { return actor.User(se.acct) }

// Close implements imapserver.Session.
func (se *session) Close() error {
	se.unselect()
	if se.acct != nil {
		se.s.releaseUser(se.acct.ID)
		se.acct = nil
	}
	se.stop()
	se.s.track(se, false)
	se.s.sessions.Done()
	return nil
}

// Login implements imapserver.Session (LOGIN, and AUTHENTICATE PLAIN via
// Authenticate).
func (se *session) Login(username, password string) error {
	if se.acct != nil {
		return errAlreadyAuthenticated
	}
	acct, err := se.s.Auth.Login(se.ctx, auth.Request{
		Address: username, Password: password, Protocol: auth.ProtoIMAP,
		Remote: se.conn.NetConn().RemoteAddr(), TLS: isTLS(se.conn.NetConn()),
	})
	if err != nil {
		se.s.log().Info("imap login refused", "user", username, "remote", se.conn.NetConn().RemoteAddr().String(), "err", err)
		return loginError(err)
	}
	if !se.s.claimUser(acct.ID) {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeLimit,
			Text: "Too many connections for this account; close another mail client"}
	}
	se.acct = acct
	return nil
}

// AuthenticateMechanisms implements imapserver.SessionSASL.
func (se *session) AuthenticateMechanisms() []string {
	if !se.s.Auth.PlaintextAllowed(se.conn.NetConn().RemoteAddr(), isTLS(se.conn.NetConn())) {
		return nil
	}
	return []string{sasl.Plain}
}

// Authenticate implements imapserver.SessionSASL.
func (se *session) Authenticate(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "Unsupported SASL mechanism; use PLAIN"}
	}
	return plainServer{sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && identity != username {
			return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthorizationFailed,
				Text: "Logging in as another user is not supported"}
		}
		return se.Login(username, password)
	})}, nil
}

// plainServer answers a PLAIN response that is not three NUL-separated
// fields (go-sasl's "invalid response") as the client's error it is
// (RFC 9051 §6.2.2: BAD for invalid arguments), not as the library's
// NO [SERVERBUG]. Login's own answers pass through.
type plainServer struct{ sasl.Server }

func (p plainServer) Next(response []byte) ([]byte, bool, error) {
	challenge, done, err := p.Server.Next(response)
	if ie := (*imap.Error)(nil); err != nil && !errors.As(err, &ie) {
		err = &imap.Error{Type: imap.StatusResponseTypeBad, Code: imap.ResponseCodeClientBug,
			Text: "Malformed PLAIN response: want authorization identity, user name and password separated by NUL"}
	}
	return challenge, done, err
}

// Unauthenticate implements imapserver.SessionUnauthenticate (RFC 8437).
func (se *session) Unauthenticate() error {
	se.unselect()
	if se.acct != nil {
		se.s.releaseUser(se.acct.ID)
		se.acct = nil
	}
	return nil
}

// AppendLimit implements imapserver.SessionAppendLimit (RFC 7889). The
// library asks it two things with one method: the APPENDLIMIT= of
// CAPABILITY, which is the real limit (max_message_size), and the size
// above which APPEND refuses a literal without reading it. That second one
// must not be our limit: with LITERAL+ the client sends the literal
// whatever the answer, and the library would read its lines as commands
// (a message synced by mbsync could run commands in the user's session).
// So inside the library's APPEND (told apart by the call stack: the
// library offers no other way) the answer is the largest literal it can
// take; Append reads every literal to its end and refuses what is over
// MaxMessageSize with NO [TOOBIG]. A literal over 4 GiB - 1 is still
// refused unread by the library (its limit is a uint32).
func (se *session) AppendLimit() uint32 {
	if inLibraryAppend() || se.s.MaxMessageSize <= 0 {
		return 1<<32 - 1
	}
	return uint32(min(se.s.MaxMessageSize, 1<<32-1))
}

// libraryAppend is the function of go-imap's imapserver that handles
// APPEND (v2.0.0-beta.8); TestAppendLimit_isMaxMessageSize and
// TestAppend_overLimitLiteralPlusIsReadNotRun fail if a new version
// renames it.
const libraryAppend = "github.com/emersion/go-imap/v2/imapserver.(*Conn).handleAppend"

// inLibraryAppend reports whether AppendLimit was called by the library's
// APPEND handler.
func inLibraryAppend() bool {
	var pcs [4]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs[:])])
	for {
		f, more := frames.Next()
		if f.Function == libraryAppend {
			return true
		}
		if !more {
			return false
		}
	}
}

// Namespace implements imapserver.SessionNamespace (RFC 2342): one personal
// namespace, no shared folders yet. Every field is filled: the library
// panics on nil.
func (se *session) Namespace() (*imap.NamespaceData, error) {
	return &imap.NamespaceData{
		Personal: []imap.NamespaceDescriptor{{Prefix: "", Delim: delim}},
		Other:    []imap.NamespaceDescriptor{},
		Shared:   []imap.NamespaceDescriptor{},
	}, nil
}

func isTLS(c net.Conn) bool {
	_, ok := c.(*tls.Conn)
	return ok
}

var (
	errShuttingDown         = &imap.Error{Type: imap.StatusResponseTypeBye, Code: imap.ResponseCodeUnavailable, Text: "Server shutting down"}
	errAlreadyAuthenticated = &imap.Error{Type: imap.StatusResponseTypeBad, Text: "Already authenticated"}
)

// loginError translates a refusal into the response RFC 5530 codes name.
func loginError(err error) error {
	no := func(code imap.ResponseCode, text string) error {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: code, Text: text}
	}
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		return no(imap.ResponseCodeAuthenticationFailed, "Invalid address or password")
	case errors.Is(err, auth.ErrSuspended):
		return no(imap.ResponseCodeContactAdmin, "This account is suspended; contact your mail administrator")
	case errors.Is(err, auth.ErrClientAccessOff):
		return no(imap.ResponseCodeContactAdmin, "Mail client access is turned off for this account (Settings > Mail server information > Use mail clients)")
	case errors.Is(err, auth.ErrTLSRequired):
		return no(imap.ResponseCodePrivacyRequired, "Use STARTTLS or port 993 before sending a password")
	case errors.Is(err, auth.ErrTooManyFailures):
		return no(imap.ResponseCodeUnavailable, "Too many failed logins for this account or from your address; try again later")
	case errors.Is(err, auth.ErrBusy):
		return no(imap.ResponseCodeUnavailable, "Too many logins at once; try again in a few seconds")
	}
	return no(imap.ResponseCodeUnavailable, "Temporary problem, try again later")
}
