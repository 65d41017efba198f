package smtpd

// The wire side of a connection: RFC 5321's command loop, reading lines,
// writing replies, deadlines, STARTTLS (RFC 3207). What a command means
// and in what order commands may come is in commands.go; what a
// transaction does with the services is in session.go.
//
// Replies are buffered and written when the client has nothing more
// waiting to be read, so a PIPELINING client (RFC 2920) gets the replies
// of its group in one segment.

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"time"
)

const (
	// idleTimeout is how long the server waits for a command or for the
	// data to go on (RFC 5321 §4.5.3.2.7: at least 5 minutes).
	idleTimeout = 5 * time.Minute
	// writeTimeout bounds a client that does not read its replies.
	writeTimeout = time.Minute
	// maxCommandLine is the longest command line: RFC 5321 says 512
	// octets, RFC 4954 §4 12,288 for an AUTH response; the margin is for
	// clients that pile parameters on.
	maxCommandLine = 64 << 10
	// maxErrors is how many unknown or malformed commands a connection
	// gets before it is closed: a client that speaks no SMTP.
	maxErrors = 10
)

var (
	errIdle        = &Reply{421, [3]int{4, 4, 2}, "Idle too long, closing the connection"}
	errTooManyErrs = &Reply{421, [3]int{4, 7, 0}, "Too many errors, closing the connection"}
	errInternal    = &Reply{421, [3]int{4, 3, 0}, "Internal server error, closing the connection"}
)

// timedConn refreshes the connection's deadlines as it is used, at most a
// few times a minute: a deadline set for every read of a large message
// would cost more than its bytes.
type timedConn struct {
	net.Conn
	readSet, writeSet time.Time
}

func (c *timedConn) Read(p []byte) (int, error) {
	if now := time.Now(); now.Sub(c.readSet) > idleTimeout/16 {
		c.readSet = now
		c.Conn.SetReadDeadline(now.Add(idleTimeout))
	}
	return c.Conn.Read(p)
}

func (c *timedConn) Write(p []byte) (int, error) {
	if now := time.Now(); now.Sub(c.writeSet) > writeTimeout/16 {
		c.writeSet = now
		c.Conn.SetWriteDeadline(now.Add(writeTimeout))
	}
	return c.Conn.Write(p)
}

// serveConn runs one connection to its end.
func (s *Server) serveConn(raw net.Conn, role Role) {
	se := newSession(s, role, raw)
	s.track(se, true)
	defer func() {
		if v := recover(); v != nil {
			s.log().Error("smtp panic", "id", se.id, "remote", raw.RemoteAddr().String(), "panic", v, "stack", string(debug.Stack()))
			se.replyErr(errInternal)
			se.flush()
		}
		raw.Close()
		s.track(se, false)
	}()
	if tc, ok := raw.(*tls.Conn); ok {
		raw.SetDeadline(time.Now().Add(writeTimeout))
		if err := tc.Handshake(); err != nil {
			s.log().Debug("smtp tls handshake", "remote", raw.RemoteAddr().String(), "err", err)
			return
		}
	}
	if s.closing.Load() {
		se.replyErr(errShuttingDown)
		se.flush()
		return
	}
	se.reply(220, [3]int{}, s.Hostname+" ESMTP ready")
	for !se.quit {
		line, err := se.readLine()
		if err != nil {
			se.lost(err)
			break
		}
		se.command(line)
	}
	se.flush()
}

// lost ends a connection whose command could not be read: a client gone
// says nothing; one that kept quiet too long, or that a shutdown wakes,
// hears why.
func (se *session) lost(err error) {
	var ne net.Error
	switch {
	case errors.Is(err, errLineTooLong):
		se.reply(500, [3]int{5, 5, 2}, "Line too long, closing the connection")
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, os.ErrDeadlineExceeded):
		if se.s.closing.Load() {
			se.replyErr(errShuttingDown)
		} else {
			se.replyErr(errIdle)
		}
	}
}

// readLine returns the next command line without its line end. Before it
// waits, it sends the replies written so far; while the server shuts
// down, a connection with no transaction in flight is answered 421.
func (se *session) readLine() (string, error) {
	if se.r.Buffered() == 0 {
		if err := se.flush(); err != nil {
			return "", err
		}
		if se.s.closing.Load() && !se.isBusy() {
			se.replyErr(errShuttingDown)
			return "", io.EOF
		}
	}
	b, err := se.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), b...)
		for err == bufio.ErrBufferFull && len(long) <= maxCommandLine {
			b, err = se.r.ReadSlice('\n')
			long = append(long, b...)
		}
		if len(long) > maxCommandLine {
			return "", errLineTooLong
		}
		b = long
	}
	if err != nil {
		return "", err
	}
	b = b[:len(b)-1]
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return string(b), nil
}

// reply writes one reply. A zero enhanced code is left out (the greeting,
// 334, 354).
func (se *session) reply(code int, enh [3]int, text string) {
	if enh == [3]int{} {
		fmt.Fprintf(se.w, "%d %s\r\n", code, text)
		return
	}
	fmt.Fprintf(se.w, "%d %d.%d.%d %s\r\n", code, enh[0], enh[1], enh[2], text)
}

// replyLines writes a multi-line reply (EHLO's).
func (se *session) replyLines(code int, lines []string) {
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(se.w, "%d%s%s\r\n", code, sep, l)
	}
}

// replyErr writes err's reply (reply translates a service's error). A
// 421 ends the connection (RFC 5321 §3.8).
func (se *session) replyErr(err error) {
	var r *Reply
	if !errors.As(reply(err), &r) {
		return
	}
	se.reply(r.Code, r.Enhanced, r.Message)
	if r.Code == 421 {
		se.quit = true
	}
}

// protocolError answers a command the server cannot take, and ends a
// connection that sends nothing else.
func (se *session) protocolError(code int, enh [3]int, text string) {
	se.reply(code, enh, text)
	se.errs++
	if se.errs >= maxErrors {
		se.replyErr(errTooManyErrs)
	}
}

func (se *session) flush() error {
	if se.w.Buffered() == 0 {
		return nil
	}
	return se.w.Flush()
}

// startTLS upgrades the connection (RFC 3207). Whatever the client sent
// after the command in the clear is dropped (the reader's Reset drops
// what it holds; what the socket holds below it breaks the handshake): it
// must not be taken as sent under TLS (CVE-2011-0411). The session
// starts again, as the RFC asks: no HELO, no login.
func (se *session) startTLS(arg string) {
	switch {
	case se.s.TLS == nil:
		se.reply(502, [3]int{5, 5, 1}, "TLS not available")
		return
	case se.tls():
		se.reply(503, [3]int{5, 5, 1}, "TLS already active")
		return
	case arg != "":
		se.reply(501, [3]int{5, 5, 4}, "STARTTLS takes no argument")
		return
	}
	se.reply(220, [3]int{2, 0, 0}, "Ready to start TLS")
	if se.flush() != nil {
		se.quit = true
		return
	}
	tc := tls.Server(se.raw, se.s.TLS)
	se.raw.SetDeadline(time.Now().Add(writeTimeout))
	if err := tc.Handshake(); err != nil {
		se.s.log().Debug("smtp starttls handshake", "id", se.id, "remote", se.raw.RemoteAddr().String(), "err", err)
		se.quit = true
		return
	}
	se.nc = &timedConn{Conn: tc}
	se.r.Reset(se.nc)
	se.w.Reset(se.nc)
	se.helo, se.user = "", nil
	se.Reset()
}

// command runs one command line.
func (se *session) command(line string) {
	verb, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch strings.ToUpper(verb) {
	case "EHLO":
		se.hello(arg, true)
	case "HELO":
		se.hello(arg, false)
	case "MAIL":
		se.mail(arg)
	case "RCPT":
		se.rcpt(arg)
	case "DATA":
		se.data(arg)
	case "BDAT":
		se.bdat(arg)
	case "RSET":
		se.Reset()
		se.reply(250, [3]int{2, 0, 0}, "OK")
	case "NOOP":
		se.reply(250, [3]int{2, 0, 0}, "OK")
	case "VRFY":
		se.reply(252, [3]int{2, 5, 0}, "Cannot VRFY user, but will accept message and attempt delivery")
	case "HELP":
		se.reply(214, [3]int{2, 0, 0}, "See RFC 5321")
	case "QUIT":
		se.reply(221, [3]int{2, 0, 0}, "Bye")
		se.quit = true
	case "AUTH":
		se.auth(arg)
	case "STARTTLS":
		se.startTLS(arg)
	case "EXPN", "TURN", "ETRN", "SEND", "SOML", "SAML":
		se.reply(502, [3]int{5, 5, 1}, "Command not implemented")
	default:
		se.protocolError(500, [3]int{5, 5, 2}, "Command not recognized")
	}
}
