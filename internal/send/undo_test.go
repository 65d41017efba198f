package send

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"postroom/internal/store"
)

// The undo of S2-4: the message waits for the undo delay; undone, it is
// back in Drafts with its Bcc, file and compose state, the reply's
// \Answered goes, and nothing is sent. A second undo is told it was
// undone already.
func TestUndo_withinTheDelayGivesTheDraftBack(t *testing.T) {
	f := newFixture(t, time.Hour)
	orig := f.Put(f.alice.ID, "INBOX", "From: lee@remote.test\r\nSubject: 문의\r\nMessage-ID: <q1@remote.test>\r\n\r\n질문입니다\r\n")
	up, err := f.svc.CreateUpload(f.Ctx, f.asAlice, strings.NewReader("%PDF-1.7 quote"), "견적서.pdf", "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	sent, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("lee@remote.test"), Bcc: to("bob@example.test"), Subject: "Re: 문의",
		Text: "답변입니다", Attachments: []FileRef{{Upload: up.ID}}, InReplyTo: orig.ID, NoSentCopy: true})
	if err != nil || sent.QueueID == 0 || !sent.SendAt.Equal(f.clock.Now().Add(time.Hour)) {
		t.Fatalf("send %+v %v", sent, err)
	}
	if m, _ := f.Store.Message(f.Ctx, f.alice.ID, orig.ID); !m.HasFlag(store.FlagAnswered) {
		t.Fatal("the original is not marked answered")
	}
	draftID, err := f.svc.Undo(f.Ctx, f.asAlice, sent.QueueID)
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	if f.queueLen(t) != 0 {
		t.Fatal("still queued after the undo")
	}
	if m, _ := f.Store.Message(f.Ctx, f.alice.ID, orig.ID); m.HasFlag(store.FlagAnswered) {
		t.Fatal("an undone reply left the original marked answered")
	}
	d, err := f.svc.Draft(f.Ctx, f.asAlice, draftID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Subject != "Re: 문의" || len(d.Bcc) != 1 || d.Bcc[0].Addr != "bob@example.test" || d.InReplyTo != orig.ID || d.SaveSent ||
		len(d.Files) != 1 || d.Files[0].Filename != "견적서.pdf" || !strings.Contains(d.Text, "답변입니다") {
		t.Fatalf("draft after undo %+v", d)
	}
	if _, err := f.svc.Undo(f.Ctx, f.asAlice, sent.QueueID); !errors.Is(err, store.ErrCancelled) {
		t.Fatalf("undo twice: %v, want ErrCancelled", err)
	}
	f.clock.Add(time.Hour)
	f.runQueue(t)
	if len(f.sink.Messages()) != 0 || len(f.mailbox(t, f.bob, store.RoleInbox)) != 0 {
		t.Fatal("an undone message went")
	}
	f.consistent(t)
}

// A late undo is told the message went, by any instance of the service
// that shares the store (another node, or the server after a restart):
// nothing of it is kept in a process.
func TestUndo_afterItWentIsTooLateForAnyInstance(t *testing.T) {
	f := newFixture(t, 10*time.Second)
	sent, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("bob@example.test", "kim@remote.test"), Subject: "보냄"})
	if err != nil || sent.QueueID == 0 {
		t.Fatalf("send %+v %v", sent, err)
	}
	f.clock.Add(10 * time.Second)
	f.runQueue(t)
	if len(f.mailbox(t, f.bob, store.RoleInbox)) != 1 || len(f.sink.Messages()) != 1 {
		t.Fatal("not sent")
	}
	fresh := *f.svc // what a restarted server builds from the same store
	if _, err := fresh.Undo(f.Ctx, f.asAlice, sent.QueueID); !errors.Is(err, store.ErrTooLate) {
		t.Fatalf("late undo: %v, want ErrTooLate", err)
	}
	if _, err := fresh.Undo(f.Ctx, f.asB, sent.QueueID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another account's late undo: %v, want ErrNotFound", err)
	}
	if d := f.mailbox(t, f.alice, store.RoleDrafts); len(d) != 0 {
		t.Fatalf("a refused undo left %d drafts", len(d))
	}
}

// racing is a store whose CancelQueued first lets a worker claim the
// message (what happens when the undo comes as the delay ends), and which
// records whether the draft was in Drafts when the cancel was asked.
type racing struct {
	store.Store
	f             *fixture
	draftsAtCall  int
	claimFirst    bool
	cancelRefused bool
}

func (r *racing) CancelQueued(ctx context.Context, accountID, id int64) error {
	mb, err := r.Store.MailboxByRole(ctx, accountID, store.RoleDrafts)
	if err != nil {
		return err
	}
	st, _ := r.Store.MailboxStatus(ctx, accountID, mb.ID)
	r.draftsAtCall = int(st.Messages)
	if r.claimFirst {
		r.Store.ClaimDue(ctx, time.Now().Add(time.Hour), time.Minute, 10)
	}
	err = r.Store.CancelQueued(ctx, accountID, id)
	r.cancelRefused = err != nil
	return err
}

// An undo stores the draft before it cancels: when the cancel then fails
// (a worker took the message), the draft is removed again and the message
// goes; no order of failures loses it.
func TestUndo_storesTheDraftBeforeItCancels(t *testing.T) {
	for _, claim := range []bool{false, true} {
		f := newFixture(t, time.Minute)
		r := &racing{Store: f.Store, f: f, claimFirst: claim}
		f.svc.Store = r
		sent, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("bob@example.test"), Subject: "경쟁"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Undo(f.Ctx, f.asAlice, sent.QueueID)
		if r.draftsAtCall != 1 {
			t.Fatalf("claim %v: %d drafts when the cancel was asked, want the undone message stored first", claim, r.draftsAtCall)
		}
		drafts := len(f.mailbox(t, f.alice, store.RoleDrafts))
		if !claim {
			if err != nil || drafts != 1 || f.queueLen(t) != 0 {
				t.Fatalf("undo: %v, %d drafts, %d queued", err, drafts, f.queueLen(t))
			}
			continue
		}
		if !errors.Is(err, store.ErrTooLate) || !r.cancelRefused || drafts != 0 || f.queueLen(t) != 1 {
			t.Fatalf("undo while a worker sends: %v, %d drafts (want 0: it goes), %d queued", err, drafts, f.queueLen(t))
		}
	}
}

// The scheduled view lists the account's waiting sends only.
func TestScheduled_listsTheActorsWaitingSends(t *testing.T) {
	f := newFixture(t, 0)
	at := f.clock.Now().Add(2 * time.Hour)
	sent, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("bob@example.test"), Bcc: to("kim@remote.test"), Subject: "예약", SendAt: at})
	if err != nil || sent.QueueID == 0 || !sent.SendAt.Equal(at) {
		t.Fatalf("scheduled %+v %v", sent, err)
	}
	if _, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("kim@remote.test"), Subject: "at once"}); err != nil {
		t.Fatal(err)
	}
	list, err := f.svc.Scheduled(f.Ctx, f.asAlice)
	if err != nil || len(list) != 1 || list[0].ID != sent.QueueID || list[0].Envelope.Subject != "예약" || len(list[0].Envelope.Bcc) != 1 {
		t.Fatalf("alice's scheduled %+v %v", list, err)
	}
	if list, _ := f.svc.Scheduled(f.Ctx, f.asB); len(list) != 0 {
		t.Fatalf("bob sees %+v", list)
	}
	for _, bad := range []time.Time{f.clock.Now().Add(-time.Hour), f.clock.Now().Add(MaxSchedule + time.Hour)} {
		var e *Error
		if _, err := f.svc.Send(f.Ctx, f.asAlice, &Request{To: to("bob@example.test"), SendAt: bad}); !errors.As(err, &e) || e.Code != CodeInvalidSendAt {
			t.Errorf("send_at %v: %v", bad, err)
		}
	}
}
