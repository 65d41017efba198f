// Package readahead gives a server connection reads as large as the data
// waiting on its socket, under a protocol library that asks for little at
// a time.
//
// Why: the SMTP server reads through a 4 KiB bufio.Reader (a connection
// holds no more while idle), so a 200 KB message took about fifty read(2)
// calls, each followed by a quick-ack setsockopt (internal/quickack): 110
// system calls a message, 16 through a Conn, which reads up to 64 KiB at
// once and hands it out in the small pieces asked for (SMTP CPU ×0.94 at
// 2 MB; issue 21). The buffer is
// taken from a pool when a read needs it and given back once it is
// drained, so an idle connection, the common case for thousands of them,
// holds none.
package readahead

import (
	"net"
	"sync"
)

// size is the largest read: what a loopback or LAN socket commonly holds
// at once, and a bounded cost per busy connection.
const size = 64 << 10

var buffers = sync.Pool{New: func() any { b := make([]byte, size); return &b }}

// Listener returns l whose connections read ahead.
func Listener(l net.Listener) net.Listener { return listener{l} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return c, err
	}
	return &Conn{Conn: c}, nil
}

// Conn is a connection whose reads go through a buffer of up to 64 KiB.
// Like any net.Conn it is read by one goroutine at a time.
type Conn struct {
	net.Conn
	buf  *[]byte // nil when nothing is buffered
	r, w int     // buffered bytes: (*buf)[r:w]
	err  error   // returned by the read that filled buf, given after its bytes
}

// Read implements io.Reader: buffered bytes first; a read of at least
// half the buffer goes straight to the connection.
func (c *Conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if c.buf == nil {
		if err := c.err; err != nil {
			c.err = nil
			return 0, err
		}
		if len(p) >= size/2 {
			return c.Conn.Read(p)
		}
		b := buffers.Get().(*[]byte)
		n, err := c.Conn.Read(*b)
		if n <= 0 {
			buffers.Put(b)
			return 0, err
		}
		c.buf, c.r, c.w, c.err = b, 0, n, err
	}
	n := copy(p, (*c.buf)[c.r:c.w])
	c.r += n
	if c.r == c.w {
		buffers.Put(c.buf)
		c.buf = nil
	}
	return n, nil
}

// NetConn is the connection underneath, for code that looks for it (as
// crypto/tls and net/http do).
func (c *Conn) NetConn() net.Conn { return c.Conn }
