package web

import (
	"testing"
	"time"

	"postroom/internal/receipts"
	"postroom/internal/send"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

type receiptsAnswer struct {
	Messages []struct {
		MessageID  string `json:"message_id"`
		Subject    string
		Recipients []struct {
			Address  string
			Internal bool
			Status   string
			Time     *time.Time
		}
	}
	Total int
}

type recallAnswer struct {
	Recipients []struct{ Address, Result string }
}

// newReceiptsFixture is the mail fixture with read receipts wired as
// cmd/postroom wires them: sends record, delivery links, reads update.
func newReceiptsFixture(t *testing.T) *mailFixture { return newReceiptsFixtureDelay(t, 0) }

func newReceiptsFixtureDelay(t *testing.T, delay time.Duration) *mailFixture {
	f := newMailFixture(t, delay)
	svc := &receipts.Service{Store: f.Store, Mail: f.Mail, Now: f.clock.Now, Log: testbed.Quiet()}
	f.Mail.Hooks.Read = svc.Read
	f.worker.Pipeline.Delivered, f.worker.Failed = svc.Delivered, svc.Failed
	f.srv.Send.(*send.Service).Receipts = svc
	f.srv.Receipts = svc
	return f
}

// sendWithReceipts sends from c with read receipts on and returns the
// Message-ID.
func sendWithReceipts(t *testing.T, c *client, subject string, to ...string) string {
	t.Helper()
	code, ans, bad := c.send(map[string]any{"to": to, "subject": subject, "text": "본문", "read_receipt": true})
	if code != 202 && code != 200 || ans.MessageID == "" {
		t.Fatalf("send: %d %+v", code, bad)
	}
	return ans.MessageID
}

// inboxCopy is the recipient's copy of the message with that Message-ID.
func inboxCopy(t *testing.T, f *mailFixture, a *store.Account, messageID string) *store.Message {
	t.Helper()
	in, _ := f.Store.MailboxByRole(f.Ctx, a.ID, store.RoleInbox)
	var found *store.Message
	f.Store.Messages(f.Ctx, a.ID, in.ID, func(m *store.Message) error {
		if m.Envelope.MessageID == messageID {
			found = m
		}
		return nil
	})
	return found
}

func TestReceipts_readByWebmailRecordedWithTimeThenRecallRefused(t *testing.T) {
	f := newReceiptsFixture(t)
	sent := time.Date(2030, 3, 4, 5, 6, 7, 0, time.UTC)
	f.clock.Set(sent)
	alice, bob := f.login(t, "alice@example.test"), f.login(t, "bob@example.test")
	id := sendWithReceipts(t, alice, "회의 자료", "bob@example.test", "kim@remote.test")

	var got receiptsAnswer
	if code := alice.do("GET", "/api/v1/receipts", nil, &got); code != 200 || got.Total != 1 || len(got.Messages) != 1 {
		t.Fatalf("list: %d %+v", code, got)
	}
	m := got.Messages[0]
	if m.MessageID != id || m.Subject != "회의 자료" || len(m.Recipients) != 2 ||
		m.Recipients[0].Address != "bob@example.test" || m.Recipients[0].Status != "unread" || !m.Recipients[0].Internal ||
		m.Recipients[1].Address != "kim@remote.test" || m.Recipients[1].Status != "unknown" || m.Recipients[1].Internal {
		t.Fatalf("after send: %+v", m)
	}

	copyOf := inboxCopy(t, f, f.bob, id)
	if copyOf == nil {
		t.Fatal("bob has no copy")
	}
	read := sent.Add(90 * time.Minute)
	f.clock.Set(read)
	if code := bob.do("POST", "/api/v1/messages/actions", map[string]any{"action": "read", "ids": []int64{f.srv.outID(idMessage, copyOf.ID)}}, nil); code != 200 && code != 204 {
		t.Fatalf("bob reads: %d", code)
	}
	f.clock.Set(read.Add(time.Hour)) // a second open changes nothing
	bob.do("POST", "/api/v1/messages/actions", map[string]any{"action": "unread", "ids": []int64{f.srv.outID(idMessage, copyOf.ID)}}, nil)
	bob.do("POST", "/api/v1/messages/actions", map[string]any{"action": "read", "ids": []int64{f.srv.outID(idMessage, copyOf.ID)}}, nil)

	alice.do("GET", "/api/v1/receipts?status=read", nil, &got)
	if got.Total != 1 || got.Messages[0].Recipients[0].Status != "read" || got.Messages[0].Recipients[0].Time == nil ||
		!got.Messages[0].Recipients[0].Time.Equal(read) {
		t.Fatalf("after bob read: %+v", got)
	}
	alice.do("GET", "/api/v1/receipts?status=recalled", nil, &got)
	if got.Total != 0 || len(got.Messages) != 0 {
		t.Fatalf("recalled filter: %+v", got)
	}

	var rec recallAnswer
	if code := alice.do("POST", "/api/v1/receipts/"+id+"/recall", nil, &rec); code != 200 || len(rec.Recipients) != 2 ||
		rec.Recipients[0].Result != "read" || rec.Recipients[1].Result != "external" {
		t.Fatalf("recall of a read one: %d %+v", code, rec)
	}
	if inboxCopy(t, f, f.bob, id) == nil {
		t.Fatal("a read copy was recalled")
	}
}

func TestReceipts_recallUnreadRemovesTheCopyForGood(t *testing.T) {
	f := newReceiptsFixture(t)
	alice := f.login(t, "alice@example.test")
	id := sendWithReceipts(t, alice, "잘못 보낸 메일", "bob@example.test", "carol@example.test")
	if inboxCopy(t, f, f.bob, id) == nil || inboxCopy(t, f, f.carol, id) == nil {
		t.Fatal("not delivered")
	}
	var rec recallAnswer
	if code := alice.do("POST", "/api/v1/receipts/"+id+"/recall", map[string]any{"recipients": []string{"BOB@example.test", "nobody@example.test"}}, &rec); code != 200 ||
		len(rec.Recipients) != 2 || rec.Recipients[0].Result != "recalled" || rec.Recipients[1].Result != "not_recipient" {
		t.Fatalf("recall: %d %+v", code, rec)
	}
	if inboxCopy(t, f, f.bob, id) != nil {
		t.Fatal("the recalled copy is still in bob's inbox")
	}
	if trash := f.stored(t, f.bob, store.RoleTrash); len(trash) != 0 {
		t.Fatalf("the recalled copy went to Trash: %d", len(trash))
	}
	if inboxCopy(t, f, f.carol, id) == nil {
		t.Fatal("carol's copy went too")
	}
	var got receiptsAnswer
	alice.do("GET", "/api/v1/receipts?status=recalled", nil, &got)
	if got.Total != 1 || got.Messages[0].Recipients[0].Status != "recalled" || got.Messages[0].Recipients[1].Status != "unread" {
		t.Fatalf("after recall: %+v", got)
	}
	// recalling again says so, and changes nothing
	alice.do("POST", "/api/v1/receipts/"+id+"/recall", map[string]any{"recipients": []string{"bob@example.test"}}, &rec)
	if rec.Recipients[0].Result != "recalled" {
		t.Fatalf("second recall: %+v", rec)
	}
}

func TestReceipts_anotherSendersMessageIsNotFound(t *testing.T) {
	f := newReceiptsFixture(t)
	alice, bob := f.login(t, "alice@example.test"), f.login(t, "bob@example.test")
	id := sendWithReceipts(t, alice, "비밀", "carol@example.test")
	var got receiptsAnswer
	if code := bob.do("GET", "/api/v1/receipts", nil, &got); code != 200 || got.Total != 0 || len(got.Messages) != 0 {
		t.Fatalf("bob sees alice's receipts: %d %+v", code, got)
	}
	var e struct{ Error apiError }
	if code := bob.do("POST", "/api/v1/receipts/"+id+"/recall", nil, &e); code != 404 || e.Error.Code != "not_found" {
		t.Fatalf("bob recalls alice's message: %d %+v", code, e)
	}
	if inboxCopy(t, f, f.carol, id) == nil {
		t.Fatal("carol's copy went")
	}
	if code := alice.do("GET", "/api/v1/receipts?status=opened", nil, &e); code != 400 {
		t.Fatalf("unknown status: %d", code)
	}
}

func TestReceipts_withoutReadReceiptNothingIsRecorded(t *testing.T) {
	f := newReceiptsFixture(t)
	alice := f.login(t, "alice@example.test")
	if code, _, bad := alice.send(map[string]any{"to": []string{"bob@example.test"}, "subject": "s", "text": "t"}); code != 202 && code != 200 {
		t.Fatalf("send: %d %+v", code, bad)
	}
	var got receiptsAnswer
	if alice.do("GET", "/api/v1/receipts", nil, &got); got.Total != 0 {
		t.Fatalf("receipts without asking: %+v", got)
	}
}

// A send that waits (the undo delay) is linked when the queue delivers it,
// cannot be recalled before, and a recipient the internet refuses is
// marked failed.
func TestReceipts_queuedSendLinkedWhenDeliveredAndRefusedOneFailed(t *testing.T) {
	f := newReceiptsFixtureDelay(t, time.Minute)
	f.sink.Reject["gone@remote.test"] = "550 5.1.1 no such user"
	start := time.Date(2030, 3, 4, 5, 6, 7, 0, time.UTC)
	f.clock.Set(start)
	alice, bob := f.login(t, "alice@example.test"), f.login(t, "bob@example.test")
	id := sendWithReceipts(t, alice, "대기 중", "bob@example.test", "gone@remote.test")
	var rec recallAnswer
	alice.do("POST", "/api/v1/receipts/"+id+"/recall", map[string]any{"recipients": []string{"bob@example.test"}}, &rec)
	if len(rec.Recipients) != 1 || rec.Recipients[0].Result != "not_delivered" {
		t.Fatalf("recall while waiting: %+v", rec)
	}
	f.clock.Set(start.Add(2 * time.Minute))
	f.runQueue(t)
	copyOf := inboxCopy(t, f, f.bob, id)
	if copyOf == nil {
		t.Fatal("not delivered by the queue")
	}
	if code := bob.do("POST", "/api/v1/messages/actions", map[string]any{"action": "read", "ids": []int64{f.srv.outID(idMessage, copyOf.ID)}}, nil); code != 200 && code != 204 {
		t.Fatalf("bob reads: %d", code)
	}
	var got receiptsAnswer
	alice.do("GET", "/api/v1/receipts", nil, &got)
	if got.Total != 1 || got.Messages[0].Recipients[0].Status != "read" || got.Messages[0].Recipients[1].Status != "failed" ||
		got.Messages[0].Recipients[1].Time == nil || !got.Messages[0].Recipients[1].Time.Equal(start.Add(2*time.Minute)) {
		t.Fatalf("after the queue: %+v", got)
	}
}
