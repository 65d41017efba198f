package mail

import (
	"context"

	"postroom/internal/actor"
)

// POP3Retrieved records that a POP3 client retrieved these messages of
// one mailbox whole (RETR): they are read (\Seen), as a mail client
// opening them would make them, so read receipts count them and IMAP and
// the webmail show them read. RFC 1939 has no flags; TOP reads a part
// only and marks nothing. A session hands over what it retrieved in
// batches (one transaction for many messages, as Dovecot sets \Seen for
// a whole session at its end), not one write per RETR.
func (s *Service) POP3Retrieved(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) error {
	if len(uids) == 0 {
		return nil
	}
	_, err := s.MarkRead(ctx, a, mailboxID, uids)
	return err
}
