// Package quickack makes a server's TCP connections acknowledge what they
// receive at once, instead of after the kernel's delayed-ACK timer.
//
// Why: a client that leaves Nagle's algorithm on (Python's imaplib, hence
// OfflineIMAP and most migration scripts) sends an IMAP literal and then
// its closing CRLF as a second small write; Nagle holds that write until
// the literal is acknowledged, and the server's kernel holds the
// acknowledgement for up to 40 ms in case an answer could carry it, which
// it cannot: the answer waits for the CRLF. Every APPEND then costs one
// delayed-ACK period (issue 21: 23 messages/s instead of 150). Linux
// leaves quick-ack mode by itself, so it is asked for again after every
// read (TCP_QUICKACK, tcp(7)); elsewhere this package changes nothing.
package quickack

import (
	"net"
	"syscall"
)

// Listener returns l whose TCP connections acknowledge at once.
func Listener(l net.Listener) net.Listener { return listener{l} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return c, err
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return c, nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return c, nil
	}
	return &conn{Conn: c, raw: raw}, nil
}

// conn asks for quick acknowledgements after each read that received
// something.
type conn struct {
	net.Conn
	raw syscall.RawConn
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		ackNow(c.raw)
	}
	return n, err
}

// NetConn is the connection underneath, for code that looks for it (as
// crypto/tls and net/http do).
func (c *conn) NetConn() net.Conn { return c.Conn }
