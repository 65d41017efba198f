package interop

// Connections under attack (issue 13, item 1): a client that holds HTTP
// connections must not stop the server, starve the sessions it already
// serves, nor keep descriptors forever. The server runs as a child with a
// low open-file limit; times are the config's ([http] timeouts set short
// here), and every assertion is about what the server did (closed a
// connection, answered), never about how long it took.

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// connWait bounds how long a test waits for the server to act: a failsafe
// for a server that never does, far above the config's timeouts.
const connWait = 25 * time.Second

// webClient is a browser's session: a cookie jar and the CSRF token.
type webClient struct {
	base string
	http *http.Client
	csrf string
}

// webLogin logs addr in over the http listener with Go's net/http.
func webLogin(t *testing.T, base, addr string) *webClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &webClient{base: base, http: &http.Client{Jar: jar, Timeout: connWait}}
	body, _ := json.Marshal(map[string]string{"email": addr, "password": testPassword})
	resp, err := c.http.Post(base+"/api/v1/session", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("login %s: %v", addr, err)
	}
	defer resp.Body.Close()
	var out struct{ CSRF string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("login %s: %d %v", addr, resp.StatusCode, err)
	}
	c.csrf = out.CSRF
	return c
}

// get answers the status of a GET.
func (c *webClient) get(path string) (int, error) {
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// healthz asks /healthz on a connection of its own.
func healthz(base string) (int, error) {
	tr := &http.Transport{DisableKeepAlives: true, TLSClientConfig: insecureTLS()}
	defer tr.CloseIdleConnections()
	return (&webClient{base: base, http: &http.Client{Transport: tr, Timeout: connWait}}).get("/healthz")
}

// greeting connects to a listener (TLS first for the implicit-TLS ones)
// and returns the server's first line.
func greeting(addr string, implicitTLS bool) (string, error) {
	c, err := net.DialTimeout("tcp", addr, connWait)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(connWait))
	if implicitTLS {
		tc := tls.Client(c, insecureTLS())
		if err := tc.Handshake(); err != nil {
			return "", fmt.Errorf("TLS: %w", err)
		}
		c = tc
	}
	return bufio.NewReader(c).ReadString('\n')
}

// everyListenerAccepts checks that each listener of s greets a new client.
func everyListenerAccepts(t *testing.T, s *Server, when string) {
	t.Helper()
	for _, l := range []struct {
		name, want string
		tls        bool
	}{{"smtp", "220 ", false}, {"submission", "220 ", false}, {"submissions", "220 ", true}, {"imap", "* OK", false},
		{"imaps", "* OK", true}, {"pop3", "+OK", false}, {"pop3s", "+OK", true}} {
		if line, err := greeting(s.Addr(t, l.name), l.tls); !strings.HasPrefix(line, l.want) {
			t.Errorf("%s: %s greeted %q, %v", when, l.name, line, err)
		}
	}
	for _, base := range []string{"http://" + s.Addr(t, "http"), "https://" + s.Addr(t, "https")} {
		if code, err := healthz(base); code != 200 {
			t.Errorf("%s: %s/healthz: %d %v", when, base, code, err)
		}
	}
}

// flood opens n HTTP connections to addr, each from an address of its
// own in 127.0.0.0/8 (so that no per-address limit stops them), each with
// half a request line: held open by a client that never finishes. close
// ends them.
func flood(t *testing.T, addr string, n int) (held func() int, close func()) {
	t.Helper()
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	for i := range n {
		d := net.Dialer{Timeout: connWait, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, byte(1+i/250), byte(2+i%250))}}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Logf("flood: connection %d: %v", i, err)
			continue
		}
		c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: flood\r\n"))
		conns = append(conns, c)
	}
	held = func() int { // the connections the server has not closed
		mu.Lock()
		defer mu.Unlock()
		open := 0
		for _, c := range conns {
			c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
			var b [1]byte
			if _, err := c.Read(b[:]); errors.Is(err, os.ErrDeadlineExceeded) {
				open++
			}
		}
		return open
	}
	close = func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
		conns = nil
	}
	t.Cleanup(close)
	return held, close
}

// With an open-file limit of 128 and 150 HTTP connections held from 150
// addresses, the server keeps running: the sessions it serves (IMAP, a
// web session, its event stream) go on working, /healthz and every other
// listener still accept a newcomer (a held connection waiting for its
// request gives way), and once the flood ends everything accepts as
// before. It used to exit: the POP3 listener's accept failed with "too
// many open files" and serve shut everything down.
func TestConnections_heldHTTPConnectionsUnderALowFileLimit(t *testing.T) {
	s := newServer(t, serverOptions{listen: listenerNames, nofile: 128})
	user := uniqueAddr("flood")
	s.AddUser(t, user)
	igMXDeliver(t, s, user, "before the flood")
	base := "http://" + s.Addr(t, "http")

	// The sessions already served when the flood comes.
	ic := igLogin(t, s, "imap before the flood", user, nil)
	ic.igSelect(t, "INBOX")
	web := webLogin(t, base, user)
	req, _ := http.NewRequest("GET", base+"/api/v1/events", nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := web.http.Do(req.WithContext(ctx))
	if err != nil || stream.StatusCode != 200 {
		t.Fatalf("event stream: %v", err)
	}
	defer stream.Body.Close()
	events := bufio.NewReader(stream.Body)
	if l, err := events.ReadString('\n'); !strings.HasPrefix(l, ": connected") {
		t.Fatalf("event stream began with %q, %v", l, err)
	}

	held, stop := flood(t, s.Addr(t, "http"), 150)
	if !s.Running() {
		t.Fatalf("the server exited under the flood:\n%s", tail(s.log.String(), 20))
	}
	// a newcomer on every listener, POP3 first (its accept error used to
	// end the server)
	if line, err := greeting(s.Addr(t, "pop3"), false); !strings.HasPrefix(line, "+OK") {
		t.Errorf("during the flood: pop3 greeted %q, %v", line, err)
	}
	everyListenerAccepts(t, s, "during the flood")
	if code, err := healthz(base); code != 200 {
		t.Errorf("during the flood: /healthz %d %v", code, err)
	}
	// the IMAP session reads a message (its file, the database)
	if err := ic.Noop().Wait(); err != nil {
		t.Errorf("during the flood: IMAP NOOP: %v", err)
	} else if msgs, err := ic.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{}}}).Collect(); err != nil || len(msgs) != 1 {
		t.Errorf("during the flood: IMAP FETCH: %d messages, %v", len(msgs), err)
	}
	// the web session reads its folders, and its event stream hears of
	// mail delivered now
	if code, err := web.get("/api/v1/mailboxes"); code != 200 {
		t.Errorf("during the flood: the web session's folders: %d %v", code, err)
	}
	igMXDeliver(t, s, user, "during the flood")
	heard := make(chan string, 1)
	go func() {
		for {
			l, err := events.ReadString('\n')
			if err != nil || strings.HasPrefix(l, "event: ") {
				heard <- l
				return
			}
		}
	}()
	select {
	case l := <-heard:
		if !strings.HasPrefix(l, "event: ") {
			t.Errorf("during the flood: the event stream ended: %q", l)
		}
	case <-time.After(connWait):
		t.Error("during the flood: the event stream heard nothing of a delivery")
	}
	if !s.Running() {
		t.Fatalf("the server exited under the flood:\n%s", tail(s.log.String(), 20))
	}
	t.Logf("the server holds %d of the flood's 150 connections", held())

	stop()
	everyListenerAccepts(t, s, "after the flood")
	if err := ic.Noop().Wait(); err != nil {
		t.Errorf("after the flood: IMAP NOOP: %v", err)
	}
	if !s.Running() {
		t.Fatal("the server exited")
	}
}

// slowServer is a server with only the http listener and short [http]
// timeouts: the times below are the config's.
func slowServer(t *testing.T) (*Server, string) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "http"},
		tables: "\n[http]\nheader_timeout = \"1s\"\nread_timeout = \"2s\"\nidle_timeout = \"1s\"\n"})
	return s, s.Addr(t, "http")
}

// closedByServer reads c until the server closes it (the answer it wrote
// first, if any, is returned); an error when it stays open.
func closedByServer(c net.Conn) (string, error) {
	c.SetReadDeadline(time.Now().Add(connWait))
	b, err := io.ReadAll(c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return string(b), fmt.Errorf("still open after %v (read %q)", connWait, b)
	}
	return string(b), nil // EOF or a reset: closed
}

func dialHTTP(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// A keep-alive connection that sends no further request is closed once
// http.idle_timeout has passed (it used to stay open for ever: no idle
// timeout and no read timeout).
func TestConnections_idleKeepAliveIsClosed(t *testing.T) {
	_, addr := slowServer(t)
	c := dialHTTP(t, addr)
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
	r := bufio.NewReader(c)
	resp, err := http.ReadResponse(r, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	if resp.Close {
		t.Fatal("the server did not keep the connection alive at all")
	}
	c.SetReadDeadline(time.Now().Add(connWait))
	if _, err := r.ReadByte(); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("an idle keep-alive connection is still open after %v", connWait)
	}
}

// A request whose header trickles in is cut off after
// http.header_timeout (a slowloris holds connections this way).
func TestConnections_slowHeaderIsClosed(t *testing.T) {
	_, addr := slowServer(t)
	c := dialHTTP(t, addr)
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\nX-Slow: 1", addr)
	if got, err := closedByServer(c); err != nil {
		t.Fatalf("a half-sent header: %v", err)
	} else if got != "" && !strings.HasPrefix(got, "HTTP/1.1 408") {
		t.Fatalf("a half-sent header was answered %q", got)
	}
}

// A body that stops coming is cut off after http.read_timeout: the login
// (no session needed) and an upload (the largest bodies) both answer and
// close the connection (both used to wait for ever, holding the
// connection and the goroutine).
func TestConnections_slowBodyIsClosed(t *testing.T) {
	s, addr := slowServer(t)
	user := uniqueAddr("slow")
	s.AddUser(t, user)
	web := webLogin(t, "http://"+addr, user)
	var cookies []string
	u, _ := url.Parse("http://" + addr)
	for _, ck := range web.http.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	for _, tc := range []struct{ name, head string }{
		{"login", "POST /api/v1/session HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":"},
		{"upload", "POST /api/v1/uploads?filename=a.pdf HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/pdf\r\n" +
			"Cookie: " + strings.Join(cookies, "; ") + "\r\nX-CSRF-Token: " + web.csrf + "\r\nContent-Length: 1048576\r\n\r\n%PDF-1.7 " +
			strings.Repeat("x", 4096)},
	} {
		c := dialHTTP(t, addr)
		io.WriteString(c, tc.head)
		got, err := closedByServer(c)
		if err != nil {
			t.Errorf("%s with a body that stops: %v", tc.name, err)
			continue
		}
		t.Logf("%s with a body that stops: answered %q", tc.name, firstLine(got))
	}
	// the event stream, which has no body, outlives read_timeout: it is
	// open still once a slow body was cut off, and hears a delivery
	slow := dialHTTP(t, addr)
	io.WriteString(slow, "POST /api/v1/session HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{")
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/events", nil)
	stream, err := (&http.Client{Jar: web.http.Jar}).Do(req)
	if err != nil || stream.StatusCode != 200 {
		t.Fatalf("event stream: %v", err)
	}
	defer stream.Body.Close()
	if _, err := closedByServer(slow); err != nil {
		t.Fatalf("slow body: %v", err)
	}
	igMXDeliver(t, s, user, "after the read timeout")
	events := bufio.NewReader(stream.Body)
	for {
		l, err := events.ReadString('\n')
		if err != nil {
			t.Fatalf("the event stream ended with the read timeout: %v", err)
		}
		if strings.HasPrefix(l, "event: ") {
			break
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\r\n")
	return l
}
