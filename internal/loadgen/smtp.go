package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// smtp is the SMTP intake workload: Concurrency sessions deliver Messages
// messages between them, one transaction at a time each (MAIL, RCPT,
// DATA), over connections kept open. A message's latency runs from MAIL
// FROM to the 250 after the data, the moment a server says the message is
// safely stored (RFC 5321 §6.1).
func (r *runner) smtp(ctx context.Context) error {
	next := tickets(ctx, r.o.Messages)
	r.workers(ctx, func(ctx context.Context, _ int) {
		var c *smtpConn
		defer func() {
			if c != nil {
				c.quit()
			}
		}()
		for i := range next {
			if c == nil {
				var err error
				if c, err = r.smtpDial(ctx); err != nil {
					r.rec.fail("connect", err)
					continue
				}
			}
			id, rest := r.pool.message(i)
			err := r.rec.time("deliver", len(id)+len(rest), func() error { return c.send(r.o.From, r.o.Rcpt, id, rest) })
			var reply *smtpReply
			switch {
			case errors.As(err, &reply):
				// The server refused this message and the session goes on.
				if err := c.cmd(250, "RSET"); err != nil {
					c.close()
					c = nil
				}
			case err != nil:
				c.close()
				c = nil
			}
		}
	})
	return nil
}

// smtpConn is our SMTP client: the commands of RFC 5321 a sender needs.
type smtpConn struct {
	c        net.Conn
	r        *bufio.Reader
	w        *bufio.Writer
	eightBit bool // the server offers 8BITMIME (RFC 6152)
}

// smtpReply is a reply the client did not expect: the server refused.
type smtpReply struct {
	Code int
	Text string
}

func (e *smtpReply) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Text) }

func (r *runner) smtpDial(ctx context.Context) (*smtpConn, error) {
	nc, err := r.dial(ctx)
	if err != nil {
		return nil, err
	}
	c := &smtpConn{c: nc, r: bufio.NewReaderSize(nc, 4096), w: bufio.NewWriterSize(nc, 64<<10)}
	c.deadline()
	if _, _, err := c.reply(220); err != nil {
		nc.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	ext, err := c.ehlo()
	if err != nil {
		nc.Close()
		return nil, err
	}
	c.eightBit = strings.Contains(ext, "\n8BITMIME")
	if r.o.User != "" {
		// RFC 4954 with PLAIN (RFC 4616): authzid empty, user, password.
		resp := base64.StdEncoding.EncodeToString([]byte("\x00" + r.o.User + "\x00" + r.o.Password))
		if err := c.cmd(235, "AUTH PLAIN "+resp); err != nil {
			nc.Close()
			return nil, fmt.Errorf("AUTH: %w", err)
		}
	}
	return c, nil
}

func (c *smtpConn) deadline() { c.c.SetDeadline(time.Now().Add(opTimeout)) }

// ehlo greets and returns the extension lines, each after a newline.
func (c *smtpConn) ehlo() (string, error) {
	if err := c.write("EHLO loadgen.invalid"); err != nil {
		return "", err
	}
	_, text, err := c.reply(250)
	if err != nil {
		return "", fmt.Errorf("EHLO: %w", err)
	}
	return "\n" + strings.ToUpper(text), nil
}

func (c *smtpConn) write(line string) error {
	c.w.WriteString(line)
	c.w.WriteString("\r\n")
	return c.w.Flush()
}

// cmd sends line and wants the reply code want.
func (c *smtpConn) cmd(want int, line string) error {
	if err := c.write(line); err != nil {
		return err
	}
	_, _, err := c.reply(want)
	return err
}

// reply reads one reply, its lines joined by newlines (RFC 5321 §4.2:
// "250-" continues, "250 " ends). Another code than want is an
// *smtpReply error.
func (c *smtpConn) reply(want int) (int, string, error) {
	var text []string
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return 0, "", err
		}
		line = strings.TrimRight(line, "\r\n")
		if len(line) < 3 {
			return 0, "", fmt.Errorf("malformed reply %q", line)
		}
		code, err := strconv.Atoi(line[:3])
		if err != nil {
			return 0, "", fmt.Errorf("malformed reply %q", line)
		}
		text = append(text, strings.TrimLeft(line[3:], " -"))
		if len(line) == 3 || line[3] == ' ' {
			joined := strings.Join(text, "\n")
			if code != want && !(want == 250 && code == 251) {
				return code, joined, &smtpReply{Code: code, Text: joined}
			}
			return code, joined, nil
		}
	}
}

// send is one transaction.
func (c *smtpConn) send(from, rcpt, id string, rest []byte) error {
	c.deadline()
	mail := "MAIL FROM:<" + from + ">"
	if c.eightBit {
		mail += " BODY=8BITMIME"
	}
	if err := c.cmd(250, mail); err != nil {
		return fmt.Errorf("MAIL: %w", err)
	}
	if err := c.cmd(250, "RCPT TO:<"+rcpt+">"); err != nil {
		return fmt.Errorf("RCPT: %w", err)
	}
	if err := c.cmd(354, "DATA"); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	writeDotStuffed(c.w, []byte(id))
	writeDotStuffed(c.w, rest)
	c.w.WriteString(".\r\n")
	if err := c.w.Flush(); err != nil {
		return err
	}
	if _, _, err := c.reply(250); err != nil {
		return fmt.Errorf("end of data: %w", err)
	}
	return nil
}

// writeDotStuffed writes whole CRLF lines, doubling a leading dot
// (RFC 5321 §4.5.2).
func writeDotStuffed(w *bufio.Writer, b []byte) {
	for len(b) > 0 {
		if b[0] == '.' {
			w.WriteByte('.')
		}
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			w.Write(b)
			w.WriteString("\r\n")
			return
		}
		w.Write(b[:i+1])
		b = b[i+1:]
	}
}

func (c *smtpConn) quit() {
	c.deadline()
	c.cmd(221, "QUIT")
	c.c.Close()
}

func (c *smtpConn) close() { c.c.Close() }
