package quickack

import (
	"io"
	"net"
	"syscall"
	"testing"
)

// serve accepts one connection of l and answers each 5-byte request with
// 5 bytes, reading the socket's quick-ack mode after each request.
func pingPong(t testing.TB, wrap bool, rounds int) []int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	l := ln
	if wrap {
		l = Listener(ln)
	}
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return
		}
		defer c.Close()
		b := make([]byte, 5)
		for range rounds {
			c.Write([]byte("hello"))
			if _, err := io.ReadFull(c, b); err != nil {
				return
			}
		}
	}()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tc, ok := c.(*net.TCPConn)
	if w, wrapped := c.(*conn); wrapped {
		tc, ok = w.Conn.(*net.TCPConn)
	}
	if !ok {
		t.Fatalf("accepted a %T", c)
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var modes []int
	b := make([]byte, 5)
	for range rounds {
		if _, err := io.ReadFull(c, b); err != nil {
			t.Fatal(err)
		}
		raw.Control(func(fd uintptr) {
			v, err := syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK)
			if err != nil {
				t.Fatal(err)
			}
			modes = append(modes, v)
		})
		c.Write([]byte("world"))
	}
	return modes
}

// A conversation (request, answer, request ...) puts a Linux socket in
// "pingpong" mode, where acknowledgements wait for an answer to carry
// them; the listener's connections stay in quick-ack mode after every
// read. The unwrapped socket is the control: it must leave quick-ack
// mode, or this test proves nothing on this kernel.
func TestListener_staysInQuickAckModeThroughAConversation(t *testing.T) {
	plain := pingPong(t, false, 6)
	if plain[len(plain)-1] != 0 {
		t.Fatalf("a plain socket stayed in quick-ack mode (%v): this kernel cannot tell", plain)
	}
	for i, v := range pingPong(t, true, 6) {
		if v != 1 {
			t.Fatalf("after read %d the socket left quick-ack mode", i+1)
		}
	}
}
