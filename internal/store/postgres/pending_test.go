package postgres

import (
	"errors"
	"strings"
	"testing"
	"time"

	"postroom/internal/store"
)

// PostgreSQL takes message files already durable: a message appended with
// its file pending, or its terms for later, is refused, and nothing of it
// is stored.
func TestAppendRefusesWhatOnlySQLiteTakes(t *testing.T) {
	s := openTest(t)
	accountID, mailboxID := orderFixture(t, s)
	for name, nm := range map[string]store.NewMessage{
		"file pending": {BlobPending: true},
		"terms later":  {IndexLater: true},
	} {
		nm.AccountID, nm.MailboxID, nm.BlobKey, nm.Size = accountID, mailboxID, strings.Repeat("ab", 32), 100
		nm.InternalDate = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		if _, err := s.AppendMessage(t.Context(), &nm); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if u, err := s.Usage(t.Context(), accountID); err != nil || u.Messages != 0 {
		t.Errorf("usage %+v, %v after refused appends", u, err)
	}
}
