package storetest

import (
	"time"

	"postroom/internal/store"
)

// The subject fallback of threading (store.AppendMessage): a reply whose
// References name no message of the account joins the newest message with
// its base subject.
var subjectThreadTests = []test{
	{"threadSubject_replyJoinsOriginalAcrossMailboxes", testSubjectReplyAcrossMailboxes},
	{"threadSubject_koreanAndRepeatedMarkers", testSubjectKorean},
	{"threadSubject_unknownReferencesAreAReply", testSubjectUnknownRefs},
	{"threadSubject_sameSubjectWithoutReplyIsNewThread", testSubjectNotAReply},
	{"threadSubject_joinsNewestWithinWindowOnly", testSubjectWindow},
	{"threadSubject_referencesWinOverSubject", testSubjectRefsFirst},
	{"threadSubject_neverJoinsAcrossAccounts", testSubjectTenancy},
	{"threadSubject_copyKeepsSubjectForLaterReplies", testSubjectCopy},
}

// titled appends to mailbox a message with subject, referring to refs.
func (e *env) titled(accountID, mailboxID int64, subject string, refs ...string) *store.Message {
	e.Helper()
	nm := e.newMsg(accountID, mailboxID)
	nm.Envelope.Subject = subject
	nm.References = refs
	return e.add(nm)
}

func testSubjectReplyAcrossMailboxes(e *env) {
	a := e.account("alice@example.com")
	orig := e.titled(a.ID, e.inbox(a.ID).ID, "Lunch on Friday")
	sent := e.titled(a.ID, e.byRole(a.ID, store.RoleSent).ID, "Re: Lunch on Friday")
	e.wantThread(sent, orig.ID, "reply in Sent without References")
	again := e.titled(a.ID, e.mkdir(a.ID, "Work").ID, "RE:  re:  Lunch   on Friday")
	e.wantThread(again, orig.ID, "second reply, other case and spacing, in a folder")
}

func testSubjectKorean(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	orig := e.titled(a.ID, in.ID, "견적서 송부")
	for _, subject := range []string{"회신: 견적서 송부", "답장: 견적서 송부", "전달: 회신: 견적서 송부", "FW: 회신: 견적서 송부", "AW: Fwd: 견적서 송부"} {
		e.wantThread(e.titled(a.ID, in.ID, subject), orig.ID, subject)
	}
}

func testSubjectUnknownRefs(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	orig := e.titled(a.ID, in.ID, "Quarterly report")
	r := e.titled(a.ID, in.ID, "Quarterly report", "<lost@elsewhere.example>")
	e.wantThread(r, orig.ID, "same subject with a reference the account does not have")
}

func testSubjectNotAReply(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	e.titled(a.ID, in.ID, "Weekly newsletter")
	second := e.titled(a.ID, in.ID, "Weekly newsletter")
	e.wantThread(second, second.ID, "same subject, no reply marker, no References")
	e.titled(a.ID, in.ID, "Re:")
	blank := e.titled(a.ID, in.ID, "RE: ")
	e.wantThread(blank, blank.ID, "reply marker with nothing after it")
}

func testSubjectWindow(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	at := func(subject string, date time.Time) *store.Message {
		nm := e.newMsg(a.ID, in.ID)
		nm.Envelope.Subject, nm.InternalDate = subject, date
		return e.add(nm)
	}
	day := 24 * time.Hour
	old := at("Budget", baseTime)
	late := at("Re: Budget", baseTime.Add(store.ThreadSubjectWindow+day))
	e.wantThread(late, late.ID, "reply more than the window after the original")
	e.wantThread(old, old.ID, "original")
	// Two candidates within the window: the newest one's thread.
	older := at("Plan", baseTime.Add(100*day))
	newer := at("Plan", baseTime.Add(101*day))
	r := at("Re: Plan", baseTime.Add(102*day))
	e.wantThread(r, newer.ID, "reply with two same-subject threads (older is "+older.Envelope.MessageID+")")
	edgeRoot := at("Offsite", baseTime.Add(200*day))
	edge := at("Re: Offsite", baseTime.Add(200*day+store.ThreadSubjectWindow))
	e.wantThread(edge, edgeRoot.ID, "reply exactly the window after")
}

func testSubjectRefsFirst(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	root := e.titled(a.ID, in.ID, "Topic A")
	e.titled(a.ID, in.ID, "Topic B")
	r := e.titled(a.ID, in.ID, "Re: Topic B", root.Envelope.MessageID)
	e.wantThread(r, root.ID, "reply whose References name another thread than its subject")
}

func testSubjectTenancy(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	e.titled(a.ID, e.inbox(a.ID).ID, "Contract")
	rb := e.titled(b.ID, e.inbox(b.ID).ID, "Re: Contract")
	e.wantThread(rb, rb.ID, "other account's reply with the same subject")
}

func testSubjectCopy(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	arch := e.byRole(a.ID, store.RoleArchive)
	orig := e.titled(a.ID, in.ID, "Invoice 42")
	_, dst, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{orig.UID})
	e.ok(err, "CopyMessages")
	_, err = e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{orig.UID})
	e.ok(err, "Expunge original")
	copied := e.byUID(a.ID, arch.ID, dst[0])
	r := e.titled(a.ID, in.ID, "Re: Invoice 42")
	e.wantThread(r, copied.ThreadID, "reply after only the copy is left")
	if copied.ThreadID != orig.ID {
		e.Errorf("copy's ThreadID %d, want the original's thread %d", copied.ThreadID, orig.ID)
	}
}
