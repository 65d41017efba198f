package interop

// Read receipts and recall (issue 18, E6) with real clients: the first
// open by the webmail, by an IMAP client fetching BODY[] or storing
// \Seen, and by Python's poplib RETR each records a read with its time
// (BODY.PEEK[] does not); a recall while unread removes the copy from
// the recipient's IDLE session (EXPUNGE pushed), and a read one is
// refused. The receipts are read back over the webmail's API.

import (
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

type receiptsJSON struct {
	Messages []struct {
		MessageID  string `json:"message_id"`
		Subject    string
		Recipients []struct {
			Address string
			Status  string
			Time    *time.Time
		}
	}
}

// receiptsServer starts a server whose webmail sends at once (no undo
// delay), with the listeners these tests use.
func receiptsServer(t *testing.T) *Server {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "pop3", "http"}})
	setBrowserRootConfig(t, s, `undo_send = "0s"`) // restarts the server with it
	return s
}

// sendTracked sends subject to rcpt from c with read receipts on, waits
// for it to arrive and returns its Message-ID.
func sendTracked(t *testing.T, s *Server, c *curlWeb, rcpt, subject string) string {
	t.Helper()
	var ans struct {
		MessageID string `json:"message_id"`
	}
	if code := c.do("POST", "/api/v1/send", map[string]any{"to": []string{rcpt}, "subject": subject, "text": "본문",
		"read_receipt": true}, &ans); code != 202 || ans.MessageID == "" {
		t.Fatalf("send %q: %d %+v", subject, code, ans)
	}
	waitForSubject(t, s, rcpt, subject)
	return ans.MessageID
}

// receiptOf reads the sender's receipt of the message to its one recipient.
func receiptOf(t *testing.T, c *curlWeb, messageID string) (status string, at *time.Time) {
	t.Helper()
	var got receiptsJSON
	if code := c.do("GET", "/api/v1/receipts", nil, &got); code != 200 {
		t.Fatalf("GET /api/v1/receipts: %d", code)
	}
	for _, m := range got.Messages {
		if m.MessageID == messageID && len(m.Recipients) == 1 {
			return m.Recipients[0].Status, m.Recipients[0].Time
		}
	}
	t.Fatalf("no receipt of %s in %+v", messageID, got)
	return "", nil
}

func TestReceipts_eachWayOfOpeningRecordsARead(t *testing.T) {
	s := receiptsServer(t)
	sender := newCurlWeb(t, s)
	sender.login(adminAddr)
	users := map[string]string{}
	ids := map[string]string{}
	for _, way := range []string{"webmail", "fetch", "store", "pop3"} {
		users[way] = uniqueAddr("rr-" + way)
		s.AddUser(t, users[way])
		ids[way] = sendTracked(t, s, sender, users[way], "수신확인 "+way)
		if st, at := receiptOf(t, sender, ids[way]); st != "unread" || at != nil {
			t.Fatalf("%s before any open: %s %v", way, st, at)
		}
	}
	// seconds: the API's times are exact, the window only absorbs the
	// clocks of two processes
	before := time.Now().Add(-time.Second)

	w := newCurlWeb(t, s)
	w.login(users["webmail"])
	id := w.messageBySubject("INBOX", "수신확인 webmail")
	if code := w.do("POST", "/api/v1/messages/actions", map[string]any{"action": "read", "ids": []int64{id}}, nil); code != 200 && code != 204 {
		t.Fatalf("webmail read: %d", code)
	}

	fc := igLogin(t, s, "fetch", users["fetch"], nil)
	fc.igSelect(t, "INBOX")
	fc.igFetch(t, imap.SeqSetNum(1), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
	if st, _ := receiptOf(t, sender, ids["fetch"]); st != "unread" {
		t.Fatalf("BODY.PEEK[] recorded a read: %s", st)
	}
	fc.igFetch(t, imap.SeqSetNum(1), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{}}})

	sc := igLogin(t, s, "store", users["store"], nil)
	sc.igSelect(t, "INBOX")
	if err := sc.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		t.Fatalf("STORE +FLAGS.SILENT (\\Seen): %v", err)
	}

	r := runPop3Py(t, s.pop3PyParams(t, "plain", users["pop3"]), pop3Op("retr1", "retr", "which", 1))
	r.requireLoggedIn(t)
	r.ok(t, "retr1")
	after := time.Now().Add(time.Second)

	for _, way := range []string{"webmail", "fetch", "store", "pop3"} {
		st, at := receiptOf(t, sender, ids[way])
		if st != "read" || at == nil || at.Before(before) || at.After(after) {
			t.Errorf("after the %s open: %s at %v, want read between %v and %v", way, st, at, before, after)
		}
	}
}

func TestReceipts_recallPushesExpungeToIdleAndIsRefusedOnceRead(t *testing.T) {
	s := receiptsServer(t)
	sender := newCurlWeb(t, s)
	sender.login(adminAddr)
	rcpt := uniqueAddr("rr-idle")
	s.AddUser(t, rcpt)
	keep := sendTracked(t, s, sender, rcpt, "남는 메일")
	gone := sendTracked(t, s, sender, rcpt, "회수할 메일")

	rec := newIGRecorder()
	c := igLogin(t, s, "idle", rcpt, rec.handler())
	if sel := c.igSelect(t, "INBOX"); sel.NumMessages != 2 {
		t.Fatalf("INBOX has %d messages, want 2", sel.NumMessages)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatalf("IDLE: %v", err)
	}
	var res struct {
		Recipients []struct{ Address, Result string }
	}
	if code := sender.do("POST", "/api/v1/receipts/"+gone+"/recall", nil, &res); code != 200 || len(res.Recipients) != 1 || res.Recipients[0].Result != "recalled" {
		t.Fatalf("recall: %d %+v", code, res)
	}
	took, ok := rec.waitFor(igPushWait, func(r *igRecorder) bool { return len(r.expunges) == 1 })
	if !ok {
		t.Fatalf("no EXPUNGE pushed within %v: %s", igPushWait, rec)
	}
	t.Logf("EXPUNGE pushed after %v", took)
	if err := idle.Close(); err != nil {
		t.Fatalf("DONE: %v", err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatalf("IDLE: %v", err)
	}
	if rec.expunges[0] != 2 {
		t.Errorf("EXPUNGE %v, want message 2", rec.expunges)
	}
	for _, box := range []string{"INBOX", "Trash"} {
		for _, m := range s.Messages(t, rcpt, box) {
			if m.Subject == "회수할 메일" {
				t.Fatalf("the recalled message is in %s", box)
			}
		}
	}
	if st, at := receiptOf(t, sender, gone); st != "recalled" || at == nil {
		t.Errorf("receipt after recall: %s %v", st, at)
	}

	// the one left is read, then cannot be recalled
	c.igFetch(t, imap.SeqSetNum(1), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{}}})
	if code := sender.do("POST", "/api/v1/receipts/"+keep+"/recall", map[string]any{"recipients": []string{rcpt}}, &res); code != 200 ||
		len(res.Recipients) != 1 || res.Recipients[0].Result != "read" {
		t.Fatalf("recall of a read message: %d %+v", code, res)
	}
	if got := len(s.Messages(t, rcpt, "INBOX")); got != 1 {
		t.Errorf("INBOX after a refused recall holds %d messages, want 1", got)
	}
}
