package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// imapConn is our IMAP client (RFC 9051, RFC 3501): tagged commands,
// synchronizing literals, and responses read far enough to know where they
// end. Literals in responses are counted, not kept.
type imapConn struct {
	c   net.Conn
	r   *bufio.Reader
	tag int
}

// imapNo is a tagged NO or BAD: the server refused the command.
type imapNo struct{ Line string }

func (e *imapNo) Error() string { return e.Line }

func (r *runner) imapDial(ctx context.Context) (*imapConn, error) {
	nc, err := r.dial(ctx)
	if err != nil {
		return nil, err
	}
	c := &imapConn{c: nc, r: bufio.NewReaderSize(nc, 64<<10)}
	c.c.SetDeadline(time.Now().Add(opTimeout))
	line, _, err := c.readResponse()
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if !strings.HasPrefix(line, "* OK") && !strings.HasPrefix(line, "* PREAUTH") {
		nc.Close()
		return nil, fmt.Errorf("greeting: %q", line)
	}
	return c, nil
}

// login dials and logs in.
func (r *runner) imapLogin(ctx context.Context) (*imapConn, error) {
	c, err := r.imapDial(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := c.command("LOGIN " + quote(r.o.User) + " " + quote(r.o.Password)); err != nil {
		c.close()
		return nil, fmt.Errorf("LOGIN: %w", err)
	}
	return c, nil
}

// quote is an IMAP quoted string (RFC 9051 §4.3).
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// readResponse reads one response line, with the literals within it: the
// text without the literals' contents, and how many bytes of literal it
// held.
func (c *imapConn) readResponse() (string, int, error) {
	var line strings.Builder
	lit := 0
	for {
		part, err := c.readLine()
		if err != nil {
			return "", 0, err
		}
		line.Write(part)
		n, ok := literalSize(part)
		if !ok {
			return line.String(), lit, nil
		}
		if _, err := io.CopyN(io.Discard, c.r, int64(n)); err != nil {
			return "", 0, err
		}
		lit += n
	}
}

// readLine reads up to and without the CRLF, however long the line.
func (c *imapConn) readLine() ([]byte, error) {
	var long []byte
	for {
		b, err := c.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, b...)
			continue
		}
		if err != nil {
			return nil, err
		}
		if long != nil {
			b = append(long, b...)
		}
		return bytes.TrimRight(b, "\r\n"), nil
	}
}

// literalSize reads "{N}" or "{N+}" at the end of a line (RFC 9051 §4.3).
func literalSize(line []byte) (int, bool) {
	if len(line) < 3 || line[len(line)-1] != '}' {
		return 0, false
	}
	i := bytes.LastIndexByte(line, '{')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(string(line[i+1:len(line)-1]), "+"))
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

func (c *imapConn) nextTag() string {
	c.tag++
	return "a" + strconv.Itoa(c.tag)
}

// command sends one command and reads to its tagged response: the untagged
// responses, the bytes of literal they held, and an *imapNo for NO or BAD.
func (c *imapConn) command(cmd string) ([]string, int, error) {
	c.c.SetDeadline(time.Now().Add(opTimeout))
	tag := c.nextTag()
	if _, err := io.WriteString(c.c, tag+" "+cmd+"\r\n"); err != nil {
		return nil, 0, err
	}
	return c.finish(tag)
}

// finish reads to the tagged response of tag.
func (c *imapConn) finish(tag string) ([]string, int, error) {
	var untagged []string
	lit := 0
	for {
		line, n, err := c.readResponse()
		if err != nil {
			return nil, 0, err
		}
		lit += n
		if rest, ok := strings.CutPrefix(line, tag+" "); ok {
			if strings.HasPrefix(rest, "OK") {
				return untagged, lit, nil
			}
			return untagged, lit, &imapNo{Line: line}
		}
		untagged = append(untagged, line)
	}
}

// continuation reads to the server's "+" for tag; a tagged response
// instead is the command's refusal.
func (c *imapConn) continuation(tag string) error {
	for {
		line, _, err := c.readResponse()
		if err != nil {
			return err
		}
		if strings.HasPrefix(line, "+") {
			return nil
		}
		if strings.HasPrefix(line, tag+" ") {
			return &imapNo{Line: line}
		}
	}
}

// withLiteral sends "tag head {N}", waits for the continuation, sends the
// literal parts in one write and then, in a write of its own, tail and the
// CRLF that ends the command. The separate last write is what Python's
// imaplib does (its APPEND sends the literal, then CRLF): with Nagle's
// algorithm on that small segment waits for the ACK of the literal's last
// segment, which a server that delays its ACK holds back (issue 21).
func (c *imapConn) withLiteral(head string, literal [][]byte, tail string) ([]string, int, error) {
	c.c.SetDeadline(time.Now().Add(opTimeout))
	tag := c.nextTag()
	n := 0
	for _, p := range literal {
		n += len(p)
	}
	if _, err := fmt.Fprintf(c.c, "%s %s {%d}\r\n", tag, head, n); err != nil {
		return nil, 0, err
	}
	if err := c.continuation(tag); err != nil {
		return nil, 0, err
	}
	bufs := net.Buffers(literal)
	if _, err := bufs.WriteTo(c.c); err != nil {
		return nil, 0, err
	}
	if _, err := io.WriteString(c.c, tail+"\r\n"); err != nil {
		return nil, 0, err
	}
	return c.finish(tag)
}

func (c *imapConn) logout() {
	c.command("LOGOUT")
	c.close()
}

func (c *imapConn) close() { c.c.Close() }

// broken says whether err leaves the connection unusable (an I/O error, not
// a refusal).
func broken(err error) bool {
	var no *imapNo
	return err != nil && !errors.As(err, &no)
}

// exists reads the message count from SELECT's untagged responses.
func exists(untagged []string) int {
	for _, l := range untagged {
		f := strings.Fields(l)
		if len(f) == 3 && f[0] == "*" && strings.EqualFold(f[2], "EXISTS") {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}

// imapAppend is the APPEND stream: Concurrency connections append Messages
// messages between them, one after the other on each, as a migration tool
// does. Latency runs from the command to its tagged OK.
func (r *runner) imapAppend(ctx context.Context) error {
	next := tickets(ctx, r.o.Messages)
	r.workers(ctx, func(ctx context.Context, _ int) {
		var c *imapConn
		defer func() {
			if c != nil {
				c.logout()
			}
		}()
		for i := range next {
			if c == nil {
				var err error
				if c, err = r.imapLogin(ctx); err != nil {
					r.rec.fail("login", err)
					continue
				}
			}
			if err := r.append(c, i, "append"); broken(err) {
				c.close()
				c = nil
			}
		}
	})
	return nil
}

// append APPENDs message i and records it as op.
func (r *runner) append(c *imapConn, i int, op string) error {
	id, rest := r.pool.message(i)
	return r.rec.time(op, len(id)+len(rest), func() error {
		_, _, err := c.withLiteral("APPEND "+quote(r.o.Mailbox), [][]byte{[]byte(id), rest}, "")
		return err
	})
}
