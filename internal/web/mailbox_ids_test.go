package web

import (
	"fmt"
	"testing"

	"postroom/internal/store"
)

func TestMailboxIDs_selectAllNewestFirstUnreadAndTenancy(t *testing.T) {
	f := newFixture(t)
	a := f.Put(f.alice.ID, "INBOX", "Subject: a\r\n\r\nx\r\n")
	b := f.Put(f.alice.ID, "INBOX", "Subject: b\r\n\r\nx\r\n")
	c := f.Put(f.alice.ID, "INBOX", "Subject: c\r\n\r\nx\r\n")
	alice := f.login(t, "alice@example.test")
	alice.do("POST", "/api/v1/messages/actions", map[string]any{"action": "read", "ids": []int64{b.ID}}, nil)
	inbox := alice.mailboxID("INBOX")
	var got struct {
		IDs       []int64
		Total     int
		Truncated bool
	}
	if code := alice.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/ids", inbox), nil, &got); code != 200 {
		t.Fatalf("ids: %d", code)
	}
	if fmt.Sprint(got.IDs) != fmt.Sprint([]int64{c.ID, b.ID, a.ID}) || got.Total != 3 || got.Truncated {
		t.Fatalf("ids %+v", got)
	}
	alice.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/ids?unread=1", inbox), nil, &got)
	if fmt.Sprint(got.IDs) != fmt.Sprint([]int64{c.ID, a.ID}) {
		t.Fatalf("unread ids %+v", got)
	}
	bob := f.login(t, "bob@example.test")
	if code := bob.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/ids", inbox), nil, nil); code != 404 {
		t.Fatalf("another account's folder: %d", code)
	}
}

// A whole-folder selection of 10,000 messages goes in one request; one
// more is refused before anything changes.
func TestActions_tenThousandInOneRequest(t *testing.T) {
	if testing.Short() {
		t.Skip("appends 10,000 messages")
	}
	f := newFixture(t)
	first := f.Put(f.alice.ID, "INBOX", "Subject: bulk\r\n\r\nx\r\n")
	// The folder doubles by copies into itself, a transaction each (14 in
	// all), instead of 10,000 appends of a transaction and a sync each:
	// a third less CPU under -race.
	uids := []uint32{first.UID}
	for len(uids) < maxActionIDs+1 {
		_, copied, err := f.Store.CopyMessages(f.Ctx, f.alice.ID, first.MailboxID, first.MailboxID, uids[:min(len(uids), maxActionIDs+1-len(uids))])
		if err != nil {
			t.Fatal(err)
		}
		uids = append(uids, copied...)
	}
	ids := []int64{first.ID}
	if err := f.Store.Messages(f.Ctx, f.alice.ID, first.MailboxID, func(m *store.Message) error {
		if m.ID != first.ID {
			ids = append(ids, m.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(ids) != maxActionIDs+1 {
		t.Fatalf("the folder holds %d messages, want %d", len(ids), maxActionIDs+1)
	}
	c := f.login(t, "alice@example.test")
	if code := c.do("POST", "/api/v1/messages/actions", map[string]any{"action": "read", "ids": ids}, nil); code != 400 {
		t.Fatalf("%d ids: %d, want 400", len(ids), code)
	}
	if st, _ := f.Store.MailboxStatus(f.Ctx, f.alice.ID, first.MailboxID); st.Unseen != int64(len(ids)) {
		t.Fatalf("a refused request changed %d messages", int64(len(ids))-st.Unseen)
	}
	var done map[string]int
	if code := c.do("POST", "/api/v1/messages/actions", map[string]any{"action": "read", "ids": ids[1:]}, &done); code != 200 || done["done"] != maxActionIDs {
		t.Fatalf("10,000 ids: %d %v", code, done)
	}
	if st, _ := f.Store.MailboxStatus(f.Ctx, f.alice.ID, first.MailboxID); st.Unseen != 1 {
		t.Fatalf("unseen after marking 10,000 read: %d", st.Unseen)
	}
}
