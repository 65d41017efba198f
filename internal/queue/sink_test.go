package queue

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

// sink is a receiving SMTP server for tests: it records what it accepts
// and answers as the test says.
type sink struct {
	addr string
	port string

	mu       sync.Mutex
	got      []sunk
	conns    int
	tempFail int               // answer 451 to this many DATA commands first
	reject   map[string]string // recipient -> "550 5.1.1 ..." reply
	authUser string            // when set, AUTH PLAIN is required with this user and "secret"
	noUTF8   bool
}

type sunk struct {
	From string
	To   []string
	Data string
	TLS  bool
}

func startSink(t testing.TB, tlsConf *tls.Config, configure func(*sink)) *sink {
	t.Helper()
	s := &sink{reject: map[string]string{}}
	if configure != nil {
		configure(s)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &sinkSession{s: s, c: c}, nil
	}))
	srv.Domain = "mx.remote.test"
	srv.TLSConfig = tlsConf
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = !s.noUTF8
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(countingListener{l, s})
	t.Cleanup(func() { srv.Close() })
	s.addr = l.Addr().String()
	_, s.port, _ = net.SplitHostPort(s.addr)
	return s
}

func (s *sink) messages() []sunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunk(nil), s.got...)
}

type sinkSession struct {
	s      *sink
	c      *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (ss *sinkSession) AuthMechanisms() []string {
	if ss.s.authUser == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.authUser || pass != "secret" {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.authUser != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if r, ok := ss.s.reject[to]; ok {
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
	if ss.s.tempFail > 0 {
		ss.s.tempFail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	_, isTLS := ss.c.TLSConnectionState()
	ss.s.got = append(ss.s.got, sunk{From: ss.from, To: ss.to, Data: string(b), TLS: isTLS})
	return nil
}

func (ss *sinkSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *sinkSession) Logout() error { return nil }

// countingListener counts TCP connections (sessions restart after STARTTLS,
// connections do not).
type countingListener struct {
	net.Listener
	s *sink
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
