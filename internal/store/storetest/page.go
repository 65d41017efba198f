package storetest

import (
	"time"

	"postroom/internal/store"
)

var pageTests = []test{
	{"messagePage_newestFirstPagedAndCounted", testMessagePage},
}

func testMessagePage(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	in := e.inbox(a.ID)
	var ids []int64
	for i := range 5 {
		nm := e.newMsg(a.ID, in.ID)
		nm.InternalDate = baseTime.Add(time.Duration(i) * time.Hour)
		if i%2 == 0 {
			nm.Flags = []string{store.FlagSeen}
		}
		ids = append(ids, e.add(nm).ID)
	}
	got, total, err := e.s.MessagePage(e.ctx, a.ID, in.ID, store.Page{Offset: 1, Limit: 2})
	e.ok(err, "MessagePage")
	if total != 5 || len(got) != 2 || got[0].ID != ids[3] || got[1].ID != ids[2] {
		e.Fatalf("page 2 of 2: total %d, got %d messages (%v)", total, len(got), got)
	}
	unseen, total, err := e.s.MessagePage(e.ctx, a.ID, in.ID, store.Page{Limit: 10, UnseenOnly: true})
	e.ok(err, "MessagePage unseen")
	if total != 2 || len(unseen) != 2 || unseen[0].ID != ids[3] || unseen[1].ID != ids[1] {
		e.Fatalf("unseen: total %d, %v", total, unseen)
	}
	if _, _, err := e.s.MessagePage(e.ctx, b.ID, in.ID, store.Page{Limit: 10}); err == nil {
		e.Error("another account's mailbox listed")
	}
}
