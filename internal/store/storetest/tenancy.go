package storetest

// Every MessageStore and MailboxStore method called with one account's id
// and another account's mailbox or message must answer ErrNotFound (or, for
// a change, do nothing), never read or change the other account's data.
// Alice and Bob share a domain, so domain scoping alone cannot save a backend.

import "postroom/internal/store"

var tenancyTests = []test{
	{"tenancy_mailboxReadsAreScoped", testTenancyMailboxReads},
	{"tenancy_mailboxChangesAreScoped", testTenancyMailboxChanges},
	{"tenancy_messageReadsAreScoped", testTenancyMessageReads},
	{"tenancy_appendIntoForeignMailboxIsErrNotFound", testTenancyAppend},
	{"tenancy_flagsAndExpungeAreScoped", testTenancyFlagsExpunge},
	{"tenancy_copyMoveAcrossAccountsRefused", testTenancyCopyMove},
}

// tenants makes Alice (with a folder "Secret" and mail) and Bob (with mail)
// in one domain.
type tenants struct {
	alice, bob       *store.Account
	aInbox, aSecret  *store.Mailbox
	bInbox           *store.Mailbox
	aMsgs, bMsgs     []*store.Message
	aBefore, bBefore snapshot
}

func (e *env) tenants() *tenants {
	e.Helper()
	t := &tenants{alice: e.account("alice@example.com"), bob: e.account("bob@example.com")}
	t.aInbox = e.inbox(t.alice.ID)
	t.aSecret = e.mkdir(t.alice.ID, "Secret")
	t.bInbox = e.inbox(t.bob.ID)
	t.aMsgs = append(e.putN(t.alice.ID, t.aInbox.ID, 3), e.putN(t.alice.ID, t.aSecret.ID, 2)...)
	_, err := e.s.Expunge(e.ctx, t.alice.ID, t.aInbox.ID, []uint32{3})
	e.ok(err, "Expunge") // so that Alice has an expunge log to leak
	t.bMsgs = e.putN(t.bob.ID, t.bInbox.ID, 1)
	t.aBefore = e.snapshot(t.alice.ID)
	t.bBefore = e.snapshot(t.bob.ID)
	return t
}

func (e *env) tenantsUnchanged(t *tenants, after string) {
	e.Helper()
	e.unchanged(t.alice.ID, t.aBefore, after)
	e.unchanged(t.bob.ID, t.bBefore, after)
	e.consistent()
}

func testTenancyMailboxReads(e *env) {
	t := e.tenants()
	bob := t.bob.ID
	_, err := e.s.Mailbox(e.ctx, bob, t.aSecret.ID)
	e.wantErr(err, store.ErrNotFound, "Mailbox(bob, alice's Secret)")
	_, err = e.s.Mailbox(e.ctx, bob, t.aInbox.ID)
	e.wantErr(err, store.ErrNotFound, "Mailbox(bob, alice's INBOX)")
	_, err = e.s.MailboxByName(e.ctx, bob, "Secret")
	e.wantErr(err, store.ErrNotFound, "MailboxByName(bob, Secret)")
	if m, err := e.s.MailboxByName(e.ctx, bob, "INBOX"); err != nil || m.ID != t.bInbox.ID {
		e.Errorf("MailboxByName(bob, INBOX) = %+v, %v; want bob's INBOX %d", m, err, t.bInbox.ID)
	}
	if m := e.byRole(bob, store.RoleInbox); m.ID != t.bInbox.ID {
		e.Errorf("MailboxByRole(bob, inbox) = %d, want %d", m.ID, t.bInbox.ID)
	}
	for _, m := range e.mailboxes(bob) {
		if m.AccountID != bob || m.Name == "Secret" {
			e.Errorf("Mailboxes(bob) lists %+v", m)
		}
	}
	st, err := e.s.MailboxStatus(e.ctx, bob, t.aInbox.ID)
	e.notFoundOrNil(err, "MailboxStatus(bob, alice's INBOX)")
	if err == nil && st != (store.MailboxStatus{}) {
		e.Errorf("MailboxStatus(bob, alice's INBOX) leaks %+v", st)
	}
	exp, err := e.s.ExpungedSince(e.ctx, bob, t.aInbox.ID, 0)
	e.notFoundOrNil(err, "ExpungedSince(bob, alice's INBOX)")
	if len(exp) != 0 {
		e.Errorf("ExpungedSince(bob, alice's INBOX) leaks %v", exp)
	}
	e.tenantsUnchanged(t, "reads")
}

func testTenancyMailboxChanges(e *env) {
	t := e.tenants()
	bob := t.bob.ID
	e.wantErr(e.s.RenameMailbox(e.ctx, bob, t.aSecret.ID, "Mine"), store.ErrNotFound, "RenameMailbox(bob, alice's Secret)")
	e.wantErr(e.s.RenameMailbox(e.ctx, bob, t.aInbox.ID, "Mine"), store.ErrNotFound, "RenameMailbox(bob, alice's INBOX)")
	e.wantErr(e.s.DeleteMailbox(e.ctx, bob, t.aSecret.ID), store.ErrNotFound, "DeleteMailbox(bob, alice's Secret)")
	e.notFoundOrNil(e.s.SetSubscribed(e.ctx, bob, t.aSecret.ID, false), "SetSubscribed(bob, alice's Secret)")
	// Bob creating "Secret" makes his own, leaving Alice's alone.
	mine := e.mkdir(bob, "Secret")
	if mine.ID == t.aSecret.ID || mine.AccountID != bob {
		e.Errorf("bob's Secret = %+v, alice's id %d", mine, t.aSecret.ID)
	}
	e.ok(e.s.DeleteMailbox(e.ctx, bob, mine.ID), "DeleteMailbox(bob's own Secret)")
	e.tenantsUnchanged(t, "mailbox changes by another account")
}

func testTenancyMessageReads(e *env) {
	t := e.tenants()
	bob := t.bob.ID
	for _, m := range t.aMsgs[:2] {
		_, err := e.s.Message(e.ctx, bob, m.ID)
		e.wantErr(err, store.ErrNotFound, "Message(bob, alice's message)")
		_, err = e.s.MessageByUID(e.ctx, bob, m.MailboxID, m.UID)
		e.wantErr(err, store.ErrNotFound, "MessageByUID(bob, alice's mailbox)")
	}
	// Bob's own UID 1 must not be found through Alice's mailbox id either.
	_, err := e.s.MessageByUID(e.ctx, t.alice.ID, t.bInbox.ID, 1)
	e.wantErr(err, store.ErrNotFound, "MessageByUID(alice, bob's INBOX)")
	calls := 0
	err = e.s.Messages(e.ctx, bob, t.aInbox.ID, func(*store.Message) error { calls++; return nil })
	e.notFoundOrNil(err, "Messages(bob, alice's INBOX)")
	if calls != 0 {
		e.Errorf("Messages(bob, alice's INBOX) walked %d of alice's messages", calls)
	}
	e.tenantsUnchanged(t, "message reads")
}

func testTenancyAppend(e *env) {
	t := e.tenants()
	nm := e.newMsg(t.bob.ID, t.aInbox.ID)
	m, err := e.s.AppendMessage(e.ctx, nm)
	e.wantErr(err, store.ErrNotFound, "AppendMessage(bob, alice's INBOX)")
	if m != nil {
		e.Errorf("AppendMessage into a foreign mailbox returned %+v", m)
	}
	nm = e.newMsg(t.alice.ID, t.bInbox.ID)
	_, err = e.s.AppendMessage(e.ctx, nm)
	e.wantErr(err, store.ErrNotFound, "AppendMessage(alice, bob's INBOX)")
	e.wantRefs(nm.BlobKey, 0)
	e.tenantsUnchanged(t, "appends into foreign mailboxes")
}

func testTenancyFlagsExpunge(e *env) {
	t := e.tenants()
	bob := t.bob.ID
	changed, err := e.s.StoreFlags(e.ctx, bob, t.aInbox.ID, []uint32{1, 2}, store.FlagsReplace, []string{store.FlagDeleted})
	e.notFoundOrNil(err, "StoreFlags(bob, alice's INBOX)")
	if len(changed) != 0 {
		e.Errorf("StoreFlags(bob, alice's INBOX) returned %+v", changed)
	}
	gone, err := e.s.Expunge(e.ctx, bob, t.aInbox.ID, []uint32{1, 2})
	e.notFoundOrNil(err, "Expunge(bob, alice's INBOX)")
	if len(gone) != 0 {
		e.Errorf("Expunge(bob, alice's INBOX) returned %v", gone)
	}
	// Bob naming his own mailbox with Alice's UIDs touches only his own.
	_, err = e.s.StoreFlags(e.ctx, bob, t.bInbox.ID, []uint32{2}, store.FlagsAdd, []string{store.FlagSeen})
	e.ok(err, "StoreFlags(bob, own INBOX, unknown UID)")
	e.tenantsUnchanged(t, "flag changes and expunges by another account")
}

func testTenancyCopyMove(e *env) {
	t := e.tenants()
	alice, bob := t.alice.ID, t.bob.ID
	type call struct {
		what           string
		acct, src, dst int64
		uids           []uint32
	}
	calls := []call{
		{"bob copies from alice's INBOX into his", bob, t.aInbox.ID, t.bInbox.ID, []uint32{1, 2}},
		{"bob copies from his INBOX into alice's", bob, t.bInbox.ID, t.aInbox.ID, []uint32{1}},
		{"alice copies into bob's INBOX", alice, t.aInbox.ID, t.bInbox.ID, []uint32{1, 2}},
		{"alice copies from bob's INBOX", alice, t.bInbox.ID, t.aSecret.ID, []uint32{1}},
	}
	for _, c := range calls {
		src, dst, err := e.s.CopyMessages(e.ctx, c.acct, c.src, c.dst, c.uids)
		e.notFoundOrNil(err, "CopyMessages: "+c.what)
		if len(src) != 0 || len(dst) != 0 {
			e.Errorf("CopyMessages (%s) returned src %v dst %v", c.what, src, dst)
		}
		src, dst, err = e.s.MoveMessages(e.ctx, c.acct, c.src, c.dst, c.uids)
		e.notFoundOrNil(err, "MoveMessages: "+c.what)
		if len(src) != 0 || len(dst) != 0 {
			e.Errorf("MoveMessages (%s) returned src %v dst %v", c.what, src, dst)
		}
	}
	e.tenantsUnchanged(t, "copies and moves across accounts")
}
