package smtpclient

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// reply is one SMTP reply.
type reply struct {
	Code     int
	Enhanced string // "5.1.1", "" when absent
	Text     string
}

func (r reply) String() string {
	s := strconv.Itoa(r.Code)
	if r.Enhanced != "" {
		s += " " + r.Enhanced
	}
	return s + " " + r.Text
}

// session is one SMTP connection to a receiving server.
type session struct {
	conn     net.Conn
	text     *textproto.Conn
	host     string // the server's name, for TLS and messages
	ext      map[string]string
	tls      bool
	timeout  time.Duration
	lastUsed time.Time
}

func newSession(conn net.Conn, host string, timeout time.Duration) *session {
	return &session{conn: conn, text: textproto.NewConn(conn), host: host, timeout: timeout}
}

// cmd sends a command (empty for none) and reads the whole reply.
func (s *session) cmd(format string, args ...any) (reply, error) {
	s.conn.SetDeadline(time.Now().Add(s.timeout))
	if format != "" {
		if err := s.text.PrintfLine(format, args...); err != nil {
			return reply{}, err
		}
	}
	return s.read()
}

// read reads a possibly multi-line reply (RFC 5321 §4.2).
func (s *session) read() (reply, error) {
	var r reply
	var lines []string
	for {
		line, err := s.text.ReadLine()
		if err != nil {
			return r, err
		}
		if len(line) < 3 {
			return r, fmt.Errorf("malformed reply %q", line)
		}
		code, err := strconv.Atoi(line[:3])
		if err != nil {
			return r, fmt.Errorf("malformed reply %q", line)
		}
		r.Code = code
		rest := ""
		if len(line) > 4 {
			rest = line[4:]
		}
		lines = append(lines, rest)
		if len(line) == 3 || line[3] != '-' {
			break
		}
	}
	text := strings.Join(lines, "; ")
	if parts := strings.SplitN(text, " ", 2); len(parts) > 0 && isEnhanced(parts[0], r.Code) {
		r.Enhanced = parts[0]
		if len(parts) == 2 {
			text = parts[1]
		} else {
			text = ""
		}
	}
	r.Text = text
	return r, nil
}

// isEnhanced reports whether s is an RFC 3463 code of the reply's class.
func isEnhanced(s string, code int) bool {
	p := strings.Split(s, ".")
	if len(p) != 3 || p[0] != strconv.Itoa(code/100) {
		return false
	}
	for _, n := range p[1:] {
		if _, err := strconv.Atoi(n); err != nil {
			return false
		}
	}
	return true
}

// greet reads the greeting and says EHLO (falling back to HELO).
func (s *session) greet(name string) error {
	r, err := s.cmd("")
	if err != nil {
		return err
	}
	if r.Code != 220 {
		return replyError(r)
	}
	return s.ehlo(name)
}

func (s *session) ehlo(name string) error {
	s.ext = map[string]string{}
	r, err := s.cmd("EHLO %s", name)
	if err != nil {
		return err
	}
	if r.Code != 250 {
		if r, err = s.cmd("HELO %s", name); err != nil {
			return err
		}
		if r.Code != 250 {
			return replyError(r)
		}
		return nil
	}
	for i, l := range strings.Split(r.Text, "; ") {
		if i == 0 {
			continue // the greeting line
		}
		k, v, _ := strings.Cut(l, " ")
		s.ext[strings.ToUpper(k)] = v
	}
	return nil
}

func (s *session) has(ext string) bool {
	_, ok := s.ext[ext]
	return ok
}

// startTLS upgrades the connection (RFC 3207) and says EHLO again.
func (s *session) startTLS(cfg *tls.Config, name string) error {
	r, err := s.cmd("STARTTLS")
	if err != nil {
		return err
	}
	if r.Code != 220 {
		return replyError(r)
	}
	tc := tls.Client(s.conn, cfg)
	tc.SetDeadline(time.Now().Add(s.timeout))
	if err := tc.Handshake(); err != nil {
		return fmt.Errorf("tls handshake with %s: %w", s.host, err)
	}
	s.conn, s.text, s.tls = tc, textproto.NewConn(tc), true
	return s.ehlo(name)
}

// authPlain logs in to a relay (RFC 4954, RFC 4616).
func (s *session) authPlain(user, pass string) error {
	ir := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
	r, err := s.cmd("AUTH PLAIN %s", ir)
	if err != nil {
		return err
	}
	if r.Code != 235 {
		return replyError(r)
	}
	return nil
}

// data sends the message, dot-stuffed (RFC 5321 §4.5.2).
func (s *session) data(msg []byte) (reply, error) {
	r, err := s.cmd("DATA")
	if err != nil || r.Code != 354 {
		return r, err
	}
	s.conn.SetDeadline(time.Now().Add(s.timeout + time.Duration(len(msg)/10_000)*time.Second))
	w := s.text.DotWriter()
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(msg); err != nil {
		return r, err
	}
	if err := bw.Flush(); err != nil {
		return r, err
	}
	if err := w.Close(); err != nil {
		return r, err
	}
	return s.read()
}

func (s *session) quit() {
	s.conn.SetDeadline(time.Now().Add(5 * time.Second))
	s.text.PrintfLine("QUIT")
	s.text.ReadLine()
	s.conn.Close()
}

// ReplyError is a refusal from the receiving server.
type ReplyError struct{ Reply reply }

func (e *ReplyError) Error() string { return e.Reply.String() }

func replyError(r reply) error { return &ReplyError{Reply: r} }

// permanent reports whether err is a 5xx refusal.
func permanent(err error) bool {
	var re *ReplyError
	return errors.As(err, &re) && re.Reply.Code >= 500
}
