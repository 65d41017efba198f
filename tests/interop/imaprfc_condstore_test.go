package interop

// CONDSTORE and QRESYNC (RFC 7162) after changes made through the
// webmail API and over another IMAP session.

import (
	"fmt"
	"strings"
	"testing"
)

// rfcWebIDs returns the webmail ids of a mailbox's messages by subject.
func rfcWebIDs(t *testing.T, w *webClient, mailbox string) map[string]int64 {
	t.Helper()
	var mbs struct {
		Mailboxes []struct {
			ID   int64
			Name string
		}
	}
	if code := w.call(t, "GET", "/api/v1/mailboxes", "", &mbs); code != 200 {
		t.Fatalf("GET /api/v1/mailboxes: %d", code)
	}
	for _, mb := range mbs.Mailboxes {
		if mb.Name != mailbox {
			continue
		}
		var page struct {
			Messages []struct {
				ID      int64
				Subject string
			}
		}
		if code := w.call(t, "GET", fmt.Sprintf("/api/v1/mailboxes/%d/messages", mb.ID), "", &page); code != 200 {
			t.Fatalf("GET messages of %s: %d", mailbox, code)
		}
		out := map[string]int64{}
		for _, m := range page.Messages {
			out[m.Subject] = m.ID
		}
		return out
	}
	t.Fatalf("no mailbox %q in the webmail", mailbox)
	return nil
}

func rfcWebAction(t *testing.T, w *webClient, action string, id int64) {
	t.Helper()
	body := fmt.Sprintf(`{"action":%q,"ids":[%d]}`, action, id)
	if code := w.call(t, "POST", "/api/v1/messages/actions", body, nil); code != 200 {
		t.Fatalf("webmail action %s on %d: %d", action, id, code)
	}
}

// rfcEach fails the test unless every matcher matches some line (in any
// order: RFC 7162 §3.2.5.1 leaves the order of VANISHED and FETCH open)
// and no line matches a not pattern.
func rfcEach(t *testing.T, what string, got []string, want []rfcMatch, not ...rfcMatch) {
	t.Helper()
	for _, w := range want {
		if msg := rfcMatchLines(got, []rfcMatch{w}, nil); msg != "" {
			t.Errorf("%s: %s\ngot:\n%s", what, msg, strings.Join(got, "\n"))
		}
	}
	if msg := rfcMatchLines(got, nil, not); msg != "" {
		t.Errorf("%s: %s\ngot:\n%s", what, msg, strings.Join(got, "\n"))
	}
}

// rfcUIDFetch matches an untagged FETCH of uid holding parts.
func rfcUIDFetch(uid int, parts ...string) rfcMatch {
	return rfcHas(fmt.Sprintf(`^\* \d+ FETCH \(.*\bUID %d[ )]`, uid), parts...)
}

func TestIMAPRFC_QResync(t *testing.T) {
	s := rfcServer(t)
	addr := igUser(t, s, "rfcq")
	setup := rfcLogin(t, s, "setup", addr)
	for i := 1; i <= 5; i++ {
		msg := fmt.Sprintf("From: q@example.org\r\nSubject: q%d\r\nMessage-ID: <q%d@rfc.example>\r\n\r\nbody %d\r\n", i, i, i)
		setup.must(t, fmt.Sprintf("APPEND INBOX {%d+}\r\n%s", len(msg), msg), rfcRe(fmt.Sprintf(`^\S+ OK \[APPENDUID \d+ %d\]`, i)))
	}

	// A client syncs, remembers UIDVALIDITY and HIGHESTMODSEQ, goes away.
	a := rfcLogin(t, s, "A", addr)
	// RFC 7162 §3.2.3: "ENABLE QRESYNC" ... "* ENABLED QRESYNC"
	a.must(t, "ENABLE QRESYNC", rfcRe(`^\* ENABLED .*QRESYNC`), rfcRe(`^\S+ OK`))
	sel := a.must(t, "SELECT INBOX", rfcIs(`* 5 EXISTS`), rfcRe(`^\S+ OK \[READ-WRITE\]`))
	uv := rfcNumber(t, sel, `UIDVALIDITY (\d+)\]`)
	ms0 := rfcNumber(t, sel, `HIGHESTMODSEQ (\d+)\]`)
	a.must(t, "LOGOUT", rfcRe(`^\S+ OK`))

	// Changes through the webmail: flag q1, q2 to Trash, q3 deleted for good.
	w := webLogin(t, "http://"+s.Addr(t, "http"), addr)
	ids := rfcWebIDs(t, w, "INBOX")
	rfcWebAction(t, w, "flag", ids["q1"])
	rfcWebAction(t, w, "delete-to-trash", ids["q2"])
	rfcWebAction(t, w, "delete-permanently", ids["q3"])
	// ... and over another IMAP session: q4 answered.
	b := rfcLogin(t, s, "B", addr)
	b.must(t, "SELECT INBOX", rfcRe(`^\S+ OK`))
	b.must(t, `UID STORE 4 +FLAGS (\Answered)`, rfcRe(`^\S+ OK`))

	// RFC 7162 §3.2.5.1: "the server ... MUST send ... VANISHED (EARLIER)
	// response listing the UIDs of messages expunged since the modseq ...
	// [and] FETCH responses for messages that changed".
	c := rfcLogin(t, s, "C", addr)
	c.must(t, "ENABLE QRESYNC", rfcRe(`^\* ENABLED .*QRESYNC`), rfcRe(`^\S+ OK`))
	got := c.must(t, fmt.Sprintf("SELECT INBOX (QRESYNC (%d %d 1:5))", uv, ms0), rfcRe(`^\S+ OK \[READ-WRITE\]`))
	rfcEach(t, "SELECT (QRESYNC)", got, []rfcMatch{
		rfcIs(`* 3 EXISTS`),
		rfcRe(fmt.Sprintf(`^\* OK \[UIDVALIDITY %d\]`, uv)),
		rfcRe(`^\* VANISHED \(EARLIER\) (2:3|2,3)$`),
		rfcUIDFetch(1, `\Flagged`, "MODSEQ ("),
		rfcUIDFetch(4, `\Answered`, "MODSEQ ("),
	}, rfcUIDFetch(5), rfcUIDFetch(2), rfcUIDFetch(3))
	ms1 := rfcNumber(t, got, `HIGHESTMODSEQ (\d+)\]`)
	if ms1 <= ms0 {
		t.Errorf("HIGHESTMODSEQ %d after four changes, %d before: it must advance (RFC 7162 §3.1.2.1)", ms1, ms0)
	}

	// RFC 7162 §3.1.4.1: CHANGEDSINCE "... only messages that have a
	// mod-sequence value greater than" it.
	got = c.must(t, fmt.Sprintf("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d)", ms0), rfcRe(`^\S+ OK`))
	rfcEach(t, "UID FETCH (CHANGEDSINCE)", got,
		[]rfcMatch{rfcUIDFetch(1, `\Flagged`, "MODSEQ ("), rfcUIDFetch(4, `\Answered`, "MODSEQ (")}, rfcUIDFetch(5))
	got = c.must(t, fmt.Sprintf("UID FETCH 1:* (FLAGS) (VANISHED CHANGEDSINCE %d)", ms0), rfcRe(`^\S+ OK`))
	rfcEach(t, "UID FETCH (VANISHED CHANGEDSINCE)", got, []rfcMatch{rfcRe(`^\* VANISHED \(EARLIER\) (2:3|2,3)$`)})

	// RFC 7162 §3.1.3: UNCHANGEDSINCE "... the server MUST NOT perform the
	// STORE ... for messages whose mod-sequence is greater than" it and
	// "MUST ... return the MODIFIED response code".
	m5 := rfcNumber(t, c.must(t, "UID FETCH 5 (MODSEQ)", rfcRe(`^\S+ OK`)), `MODSEQ \((\d+)\)`)
	b.must(t, "UID STORE 5 +FLAGS ($Other)", rfcRe(`^\S+ OK`))
	c.must(t, fmt.Sprintf(`UID STORE 5 (UNCHANGEDSINCE %d) +FLAGS (\Seen)`, m5), rfcRe(`^\S+ OK \[MODIFIED 5\]`))
	got = c.must(t, "UID FETCH 5 (FLAGS MODSEQ)", rfcRe(`^\S+ OK`))
	rfcEach(t, "flags after the refused STORE", got, []rfcMatch{rfcUIDFetch(5, "$Other")}, rfcUIDFetch(5, `\Seen`))
	m5b := rfcNumber(t, got, `MODSEQ \((\d+)\)`)
	if m5b <= m5 {
		t.Errorf("MODSEQ of UID 5: %d before another session's STORE, %d after", m5, m5b)
	}

	// RFC 7162 §3.2.10: once QRESYNC is enabled, the server sends VANISHED
	// instead of EXPUNGE.
	b.must(t, `UID STORE 5 +FLAGS.SILENT (\Deleted)`, rfcRe(`^\S+ OK`))
	b.must(t, "UID EXPUNGE 5", rfcIs(`* 3 EXPUNGE`), rfcRe(`^\S+ OK`))
	got = c.must(t, "NOOP", rfcIs(`* VANISHED 5`), rfcRe(`^\S+ OK`))
	rfcEach(t, "NOOP after another session's EXPUNGE", got, nil, rfcRe(`EXPUNGE`))

	// RFC 7162 §3.1.2.3: STATUS HIGHESTMODSEQ.
	d := rfcLogin(t, s, "D", addr)
	got = d.must(t, "STATUS INBOX (HIGHESTMODSEQ MESSAGES)", rfcRe(`^\S+ OK`))
	hm := rfcNumber(t, got, `HIGHESTMODSEQ (\d+)`)
	if hm < m5b {
		t.Errorf("STATUS HIGHESTMODSEQ %d below the MODSEQ %d of a message in it", hm, m5b)
	}
	rfcEach(t, "STATUS", got, []rfcMatch{rfcHas(`^\* STATUS "?INBOX"? \(`, "MESSAGES 2")})
}
