package testbed

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPSink is a receiving SMTP server on 127.0.0.1 for tests of outbound
// mail: it records what it accepts and answers as the test says. Set the
// answer fields in StartSMTPSink's configure function.
type SMTPSink struct {
	Addr string // host:port
	Port string

	TempFail int               // answer 451 to this many DATA commands first
	Reject   map[string]string // recipient -> "550 5.1.1 ..." reply
	AuthUser string            // when set, AUTH PLAIN is required with this user and "secret"
	NoUTF8   bool              // do not offer SMTPUTF8

	mu    sync.Mutex
	got   []Sunk
	conns int
}

// Sunk is one message the sink accepted.
type Sunk struct {
	From string
	To   []string
	Data string
	TLS  bool
}

// StartSMTPSink starts a sink (offering STARTTLS with tlsConf when it is
// not nil) that stops when the test ends.
func StartSMTPSink(tb testing.TB, tlsConf *tls.Config, configure func(*SMTPSink)) *SMTPSink {
	tb.Helper()
	s := &SMTPSink{Reject: map[string]string{}}
	if configure != nil {
		configure(s)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &sinkSession{s: s, c: c}, nil
	}))
	srv.Domain = "mx.remote.test"
	srv.TLSConfig = tlsConf
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = !s.NoUTF8
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(countingListener{l, s})
	tb.Cleanup(func() { srv.Close() })
	s.Addr = l.Addr().String()
	_, s.Port, _ = net.SplitHostPort(s.Addr)
	return s
}

// Messages returns what the sink accepted so far.
func (s *SMTPSink) Messages() []Sunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sunk(nil), s.got...)
}

// Conns is the number of TCP connections so far (sessions restart after
// STARTTLS, connections do not).
func (s *SMTPSink) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

type sinkSession struct {
	s      *SMTPSink
	c      *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (ss *sinkSession) AuthMechanisms() []string {
	if ss.s.AuthUser == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.AuthUser || pass != "secret" {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.AuthUser != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if r, ok := ss.s.Reject[to]; ok {
		var code, a, b, c int
		fmt.Sscanf(r, "%d %d.%d.%d", &code, &a, &b, &c)
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{a, b, c}, Message: r[strings.LastIndex(r[:10], " ")+1:]}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.TempFail > 0 {
		ss.s.TempFail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	_, isTLS := ss.c.TLSConnectionState()
	ss.s.got = append(ss.s.got, Sunk{From: ss.from, To: ss.to, Data: string(b), TLS: isTLS})
	return nil
}

func (ss *sinkSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *sinkSession) Logout() error { return nil }

// countingListener counts TCP connections.
type countingListener struct {
	net.Listener
	s *SMTPSink
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.s.mu.Lock()
		l.s.conns++
		l.s.mu.Unlock()
	}
	return c, err
}
