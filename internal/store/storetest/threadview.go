package storetest

import (
	"errors"
	"fmt"

	"postroom/internal/store"
)

// The conversation view (E1): MessagePage with Page.Threads and
// ThreadMessages.
var threadViewTests = []test{
	{"threadPage_oneRowPerThreadNewestFirstCountingThreads", testThreadPage},
	{"threadPage_countLeavesOutTrashAndSpamButNotTheListedOne", testThreadPageCount},
	{"threadPage_unseenOnlyListsThreadsWithUnseenMail", testThreadPageUnseen},
	{"threadPage_rowCountsTheThreadsUnseenMailInTheFolder", testThreadPageThreadUnseen},
	{"threadMessages_everyFolderOldestFirst", testThreadMessages},
	{"threadMessages_otherAccountsThreadIsNotFound", testThreadMessagesTenancy},
}

// rows describes a thread page as "id:count" pairs, for comparisons.
func rows(ms []store.Message) string {
	var s string
	for _, m := range ms {
		s += fmt.Sprintf("%d:%d ", m.ID, m.ThreadCount)
	}
	return s
}

func testThreadPage(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	x := e.put(a.ID, in.ID)
	y := e.put(a.ID, in.ID)
	x2 := e.reply(a.ID, in.ID, x.Envelope.MessageID)
	z := e.put(a.ID, in.ID)
	y2 := e.reply(a.ID, in.ID, y.Envelope.MessageID)
	x3 := e.reply(a.ID, in.ID, x2.Envelope.MessageID)
	// Threads by their newest message: x (x3), y (y2), z.
	got, total, err := e.s.MessagePage(e.ctx, a.ID, in.ID, store.Page{Limit: 2, Threads: true})
	e.ok(err, "MessagePage threads")
	if want := fmt.Sprintf("%d:3 %d:2 ", x3.ID, y2.ID); total != 3 || rows(got) != want {
		e.Fatalf("page 1: total %d, rows %s; want 3, %s", total, rows(got), want)
	}
	got, total, err = e.s.MessagePage(e.ctx, a.ID, in.ID, store.Page{Offset: 2, Limit: 2, Threads: true})
	e.ok(err, "MessagePage threads page 2")
	if want := fmt.Sprintf("%d:1 ", z.ID); total != 3 || rows(got) != want {
		e.Fatalf("page 2: total %d, rows %s; want 3, %s", total, rows(got), want)
	}
	if got[0].Envelope.MessageID != z.Envelope.MessageID || got[0].ThreadID != z.ID {
		e.Errorf("thread row is not the whole message: %+v", got[0])
	}
	plain, total, err := e.s.MessagePage(e.ctx, a.ID, in.ID, store.Page{Limit: 10})
	e.ok(err, "MessagePage without threads")
	if total != 6 || len(plain) != 6 || plain[0].ThreadCount != 0 {
		e.Errorf("plain list: total %d, %d rows, ThreadCount %d", total, len(plain), plain[0].ThreadCount)
	}
	b := e.account("bob@example.com")
	if _, _, err := e.s.MessagePage(e.ctx, b.ID, in.ID, store.Page{Limit: 10, Threads: true}); err == nil {
		e.Error("another account's mailbox listed as threads")
	}
}

func testThreadPageCount(e *env) {
	a := e.account("alice@example.com")
	in, trash := e.inbox(a.ID), e.byRole(a.ID, store.RoleTrash)
	root := e.put(a.ID, in.ID)
	e.reply(a.ID, e.byRole(a.ID, store.RoleSent).ID, root.Envelope.MessageID)
	e.reply(a.ID, e.byRole(a.ID, store.RoleSpam).ID, root.Envelope.MessageID)
	e.reply(a.ID, trash.ID, root.Envelope.MessageID)
	last := e.reply(a.ID, trash.ID, root.Envelope.MessageID)
	got, _, err := e.s.MessagePage(e.ctx, a.ID, in.ID, store.Page{Limit: 10, Threads: true})
	e.ok(err, "MessagePage inbox")
	if want := fmt.Sprintf("%d:2 ", root.ID); rows(got) != want {
		e.Errorf("inbox row %s, want %s (inbox and Sent, not Spam or Trash)", rows(got), want)
	}
	got, _, err = e.s.MessagePage(e.ctx, a.ID, trash.ID, store.Page{Limit: 10, Threads: true})
	e.ok(err, "MessagePage trash")
	if want := fmt.Sprintf("%d:4 ", last.ID); rows(got) != want {
		e.Errorf("trash row %s, want %s (inbox, Sent and the two in Trash)", rows(got), want)
	}
}

func testThreadPageUnseen(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	read := func(m *store.NewMessage) *store.NewMessage { m.Flags = []string{store.FlagSeen}; return m }
	x := e.add(read(e.newMsg(a.ID, in.ID)))
	unseen := e.reply(a.ID, in.ID, x.Envelope.MessageID)
	xr := read(e.newMsg(a.ID, in.ID))
	xr.References = []string{x.Envelope.MessageID}
	e.add(xr) // newest of x's thread, but read
	e.add(read(e.newMsg(a.ID, in.ID)))
	got, total, err := e.s.MessagePage(e.ctx, a.ID, in.ID, store.Page{Limit: 10, Threads: true, UnseenOnly: true})
	e.ok(err, "MessagePage unseen threads")
	if want := fmt.Sprintf("%d:3 ", unseen.ID); total != 1 || rows(got) != want {
		e.Errorf("unseen threads: total %d, rows %s; want 1, %s", total, rows(got), want)
	}
}

// A thread whose newest message was read but an older one was not is
// still unread in the list; unseen mail of the thread in another folder
// does not count.
func testThreadPageThreadUnseen(e *env) {
	a := e.account("alice@example.com")
	in, sent := e.inbox(a.ID), e.byRole(a.ID, store.RoleSent)
	read := func(m *store.NewMessage) *store.NewMessage { m.Flags = []string{store.FlagSeen}; return m }
	x := e.put(a.ID, in.ID) // unseen, the thread's oldest
	e.reply(a.ID, in.ID, x.Envelope.MessageID)
	e.reply(a.ID, sent.ID, x.Envelope.MessageID) // unseen, but in Sent
	xr := read(e.newMsg(a.ID, in.ID))
	xr.References = []string{x.Envelope.MessageID}
	xNewest := e.add(xr)
	y := e.add(read(e.newMsg(a.ID, in.ID)))
	got, _, err := e.s.MessagePage(e.ctx, a.ID, in.ID, store.Page{Limit: 10, Threads: true})
	e.ok(err, "MessagePage threads")
	var desc string
	for _, m := range got {
		desc += fmt.Sprintf("%d:seen=%v,unseen=%d ", m.ID, m.HasFlag(store.FlagSeen), m.ThreadUnseen)
	}
	// y is the newest (newMsg dates each message a minute after the last).
	if want := fmt.Sprintf("%d:seen=true,unseen=0 %d:seen=true,unseen=2 ", y.ID, xNewest.ID); desc != want {
		e.Errorf("thread rows %s; want %s (the thread's two unseen Inbox messages, not Sent's)", desc, want)
	}
	plain, _, err := e.s.MessagePage(e.ctx, a.ID, in.ID, store.Page{Limit: 10})
	e.ok(err, "MessagePage without threads")
	if plain[0].ThreadUnseen != 0 {
		e.Errorf("a plain list row has ThreadUnseen %d", plain[0].ThreadUnseen)
	}
}

func testThreadMessages(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	root := e.put(a.ID, in.ID)
	sent := e.reply(a.ID, e.byRole(a.ID, store.RoleSent).ID, root.Envelope.MessageID)
	e.put(a.ID, in.ID) // another thread
	trashed := e.reply(a.ID, e.byRole(a.ID, store.RoleTrash).ID, sent.Envelope.MessageID)
	got, err := e.s.ThreadMessages(e.ctx, a.ID, root.ID)
	e.ok(err, "ThreadMessages")
	var ids []int64
	for _, m := range got {
		ids = append(ids, m.ID)
	}
	if want := []int64{root.ID, sent.ID, trashed.ID}; fmt.Sprint(ids) != fmt.Sprint(want) {
		e.Fatalf("thread messages %v, want %v", ids, want)
	}
	if d := diffMessage(&got[1], sent); d != "" {
		e.Errorf("thread message as read: %s", d)
	}
}

func testThreadMessagesTenancy(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	root := e.put(a.ID, e.inbox(a.ID).ID)
	e.put(b.ID, e.inbox(b.ID).ID)
	got, err := e.s.ThreadMessages(e.ctx, b.ID, root.ID)
	if !errors.Is(err, store.ErrNotFound) || len(got) != 0 {
		e.Errorf("bob reading alice's thread: %d messages, error %v; want none, %v", len(got), err, store.ErrNotFound)
	}
	_, err = e.s.ThreadMessages(e.ctx, a.ID, root.ID+1000)
	e.wantErr(err, store.ErrNotFound, "unknown thread")
}
