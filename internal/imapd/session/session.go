package session

import (
	"bufio"
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"sync"
	"time"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
	"postroom/internal/store"
)

// State is the connection state of RFC 9051 §3.
type State uint8

const (
	NotAuthenticated State = iota
	Authenticated
	Selected
	Logout
)

// Config is what every session of a server shares.
type Config struct {
	Mail   Mailboxes
	Auth   Logins
	Events Events
	TLS    *tls.Config
	// MaxMessageSize is the APPENDLIMIT announced (RFC 7889) and the
	// largest literal read (the mail service enforces its own too).
	MaxMessageSize int64
	// Admit is asked after a successful login whether the account may have
	// one more session (per-user connection limit); release is called when
	// the session logs out or closes. nil admits everyone.
	Admit func(accountID int64) (release func(), ok bool)
	// Hubs is the per-mailbox state all sessions of this process share
	// (the \Recent claim). Required.
	Hubs *Hubs
	Log  *slog.Logger
	// IdleTimeout ends a connection that sends nothing for so long,
	// between commands and in IDLE (RFC 9051 §5.4: at least 30 minutes);
	// 0 is 30 minutes. CommandTimeout bounds each write to the client;
	// 0 is 30 seconds.
	IdleTimeout, CommandTimeout time.Duration
	// Version is what ID answers (RFC 2971).
	Version string
}

// Session is one IMAP connection. It is used by one goroutine only: the
// one running Serve; events reach it through a channel it drains between
// commands and during IDLE.
type Session struct {
	cfg *Config
	// ctx is the session's: it ends when the connection closes (or the
	// server shuts down). Service calls of handlers use it.
	ctx    context.Context
	cancel context.CancelFunc
	conn   net.Conn // the network connection, TLS-wrapped after STARTTLS
	raw    net.Conn // the connection as accepted (Shutdown's, never replaced)
	br     *bufio.Reader
	r      *wire.Reader
	w      *wire.Writer
	tls    bool
	// compressed is set once COMPRESS DEFLATE is active (conn.go).
	compressed bool

	// stop is closed by Shutdown (from another goroutine); stopOnce guards it.
	stop     chan struct{}
	stopOnce sync.Once
	// bad counts consecutive commands answered BAD (item 12: the
	// connection ends only past maxBad).
	bad int

	state   State
	acct    *store.Account
	release func()
	// enabled holds what ENABLE (or a CONDSTORE-using command) turned on:
	// "IMAP4REV2", "CONDSTORE", "QRESYNC", "UTF8=ACCEPT".
	enabled map[string]bool

	sel *selected // nil unless state == Selected
}

// selected is the selected mailbox.
type selected struct {
	mailbox  store.Mailbox
	readOnly bool
	view     *view.View
	// events of the session's account; drained into view before every
	// tagged response and during IDLE.
	events      <-chan events.Event
	unsubscribe func()
	// saved is the SEARCH RETURN (SAVE) result, "$" (RFC 5182), by UID:
	// a new selection starts with none (§2.1), and an expunged message
	// simply no longer matches.
	saved []uint32
	// contexts are the searches kept up to date (RFC 5267,
	// search_context.go); nil when there are none.
	contexts *contexts
}

// who is the actor of the session's service calls: its logged-in account.
func (s *Session) who() actor.Actor { return actor.User(s.acct) }

// handler runs one command. It writes the command's own untagged responses
// with s.w; the dispatcher then sends the view's pending updates and the
// tagged status: OK for a nil error, the *Status it returned, or the
// status its error maps to (errors.go).
type handler func(s *Session, cmd *wire.Command) error

// Status is a command's tagged response other than a plain OK: an OK with
// a response code (APPENDUID, COPYUID, READ-WRITE, ...), a NO or a BAD.
type Status struct {
	Status string // "OK", "NO" or "BAD"
	Code   wire.Code
	Text   string
}

func (st *Status) Error() string { return st.Status + " " + st.Text }

func ok(code wire.Code, text string) error  { return &Status{"OK", code, text} }
func no(code wire.Code, text string) error  { return &Status{"NO", code, text} }
func bad(code wire.Code, text string) error { return &Status{"BAD", code, text} }
