package pop3d

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/emersion/go-sasl"

	"postroom/internal/actor"
	"postroom/internal/auth"
)

// USER and PASS (RFC 1939 §7).
func (c *conn) userCmd(arg string) {
	if !c.s.Auth.PlaintextAllowed(c.nc.RemoteAddr(), c.tls) {
		c.err("[AUTH] Use STLS or port 995 before sending a password")
		return
	}
	if arg == "" {
		c.err("USER needs the full e-mail address")
		return
	}
	c.user = arg
	c.ok("Send the password")
}

func (c *conn) passCmd(arg string) {
	if c.user == "" {
		c.err("USER first")
		return
	}
	user := c.user
	c.user = ""
	c.login(user, arg)
}

// AUTH PLAIN, with an initial response or after a "+ " continuation
// (RFC 5034).
func (c *conn) authCmd(arg string) {
	mech, ir, hasIR := strings.Cut(arg, " ")
	if !strings.EqualFold(mech, sasl.Plain) {
		c.err("Unsupported SASL mechanism; use PLAIN")
		return
	}
	if !c.s.Auth.PlaintextAllowed(c.nc.RemoteAddr(), c.tls) {
		c.err("[AUTH] Use STLS or port 995 before sending a password")
		return
	}
	if !hasIR {
		c.w.WriteString("+ \r\n")
		c.w.Flush()
		line, err := c.readLine()
		if err != nil {
			c.err("Authentication aborted")
			return
		}
		ir = line
	}
	if ir == "*" {
		c.err("Authentication cancelled")
		return
	}
	if ir == "=" {
		ir = ""
	}
	raw, err := base64.StdEncoding.DecodeString(ir)
	if err != nil {
		c.err("Invalid base64")
		return
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 {
		c.err("[AUTH] Malformed PLAIN response")
		return
	}
	if parts[0] != "" && parts[0] != parts[1] {
		c.err("[AUTH] Logging in as another user is not supported")
		return
	}
	c.login(parts[1], parts[2])
}

func (c *conn) login(user, password string) {
	acct, err := c.s.Auth.Login(c.ctx, auth.Request{Address: user, Password: password, Protocol: auth.ProtoPOP3,
		Remote: c.nc.RemoteAddr(), TLS: c.tls})
	if err != nil {
		c.s.log().Info("pop3 login refused", "user", user, "remote", c.nc.RemoteAddr().String(), "err", err)
		c.err("%s", loginError(err))
		return
	}
	if !c.s.lock(acct.ID) {
		c.err("[IN-USE] Another POP3 session of this account is open; close it and try again")
		return
	}
	drop, err := loadMaildrop(c.ctx, c.s.Mail, actor.User(acct))
	if err != nil {
		c.s.unlock(acct.ID)
		c.s.log().Error("pop3 maildrop", "user", acct.Address(), "err", err)
		c.err("[SYS/TEMP] Cannot open the mailbox now, try again later")
		return
	}
	c.acct, c.drop, c.state = acct, drop, stateTransaction
	n, size := drop.stat()
	c.ok("%s has %d messages (%d octets)", acct.Address(), n, size)
}

// loginError is the -ERR text for a refusal (RFC 3206 codes).
func loginError(err error) string {
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		return "[AUTH] Invalid address or password"
	case errors.Is(err, auth.ErrSuspended):
		return "[AUTH] This account is suspended; contact your mail administrator"
	case errors.Is(err, auth.ErrClientAccessOff):
		return "[AUTH] Mail client access is turned off for this account (Settings > Mail server information > Use mail clients)"
	case errors.Is(err, auth.ErrTLSRequired):
		return "[AUTH] Use STLS or port 995 before sending a password"
	case errors.Is(err, auth.ErrTooManyFailures):
		return "[SYS/TEMP] Too many failed logins for this account or from your address; try again later"
	case errors.Is(err, auth.ErrBusy):
		return "[SYS/TEMP] Too many logins at once; try again in a few seconds"
	}
	return "[SYS/TEMP] Temporary problem, try again later"
}

// list answers LIST and UIDL, for one message or all (streamed from the
// snapshot: no message is read).
func (c *conn) list(arg string, uid bool) {
	value := func(it *item) string {
		if uid {
			return uidl(it)
		}
		return strconv.FormatInt(it.size, 10)
	}
	if arg != "" {
		it, msg := c.drop.get(arg)
		if it == nil {
			c.err("%s", msg)
			return
		}
		c.ok("%s %s", arg, value(it))
		return
	}
	n, size := c.drop.stat()
	c.ok("%d messages (%d octets)", n, size)
	for i := range c.drop.msgs {
		if it := &c.drop.msgs[i]; !it.deleted {
			c.w.WriteString(strconv.Itoa(i+1) + " " + value(it) + "\r\n")
		}
	}
	c.w.WriteString(".\r\n")
}

func (c *conn) retr(arg string) { c.send(arg, -1) }

func (c *conn) top(arg string) {
	n, lines, ok := strings.Cut(arg, " ")
	count, err := strconv.Atoi(lines)
	if !ok || err != nil || count < 0 {
		c.err("TOP needs a message number and a number of lines")
		return
	}
	c.send(n, count)
}

// send streams a message (RETR) or its header and first lines (TOP) as
// stored. One moved out of INBOX meanwhile (by IMAP) is still the message
// the client numbered, one expunged is refused (mail.POP3Open). RETR
// copies in blocks (dotstuff.go), TOP line by line.
func (c *conn) send(arg string, lines int) {
	it, msg := c.drop.get(arg)
	if it == nil {
		c.err("%s", msg)
		return
	}
	mailboxID, uid, r, err := c.s.Mail.POP3Open(c.ctx, actor.User(c.acct), c.drop.md, it.n)
	if err != nil {
		c.s.log().Error("pop3 retr", "user", c.acct.Address(), "message", it.id, "err", err)
		c.err("[SYS/TEMP] Cannot read this message now")
		return
	}
	defer r.Close()
	if lines >= 0 {
		c.ok("top of message follows")
		if err := c.writeDotStuffed(r, lines); err != nil {
			c.nc.Close() // half a message was sent: end the session
		}
		return
	}
	c.w.WriteString("+OK " + strconv.FormatInt(it.size, 10) + " octets\r\n")
	if err := writeStuffed(c.w, r); err != nil {
		c.nc.Close() // half a message was sent: end the session
		return
	}
	c.retrieved(mailboxID, uid)
}

func (c *conn) dele(arg string) {
	it, msg := c.drop.get(arg)
	if it == nil {
		c.err("%s", msg)
		return
	}
	it.deleted = true
	c.ok("message %s deleted", arg)
}

// quit ends the session; in the TRANSACTION state it first applies the
// deletions as the account's setting says (RFC 1939 §6 UPDATE state).
func (c *conn) quit() bool {
	if c.state != stateTransaction {
		c.ok("Bye")
		return true
	}
	// read before deleted: a message retrieved, then deleted for good,
	// was read (receipts)
	c.applyMarks(c.ctx, actor.User(c.acct))
	uids := c.drop.deletedUIDs()
	if len(uids) > 0 {
		// keep, trash or delete: the account's setting, applied by the
		// mailbox service
		if err := c.s.Mail.POP3Delete(c.ctx, actor.User(c.acct), c.drop.mailboxID, uids); err != nil {
			c.s.log().Error("pop3 update", "user", c.acct.Address(), "err", err)
			c.err("[SYS/TEMP] Some messages could not be deleted")
			return true
		}
	}
	// The account is free before the +OK: a client that logs in again
	// the moment it reads it (fetchmail polling several folders, a test)
	// must not find its own ended session still holding it [IN-USE].
	c.s.unlock(c.acct.ID)
	c.state = stateUpdate
	c.ok("Bye (%d messages deleted)", len(uids))
	return true
}
