package connlimit

import (
	"bufio"
	"net"
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
