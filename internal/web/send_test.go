package web

import (
	"strings"
	"testing"
	"time"

	"postroom/internal/message"
	"postroom/internal/store"
)

// Sent at once (no undo delay) and through the undo delay: hosted
// recipients and the relay get the message, Bcc recipients too, nobody
// sees the Bcc field, and the Sent copy keeps it.
func TestSend_localAndRemoteRecipientsAndBccOnlyInSent(t *testing.T) {
	for _, delay := range []time.Duration{0, time.Hour} {
		t.Run(delay.String(), func(t *testing.T) {
			f := newMailFixture(t, delay)
			c := f.login(t, "alice@example.test")
			code, ans, bad := c.send(map[string]any{
				"to":      []any{"Bob <bob@example.test>", map[string]string{"name": "이영희", "email": "lee@remote.test"}},
				"bcc":     []string{"carol@example.test", "hidden@remote.test"},
				"subject": "견적서 송부", "html": "<p>안녕하세요 <b>견적서</b>입니다.</p>",
			})
			if code != 202 || bad.Code != "" {
				t.Fatalf("send %d %+v", code, bad)
			}
			if delay == 0 && (ans.Status != "sent" || ans.ID != 0) || delay > 0 && (ans.Status != "scheduled" || ans.ID == 0) {
				t.Fatalf("answer %+v", ans)
			}
			f.clock.Add(delay) // the undo window passes
			f.runQueue(t)
			for _, a := range []*store.Account{f.bob, f.carol} {
				got := f.stored(t, a, store.RoleInbox)
				if len(got) != 1 || strings.Contains(got[0], "Bcc") || strings.Contains(got[0], "hidden@") {
					t.Fatalf("%s received %q", a.LocalPart, got)
				}
				if env := message.Parse([]byte(got[0])).Envelope(); env.Subject != "견적서 송부" || env.MessageID != ans.MessageID {
					t.Fatalf("%s's copy: %+v", a.LocalPart, env)
				}
			}
			remote := f.sink.Messages()
			if len(remote) != 1 || len(remote[0].To) != 2 || strings.Contains(remote[0].Data, "Bcc") || strings.Contains(remote[0].Data, "carol@") {
				t.Fatalf("relay got %+v", remote)
			}
			sent := f.stored(t, f.alice, store.RoleSent)
			if len(sent) != 1 {
				t.Fatalf("%d Sent copies", len(sent))
			}
			if env := message.Parse([]byte(sent[0])).Envelope(); len(env.Bcc) != 2 || env.Bcc[1].Addr != "hidden@remote.test" {
				t.Fatalf("Sent copy Bcc %+v", env.Bcc)
			}
		})
	}
}

func TestSend_individuallyOneCopyPerRecipientWithASingleTo(t *testing.T) {
	for _, delay := range []time.Duration{0, time.Hour} {
		t.Run(delay.String(), func(t *testing.T) {
			f := newMailFixture(t, delay)
			c := f.login(t, "alice@example.test")
			code, _, bad := c.send(map[string]any{"to": []string{"bob@example.test", "x@remote.test"},
				"cc": []string{"carol@example.test", "y@remote.test"}, "subject": "초대장", "text": "오세요",
				"send_individually": true})
			if code != 202 {
				t.Fatalf("send %d %+v", code, bad)
			}
			f.clock.Add(delay) // the undo window passes
			f.runQueue(t)
			for _, a := range []*store.Account{f.bob, f.carol} {
				got := f.stored(t, a, store.RoleInbox)
				if len(got) != 1 {
					t.Fatalf("%s has %d copies", a.LocalPart, len(got))
				}
				env := message.Parse([]byte(got[0])).Envelope()
				if len(env.To) != 1 || env.To[0].Addr != a.Address() || len(env.Cc) != 0 {
					t.Fatalf("%s's copy is to %+v cc %+v", a.LocalPart, env.To, env.Cc)
				}
			}
			remote := f.sink.Messages()
			if len(remote) != 2 {
				t.Fatalf("relay got %d messages, want one per remote recipient", len(remote))
			}
			for _, m := range remote {
				env := message.Parse([]byte(m.Data)).Envelope()
				if len(m.To) != 1 || len(env.To) != 1 || env.To[0].Addr != m.To[0] || len(env.Cc) != 0 {
					t.Fatalf("remote copy for %v is to %+v cc %+v", m.To, env.To, env.Cc)
				}
			}
			sent := f.stored(t, f.alice, store.RoleSent)
			if len(sent) != 1 {
				t.Fatalf("%d Sent copies, want the one original", len(sent))
			}
			if env := message.Parse([]byte(sent[0])).Envelope(); len(env.To) != 2 || len(env.Cc) != 2 {
				t.Fatalf("Sent copy to %+v cc %+v", env.To, env.Cc)
			}
		})
	}
}

// CR or LF in a subject or an address is refused with its field, and
// nothing is sent; so are malformed and unknown addresses.
func TestSend_badInputIsRefusedWithTheFieldAndNothingGoes(t *testing.T) {
	f := newMailFixture(t, 0)
	c := f.login(t, "alice@example.test")
	for _, tc := range []struct {
		name        string
		body        map[string]any
		code        int
		errCode     string
		field       string
		valuePrefix string
	}{
		{"CRLF in subject", map[string]any{"to": []string{"bob@example.test"}, "subject": "hi\r\nBcc: x@remote.test"}, 400, "header_injection", "subject", "hi"},
		{"LF in subject", map[string]any{"to": []string{"bob@example.test"}, "subject": "hi\nX-Evil: 1"}, 400, "header_injection", "subject", "hi"},
		{"CRLF in address", map[string]any{"to": []string{"bob@example.test\r\nBcc: x@remote.test"}, "subject": "s"}, 400, "header_injection", "to", "bob@"},
		{"CRLF in name", map[string]any{"cc": []any{map[string]string{"name": "B\r\nBcc: x@remote.test", "email": "bob@example.test"}}}, 400, "header_injection", "cc", "B"},
		{"malformed", map[string]any{"to": []string{"bob@example.test"}, "cc": []string{"kim@@remote.test"}}, 400, "invalid_address", "cc", "kim@@"},
		{"no recipients", map[string]any{"subject": "nobody"}, 400, "no_recipients", "to", ""},
		{"unknown local", map[string]any{"bcc": []string{"nobody@example.test"}}, 400, "unknown_recipient", "bcc", "nobody@"},
		{"scheduled in the past", map[string]any{"to": []string{"bob@example.test"}, "send_at": time.Now().Add(-time.Hour)}, 400, "invalid_send_at", "send_at", ""},
		{"unknown field", map[string]any{"to": []string{"bob@example.test"}, "priority": "high"}, 400, "bad_request", "", ""},
	} {
		code, _, bad := c.send(tc.body)
		if code != tc.code || bad.Code != tc.errCode || bad.Field != tc.field || !strings.HasPrefix(bad.Value, tc.valuePrefix) || bad.Message == "" {
			t.Errorf("%s: %d %+v", tc.name, code, bad)
		}
	}
	_, _, bad := c.send(map[string]any{"to": []string{"bob@example.test"}, "subject": "a\nb"})
	if !strings.Contains(bad.Message, "줄바꿈") {
		t.Errorf("message not in the user's language: %q", bad.Message)
	}
	f.runQueue(t)
	if n := len(f.stored(t, f.bob, store.RoleInbox)); n != 0 || len(f.sink.Messages()) != 0 || f.queueLen(t) != 0 {
		t.Fatalf("something was sent: bob %d, relay %d, queue %d", n, len(f.sink.Messages()), f.queueLen(t))
	}
}

func TestSend_scheduledGoesAtItsTimeAndCanBeCancelled(t *testing.T) {
	f := newMailFixture(t, 0)
	c := f.login(t, "alice@example.test")
	// The server's and the worker's clock stand still until the test moves
	// them, however long the steps take.
	f.clock.Set(time.Now())
	at := f.clock.Now().Add(time.Hour).Truncate(time.Millisecond)
	code, first, _ := c.send(map[string]any{"to": []string{"bob@example.test", "x@remote.test"}, "subject": "예약 발송", "send_at": at})
	if code != 202 || first.Status != "scheduled" || !first.SendAt.Equal(at) || first.Cancel != pathf("DELETE /api/v1/send/%d", first.ID) {
		t.Fatalf("scheduled: %d %+v", code, first)
	}
	_, second, _ := c.send(map[string]any{"to": []string{"bob@example.test"}, "subject": "취소할 메일", "send_at": at})
	var list struct{ Scheduled []scheduledJSON }
	c.do("GET", "/api/v1/send/scheduled", nil, &list)
	if len(list.Scheduled) != 2 || list.Scheduled[0].ID != first.ID || list.Scheduled[0].Subject != "예약 발송" || len(list.Scheduled[0].To) != 2 {
		t.Fatalf("scheduled view %+v", list)
	}
	var undone struct {
		DraftID int64 `json:"draft_id"`
	}
	if code := c.do("DELETE", pathf("/api/v1/send/%d", second.ID), nil, &undone); code != 200 || undone.DraftID == 0 {
		t.Fatalf("cancel %d %+v", code, undone)
	}
	f.clock.Set(at.Add(-time.Second))
	f.runQueue(t)
	if len(f.stored(t, f.bob, store.RoleInbox)) != 0 || len(f.sink.Messages()) != 0 || len(f.stored(t, f.alice, store.RoleSent)) != 0 {
		t.Fatal("sent before its time")
	}
	f.clock.Set(at)
	f.runQueue(t)
	inbox := f.stored(t, f.bob, store.RoleInbox)
	if len(inbox) != 1 || !strings.Contains(inbox[0], "Message-ID: <"+first.MessageID+">") || len(f.sink.Messages()) != 1 {
		t.Fatalf("at its time: bob %d, relay %d", len(inbox), len(f.sink.Messages()))
	}
	if sent := f.stored(t, f.alice, store.RoleSent); len(sent) != 1 {
		t.Fatalf("%d Sent copies", len(sent))
	}
	if code := c.do("DELETE", pathf("/api/v1/send/%d", first.ID), nil, nil); code != 409 {
		t.Fatalf("cancelling what went: %d", code)
	}
	c.do("GET", "/api/v1/send/scheduled", nil, &list)
	if len(list.Scheduled) != 0 {
		t.Fatalf("still listed: %+v", list)
	}
}

// The undo of S2-4: the message waits for the configured delay; undone,
// it is back in Drafts as it was, and the reply's \Answered goes.
func TestSend_undoWithinTheDelayGivesTheDraftBack(t *testing.T) {
	f := newMailFixture(t, time.Hour)
	orig := f.Put(f.alice.ID, "INBOX", "From: lee@remote.test\r\nSubject: 문의\r\nMessage-ID: <q1@remote.test>\r\n\r\n질문입니다\r\n")
	c := f.login(t, "alice@example.test")
	up := c.upload("견적서.pdf", "application/pdf", []byte("%PDF-1.7 quote"))
	before := time.Now()
	code, ans, bad := c.send(map[string]any{"to": []string{"lee@remote.test"}, "bcc": []string{"bob@example.test"},
		"subject": "Re: 문의", "text": "답변입니다", "attachments": []int64{up.ID}, "in_reply_to": orig.ID})
	if code != 202 || ans.Status != "scheduled" || ans.SendAt.Before(before.Add(59*time.Minute)) {
		t.Fatalf("send %d %+v %+v", code, ans, bad)
	}
	if m, _ := f.Store.Message(f.Ctx, f.alice.ID, orig.ID); !m.HasFlag(store.FlagAnswered) {
		t.Fatal("the original is not marked answered")
	}
	var undone struct {
		DraftID int64 `json:"draft_id"`
	}
	if code := c.do("DELETE", pathf("/api/v1/send/%d", ans.ID), nil, &undone); code != 200 {
		t.Fatalf("undo %d", code)
	}
	if f.queueLen(t) != 0 {
		t.Fatal("still queued after the undo")
	}
	if m, _ := f.Store.Message(f.Ctx, f.alice.ID, orig.ID); m.HasFlag(store.FlagAnswered) {
		t.Fatal("an undone reply left the original marked answered")
	}
	var d draftJSON
	if code := c.do("GET", pathf("/api/v1/drafts/%d", undone.DraftID), nil, &d); code != 200 {
		t.Fatalf("reopen %d", code)
	}
	if d.Subject != "Re: 문의" || len(d.To) != 1 || len(d.Bcc) != 1 || d.Bcc[0].Email != "bob@example.test" || d.InReplyTo != orig.ID ||
		len(d.Attachments) != 1 || d.Attachments[0].Filename != "견적서.pdf" || !strings.Contains(d.Text, "답변입니다") {
		t.Fatalf("draft after undo %+v", d)
	}
	if code := c.do("DELETE", pathf("/api/v1/send/%d", ans.ID), nil, nil); code != 409 {
		t.Fatalf("undo twice: %d", code)
	}
	f.runQueue(t)
	if len(f.sink.Messages()) != 0 || len(f.stored(t, f.bob, store.RoleInbox)) != 0 || len(f.stored(t, f.alice, store.RoleSent)) != 0 {
		t.Fatal("an undone message went")
	}
}

// With save_sent off there is no Sent copy; a read receipt request is a
// Disposition-Notification-To to the sender.
func TestSend_saveSentOffAndReadReceipt(t *testing.T) {
	f := newMailFixture(t, 0)
	c := f.login(t, "alice@example.test")
	if code, _, bad := c.send(map[string]any{"to": []string{"bob@example.test"}, "subject": "s", "save_sent": false, "read_receipt": true}); code != 202 {
		t.Fatalf("%d %+v", code, bad)
	}
	got := f.stored(t, f.bob, store.RoleInbox)
	if len(got) != 1 || !strings.Contains(got[0], "Disposition-Notification-To: alice@example.test") {
		t.Fatalf("bob got %q", got)
	}
	if n := len(f.stored(t, f.alice, store.RoleSent)); n != 0 {
		t.Fatalf("%d Sent copies with save_sent off", n)
	}
}
