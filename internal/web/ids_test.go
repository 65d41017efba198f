package web

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func testCodec(t *testing.T) *idCodec {
	t.Helper()
	c, err := newIDCodec(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The permutation is one to one, keeps 0 for "none", never gives 0 or a
// number past what JavaScript holds exactly, and differs by kind.
func TestIDs_permutationRoundTripsAndHidesTheSequence(t *testing.T) {
	c := testCodec(t)
	seen := map[int64]bool{}
	sorted := 0
	var last int64
	for _, id := range append(makeRange(1, 5000), idLimit-1, idLimit-2, 1<<40, 123456789) {
		ext := c.encode(idMessage, id)
		if ext <= 0 || ext >= idLimit || ext > 1<<53 {
			t.Fatalf("%d → %d: out of range", id, ext)
		}
		if seen[ext] {
			t.Fatalf("%d → %d twice", id, ext)
		}
		seen[ext] = true
		if back, ok := c.decode(idMessage, ext); !ok || back != id {
			t.Fatalf("%d → %d → %d %v", id, ext, back, ok)
		}
		if ext > last {
			sorted++
		}
		last = ext
		if id < 5000 && ext == id {
			t.Fatalf("%d is shown as itself", id)
		}
		if c.encode(idMailbox, id) == ext {
			t.Fatalf("message %d and mailbox %d have one number %d", id, id, ext)
		}
	}
	// consecutive ids come out in no order: about half go up
	if sorted < 2000 || sorted > 3000 {
		t.Fatalf("%d of 5000 consecutive ids went up", sorted)
	}
	if c.encode(idMessage, 0) != 0 {
		t.Fatal("0 (none) is not kept")
	}
	for _, bad := range []int64{0, -1, idLimit, 1 << 62} {
		if _, ok := c.decode(idMessage, bad); ok {
			t.Fatalf("%d decoded", bad)
		}
	}
	other, _ := newIDCodec(bytes.Repeat([]byte{8}, 32))
	if other.encode(idMessage, 42) == c.encode(idMessage, 42) {
		t.Fatal("two keys give one number")
	}
}

func makeRange(from, to int64) []int64 {
	var out []int64
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// A client that only uses the ids the API gives works through folders,
// messages, threads, actions, search, uploads, drafts, sending and undo;
// none of those ids is the store's; the store's own numbers, an id of
// another kind and another account's ids find nothing.
func TestIDs_theAPIShowsOnlyOpaqueIDs(t *testing.T) {
	f := newMailFixture(t, time.Hour)
	f.srv.ids = testCodec(t)
	m1 := f.Put(f.alice.ID, "INBOX", "From: lee@remote.test\r\nSubject: 견적 문의\r\nMessage-ID: <a1@remote.test>\r\n\r\n첫 번째\r\n")
	m2 := f.Put(f.alice.ID, "INBOX", "From: lee@remote.test\r\nSubject: Re: 견적 문의\r\nMessage-ID: <a2@remote.test>\r\nIn-Reply-To: <a1@remote.test>\r\n\r\n두 번째\r\n")
	storeIDs := map[int64]bool{m1.ID: true, m2.ID: true, m1.MailboxID: true, m1.ThreadID: true, f.alice.ID: true}
	c := f.login(t, "alice@example.test")
	notStore := func(what string, id int64) {
		t.Helper()
		if id == 0 || storeIDs[id] {
			t.Fatalf("%s is %d, the store's own number (or none)", what, id)
		}
	}

	var sess struct {
		Account accountJSON
		Inbox   pageJSON
	}
	if code := c.do("GET", "/api/v1/session", nil, &sess); code != 200 || len(sess.Inbox.Messages) != 2 {
		t.Fatalf("session %d: %d messages in the inbox page", code, len(sess.Inbox.Messages))
	}
	notStore("the account", sess.Account.ID)
	inbox := c.mailboxID("INBOX")
	archive := c.mailboxID("Archive")
	notStore("the Inbox", inbox)
	var page pageJSON
	if code := c.do("GET", pathf("/api/v1/mailboxes/%d/messages", inbox), nil, &page); code != 200 || len(page.Messages) != 2 {
		t.Fatalf("list %d %+v", code, page)
	}
	var first messageJSON
	for _, m := range page.Messages {
		notStore("a message", m.ID)
		notStore("a thread", m.ThreadID)
		if m.MailboxID != inbox {
			t.Fatalf("mailbox_id %d, the list says %d", m.MailboxID, inbox)
		}
		if m.Subject == "견적 문의" {
			first = m
		}
	}
	var got struct{ Message messageJSON }
	if code := c.do("GET", pathf("/api/v1/messages/%d", first.ID), nil, &got); code != 200 || got.Message.Subject != "견적 문의" {
		t.Fatalf("get %d %+v", code, got)
	}
	var thread struct{ Messages []messageJSON }
	if code := c.do("GET", pathf("/api/v1/threads/%d", first.ThreadID), nil, &thread); code != 200 || len(thread.Messages) != 2 {
		t.Fatalf("thread %d %+v", code, thread)
	}
	var ids struct{ IDs []int64 }
	if code := c.do("GET", pathf("/api/v1/mailboxes/%d/ids", inbox), nil, &ids); code != 200 || !slices.Contains(ids.IDs, first.ID) {
		t.Fatalf("ids %d %+v", code, ids)
	}
	var found struct {
		Messages  []messageJSON
		ByMailbox map[string]int `json:"by_mailbox"`
	}
	if code := c.do("GET", pathf("/api/v1/search?q=%s&mailbox=%d", "견적", inbox), nil, &found); code != 200 || len(found.Messages) != 2 ||
		found.ByMailbox[strconv.FormatInt(inbox, 10)] != 2 {
		t.Fatalf("search %d %+v", code, found)
	}

	// the store's numbers, another kind's, another account's: nothing
	for what, path := range map[string]string{
		"the store's message id":   pathf("/api/v1/messages/%d", m1.ID),
		"the store's mailbox id":   pathf("/api/v1/mailboxes/%d/messages", m1.MailboxID),
		"a message id as a folder": pathf("/api/v1/mailboxes/%d/messages", first.ID),
		"a folder id as a message": pathf("/api/v1/messages/%d", inbox),
		"a thread id as a message": pathf("/api/v1/messages/%d", first.ThreadID),
	} {
		if code := c.do("GET", path, nil, nil); code != 404 {
			t.Errorf("%s (%s): %d, want 404", what, path, code)
		}
	}
	bob := f.login(t, "bob@example.test")
	if code := bob.do("GET", pathf("/api/v1/messages/%d", first.ID), nil, nil); code != 404 {
		t.Fatalf("bob reads alice's message: %d", code)
	}

	if code := c.do("POST", "/api/v1/messages/actions", map[string]any{"action": "move", "ids": []int64{first.ID}, "mailbox": archive}, nil); code != 200 {
		t.Fatalf("move %d", code)
	}
	if m, err := f.Store.Message(f.Ctx, f.alice.ID, m1.ID); err != nil || m.MailboxID == m1.MailboxID {
		t.Fatalf("not moved: %+v %v", m, err)
	}
	if code := c.do("POST", "/api/v1/messages/actions", map[string]any{"action": "read", "ids": []int64{m2.ID}}, nil); code != 404 {
		t.Fatalf("an action on the store's id: %d", code)
	}

	// an upload, a pasted picture and a reply, sent with an undo delay
	up := c.upload("견적서.pdf", "application/pdf", []byte("%PDF-1.7 quote"))
	pic := c.upload("logo.png", "image/png", []byte("\x89PNG\r\n\x1a\n"))
	notStore("an upload", up.ID)
	if code, _, _ := c.get(pathf("/api/v1/uploads/%d", pic.ID)); code != 200 {
		t.Fatalf("the picture: %d", code)
	}
	second := page.Messages[0].ID
	if second == first.ID {
		second = page.Messages[1].ID
	}
	code, ans, bad := c.send(map[string]any{"to": []string{"lee@remote.test"}, "subject": "Re: 견적 문의", "attachments": []int64{up.ID},
		"html": pathf(`<p>답변</p><img src="/api/v1/uploads/%d">`, pic.ID), "in_reply_to": second})
	if code != 202 || ans.Status != "scheduled" {
		t.Fatalf("send %d %+v %+v", code, ans, bad)
	}
	notStore("the queue id", ans.ID)
	if !strings.HasSuffix(ans.Cancel, "/"+strconv.FormatInt(ans.ID, 10)) {
		t.Fatalf("cancel %q for id %d", ans.Cancel, ans.ID)
	}
	var undone struct {
		DraftID int64 `json:"draft_id"`
	}
	if code := c.do("DELETE", pathf("/api/v1/send/%d", ans.ID), nil, &undone); code != 200 {
		t.Fatalf("undo %d", code)
	}
	var d draftJSON
	if code := c.do("POST", pathf("/api/v1/drafts/%d/reopen", undone.DraftID), nil, &d); code != 200 {
		t.Fatalf("reopen %d", code)
	}
	if d.ID != undone.DraftID || d.InReplyTo != second || len(d.Attachments) != 1 || d.Attachments[0].ID == 0 {
		t.Fatalf("draft %+v (in reply to %d)", d, second)
	}
	src := d.HTML[strings.Index(d.HTML, "/api/v1/uploads/"):]
	src = src[:strings.IndexAny(src, `"'`)]
	if code, _, _ := c.get(src); code != 200 {
		t.Fatalf("the draft's picture %s: %d", src, code)
	}
	if code := c.do("POST", "/api/v1/send", map[string]any{"to": []string{"lee@remote.test"}, "subject": "x", "in_reply_to": m2.ID}, nil); code != 404 {
		t.Fatalf("a reply naming the store's id: %d", code)
	}
	var mbs mailboxesAnswer
	c.do("GET", "/api/v1/mailboxes", nil, &mbs)
	for _, mb := range mbs.Mailboxes {
		if stored, err := f.Store.MailboxByName(f.Ctx, f.alice.ID, mb.Name); err == nil && stored.ID == mb.ID {
			t.Fatalf("%s is shown as its store id %d", mb.Name, mb.ID)
		}
	}
	var q struct{ Scheduled []scheduledJSON }
	if c.do("GET", "/api/v1/send/scheduled", nil, &q); len(q.Scheduled) != 0 {
		t.Fatalf("still scheduled after the undo: %+v", q)
	}
}
