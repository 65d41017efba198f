package proxyproto

// How a connection goes through the Listener:
//   - One goroutine (run) accepts from the socket. A peer outside the
//     trusted list is handed to Accept as it is, with no header read.
//   - A trusted peer's header is read in a goroutine of its own, within
//     Timeout, so that a slow or silent balancer connection never holds
//     up the others; the connection reaches Accept only once its header
//     is through, carrying the client's address as RemoteAddr. Whatever
//     wraps the Listener (per-address limits, TLS) thus sees the client.
//   - A trusted peer that sends no valid header is closed and logged: it
//     is misconfigured (the balancer does not send the header) or it is
//     not the balancer, and serving it would count every client behind
//     it as one address, the balancer's.
//   - At most MaxPending headers are read at once; beyond, the accepting
//     goroutine waits, as an unwrapped listener leaves connections in the
//     kernel's backlog while its server is busy.

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// DefaultTimeout is how long a trusted peer has to send its header.
const DefaultTimeout = 5 * time.Second

// MaxPending bounds the trusted connections whose header is being read.
const MaxPending = 256

// Listener reads PROXY headers from the trusted peers of a listener.
type Listener struct {
	l       net.Listener
	trusted []netip.Prefix
	// Timeout bounds the reading of one header (DefaultTimeout when 0).
	Timeout time.Duration
	// Name is the listener's name in log lines ("smtp", "imaps", ...).
	Name string
	Log  *slog.Logger

	start   sync.Once
	out     chan accepted
	done    chan struct{}
	close   sync.Once
	pending chan struct{} // a semaphore of MaxPending

	mu      sync.Mutex
	reading map[net.Conn]struct{} // connections whose header is being read
}

type accepted struct {
	c   net.Conn
	err error
}

// NewListener wraps l: a connection from an address in trusted must open
// with a PROXY header, and its RemoteAddr is the client the header names.
// Set the exported fields before the first Accept.
func NewListener(l net.Listener, trusted []netip.Prefix) *Listener {
	return &Listener{l: l, trusted: trusted, out: make(chan accepted),
		done: make(chan struct{}), pending: make(chan struct{}, MaxPending)}
}

// ParseTrusted reads the configured list of balancers: CIDR prefixes
// ("10.0.0.0/24") or single addresses ("10.0.0.5", taken as /32 or /128).
func ParseTrusted(list []string) ([]netip.Prefix, error) {
	var ps []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
				p = netip.PrefixFrom(a.Unmap(), p.Bits()-96) // peers are compared unmapped
			}
			ps = append(ps, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("proxy_protocol %q: want an IP address or a CIDR prefix", s)
		}
		ps = append(ps, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return ps, nil
}

// Accept returns the next connection: a trusted peer's once its header
// is read, anyone else's at once.
func (l *Listener) Accept() (net.Conn, error) {
	l.start.Do(func() { go l.run() })
	select {
	case a := <-l.out:
		return a.c, a.err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close closes the socket; connections whose header is still being read
// are closed too.
func (l *Listener) Close() error {
	l.close.Do(func() {
		close(l.done)
		l.mu.Lock()
		for c := range l.reading {
			c.Close()
		}
		l.reading = nil
		l.mu.Unlock()
	})
	return l.l.Close()
}

// track notes that c's header is being read, for Close; false when the
// listener is closed already.
func (l *Listener) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-l.done:
		return false
	default:
	}
	if l.reading == nil {
		l.reading = map[net.Conn]struct{}{}
	}
	l.reading[c] = struct{}{}
	return true
}

func (l *Listener) untrack(c net.Conn) {
	l.mu.Lock()
	delete(l.reading, c)
	l.mu.Unlock()
}

// Addr is the socket's address.
func (l *Listener) Addr() net.Addr { return l.l.Addr() }

func (l *Listener) timeout() time.Duration {
	if l.Timeout > 0 {
		return l.Timeout
	}
	return DefaultTimeout
}

func (l *Listener) log() *slog.Logger {
	if l.Log != nil {
		return l.Log
	}
	return slog.Default()
}

// run accepts until the socket is closed. Errors of the socket's Accept
// go to the caller of Accept, which decides whether to wait and retry (a
// shortage of descriptors) or stop; run waits for it to take each one.
func (l *Listener) run() {
	for {
		c, err := l.l.Accept()
		if err != nil {
			if !l.hand(accepted{err: err}) || errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if !l.isTrusted(c.RemoteAddr()) {
			if !l.hand(accepted{c: c}) {
				c.Close()
				return
			}
			continue
		}
		select {
		case l.pending <- struct{}{}:
		case <-l.done:
			c.Close()
			return
		}
		if !l.track(c) {
			<-l.pending
			c.Close()
			return
		}
		go func() {
			defer func() { <-l.pending }()
			pc, err := l.readHeader(c)
			l.untrack(c)
			if err != nil {
				l.log().Warn("proxy protocol: connection from a trusted peer without a valid header closed",
					"listener", l.Name, "peer", c.RemoteAddr().String(), "err", err)
				c.Close()
				return
			}
			if !l.hand(accepted{c: pc}) {
				c.Close()
			}
		}()
	}
}

// hand gives a to Accept; false when the listener was closed first.
func (l *Listener) hand(a accepted) bool {
	select {
	case l.out <- a:
		return true
	case <-l.done:
		return false
	}
}

func (l *Listener) isTrusted(a net.Addr) bool {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	for _, p := range l.trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// readHeader reads c's header within the timeout and returns c as the
// server is to see it.
func (l *Listener) readHeader(c net.Conn) (net.Conn, error) {
	if err := c.SetReadDeadline(time.Now().Add(l.timeout())); err != nil {
		return nil, fmt.Errorf("proxyproto: deadline: %w", err)
	}
	h, err := Parse(c)
	if err != nil {
		return nil, err
	}
	if err := c.SetReadDeadline(time.Time{}); err != nil {
		return nil, fmt.Errorf("proxyproto: deadline: %w", err)
	}
	if h.Local {
		return c, nil
	}
	return &Conn{Conn: c, remote: tcpAddr(h.Source), local: tcpAddr(h.Dest), Header: h}, nil
}

func tcpAddr(ap netip.AddrPort) *net.TCPAddr {
	return &net.TCPAddr{IP: ap.Addr().Unmap().AsSlice(), Port: int(ap.Port())}
}

// Conn is a connection relayed by a balancer: RemoteAddr is the client,
// LocalAddr the address the client connected to (the balancer's front).
type Conn struct {
	net.Conn
	Header        Header
	remote, local net.Addr
}

// RemoteAddr is the client's address from the header.
func (c *Conn) RemoteAddr() net.Addr { return c.remote }

// LocalAddr is the destination address from the header.
func (c *Conn) LocalAddr() net.Addr { return c.local }

// NetConn is the connection underneath, for code that looks for it (as
// crypto/tls and net/http do).
func (c *Conn) NetConn() net.Conn { return c.Conn }

// SyscallConn gives the socket to code that sets options on it
// (internal/quickack).
func (c *Conn) SyscallConn() (syscall.RawConn, error) {
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return nil, errors.New("proxyproto: connection has no socket")
	}
	return sc.SyscallConn()
}
