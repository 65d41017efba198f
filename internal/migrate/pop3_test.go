package migrate

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/internal/testbed"
)

// fakePOP3 is a small RFC 1939 server on 127.0.0.1 holding msgs (by
// UIDL); QUIT applies the DELEs it was given.
type fakePOP3 struct {
	t        *testing.T
	ln       net.Listener
	user     string
	password string

	mu     sync.Mutex
	uidls  []string
	msgs   map[string]string
	retr   []string // UIDLs downloaded, in order
	noUIDL bool
}

func newFakePOP3(t *testing.T, msgs map[string]string, order ...string) *fakePOP3 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return fakeOn(t, ln, msgs, order...)
}

// fakeOn serves the fake on ln (a TLS listener for implicit TLS).
func fakeOn(t *testing.T, ln net.Listener, msgs map[string]string, order ...string) *fakePOP3 {
	f := &fakePOP3{t: t, ln: ln, user: "kim", password: "secret", uidls: order, msgs: msgs}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakePOP3) port() int { return f.ln.Addr().(*net.TCPAddr).Port }

func (f *fakePOP3) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := func(s string) { fmt.Fprint(c, s+"\r\n") }
	w("+OK fake ready")
	var user string
	authed := false
	dele := map[int]bool{}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd, arg, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		n, _ := strconv.Atoi(arg)
		f.mu.Lock()
		switch strings.ToUpper(cmd) {
		case "USER":
			user = arg
			w("+OK")
		case "PASS":
			if user != f.user || arg != f.password {
				w("-ERR [AUTH] invalid user name or password")
			} else {
				authed = true
				w("+OK logged in")
			}
		case "UIDL":
			if f.noUIDL || !authed {
				w("-ERR no")
				break
			}
			w("+OK")
			for i, u := range f.uidls {
				w(fmt.Sprintf("%d %s", i+1, u))
			}
			w(".")
		case "STAT":
			w(fmt.Sprintf("+OK %d 0", len(f.uidls)))
		case "RETR":
			u := f.uidls[n-1]
			f.retr = append(f.retr, u)
			w("+OK")
			for l := range strings.Lines(f.msgs[u]) {
				l = strings.TrimRight(l, "\r\n")
				if strings.HasPrefix(l, ".") {
					l = "." + l // RFC 1939 §3 byte-stuffing
				}
				w(l)
			}
			w(".")
		case "DELE":
			dele[n] = true
			w("+OK")
		case "QUIT":
			var keep []string
			for i, u := range f.uidls {
				if !dele[i+1] {
					keep = append(keep, u)
				}
			}
			f.uidls = keep
			w("+OK bye")
			f.mu.Unlock()
			return
		default:
			w("-ERR unknown")
		}
		f.mu.Unlock()
	}
}

func (f *fakePOP3) left() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.uidls)
}

func (f *fakePOP3) downloaded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.retr)
}

func collect(t *testing.T, s POP3) ([]*Message, error) {
	t.Helper()
	var got []*Message
	err := s.Each(context.Background(), func(m *Message) error {
		got = append(got, m)
		return nil
	})
	return got, err
}

var twoMessages = map[string]string{
	"u1": "Subject: one\r\n\r\n.leading dot\r\n..two dots\r\nend\r\n",
	"u2": "Subject: two\r\n\r\nbody\r\n",
}

func TestPOP3_leaveOnServer_readsEveryMessageDotUnstuffedAndDeletesNothing(t *testing.T) {
	f := newFakePOP3(t, twoMessages, "u1", "u2")
	got, err := collect(t, POP3{Host: "127.0.0.1", Port: f.port(), TLS: "none", User: "kim", Password: "secret", Leave: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got[0].Raw) != twoMessages["u1"] || string(got[1].Raw) != twoMessages["u2"] {
		t.Fatalf("got %+v", got)
	}
	if got[0].Folder != "" || !strings.Contains(got[0].Where, "u1") {
		t.Errorf("message 1: folder %q where %q", got[0].Folder, got[0].Where)
	}
	if left := f.left(); !slices.Equal(left, []string{"u1", "u2"}) {
		t.Errorf("left on the server: %v", left)
	}
}

func TestPOP3_seenUIDLsAreNotDownloadedAgain(t *testing.T) {
	f := newFakePOP3(t, twoMessages, "u1", "u2")
	var listed []string
	got, err := collect(t, POP3{Host: "127.0.0.1", Port: f.port(), TLS: "none", User: "kim", Password: "secret", Leave: true,
		Seen: map[string]bool{"u1": true}, Listed: func(u []string) error { listed = u; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || string(got[0].Raw) != twoMessages["u2"] {
		t.Fatalf("got %+v, want only u2", got)
	}
	if d := f.downloaded(); !slices.Equal(d, []string{"u2"}) {
		t.Errorf("downloaded %v, want [u2]", d)
	}
	if !slices.Equal(listed, []string{"u1", "u2"}) {
		t.Errorf("listed %v", listed)
	}
}

func TestPOP3_notLeaving_deletesFiledAndSeenButKeepsUnfiled(t *testing.T) {
	msgs := map[string]string{"u1": "Subject: a\r\n\r\na\r\n", "u2": "Subject: b\r\n\r\nb\r\n", "u3": "Subject: c\r\n\r\nc\r\n"}
	f := newFakePOP3(t, msgs, "u1", "u2", "u3")
	var fetched []string
	_, err := collect(t, POP3{Host: "127.0.0.1", Port: f.port(), TLS: "none", User: "kim", Password: "secret",
		Seen: map[string]bool{"u1": true},
		Fetched: func(u string) (bool, error) {
			fetched = append(fetched, u)
			return u != "u3", nil // u3 could not be stored
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fetched, []string{"u2", "u3"}) {
		t.Errorf("fetched %v", fetched)
	}
	if left := f.left(); !slices.Equal(left, []string{"u3"}) {
		t.Errorf("left on the server: %v, want [u3]", left)
	}
}

func TestPOP3_errorOfFnDeletesNothing(t *testing.T) {
	f := newFakePOP3(t, twoMessages, "u1", "u2")
	boom := errors.New("disk full")
	err := POP3{Host: "127.0.0.1", Port: f.port(), TLS: "none", User: "kim", Password: "secret"}.Each(context.Background(),
		func(m *Message) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want the fn's", err)
	}
	if left := f.left(); len(left) != 2 {
		t.Errorf("left on the server: %v, want both (no QUIT, no deletion)", left)
	}
}

func TestPOP3_withoutUIDL_readsByNumber(t *testing.T) {
	f := newFakePOP3(t, twoMessages, "u1", "u2")
	f.noUIDL = true
	got, err := collect(t, POP3{Host: "127.0.0.1", Port: f.port(), TLS: "none", User: "kim", Password: "secret", Leave: true})
	if err != nil || len(got) != 2 {
		t.Fatalf("got %d messages, %v", len(got), err)
	}
}

func TestPOP3_refusedLogin_namesTheHost(t *testing.T) {
	f := newFakePOP3(t, twoMessages, "u1")
	_, err := collect(t, POP3{Host: "127.0.0.1", Port: f.port(), TLS: "none", User: "kim", Password: "wrong"})
	if !errors.Is(err, ErrLoginRefused) {
		t.Fatalf("err %v, want ErrLoginRefused", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("127.0.0.1:%d", f.port())) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("error %q: want the host, never the password", err)
	}
}

func TestPOP3_cannotConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	_, err = collect(t, POP3{Host: "127.0.0.1", Port: port, TLS: "none", User: "kim", Password: "secret"})
	var op *net.OpError
	if !errors.As(err, &op) {
		t.Fatalf("err %v, want a *net.OpError", err)
	}
}

func TestPOP3_implicitTLS(t *testing.T) {
	b := testbed.New(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", b.TLS("localhost"))
	if err != nil {
		t.Fatal(err)
	}
	f := fakeOn(t, ln, twoMessages, "u1", "u2")
	src := POP3{Host: "127.0.0.1", Port: f.port(), TLS: "tls", User: "kim", Password: "secret", Leave: true}
	if _, err := collect(t, src); err == nil {
		t.Fatal("a self-signed certificate was accepted without InsecureTLS")
	}
	src.InsecureTLS = true
	if got, err := collect(t, src); err != nil || len(got) != 2 {
		t.Fatalf("over TLS: %d messages, %v", len(got), err)
	}
}

func TestPOP3_starttlsRefusedByTheServer_sendsNoPassword(t *testing.T) {
	f := newFakePOP3(t, twoMessages, "u1") // answers -ERR to STLS
	_, err := collect(t, POP3{Host: "127.0.0.1", Port: f.port(), TLS: "starttls", User: "kim", Password: "secret"})
	if !errors.Is(err, ErrNoTLS) {
		t.Fatalf("err %v, want ErrNoTLS", err)
	}
	if d := f.downloaded(); len(d) != 0 {
		t.Errorf("downloaded %v without TLS", d)
	}
}

func TestPOP3_cancelEndsABlockedSession(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		fmt.Fprint(c, "+OK ready\r\n")
		accepted <- c // then never answers USER
	}()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- POP3{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, TLS: "none", User: "kim", Password: "p",
			Timeout: time.Hour}.Each(ctx, func(*Message) error { return nil })
	}()
	c := <-accepted
	defer c.Close()
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a cancelled session ended without an error")
		}
	case <-time.After(30 * time.Second): // a failsafe, far above the close
		t.Fatal("the cancelled session is still blocked")
	}
}
