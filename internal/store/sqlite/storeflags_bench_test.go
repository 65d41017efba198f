package sqlite

import (
	"database/sql"
	"testing"

	"postroom/internal/store"
)

// BenchmarkStoreFlags times one StoreFlags call changing \Seen on every
// message of a 1,000-message mailbox: POP3's batched \Seen marking and
// IMAP's STORE 1:* +FLAGS (\Seen) have this shape. Calls alternate
// between adding and removing \Seen, so each changes all 1,000 messages.
// The rows are written directly, not through AppendMessage, to build the
// mailbox fast.
func BenchmarkStoreFlags(b *testing.B) {
	const n = 1000
	s, accountID, inboxID := matchStore(b)
	err := s.write(b.Context(), func(tx *sql.Tx) error {
		for i := 1; i <= n; i++ {
			if _, err := tx.Exec(`INSERT INTO messages (account_id, mailbox_id, uid, modseq, blob_key, size, internal_date) VALUES (?,?,?,?,?,?,?)`,
				accountID, inboxID, i, i, "k", 1, i); err != nil {
				return err
			}
		}
		_, err := tx.Exec(`UPDATE mailboxes SET uid_next = ?, highest_modseq = ? WHERE id = ?`, n+1, n, inboxID)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	uids := make([]uint32, n)
	for i := range uids {
		uids[i] = uint32(i + 1)
	}
	ops := [2]store.FlagOp{store.FlagsAdd, store.FlagsRemove}
	i := 0
	for b.Loop() {
		changed, err := s.StoreFlags(b.Context(), accountID, inboxID, uids, ops[i%2], []string{store.FlagSeen})
		if err != nil {
			b.Fatal(err)
		}
		if len(changed) != n {
			b.Fatalf("StoreFlags changed %d messages, want %d", len(changed), n)
		}
		i++
	}
}
