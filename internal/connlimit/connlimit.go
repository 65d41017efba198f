// Package connlimit owns the connection limits of the listeners: at most
// Max connections per remote address and listener, and a Budget that all
// the listeners of a process share, so that no number of clients can take
// the file descriptors the server needs for its database, message files
// and the sessions it already serves (issue 13: one client held HTTP
// connections until accept failed with EMFILE and the server exited).
//
// Invariants:
//   - A connection counts against its address and the budget from Accept
//     until it is closed (once, however many times Close is called).
//   - Accept never returns a temporary error (EMFILE, ENFILE, ENOBUFS,
//     ENOMEM, ECONNABORTED): it waits and tries again, 5 ms doubling up
//     to a second, so that no accept loop ends for want of descriptors.
//   - Only a connection marked waiting (SetWaiting: an HTTP connection
//     before its first request or between two) is ever closed to make room
//     for a new one, the one that has waited longest first; a connection
//     in the middle of a request, and every SMTP, IMAP and POP3 session,
//     is never closed by a newcomer.
//   - One mutex (the budget's) guards every count and list.
package connlimit

import (
	"container/list"
	"errors"
	"log/slog"
	"net"
	"sync"
	"syscall"
	"time"

	"postroom/internal/metrics"
)

// Budget is how many connections all the listeners that share it may hold
// together (Descriptors sizes it from the open-file limit).
type Budget struct {
	max int

	mu      sync.Mutex
	open    int
	waiting list.List // *conn that may be closed for a newcomer, longest waiting first
}

// NewBudget returns a budget of max connections; max <= 0 means no limit.
func NewBudget(max int) *Budget {
	return &Budget{max: max}
}

// Max is the budget's size (0: no limit).
func (b *Budget) Max() int { return b.max }

// Open returns the connections open under the budget.
func (b *Budget) Open() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.open
}

// Listener wraps a net.Listener: at most Max simultaneous connections per
// remote IP (Refusal is written to one beyond it, for example "421 4.7.0
// Too many connections\r\n", and it is closed), and at most what the
// Budget allows for all listeners together (Busy is written instead).
// With Shed, a newcomer beyond either limit closes this listener's
// longest-waiting connection instead of being refused (HTTP: see
// HTTPConnState).
type Listener struct {
	net.Listener
	Max     int
	Refusal string
	// Busy is written to a connection refused because the budget is spent
	// (Refusal when empty).
	Busy   string
	Budget *Budget
	Shed   bool
	// Name is the listener's in the metrics ("smtp", "imaps", "http" ...).
	Name string
	// Log hears of accept errors that are waited out (slog.Default when nil).
	Log *slog.Logger

	perIP    map[string]*address // under Budget.mu
	makeOnce sync.Once           // makes closed
	shutOnce sync.Once           // closes it
	closed   chan struct{}       // closed by Close
}

// address is what one remote IP holds on one listener.
type address struct {
	n       int
	waiting list.List // *conn, longest waiting first
}

// New wraps l with a limit of max connections per address; max <= 0
// means no limit. Set Budget, Busy and Shed before the first Accept.
func New(l net.Listener, max int, refusal string) *Listener {
	return &Listener{Listener: l, Max: max, Refusal: refusal}
}

// done is closed when the listener is.
func (l *Listener) done() <-chan struct{} {
	l.makeOnce.Do(func() { l.closed = make(chan struct{}) })
	return l.closed
}

func (l *Listener) budget() *Budget {
	if l.Budget == nil {
		l.Budget = NewBudget(0)
	}
	return l.Budget
}

// Accept implements net.Listener.
func (l *Listener) Accept() (net.Conn, error) {
	b := l.budget()
	var delay time.Duration
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if !temporary(err) {
				return nil, err
			}
			// Out of descriptors (or a like passing shortage): wait and
			// try again; the connections that close meanwhile make room.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			if delay == time.Second {
				l.log().Warn("accept: waiting", "listener", l.Addr().String(), "err", err)
			}
			select {
			case <-time.After(delay):
				continue
			case <-l.done():
				return nil, net.ErrClosed
			}
		}
		delay = 0
		ip := hostOf(c.RemoteAddr())
		b.mu.Lock()
		ok, refusal, victims := l.admit(ip)
		var nc *conn
		if ok {
			for _, v := range victims {
				v.l.uncount(v)
			}
			nc = &conn{Conn: c, l: l, ip: ip}
			l.count(nc)
			if l.Shed {
				nc.wait() // it waits for its first request
			}
		}
		b.mu.Unlock()
		for _, v := range victims {
			v.Conn.Close()
		}
		metrics.Connection(l.Name, ok)
		if !ok {
			if refusal != "" {
				c.SetWriteDeadline(time.Now().Add(time.Second))
				c.Write([]byte(refusal))
			}
			c.Close()
			continue
		}
		return nc, nil
	}
}

// admit decides on a newcomer from ip (the budget's lock held): admitted,
// once the victims are closed to make room for it; or refused with the
// line to write to it (none when empty: a TLS client would not read
// plain text).
func (l *Listener) admit(ip string) (ok bool, refusal string, victims []*conn) {
	b := l.budget()
	open := b.open
	if a := l.perIP[ip]; l.Max > 0 && a != nil && a.n >= l.Max {
		v := front(&a.waiting)
		if !l.Shed || v == nil {
			return false, l.Refusal, nil
		}
		victims = append(victims, v)
		open-- // the victim's room in the budget too
	}
	if b.max > 0 && open >= b.max {
		v := front(&b.waiting)
		if v == nil {
			busy := l.Busy
			if busy == "" {
				busy = l.Refusal
			}
			return false, busy, nil
		}
		victims = append(victims, v)
	}
	return true, "", victims
}

func front(ls *list.List) *conn {
	if e := ls.Front(); e != nil {
		return e.Value.(*conn)
	}
	return nil
}

// count adds c to the counts of its address and the budget (lock held).
func (l *Listener) count(c *conn) {
	if l.perIP == nil {
		l.perIP = map[string]*address{}
	}
	a := l.perIP[c.ip]
	if a == nil {
		a = &address{}
		l.perIP[c.ip] = a
	}
	a.n++
	l.budget().open++
	c.counted = true
}

// uncount takes c out of every count and list (lock held); once.
func (l *Listener) uncount(c *conn) {
	if !c.counted {
		return
	}
	c.counted = false
	c.busy()
	b := l.budget()
	b.open--
	if a := l.perIP[c.ip]; a != nil {
		if a.n--; a.n <= 0 {
			delete(l.perIP, c.ip)
		}
	}
}

// Count returns the open connections from ip.
func (l *Listener) Count(ip string) int {
	b := l.budget()
	b.mu.Lock()
	defer b.mu.Unlock()
	if a := l.perIP[ip]; a != nil {
		return a.n
	}
	return 0
}

// Close implements net.Listener; an Accept waiting out a shortage of
// descriptors returns at once.
func (l *Listener) Close() error {
	l.done()
	l.shutOnce.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

func (l *Listener) log() *slog.Logger {
	if l.Log != nil {
		return l.Log
	}
	return slog.Default()
}

// temporary reports whether an accept error passes: the process or the
// system is out of descriptors or buffers for now, or the client gave up
// before it was accepted.
func temporary(err error) bool {
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM,
		syscall.ECONNABORTED, syscall.EINTR} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func hostOf(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// conn is an accepted connection, counted until it is closed.
type conn struct {
	net.Conn
	l       *Listener
	ip      string
	counted bool          // under the budget's lock
	inIP    *list.Element // its place among its address's waiting connections
	inAll   *list.Element // and the budget's
}

// wait marks c as one that may be closed for a newcomer (lock held).
func (c *conn) wait() {
	if !c.counted || c.inAll != nil {
		return
	}
	c.inAll = c.l.budget().waiting.PushBack(c)
	if a := c.l.perIP[c.ip]; a != nil {
		c.inIP = a.waiting.PushBack(c)
	}
}

// busy takes c out of the waiting lists (lock held).
func (c *conn) busy() {
	if c.inAll != nil {
		c.l.budget().waiting.Remove(c.inAll)
		c.inAll = nil
	}
	if c.inIP != nil {
		if a := c.l.perIP[c.ip]; a != nil {
			a.waiting.Remove(c.inIP)
		}
		c.inIP = nil
	}
}

// SetWaiting marks the connection as waiting for a request (it may be
// closed to make room for a newcomer) or busy with one. It does nothing
// for a connection of a listener without Shed.
func (c *conn) SetWaiting(waiting bool) {
	if !c.l.Shed {
		return
	}
	b := c.l.budget()
	b.mu.Lock()
	defer b.mu.Unlock()
	if waiting {
		c.wait()
	} else {
		c.busy()
	}
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	b := c.l.budget()
	b.mu.Lock()
	c.l.uncount(c)
	b.mu.Unlock()
	return err
}

// Unwrap returns the underlying connection (for TLS state and the like).
func (c *conn) Unwrap() net.Conn { return c.Conn }
