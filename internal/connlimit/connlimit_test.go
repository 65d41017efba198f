package connlimit

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestListener_refusesBeyondMaxAndReleasesOnClose(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := New(raw, 2, "421 too many\r\n")
	defer l.Close()
	accepted := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := dial(), dial()
	defer a.Close()
	defer b.Close()
	sa, sb := <-accepted, <-accepted
	third := dial()
	third.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(third).ReadString('\n')
	if err != nil || line != "421 too many\r\n" {
		t.Fatalf("third connection read %q, %v", line, err)
	}
	if n := l.Count("127.0.0.1"); n != 2 {
		t.Fatalf("count %d", n)
	}
	sa.Close()
	sa.Close() // released once only
	if n := l.Count("127.0.0.1"); n != 1 {
		t.Fatalf("count after close %d", n)
	}
	fourth := dial()
	defer fourth.Close()
	select {
	case c := <-accepted:
		c.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("connection after release not accepted")
	}
	sb.Close()
}

// serve accepts on l into a channel until it is closed.
func serve(l net.Listener) <-chan net.Conn {
	accepted := make(chan net.Conn, 100)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	return accepted
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readLine reads what the server wrote before closing: a refusal line,
// or "" and io.EOF for none.
func readLine(t *testing.T, c net.Conn) (string, error) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	return bufio.NewReader(c).ReadString('\n')
}

// The budget is shared: two listeners together hold at most its size, a
// newcomer beyond it is refused with the Busy line, and a close makes room.
func TestBudget_sharedByListenersRefusesBeyondIt(t *testing.T) {
	b := NewBudget(2)
	l1, l2 := New(listen(t), 10, "421 per address\r\n"), New(listen(t), 10, "-ERR per address\r\n")
	l1.Budget, l2.Budget = b, b
	l1.Busy, l2.Busy = "421 4.3.2 busy\r\n", "-ERR [SYS/TEMP] busy\r\n"
	defer l1.Close()
	defer l2.Close()
	a1, a2 := serve(l1), serve(l2)
	dial(t, l1.Addr().String())
	dial(t, l2.Addr().String())
	first := <-a1
	<-a2
	if line, err := readLine(t, dial(t, l2.Addr().String())); line != "-ERR [SYS/TEMP] busy\r\n" {
		t.Fatalf("third connection read %q, %v", line, err)
	}
	if b.Open() != 2 {
		t.Fatalf("open %d", b.Open())
	}
	first.Close()
	dial(t, l2.Addr().String())
	select {
	case <-a2:
	case <-time.After(10 * time.Second):
		t.Fatal("no room after a close")
	}
}

// With Shed, a newcomer beyond the limit of its address closes that
// address's connection that has waited longest; a busy one is never
// closed, and when every one is busy the newcomer is refused.
func TestListener_shedClosesTheLongestWaiting(t *testing.T) {
	l := New(listen(t), 2, "HTTP/1.1 503 Service Unavailable\r\n")
	l.Shed = true
	defer l.Close()
	acc := serve(l)
	c1 := dial(t, l.Addr().String())
	s1 := <-acc
	dial(t, l.Addr().String())
	s2 := <-acc
	HTTPConnState(s2, http.StateActive) // s2 is reading a request
	dial(t, l.Addr().String())
	s3 := <-acc
	if _, err := readLine(t, c1); err != io.EOF {
		t.Fatalf("the longest waiting connection was not closed: %v", err)
	}
	s1.Close() // as the server does when its read fails
	if n := l.Count("127.0.0.1"); n != 2 {
		t.Fatalf("count %d", n)
	}
	HTTPConnState(s3, http.StateActive)
	if line, err := readLine(t, dial(t, l.Addr().String())); line != "HTTP/1.1 503 Service Unavailable\r\n" {
		t.Fatalf("every connection busy: newcomer read %q, %v", line, err)
	}
	HTTPConnState(s2, http.StateIdle) // keep-alive between requests
	dial(t, l.Addr().String())
	select {
	case <-acc:
	case <-time.After(10 * time.Second):
		t.Fatal("an idle connection did not make room")
	}
	if n := l.Count("127.0.0.1"); n != 2 {
		t.Fatalf("count %d", n)
	}
}

// tired is a listener out of descriptors for its first few accepts.
type tired struct {
	net.Listener
	fails int
}

func (l *tired) Accept() (net.Conn, error) {
	if l.fails > 0 {
		l.fails--
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// Out of descriptors, Accept waits and tries again instead of failing
// the server's accept loop (POP3's ended the whole server).
func TestListener_acceptWaitsOutEMFILE(t *testing.T) {
	raw := listen(t)
	l := New(&tired{Listener: raw, fails: 3}, 0, "")
	defer l.Close()
	dial(t, raw.Addr().String())
	c, err := l.Accept()
	if err != nil {
		t.Fatalf("Accept returned %v", err)
	}
	c.Close()
	// Closing the listener ends an Accept that waits.
	l2 := New(&tired{Listener: listen(t), fails: 1 << 30}, 0, "")
	done := make(chan error)
	go func() { _, err := l2.Accept(); done <- err }()
	time.Sleep(20 * time.Millisecond)
	l2.Close()
	if err := <-done; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept after Close: %v", err)
	}
}
