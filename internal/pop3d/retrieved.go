package pop3d

import "postroom/internal/actor"

// retrieved marks a message RETR sent whole as read (\Seen), through the
// mailbox service, as a mail client opening it would: read receipts count
// it (internal/receipts) and IMAP and the webmail show it read. RFC 1939
// has no flags; TOP reads a part only and marks nothing.
func (c *conn) retrieved(it *item) {
	a := actor.User(c.acct)
	m, err := c.s.Mail.Message(c.ctx, a, it.id)
	if err != nil {
		c.s.log().Warn("pop3 retr: mark read", "user", c.acct.Address(), "message", it.id, "err", err)
		return
	}
	if _, err := c.s.Mail.MarkRead(c.ctx, a, m.MailboxID, []uint32{m.UID}); err != nil {
		c.s.log().Warn("pop3 retr: mark read", "user", c.acct.Address(), "message", it.id, "err", err)
	}
}
