package smtpd

// The commands of RFC 5321 and its extensions, in the order a session
// allows them: each checks the order and its syntax, calls the session
// (session.go) and answers.

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

var (
	errNoHello    = &Reply{503, [3]int{5, 5, 1}, "Send EHLO or HELO first"}
	errNoMail     = &Reply{503, [3]int{5, 5, 1}, "Send MAIL first"}
	errNestedMail = &Reply{503, [3]int{5, 5, 1}, "A transaction is already in progress; send RSET first"}
	errTooMany    = &Reply{452, [3]int{4, 5, 3}, "Too many recipients"}
)

// hello answers HELO and EHLO; either resets the transaction (RFC 5321
// §4.1.4).
func (se *session) hello(arg string, extended bool) {
	domain, _, _ := strings.Cut(arg, " ")
	if domain == "" {
		se.reply(501, [3]int{5, 5, 4}, "Send your domain or address literal")
		return
	}
	se.helo = domain
	se.Reset()
	greeting := se.s.Hostname + " Hello " + domain
	if !extended {
		se.reply(250, [3]int{}, greeting)
		return
	}
	lines := []string{greeting, "PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "CHUNKING", "SMTPUTF8"}
	if se.s.TLS != nil && !se.tls() {
		lines = append(lines, "STARTTLS")
	}
	if mechs := se.AuthMechanisms(); len(mechs) > 0 {
		lines = append(lines, "AUTH "+strings.Join(mechs, " "))
	}
	if se.s.MaxMessageSize > 0 {
		lines = append(lines, fmt.Sprintf("SIZE %d", se.s.MaxMessageSize))
	} else {
		lines = append(lines, "SIZE")
	}
	if se.s.MaxRecipients > 0 {
		// RFC 9422: the client may split its recipients ahead of time
		lines = append(lines, fmt.Sprintf("LIMITS RCPTMAX=%d", se.s.MaxRecipients))
	}
	se.replyLines(250, lines)
}

// mail answers MAIL FROM with its parameters SIZE (RFC 1870), BODY
// (RFC 6152), SMTPUTF8 (RFC 6531) and AUTH (RFC 4954 §5, taken and
// ignored, as the RFC allows).
func (se *session) mail(arg string) {
	switch {
	case se.helo == "":
		se.replyErr(errNoHello)
		return
	case se.isBusy():
		se.replyErr(errNestedMail)
		return
	}
	from, params, ok := pathArg(arg, "FROM:", true)
	if !ok {
		se.protocolError(501, [3]int{5, 5, 2}, "Syntax: MAIL FROM:<address>")
		return
	}
	var opts mailOptions
	for _, p := range params {
		key, value := param(p)
		switch key {
		case "SIZE":
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || n < 0 {
				se.reply(501, [3]int{5, 5, 4}, "SIZE must be a number")
				return
			}
			opts.size = n
		case "BODY":
			if v := strings.ToUpper(value); v != "7BIT" && v != "8BITMIME" {
				se.reply(504, [3]int{5, 5, 4}, "BODY must be 7BIT or 8BITMIME")
				return
			}
		case "SMTPUTF8":
			opts.utf8 = true
		case "AUTH":
		default:
			se.reply(555, [3]int{5, 5, 4}, "MAIL parameter not supported: "+key)
			return
		}
	}
	if err := se.Mail(from, opts); err != nil {
		se.replyErr(err)
		return
	}
	se.reply(250, [3]int{2, 1, 0}, "Sender OK")
}

// rcpt answers RCPT TO. No parameter is taken: DSN is not offered.
func (se *session) rcpt(arg string) {
	if !se.isBusy() {
		se.replyErr(errNoMail)
		return
	}
	to, params, ok := pathArg(arg, "TO:", false)
	if !ok {
		se.protocolError(501, [3]int{5, 5, 2}, "Syntax: RCPT TO:<address>")
		return
	}
	if len(params) > 0 {
		key, _ := param(params[0])
		se.reply(555, [3]int{5, 5, 4}, "RCPT parameter not supported: "+key)
		return
	}
	if se.s.MaxRecipients > 0 && se.rcpts >= se.s.MaxRecipients {
		se.replyErr(errTooMany)
		return
	}
	if err := se.Rcpt(to); err != nil {
		se.replyErr(err)
		return
	}
	se.rcpts++
	se.reply(250, [3]int{2, 1, 5}, "Recipient OK")
}

// ready checks that a message may follow: MAIL, then at least one RCPT
// accepted (RFC 2920 §3.1: a pipelined DATA after refused RCPTs is
// refused).
func (se *session) ready() error {
	switch {
	case !se.isBusy():
		return errNoMail
	case se.rcpts == 0:
		return errNoRecipients
	}
	return nil
}

// data answers DATA and the message after it.
func (se *session) data(arg string) {
	if arg != "" {
		se.reply(501, [3]int{5, 5, 4}, "DATA takes no argument")
		return
	}
	if err := se.ready(); err != nil {
		se.replyErr(err)
		return
	}
	se.reply(354, [3]int{}, "End data with <CR><LF>.<CR><LF>")
	if se.flush() != nil {
		se.quit = true
		return
	}
	dr := newDataReader(se.r, se.s.MaxMessageSize, MaxLineLength)
	err := se.Data(dr)
	if closes(err) {
		se.replyErr(err) // the login ended: 421 and close, the rest unread
		return
	}
	if derr := dr.drain(); derr != nil {
		se.quit = true // the client is gone, or sent no end: nobody reads a reply
		return
	}
	se.Reset()
	se.answerData(err)
}

// answerData answers the end of a message.
func (se *session) answerData(err error) {
	switch {
	case err == nil:
		se.reply(250, [3]int{2, 0, 0}, "OK: stored")
	case errors.Is(err, errDataTooLarge):
		se.replyErr(errMessageTooBig)
	case errors.Is(err, errLineTooLong):
		se.reply(500, [3]int{5, 5, 2}, "Line too long")
	default:
		se.replyErr(err)
	}
}

// auth runs an AUTH exchange (RFC 4954).
func (se *session) auth(arg string) {
	switch {
	case se.helo == "":
		se.replyErr(errNoHello)
		return
	case se.user != nil:
		se.reply(503, [3]int{5, 5, 1}, "Already authenticated")
		return
	case se.isBusy():
		se.reply(503, [3]int{5, 5, 1}, "AUTH is not allowed during a transaction")
		return
	}
	mech, initial, _ := strings.Cut(arg, " ")
	if mech == "" {
		se.protocolError(501, [3]int{5, 5, 4}, "Syntax: AUTH mechanism [initial-response]")
		return
	}
	server, err := se.Auth(strings.ToUpper(mech))
	if err != nil {
		se.replyErr(err)
		return
	}
	var resp []byte
	if initial != "" {
		if resp, err = decodeSASL(initial); err != nil {
			se.reply(501, [3]int{5, 5, 2}, "Invalid base64 data")
			return
		}
	}
	for {
		challenge, done, err := server.Next(resp)
		if err != nil {
			var r *Reply
			if errors.As(err, &r) {
				se.replyErr(r)
			} else { // the mechanism's own complaint: a malformed response
				se.reply(501, [3]int{5, 5, 2}, "Malformed authentication response")
			}
			return
		}
		if done {
			break
		}
		se.reply(334, [3]int{}, base64.StdEncoding.EncodeToString(challenge))
		line, err := se.readLine()
		if err != nil {
			se.lost(err)
			se.quit = true
			return
		}
		if line == "*" {
			se.reply(501, [3]int{5, 0, 0}, "Authentication cancelled")
			return
		}
		if resp, err = decodeSASL(line); err != nil {
			se.reply(501, [3]int{5, 5, 2}, "Invalid base64 data")
			return
		}
	}
	se.reply(235, [3]int{2, 7, 0}, "Authentication successful")
}

// decodeSASL decodes a response; "=" is an empty one (RFC 4954 §4).
func decodeSASL(s string) ([]byte, error) {
	if s == "=" {
		return []byte{}, nil
	}
	return base64.StdEncoding.DecodeString(s)
}
