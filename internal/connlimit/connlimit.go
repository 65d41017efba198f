// Package connlimit owns per-address connection limits for the protocol
// listeners: a listener wrapper that refuses a connection beyond the limit
// with a protocol-appropriate line and counts the rest until they close.
package connlimit

import (
	"net"
	"sync"
)

// Listener wraps a net.Listener and allows at most Max simultaneous
// connections per remote IP. Refused connections get Refusal written to them
// (for example "421 4.7.0 Too many connections\r\n") and are closed.
type Listener struct {
	net.Listener
	Max     int
	Refusal string

	mu    sync.Mutex
	perIP map[string]int
}

// New wraps l. max <= 0 means no limit.
func New(l net.Listener, max int, refusal string) *Listener {
	return &Listener{Listener: l, Max: max, Refusal: refusal, perIP: map[string]int{}}
}

// Accept implements net.Listener.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := hostOf(c.RemoteAddr())
		l.mu.Lock()
		if l.Max > 0 && l.perIP[ip] >= l.Max {
			l.mu.Unlock()
			if l.Refusal != "" {
				c.Write([]byte(l.Refusal))
			}
			c.Close()
			continue
		}
		l.perIP[ip]++
		l.mu.Unlock()
		return &conn{Conn: c, l: l, ip: ip}, nil
	}
}

// Count returns the open connections from ip.
func (l *Listener) Count(ip string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.perIP[ip]
}

func (l *Listener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perIP[ip]--; l.perIP[ip] <= 0 {
		delete(l.perIP, ip)
	}
}

func hostOf(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

type conn struct {
	net.Conn
	l    *Listener
	ip   string
	once sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.ip) })
	return err
}

// Unwrap returns the underlying connection (for TLS state and the like).
func (c *conn) Unwrap() net.Conn { return c.Conn }
