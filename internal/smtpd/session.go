package smtpd

import (
	"bufio"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-sasl"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/deliver"
	"postroom/internal/send"
	"postroom/internal/store"
)

// session is one SMTP connection: its wire (conn.go) and the state of
// its transaction.
type session struct {
	s    *Server
	role Role
	raw  net.Conn   // as accepted: its deadlines reach the TLS above it
	nc   *timedConn // what is read and written: raw, or TLS over it
	r    *bufio.Reader
	w    *bufio.Writer
	id   string

	helo  string
	errs  int  // protocol errors (conn.go)
	quit  bool // the connection ends after the replies written
	rcpts int  // RCPTs accepted in this transaction

	user *store.Account // authenticated account (submission)

	mu     sync.Mutex // guards busy against Shutdown's rejectIdle
	busy   bool       // inside a transaction (after MAIL)
	closed bool

	from  string
	size  int64 // SIZE= of MAIL (RFC 1870), 0 when not given
	utf8  bool
	local []*deliver.Recipient // the MX's recipients
	env   *send.Envelope       // submission's sender and recipients
}

// mailOptions are the parameters of MAIL that mean something here.
type mailOptions struct {
	size int64 // SIZE=
	utf8 bool  // SMTPUTF8
}

// actor is the authenticated user, who sends on submission.
func (se *session) actor() actor.Actor { return actor.User(se.user) }

func newSession(s *Server, role Role, raw net.Conn) *session {
	nc := &timedConn{Conn: raw}
	return &session{s: s, role: role, raw: raw, nc: nc, id: newID(),
		r: bufio.NewReaderSize(nc, 4096), w: bufio.NewWriterSize(nc, 4096)}
}

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// rejectIfIdle ends the session when no transaction is in flight (called
// while shutting down, again at every tick until the session is gone). It
// does not write the reply itself: the writer belongs to the connection's
// goroutine. A read deadline in the past wakes that goroutine from its
// wait for the next command, and it answers 421 4.3.2 and closes; a
// session busy with a command at that moment sets its own deadline again,
// and the next tick wakes it.
func (se *session) rejectIfIdle() {
	se.mu.Lock()
	defer se.mu.Unlock()
	if se.busy || se.closed {
		return
	}
	se.raw.SetReadDeadline(time.Now())
}

func (se *session) isBusy() bool {
	se.mu.Lock()
	defer se.mu.Unlock()
	return se.busy
}

// endWith returns err's reply, a 421 (RFC 5321 §3.8: the server closes
// the channel), which the command answers before the connection closes.
func (se *session) endWith(err error) error {
	se.mu.Lock()
	se.closed = true
	se.mu.Unlock()
	return reply(err)
}

func (se *session) tls() bool {
	_, ok := se.nc.Conn.(*tls.Conn)
	return ok
}

func (se *session) remote() string { return se.raw.RemoteAddr().String() }

// Reset ends the transaction (RSET, HELO, the end of a message).
func (se *session) Reset() {
	se.mu.Lock()
	se.busy = false
	se.mu.Unlock()
	se.from, se.size, se.utf8, se.local, se.env, se.rcpts = "", 0, false, nil, nil, 0
}

// Mail starts a transaction.
func (se *session) Mail(from string, opts mailOptions) error {
	if se.s.closing.Load() {
		return errShuttingDown
	}
	if se.role != RoleMX && se.user == nil {
		return errAuthRequired
	}
	if err := se.loginHolds(); err != nil {
		return err // login_check.go
	}
	if !opts.utf8 && !isASCII(from) {
		return errNeedUTF8
	}
	if from != "" {
		if _, _, ok := deliver.SplitAddress(from); !ok {
			return reply(deliver.ErrBadAddress)
		}
	}
	if se.s.MaxMessageSize > 0 && opts.size > se.s.MaxMessageSize {
		return reply(deliver.ErrTooBig)
	}
	se.from, se.utf8, se.size = from, opts.utf8, opts.size
	if se.role != RoleMX {
		ctx, cancel := se.s.context(commandTimeout)
		defer cancel()
		env, err := se.s.Send.NewEnvelope(ctx, se.actor(), from)
		if err != nil {
			return reply(err)
		}
		env.Size, env.UTF8 = se.size, se.utf8
		se.env = env
	}
	se.mu.Lock()
	se.busy = true
	se.mu.Unlock()
	return nil
}

// Rcpt adds a recipient.
func (se *session) Rcpt(to string) error {
	if err := se.loginHolds(); err != nil {
		return err
	}
	if !se.utf8 && !isASCII(to) {
		return errNeedUTF8
	}
	ctx, cancel := se.s.context(commandTimeout)
	defer cancel()
	if se.env != nil {
		// Submission: the send service's resolution and limit, as for the
		// webmail (rcpt refuses past MaxRecipients first, and says so in
		// LIMITS RCPTMAX, RFC 9422).
		return reply(se.s.Send.AddRecipient(ctx, se.actor(), se.env, to))
	}
	// The MX: hosted addresses only (ErrRelayDenied otherwise, RFC 5321
	// §3.6.2: never an open relay); unknown ones counted per source
	// address, until its RCPTs are answered 421 (deliver/unknown.go).
	remote := se.remote()
	r, err := se.s.Deliver.ResolveInboundFrom(ctx, remote, se.from, to, se.size)
	if errors.Is(err, deliver.ErrTooManyUnknown) {
		se.s.log().Info("smtp closed: too many unknown recipients", "id", se.id, "remote", remote)
		return se.endWith(err)
	}
	if err != nil {
		return reply(err)
	}
	se.local = append(se.local, r)
	return nil
}

// Data reads the whole message (bounded by the server's size limit;
// spool.go) and returns nil only after delivery committed.
func (se *session) Data(r io.Reader) error {
	if err := se.loginHolds(); err != nil {
		return err
	}
	sp, err := se.s.spool(r)
	if err != nil {
		return err
	}
	defer sp.Close()
	// A transaction in flight completes even while shutting down, within
	// the shutdown's grace.
	ctx, cancel := se.s.context(dataTimeout)
	defer cancel()
	raw, release, err := se.s.load(ctx, sp)
	if err != nil {
		return err
	}
	defer release()
	trace := send.Trace{
		Helo:       se.helo,
		RemoteAddr: se.remote(),
		Protocol:   se.protocol(),
		ID:         se.id + "-" + newID()[:6],
	}
	if se.env != nil {
		return reply(se.s.Send.Submit(ctx, se.actor(), se.env, trace, raw))
	}
	env := deliver.Envelope{From: se.from, Recipients: se.local, Helo: trace.Helo, RemoteAddr: trace.RemoteAddr,
		Protocol: trace.Protocol, ID: trace.ID, Inbound: true}
	results, err := se.s.Deliver.Deliver(ctx, &env, raw)
	if err != nil {
		return reply(err)
	}
	return reply(outcome(results))
}

// outcome is the single reply of a transaction: success if any recipient
// got the message; otherwise the first recipient's refusal.
// Per-recipient failures after a partial success are logged by deliver;
// bouncing them to the sender arrives with the outbound queue's DSNs.
func outcome(results []deliver.Result) error {
	var first error
	for _, r := range results {
		if r.Err == nil {
			return nil
		}
		if first == nil {
			first = r.Err
		}
	}
	return first
}

// protocol names the transfer for the Received header (RFC 3848).
func (se *session) protocol() string {
	p := "ESMTP"
	if se.utf8 {
		p = "UTF8SMTP"
	}
	if se.tls() {
		p += "S"
	}
	if se.user != nil {
		p += "A"
	}
	return p
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// AuthMechanisms are the SASL mechanisms offered. The MX offers none; the
// submission listeners offer PLAIN and LOGIN where a password may be sent.
func (se *session) AuthMechanisms() []string {
	if se.role == RoleMX || !se.s.Auth.PlaintextAllowed(se.raw.RemoteAddr(), se.tls()) {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

// Auth starts the server side of mech.
func (se *session) Auth(mech string) (sasl.Server, error) {
	if se.role == RoleMX {
		return nil, errAuthUnsupported
	}
	if !se.s.Auth.PlaintextAllowed(se.raw.RemoteAddr(), se.tls()) {
		return nil, errTLSRequired
	}
	login := func(username, password string) error {
		ctx, cancel := se.s.context(commandTimeout)
		defer cancel()
		acct, err := se.s.Auth.Login(ctx, auth.Request{
			Address: username, Password: password, Protocol: auth.ProtoSMTP,
			Remote: se.raw.RemoteAddr(), TLS: se.tls(),
		})
		if err != nil {
			se.s.log().Info("smtp auth refused", "id", se.id, "user", username, "remote", se.remote(), "err", err)
			return reply(err)
		}
		se.user = acct
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return errAuthFailed
			}
			return login(username, password)
		}), nil
	case sasl.Login:
		return newLoginServer(login), nil
	}
	return nil, errAuthUnknownMech
}
