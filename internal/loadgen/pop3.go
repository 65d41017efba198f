package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// pop3 is the POP3 download (RFC 1939): each of Concurrency sessions logs
// in (USER/PASS), asks STAT and RETRs every message (at most Messages when
// set), then QUITs without deleting. Servers lock a maildrop for one
// session at a time, so more than one connection on one account measures
// the lock.
func (r *runner) pop3(ctx context.Context) error {
	r.workers(ctx, func(ctx context.Context, _ int) {
		start := time.Now()
		c, err := r.pop3Login(ctx)
		if err != nil {
			r.rec.fail("login", err)
			return
		}
		r.rec.ok("login", time.Since(start), 0)
		defer c.quit()
		var n int
		err = r.rec.time("stat", 0, func() error {
			line, err := c.cmd("STAT")
			if err != nil {
				return err
			}
			// "+OK nn mm" (RFC 1939 §5)
			f := strings.Fields(line)
			if len(f) < 3 {
				return fmt.Errorf("STAT: %q", line)
			}
			n, err = strconv.Atoi(f[1])
			return err
		})
		if err != nil {
			return
		}
		if r.o.Messages > 0 {
			n = min(n, r.o.Messages)
		}
		for i := 1; i <= n && ctx.Err() == nil; i++ {
			var size int
			err := r.rec.time("retr", 0, func() error {
				var err error
				size, err = c.retr(i)
				return err
			})
			if err != nil {
				var refused *pop3Err
				if !errors.As(err, &refused) {
					return // the connection is gone
				}
				continue
			}
			r.rec.mu.Lock()
			r.rec.bytes += int64(size)
			r.rec.mu.Unlock()
		}
	})
	return nil
}

type pop3Conn struct {
	c net.Conn
	r *bufio.Reader
}

// pop3Err is a -ERR answer.
type pop3Err struct{ Line string }

func (e *pop3Err) Error() string { return e.Line }

func (r *runner) pop3Login(ctx context.Context) (*pop3Conn, error) {
	nc, err := r.dial(ctx)
	if err != nil {
		return nil, err
	}
	c := &pop3Conn{c: nc, r: bufio.NewReaderSize(nc, 64<<10)}
	c.c.SetDeadline(time.Now().Add(opTimeout))
	if _, err := c.status(); err != nil {
		nc.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if _, err := c.cmd("USER " + r.o.User); err != nil {
		nc.Close()
		return nil, fmt.Errorf("USER: %w", err)
	}
	if _, err := c.cmd("PASS " + r.o.Password); err != nil {
		nc.Close()
		return nil, fmt.Errorf("PASS: %w", err)
	}
	return c, nil
}

// status reads a "+OK" or "-ERR" line.
func (c *pop3Conn) status() (string, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if !strings.HasPrefix(line, "+OK") {
		return "", &pop3Err{Line: line}
	}
	return line, nil
}

func (c *pop3Conn) cmd(line string) (string, error) {
	c.c.SetDeadline(time.Now().Add(opTimeout))
	if _, err := io.WriteString(c.c, line+"\r\n"); err != nil {
		return "", err
	}
	return c.status()
}

// retr downloads message i and returns its size on the wire (the
// dot-stuffed lines, without the final ".").
func (c *pop3Conn) retr(i int) (int, error) {
	if _, err := c.cmd("RETR " + strconv.Itoa(i)); err != nil {
		return 0, err
	}
	n := 0
	mid := false // within a line longer than the buffer
	for {
		b, err := c.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			n += len(b)
			mid = true
			continue
		}
		if err != nil {
			return n, err
		}
		if !mid && string(b) == ".\r\n" {
			return n, nil
		}
		n += len(b)
		mid = false
	}
}

func (c *pop3Conn) quit() {
	c.cmd("QUIT")
	c.c.Close()
}
