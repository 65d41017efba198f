package interop

import (
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// TestIMAPGoTwoSessionsPush: changes made by SMTP delivery, by another
// IMAP session and by the CLI (the webmail's mailbox service) reach a
// session that is selected: EXISTS, FETCH FLAGS and EXPUNGE pushed during
// IDLE without any command from the client (how long each took is logged),
// and on NOOP; MOVE shows up on both folders.
func TestIMAPGoTwoSessionsPush(t *testing.T) {
	s := igServer(t)
	user := igUser(t, s, "imapgo-push")
	a := igLogin(t, s, "A", user, nil)
	recB := newIGRecorder()
	b := igLogin(t, s, "B", user, recB.handler())
	recC := newIGRecorder()
	c := igLogin(t, s, "C", user, recC.handler())
	if d := b.igSelect(t, "INBOX"); d.NumMessages != 0 {
		t.Fatalf("SELECT INBOX on a new account: %d messages", d.NumMessages)
	}
	c.igSelect(t, "Archive")
	idleB, err := b.Idle()
	if err != nil {
		t.Fatalf("B: IDLE: %v", err)
	}
	idleC, err := c.Idle()
	if err != nil {
		t.Fatalf("C: IDLE: %v", err)
	}

	push := func(what string, rec *igRecorder, cond func(r *igRecorder) bool) {
		t.Helper()
		took, ok := rec.waitFor(igPushWait, cond)
		if !ok {
			t.Errorf("%s: nothing within %v; the session got %v", what, igPushWait, rec)
			return
		}
		t.Logf("%s: %v", what, took.Round(time.Millisecond))
	}
	hasFetch := func(seq uint32, flag imap.Flag) func(r *igRecorder) bool {
		return func(r *igRecorder) bool {
			for _, f := range r.fetches {
				if f.Seq == seq && igHasFlag(f.Flags, flag) {
					return true
				}
			}
			return false
		}
	}

	// SMTP delivery while B idles.
	igMXDeliver(t, s, user, "pushed one")
	push("B (IDLE on INBOX): * 1 EXISTS after SMTP delivery", recB, func(r *igRecorder) bool { return slices.Contains(r.exists, 1) })
	recC.mu.Lock()
	leaked := len(recC.exists) != 0
	recC.mu.Unlock()
	if leaked {
		t.Errorf("C (IDLE on Archive) was told about INBOX: %v", recC)
	}

	// A sets \Seen: B sees FETCH (FLAGS (\Seen)).
	a.igSelect(t, "INBOX")
	if err := a.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		t.Fatalf("A: STORE 1 +FLAGS.SILENT (\\Seen): %v", err)
	}
	push("B (IDLE): * 1 FETCH (FLAGS (\\Seen)) after A's STORE", recB, hasFetch(1, imap.FlagSeen))

	// A second delivery, then A expunges it: B sees EXISTS 2, then EXPUNGE 2.
	igMXDeliver(t, s, user, "pushed two")
	push("B (IDLE): * 2 EXISTS after the second delivery", recB, func(r *igRecorder) bool { return slices.Contains(r.exists, 2) })
	if err := a.Noop().Wait(); err != nil {
		t.Fatalf("A: NOOP: %v", err)
	}
	if mb := a.Mailbox(); mb == nil || mb.NumMessages != 2 {
		t.Fatalf("A: after NOOP the selected INBOX has %+v messages, want 2", mb)
	}
	if err := a.Store(imap.SeqSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatalf("A: STORE 2 +FLAGS (\\Deleted): %v", err)
	}
	if seqs, err := a.Expunge().Collect(); err != nil || !slices.Equal(seqs, []uint32{2}) {
		t.Fatalf("A: EXPUNGE: %v %v, want [2]", seqs, err)
	}
	push("B (IDLE): * 2 EXPUNGE after A's EXPUNGE", recB, func(r *igRecorder) bool { return slices.Contains(r.expunges, 2) })

	// A moves message 1 to Archive: B (INBOX) sees EXPUNGE 1, C (Archive) sees EXISTS 1.
	if _, err := a.Move(imap.SeqSetNum(1), "Archive").Wait(); err != nil {
		t.Fatalf("A: MOVE 1 Archive: %v", err)
	}
	push("B (IDLE on INBOX): * 1 EXPUNGE after A's MOVE", recB, func(r *igRecorder) bool { return slices.Contains(r.expunges, 1) })
	push("C (IDLE on Archive): * 1 EXISTS after A's MOVE", recC, func(r *igRecorder) bool { return slices.Contains(r.exists, 1) })

	if err := idleB.Close(); err != nil {
		t.Errorf("B: DONE: %v", err)
	}
	if err := idleB.Wait(); err != nil {
		t.Errorf("B: IDLE ended with %v", err)
	}
	if err := idleC.Close(); err != nil {
		t.Errorf("C: DONE: %v", err)
	}
	if err := idleC.Wait(); err != nil {
		t.Errorf("C: IDLE ended with %v", err)
	}
	if mb := b.Mailbox(); mb == nil || mb.NumMessages != 0 {
		t.Errorf("B's view of INBOX after the pushes: %+v, want 0 messages", mb)
	}
	if mb := c.Mailbox(); mb == nil || mb.NumMessages != 1 {
		t.Errorf("C's view of Archive after the pushes: %+v, want 1 message", mb)
	}
	if d := c.igFetch(t, imap.SeqSetNum(1), &imap.FetchOptions{Flags: true, Envelope: true}); len(d) != 1 ||
		d[0].Envelope == nil || d[0].Envelope.Subject != "pushed one" || !igHasFlag(d[0].Flags, imap.FlagSeen) {
		t.Errorf("C: FETCH 1 in Archive: %+v, want the moved \"pushed one\" with \\Seen", d)
	}

	// Without IDLE, NOOP delivers the news.
	recB.reset()
	a.igAppend(t, "INBOX", igMessage("<a@remote.example>", "<"+user+">", "appended by A", uniqueID("push"), time.Now(), "", "x\n"), nil)
	if err := b.Noop().Wait(); err != nil {
		t.Fatalf("B: NOOP: %v", err)
	}
	recB.mu.Lock()
	gotExists := slices.Contains(recB.exists, 1)
	recB.mu.Unlock()
	if !gotExists {
		t.Errorf("B: NOOP after A's APPEND did not report * 1 EXISTS (got %v)", recB)
	}
	if err := a.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagFlagged}}, nil).Close(); err != nil {
		t.Fatalf("A: STORE +FLAGS (\\Flagged): %v", err)
	}
	if err := b.Noop().Wait(); err != nil {
		t.Fatalf("B: NOOP: %v", err)
	}
	push("B: * 1 FETCH (FLAGS (\\Flagged)) on NOOP after A's STORE", recB, hasFetch(1, imap.FlagFlagged))

	// Folders: made by A, or in "webmail" (CLI), appear in B's LIST; removal too.
	if err := a.Create("Made-By-A", nil).Wait(); err != nil {
		t.Fatalf("A: CREATE Made-By-A: %v", err)
	}
	s.MustCLI(t, "mailbox add", user, "웹에서/만듦")
	list := b.igList(t, "", "*", nil)
	for _, name := range []string{"Made-By-A", "웹에서/만듦"} {
		if list[name] == nil {
			t.Errorf("B: LIST lacks %q made by another session / the CLI (got %v)", name, igKeys(list))
		}
	}
	if err := a.Delete("Made-By-A").Wait(); err != nil {
		t.Errorf("A: DELETE Made-By-A: %v", err)
	}
	s.MustCLI(t, "mailbox remove", user, "웹에서/만듦")
	list = b.igList(t, "", "*", nil)
	if list["Made-By-A"] != nil || list["웹에서/만듦"] != nil {
		t.Errorf("B: LIST still shows folders removed elsewhere: %v", igKeys(list))
	}
	// A folder made by the CLI can take a message over IMAP at once.
	s.MustCLI(t, "mailbox add", user, "Fresh")
	b.igAppend(t, "Fresh", igMessage("<a@remote.example>", "<"+user+">", "fresh", uniqueID("fresh"), time.Now(), "", "x\n"), nil)
	if row := igMailboxList(t, s, user)["Fresh"]; row.Messages != 1 || row.Unseen != 1 {
		t.Errorf("postroom mailbox list Fresh after an IMAP APPEND: %+v, want 1 message 1 unseen", row)
	}
}
