package readahead

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"testing"
)

// countingConn counts the reads of the connection beneath a Conn.
type countingConn struct {
	net.Conn
	reads int
}

func (c *countingConn) Read(p []byte) (int, error) {
	c.reads++
	return c.Conn.Read(p)
}

// pipe returns a Conn over one end of a loopback TCP connection, the
// count of its reads, and the other end.
func pipe(t *testing.T) (*Conn, *countingConn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })
	c, err := Listener(ln).Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	rc := c.(*Conn)
	counted := &countingConn{Conn: rc.Conn}
	rc.Conn = counted
	return rc, counted, peer
}

// A protocol library reading 4 KiB at a time (go-smtp's bufio.Reader)
// gets every byte, in order, from a fraction of the reads it would have
// made itself, and the buffer goes back once drained.
func TestConn_smallReadsOfALargeBodyReadAheadInOrder(t *testing.T) {
	c, counted, peer := pipe(t)
	body := make([]byte, 200_000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range body {
		body[i] = byte(rng.IntN(256))
	}
	go func() {
		peer.Write(body)
		peer.Close()
	}()
	// as go-smtp's DATA reader does: a byte at a time from a 4 KiB bufio
	br := bufio.NewReaderSize(c, 4096)
	var got []byte
	for {
		b, err := br.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b)
	}
	if !bytes.Equal(got, body) {
		t.Fatalf("read %d bytes, not the %d written, or not in order", len(got), len(body))
	}
	// 4 KiB reads straight from the socket would be at least 49
	if max := 2*len(body)/size + 8; counted.reads > max {
		t.Errorf("%d reads of the connection for %d bytes; want at most %d", counted.reads, len(body), max)
	}
	if c.buf != nil {
		t.Error("the buffer is held after everything was read")
	}
}

// A read of half the buffer or more goes to the connection as it is:
// nothing is copied twice.
func TestConn_largeReadGoesStraightThrough(t *testing.T) {
	c, counted, peer := pipe(t)
	go peer.Write([]byte("hello"))
	p := make([]byte, size)
	n, err := c.Read(p)
	if err != nil || string(p[:n]) != "hello" {
		t.Fatalf("Read = %q, %v", p[:n], err)
	}
	if counted.reads != 1 || c.buf != nil {
		t.Errorf("%d reads beneath, buffer held %v; want 1 read and no buffer", counted.reads, c.buf != nil)
	}
}

// errAfterData is a connection whose one read returns data and an error
// together, as an io.Reader may.
type errAfterData struct {
	net.Conn
	done bool
}

var errGone = errors.New("gone")

func (c *errAfterData) Read(p []byte) (int, error) {
	if c.done {
		return 0, io.EOF
	}
	c.done = true
	return copy(p, "abcdef"), errGone
}

// The error of a read that also returned data comes after that data, once.
func TestConn_errorWithDataComesAfterTheData(t *testing.T) {
	c := &Conn{Conn: &errAfterData{}}
	p := make([]byte, 4)
	var got []byte
	var errs []error
	for range 4 {
		n, err := c.Read(p)
		got = append(got, p[:n]...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if string(got) != "abcdef" {
		t.Errorf("read %q, want abcdef", got)
	}
	if len(errs) != 2 || !errors.Is(errs[0], errGone) || errs[1] != io.EOF {
		t.Errorf("errors %v, want [gone EOF]", errs)
	}
}
