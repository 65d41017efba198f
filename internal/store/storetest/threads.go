package storetest

import "postroom/internal/store"

var threadTests = []test{
	{"thread_newMessageStartsOwnThread", testThreadOwn},
	{"thread_referenceJoinsEarlierThread", testThreadJoin},
	{"thread_chainUsesReferencedMessagesThread", testThreadChain},
	{"thread_joinsAcrossMailboxesOfAccount", testThreadMailboxes},
	{"thread_neverJoinsAcrossAccounts", testThreadTenancy},
}

// reply appends to mailbox a message referring to refs.
func (e *env) reply(accountID, mailboxID int64, refs ...string) *store.Message {
	e.Helper()
	nm := e.newMsg(accountID, mailboxID)
	nm.References = refs
	if len(refs) > 0 {
		nm.Envelope.InReplyTo = refs[len(refs)-1]
	}
	return e.add(nm)
}

func (e *env) wantThread(m *store.Message, thread int64, what string) {
	e.Helper()
	if m.ThreadID != thread {
		e.Errorf("%s: returned ThreadID %d, want %d", what, m.ThreadID, thread)
	}
	got, err := e.s.Message(e.ctx, m.AccountID, m.ID)
	e.ok(err, "Message")
	if got.ThreadID != thread {
		e.Errorf("%s: stored ThreadID %d, want %d", what, got.ThreadID, thread)
	}
}

func testThreadOwn(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	m1 := e.put(a.ID, in.ID)
	m2 := e.reply(a.ID, in.ID, "<unknown@example.net>")
	e.wantThread(m1, m1.ID, "message without references")
	e.wantThread(m2, m2.ID, "message with an unknown reference")
}

func testThreadJoin(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	root := e.put(a.ID, in.ID)
	e.put(a.ID, in.ID)
	r := e.reply(a.ID, in.ID, root.Envelope.MessageID)
	e.wantThread(r, root.ID, "direct reply")
	r2 := e.reply(a.ID, in.ID, "<lost@example.net>", root.Envelope.MessageID, "<also-lost@example.net>")
	e.wantThread(r2, root.ID, "reply whose known reference is among unknown ones")
}

func testThreadChain(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	root := e.put(a.ID, in.ID)
	mid := e.reply(a.ID, in.ID, root.Envelope.MessageID)
	leaf := e.reply(a.ID, in.ID, mid.Envelope.MessageID) // refers only to the middle one
	e.wantThread(mid, root.ID, "reply")
	e.wantThread(leaf, root.ID, "reply to a reply")
}

func testThreadMailboxes(e *env) {
	a := e.account("alice@example.com")
	root := e.put(a.ID, e.inbox(a.ID).ID)
	sent := e.reply(a.ID, e.byRole(a.ID, store.RoleSent).ID, root.Envelope.MessageID)
	e.wantThread(sent, root.ID, "reply stored in Sent")
	back := e.reply(a.ID, e.mkdir(a.ID, "Work").ID, sent.Envelope.MessageID)
	e.wantThread(back, root.ID, "answer to the Sent reply in a folder")
}

func testThreadTenancy(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	c := e.account("carol@other.example")
	root := e.put(a.ID, e.inbox(a.ID).ID)
	rb := e.reply(b.ID, e.inbox(b.ID).ID, root.Envelope.MessageID)
	rc := e.reply(c.ID, e.inbox(c.ID).ID, root.Envelope.MessageID)
	e.wantThread(rb, rb.ID, "other account's reply in the same domain")
	e.wantThread(rc, rc.ID, "other domain's reply")
	// Bob's own thread continues with his copy of the reference, not Alice's.
	rb2 := e.reply(b.ID, e.inbox(b.ID).ID, root.Envelope.MessageID, rb.Envelope.MessageID)
	e.wantThread(rb2, rb.ID, "second reply in the other account")
}
