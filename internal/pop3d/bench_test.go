package pop3d

import (
	"fmt"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// BenchmarkMaildrop compares the login snapshot read with Listing (what
// POP3 uses) against walking full message rows, in the same run.
//
//	go test -run '^$' -bench Maildrop -benchtime 20x ./internal/pop3d/
func BenchmarkMaildrop(b *testing.B) {
	bed := testbed.New(b)
	acct := bed.Account("bob", nil)
	const n = 3000
	for i := 0; i < n; i++ {
		bed.Put(acct.ID, "INBOX", fmt.Sprintf("Subject: message %d\r\nFrom: a@example.test\r\nTo: bob@example.test\r\n\r\nbody %d\r\n", i, i))
	}
	in, _ := bed.Store.MailboxByRole(bed.Ctx, acct.ID, store.RoleInbox)
	b.Run("listing", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			d, err := loadMaildrop(bed.Ctx, bed.Mail, actor.User(acct))
			if err != nil || len(d.msgs) != n {
				b.Fatal(err, len(d.msgs))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/message")
	})
	b.Run("fullRows", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			count := 0
			if err := bed.Store.Messages(bed.Ctx, acct.ID, in.ID, func(*store.Message) error { count++; return nil }); err != nil || count != n {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/message")
	})
}
