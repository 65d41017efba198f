package storetest

import (
	"errors"
	"fmt"
	"slices"

	"postroom/internal/store"
)

var mailboxTests = []test{
	{"mailbox_createReturnsFreshState", testMailboxCreate},
	{"mailbox_createNestedCreatesParents", testMailboxNested},
	{"mailbox_createKoreanNames", testMailboxKorean},
	{"mailbox_createExistingIsErrExists", testMailboxExists},
	{"mailbox_createSpecialTakesTheRoleOver", testMailboxCreateSpecial},
	{"mailbox_createInvalidNameIsErrInvalid", testMailboxInvalid},
	{"mailbox_inboxMatchedCaseInsensitively", testMailboxInboxCase},
	{"mailbox_listOrderedByName", testMailboxList},
	{"mailbox_unknownIsErrNotFound", testMailboxUnknown},
	{"mailbox_renameMovesChildren", testMailboxRenameChildren},
	{"mailbox_renameKeepsMessagesAndState", testMailboxRenameKeeps},
	{"mailbox_renameToExistingIsErrExists", testMailboxRenameExists},
	{"mailbox_renameToInvalidNameIsErrInvalid", testMailboxRenameInvalid},
	{"mailbox_renameInboxIsErrProtected", testMailboxRenameInbox},
	{"mailbox_renameSpecialKeepsRole", testMailboxRenameSpecial},
	{"mailbox_renameUnderItselfIsRefused", testMailboxRenameUnderItself},
	{"mailbox_namesOtherThanInboxAreCaseSensitive", testMailboxCaseSensitive},
	{"mailbox_wildcardCharactersInNamesAreLiteral", testMailboxWildcards},
	{"mailbox_deleteSpecialIsErrProtected", testMailboxDeleteSpecial},
	{"mailbox_deleteWithChildrenIsErrHasChildren", testMailboxDeleteChildren},
	{"mailbox_deleteRemovesMessagesAndRefs", testMailboxDeleteMessages},
	{"mailbox_deleteUnknownIsErrNotFound", testMailboxDeleteUnknown},
	{"mailbox_recreatedGetsNewUIDValidity", testMailboxUIDValidity},
	{"mailbox_setSubscribed", testMailboxSubscribe},
	{"mailbox_statusCountsMessagesUnseenSize", testMailboxStatus},
}

func testMailboxCreate(e *env) {
	a := e.account("alice@example.com")
	m := e.mkdir(a.ID, "Receipts")
	if m.Name != "Receipts" || m.AccountID != a.ID || m.Role != store.RoleNone || m.UIDValidity == 0 || m.UIDNext != 1 {
		e.Errorf("CreateMailbox = %+v, want name Receipts, account %d, no role, UIDVALIDITY non-zero, UIDNEXT 1", m, a.ID)
	}
	got := e.mbox(a.ID, m.ID)
	if got.Name != m.Name || got.UIDValidity != m.UIDValidity || got.UIDNext != 1 || got.Role != store.RoleNone {
		e.Errorf("Mailbox(id) = %+v, CreateMailbox returned %+v", got, m)
	}
	if byName := e.mboxByName(a.ID, "Receipts"); byName.ID != m.ID {
		e.Errorf("MailboxByName(Receipts) id %d, want %d", byName.ID, m.ID)
	}
}

func testMailboxCreateSpecial(e *env) {
	a := e.account("alice@example.com")
	old, err := e.s.MailboxByRole(e.ctx, a.ID, store.RoleArchive)
	if err != nil {
		e.Fatalf("the account's Archive: %v", err)
	}
	if _, err := e.s.CreateSpecialMailbox(e.ctx, a.ID, "Sent", store.RoleArchive); !errors.Is(err, store.ErrExists) {
		e.Errorf("CreateSpecialMailbox of a taken name: %v, want ErrExists", err)
	}
	if got, _ := e.s.MailboxByRole(e.ctx, a.ID, store.RoleArchive); got == nil || got.ID != old.ID {
		e.Errorf("a refused CreateSpecialMailbox moved the role to %+v", got)
	}
	if _, err := e.s.CreateSpecialMailbox(e.ctx, a.ID, "Other", store.RoleInbox); !errors.Is(err, store.ErrProtected) {
		e.Errorf("CreateSpecialMailbox with the inbox role: %v, want ErrProtected", err)
	}
	m, err := e.s.CreateSpecialMailbox(e.ctx, a.ID, "보관함/2026", store.RoleArchive)
	if err != nil {
		e.Fatalf("CreateSpecialMailbox: %v", err)
	}
	if m.Role != store.RoleArchive || m.UIDNext != 1 {
		e.Errorf("created %+v, want role archive and UIDNEXT 1", m)
	}
	if got, err := e.s.MailboxByRole(e.ctx, a.ID, store.RoleArchive); err != nil || got.ID != m.ID {
		e.Errorf("MailboxByRole(archive) = %+v, %v; want the new folder %d", got, err, m.ID)
	}
	if got := e.mbox(a.ID, old.ID); got.Role != store.RoleNone {
		e.Errorf("the former Archive keeps role %q", got.Role)
	}
	if parent := e.mboxByName(a.ID, "보관함"); parent.Role != store.RoleNone {
		e.Errorf("the created parent has role %q", parent.Role)
	}
}

func testMailboxNested(e *env) {
	a := e.account("alice@example.com")
	leaf := e.mkdir(a.ID, "Projects/2026/Q3")
	if leaf.Name != "Projects/2026/Q3" {
		e.Errorf("leaf name %q", leaf.Name)
	}
	ids := map[int64]bool{leaf.ID: true}
	for _, p := range []string{"Projects", "Projects/2026"} {
		m, err := e.s.MailboxByName(e.ctx, a.ID, p)
		if err != nil {
			e.Errorf("parent %q not created: %v", p, err)
			continue
		}
		if m.Role != store.RoleNone || m.UIDValidity == 0 {
			e.Errorf("parent %q = %+v", p, m)
		}
		ids[m.ID] = true
	}
	if len(ids) != 3 {
		e.Errorf("parents and leaf share ids: %v", ids)
	}
	// A sibling under existing parents creates only itself.
	n := len(e.mailboxes(a.ID))
	e.mkdir(a.ID, "Projects/2026/Q4")
	if got := len(e.mailboxes(a.ID)); got != n+1 {
		e.Errorf("creating a sibling added %d mailboxes, want 1", got-n)
	}
}

func testMailboxKorean(e *env) {
	a := e.account("alice@example.com")
	m := e.mkdir(a.ID, "프로젝트/견적서")
	if m.Name != "프로젝트/견적서" {
		e.Errorf("CreateMailbox name = %q", m.Name)
	}
	got := e.mboxByName(a.ID, "프로젝트/견적서")
	if got.ID != m.ID || got.Name != "프로젝트/견적서" {
		e.Errorf("MailboxByName(프로젝트/견적서) = %+v", got)
	}
	parent := e.mboxByName(a.ID, "프로젝트")
	if parent.Name != "프로젝트" {
		e.Errorf("parent name %q", parent.Name)
	}
	msg := e.put(a.ID, m.ID)
	if st := e.status(a.ID, m.ID); st.Messages != 1 {
		e.Errorf("Korean-named mailbox status %+v after one append", st)
	}
	e.ok(e.s.RenameMailbox(e.ctx, a.ID, parent.ID, "고객사"), "RenameMailbox(Korean)")
	moved := e.mboxByName(a.ID, "고객사/견적서")
	if moved.ID != m.ID {
		e.Errorf("renamed Korean child id %d, want %d", moved.ID, m.ID)
	}
	if got := e.byUID(a.ID, moved.ID, msg.UID); got.ID != msg.ID {
		e.Errorf("message id %d after rename, want %d", got.ID, msg.ID)
	}
}

func testMailboxExists(e *env) {
	a := e.account("alice@example.com")
	e.mkdir(a.ID, "Work/Reports")
	n := len(e.mailboxes(a.ID))
	for _, name := range []string{"Work/Reports", "Work", "INBOX", "inbox", "Sent", "Trash"} {
		_, err := e.s.CreateMailbox(e.ctx, a.ID, name)
		e.wantErr(err, store.ErrExists, "CreateMailbox("+name+") again")
	}
	if got := len(e.mailboxes(a.ID)); got != n {
		e.Errorf("refused creates changed the mailbox count from %d to %d", n, got)
	}
}

func testMailboxInvalid(e *env) {
	a := e.account("alice@example.com")
	n := len(e.mailboxes(a.ID))
	for _, name := range []string{"", "a//b", "/x", "x/", "/", " ", "a/ /b", "bad\x01name", "a*b", "a%b"} {
		_, err := e.s.CreateMailbox(e.ctx, a.ID, name)
		e.wantErr(err, store.ErrInvalid, fmt.Sprintf("CreateMailbox(%q)", name))
	}
	if got := len(e.mailboxes(a.ID)); got != n {
		e.Errorf("invalid names created %d mailboxes: %+v", got-n, e.mailboxes(a.ID))
	}
}

func testMailboxInboxCase(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	for _, name := range []string{"INBOX", "inbox", "Inbox", "iNbOx"} {
		m, err := e.s.MailboxByName(e.ctx, a.ID, name)
		if err != nil {
			e.Errorf("MailboxByName(%q): %v", name, err)
			continue
		}
		if m.ID != in.ID || m.Name != "INBOX" || m.Role != store.RoleInbox {
			e.Errorf("MailboxByName(%q) = {ID:%d Name:%q Role:%q}, want INBOX id %d", name, m.ID, m.Name, m.Role, in.ID)
		}
	}
	// Children of INBOX: the INBOX level is matched case-insensitively too.
	child := e.mkdir(a.ID, "inbox/Receipts")
	if child.Name != "INBOX/Receipts" {
		e.Errorf("CreateMailbox(inbox/Receipts) name = %q, want INBOX/Receipts", child.Name)
	}
	if got := e.mboxByName(a.ID, "Inbox/Receipts"); got.ID != child.ID {
		e.Errorf("MailboxByName(Inbox/Receipts) id %d, want %d", got.ID, child.ID)
	}
	_, err := e.s.CreateMailbox(e.ctx, a.ID, "INBOX/Receipts")
	e.wantErr(err, store.ErrExists, "CreateMailbox(INBOX/Receipts) after inbox/Receipts")
	// Other names are case-sensitive: "Receipts" is not "INBOX/receipts".
	_, err = e.s.MailboxByName(e.ctx, a.ID, "INBOX/receipts")
	e.wantErr(err, store.ErrNotFound, "MailboxByName(INBOX/receipts)")
}

func testMailboxList(e *env) {
	a := e.account("alice@example.com")
	for _, n := range []string{"Work", "Bills", "Receipts"} {
		e.mkdir(a.ID, n)
	}
	var names []string
	for _, m := range e.mailboxes(a.ID) {
		names = append(names, m.Name)
		if m.AccountID != a.ID {
			e.Errorf("Mailboxes lists %q of account %d", m.Name, m.AccountID)
		}
	}
	want := []string{"Archive", "Bills", "Drafts", "INBOX", "Receipts", "Sent", "Spam", "Trash", "Work"}
	if !slices.Equal(names, want) {
		e.Errorf("Mailboxes = %q, want %q", names, want)
	}
}

func testMailboxUnknown(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	_, err := e.s.Mailbox(e.ctx, a.ID, in.ID+1000)
	e.wantErr(err, store.ErrNotFound, "Mailbox(unknown id)")
	_, err = e.s.MailboxByName(e.ctx, a.ID, "Nope")
	e.wantErr(err, store.ErrNotFound, "MailboxByName(unknown)")
	_, err = e.s.MailboxByName(e.ctx, a.ID, "sent") // names other than INBOX are case-sensitive
	e.wantErr(err, store.ErrNotFound, "MailboxByName(sent)")
	_, err = e.s.MailboxStatus(e.ctx, a.ID, in.ID+1000)
	e.wantErr(err, store.ErrNotFound, "MailboxStatus(unknown)")
	_, err = e.s.MailboxByRole(e.ctx, a.ID, store.Role("bogus"))
	e.wantErr(err, store.ErrNotFound, "MailboxByRole(bogus)")
	_, err = e.s.MailboxByRole(e.ctx, a.ID+1000, store.RoleInbox)
	e.wantErr(err, store.ErrNotFound, "MailboxByRole(unknown account)")
}

func testMailboxRenameChildren(e *env) {
	a := e.account("alice@example.com")
	parent := e.mkdir(a.ID, "A")
	x := e.mkdir(a.ID, "A/x")
	z := e.mkdir(a.ID, "A/y/z")
	other := e.mkdir(a.ID, "AB") // shares the prefix "A" but is no child
	e.ok(e.s.RenameMailbox(e.ctx, a.ID, parent.ID, "B"), "RenameMailbox(A, B)")
	for name, id := range map[string]int64{"B": parent.ID, "B/x": x.ID, "B/y/z": z.ID, "AB": other.ID} {
		m, err := e.s.MailboxByName(e.ctx, a.ID, name)
		if err != nil {
			e.Errorf("MailboxByName(%q) after rename: %v", name, err)
			continue
		}
		if id != 0 && m.ID != id {
			e.Errorf("%q has id %d, want %d (rename keeps ids)", name, m.ID, id)
		}
	}
	if _, err := e.s.MailboxByName(e.ctx, a.ID, "B/y"); err != nil {
		e.Errorf("intermediate B/y after rename: %v", err)
	}
	for _, name := range []string{"A", "A/x", "A/y", "A/y/z"} {
		_, err := e.s.MailboxByName(e.ctx, a.ID, name)
		e.wantErr(err, store.ErrNotFound, "MailboxByName("+name+") after rename")
	}
	if got := e.mbox(a.ID, x.ID).Name; got != "B/x" {
		e.Errorf("Mailbox(id of A/x).Name = %q, want B/x", got)
	}
	// The old name is free again.
	e.mkdir(a.ID, "A")
}

func testMailboxRenameKeeps(e *env) {
	a := e.account("alice@example.com")
	m := e.mkdir(a.ID, "Old")
	msgs := e.putN(a.ID, m.ID, 3)
	before := e.mbox(a.ID, m.ID)
	e.ok(e.s.RenameMailbox(e.ctx, a.ID, m.ID, "New"), "RenameMailbox")
	after := e.mboxByName(a.ID, "New")
	if after.ID != m.ID || after.UIDNext != before.UIDNext || after.UIDValidity != before.UIDValidity {
		e.Errorf("after rename %+v, before %+v: want same id, UIDNEXT, UIDVALIDITY", after, before)
	}
	if got := e.uids(a.ID, m.ID); !sameUIDs(got, []uint32{msgs[0].UID, msgs[1].UID, msgs[2].UID}) {
		e.Errorf("UIDs after rename %v", got)
	}
	e.wantUsage(a.ID, 3000, 3)
}

func testMailboxRenameExists(e *env) {
	a := e.account("alice@example.com")
	x := e.mkdir(a.ID, "X")
	e.mkdir(a.ID, "Y")
	for _, to := range []string{"Y", "Sent"} {
		e.wantErr(e.s.RenameMailbox(e.ctx, a.ID, x.ID, to), store.ErrExists, "RenameMailbox(X, "+to+")")
	}
	// Onto INBOX: taken (ErrExists) or, as some backends see it, the special
	// name itself is protected (ErrProtected); either way nothing changes.
	for _, to := range []string{"INBOX", "inbox"} {
		err := e.s.RenameMailbox(e.ctx, a.ID, x.ID, to)
		if !errors.Is(err, store.ErrExists) && !errors.Is(err, store.ErrProtected) {
			e.Errorf("RenameMailbox(X, %s): error %v, want ErrExists or ErrProtected", to, err)
		}
	}
	if in := e.inbox(a.ID); in.Name != "INBOX" {
		e.Errorf("INBOX renamed to %q", in.Name)
	}
	if got := e.mbox(a.ID, x.ID).Name; got != "X" {
		e.Errorf("refused rename left name %q", got)
	}
}

func testMailboxRenameInvalid(e *env) {
	a := e.account("alice@example.com")
	x := e.mkdir(a.ID, "X")
	for _, to := range []string{"", "a//b", "/x", "x/"} {
		e.wantErr(e.s.RenameMailbox(e.ctx, a.ID, x.ID, to), store.ErrInvalid, fmt.Sprintf("RenameMailbox(X, %q)", to))
	}
	if got := e.mbox(a.ID, x.ID).Name; got != "X" {
		e.Errorf("refused rename left name %q", got)
	}
}

func testMailboxRenameInbox(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	e.wantErr(e.s.RenameMailbox(e.ctx, a.ID, in.ID, "Old Mail"), store.ErrProtected, "RenameMailbox(INBOX)")
	if got := e.mbox(a.ID, in.ID); got.Name != "INBOX" || got.Role != store.RoleInbox {
		e.Errorf("INBOX after refused rename: %+v", got)
	}
	_, err := e.s.MailboxByName(e.ctx, a.ID, "Old Mail")
	e.wantErr(err, store.ErrNotFound, "MailboxByName(Old Mail)")
}

// testMailboxRenameSpecial: the contract requires ErrProtected for INBOX
// only; a backend may allow renaming Sent, but then the role must follow the
// mailbox.
func testMailboxRenameSpecial(e *env) {
	a := e.account("alice@example.com")
	sent := e.byRole(a.ID, store.RoleSent)
	err := e.s.RenameMailbox(e.ctx, a.ID, sent.ID, "Sent Items")
	switch {
	case errors.Is(err, store.ErrProtected):
		if got := e.byRole(a.ID, store.RoleSent); got.ID != sent.ID || got.Name != "Sent" {
			e.Errorf("Sent after refused rename: %+v", got)
		}
	case err == nil:
		if got := e.byRole(a.ID, store.RoleSent); got.ID != sent.ID || got.Name != "Sent Items" {
			e.Errorf("MailboxByRole(sent) after rename = %+v, want id %d named Sent Items", got, sent.ID)
		}
	default:
		e.Errorf("RenameMailbox(Sent): %v, want nil or ErrProtected", err)
	}
}

func testMailboxDeleteSpecial(e *env) {
	a := e.account("alice@example.com")
	for _, def := range store.DefaultMailboxes {
		m := e.byRole(a.ID, def.Role)
		e.wantErr(e.s.DeleteMailbox(e.ctx, a.ID, m.ID), store.ErrProtected, "DeleteMailbox("+def.Name+")")
	}
	if n := len(e.mailboxes(a.ID)); n != len(store.DefaultMailboxes) {
		e.Errorf("%d mailboxes after refused deletes", n)
	}
}

func testMailboxDeleteChildren(e *env) {
	a := e.account("alice@example.com")
	p := e.mkdir(a.ID, "P")
	c := e.mkdir(a.ID, "P/c")
	e.wantErr(e.s.DeleteMailbox(e.ctx, a.ID, p.ID), store.ErrHasChildren, "DeleteMailbox(parent)")
	e.mbox(a.ID, p.ID)
	e.ok(e.s.DeleteMailbox(e.ctx, a.ID, c.ID), "DeleteMailbox(child)")
	e.ok(e.s.DeleteMailbox(e.ctx, a.ID, p.ID), "DeleteMailbox(parent without children)")
	for _, id := range []int64{p.ID, c.ID} {
		_, err := e.s.Mailbox(e.ctx, a.ID, id)
		e.wantErr(err, store.ErrNotFound, "Mailbox after delete")
	}
	// "Qa" is not a child of "Q".
	q := e.mkdir(a.ID, "Q")
	e.mkdir(a.ID, "Qa")
	e.ok(e.s.DeleteMailbox(e.ctx, a.ID, q.ID), "DeleteMailbox(Q next to Qa)")
}

func testMailboxDeleteMessages(e *env) {
	a := e.account("alice@example.com")
	f := e.mkdir(a.ID, "Doomed")
	in := e.inbox(a.ID)
	shared := newBlobKey()
	nm := e.newMsg(a.ID, f.ID)
	nm.BlobKey = shared
	m1 := e.add(nm)
	m2 := e.put(a.ID, f.ID)
	nm = e.newMsg(a.ID, in.ID)
	nm.BlobKey = shared
	kept := e.add(nm)
	e.wantUsage(a.ID, 3000, 3)
	e.ok(e.s.DeleteMailbox(e.ctx, a.ID, f.ID), "DeleteMailbox")
	for _, m := range []*store.Message{m1, m2} {
		_, err := e.s.Message(e.ctx, a.ID, m.ID)
		e.wantErr(err, store.ErrNotFound, "Message in deleted mailbox")
	}
	_, err := e.s.MailboxByName(e.ctx, a.ID, "Doomed")
	e.wantErr(err, store.ErrNotFound, "MailboxByName after delete")
	e.wantRefs(shared, 1)
	e.wantRefs(m2.BlobKey, 0)
	e.wantUsage(a.ID, 1000, 1)
	if got, err := e.s.Message(e.ctx, a.ID, kept.ID); err != nil || got.UID != kept.UID {
		e.Errorf("message in another mailbox after delete: %+v, %v", got, err)
	}
	e.consistent()
}

func testMailboxDeleteUnknown(e *env) {
	a := e.account("alice@example.com")
	e.wantErr(e.s.DeleteMailbox(e.ctx, a.ID, e.inbox(a.ID).ID+1000), store.ErrNotFound, "DeleteMailbox(unknown)")
	e.wantErr(e.s.RenameMailbox(e.ctx, a.ID, e.inbox(a.ID).ID+1000, "X"), store.ErrNotFound, "RenameMailbox(unknown)")
}

// testMailboxUIDValidity: RFC 9051 §2.3.1.1: a mailbox recreated with the
// same name must not reuse the UIDVALIDITY of the old one, or clients would
// keep stale caches. Recreate several times quickly, as a script would.
func testMailboxUIDValidity(e *env) {
	a := e.account("alice@example.com")
	seen := map[uint32]bool{}
	var prev uint32
	for i := range 4 {
		m := e.mkdir(a.ID, "Temp")
		e.put(a.ID, m.ID)
		if m.UIDValidity == 0 {
			e.Errorf("round %d: UIDVALIDITY 0", i)
		}
		if seen[m.UIDValidity] {
			e.Errorf("round %d: recreated mailbox reuses UIDVALIDITY %d", i, m.UIDValidity)
		}
		if i > 0 && m.UIDValidity < prev {
			e.Logf("round %d: UIDVALIDITY %d went down from %d (allowed, but larger is customary)", i, m.UIDValidity, prev)
		}
		seen[m.UIDValidity] = true
		prev = m.UIDValidity
		if st := e.status(a.ID, m.ID); st.Messages != 1 {
			e.Errorf("round %d: recreated mailbox holds %d messages, want only the new one", i, st.Messages)
		}
		e.ok(e.s.DeleteMailbox(e.ctx, a.ID, m.ID), "DeleteMailbox")
	}
	// A rename target that was deleted before also gets a fresh value.
	x := e.mkdir(a.ID, "X")
	old := x.UIDValidity
	e.ok(e.s.DeleteMailbox(e.ctx, a.ID, x.ID), "DeleteMailbox(X)")
	y := e.mkdir(a.ID, "Y")
	e.ok(e.s.RenameMailbox(e.ctx, a.ID, y.ID, "X"), "RenameMailbox(Y, X)")
	if got := e.mboxByName(a.ID, "X"); got.UIDValidity == old {
		e.Errorf("mailbox renamed onto a deleted name reuses its UIDVALIDITY %d", old)
	}
}

func testMailboxSubscribe(e *env) {
	a := e.account("alice@example.com")
	m := e.mkdir(a.ID, "News")
	e.ok(e.s.SetSubscribed(e.ctx, a.ID, m.ID, false), "SetSubscribed(false)")
	if e.mbox(a.ID, m.ID).Subscribed {
		e.Error("Subscribed true after SetSubscribed(false)")
	}
	e.ok(e.s.SetSubscribed(e.ctx, a.ID, m.ID, true), "SetSubscribed(true)")
	if !e.mbox(a.ID, m.ID).Subscribed {
		e.Error("Subscribed false after SetSubscribed(true)")
	}
	in := e.inbox(a.ID)
	e.ok(e.s.SetSubscribed(e.ctx, a.ID, in.ID, false), "SetSubscribed(INBOX, false)")
	if e.mbox(a.ID, in.ID).Subscribed {
		e.Error("INBOX Subscribed true after SetSubscribed(false)")
	}
	if !e.mbox(a.ID, m.ID).Subscribed {
		e.Error("changing INBOX's subscription changed another mailbox")
	}
}

func testMailboxStatus(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	var ms []*store.Message
	for i, sz := range []int64{100, 200, 300, 400} {
		nm := e.newMsg(a.ID, in.ID)
		nm.Size = sz
		if i == 0 {
			nm.Flags = []string{store.FlagSeen}
		}
		ms = append(ms, e.add(nm))
	}
	e.put(a.ID, e.mkdir(a.ID, "Other").ID) // another mailbox does not count
	if st := e.status(a.ID, in.ID); st != (store.MailboxStatus{Messages: 4, Unseen: 3, Size: 1000, FirstUnseen: ms[1].UID}) {
		e.Errorf("status = %+v, want {4 3 1000}", st)
	}
	_, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{ms[1].UID}, store.FlagsAdd, []string{`\seen`})
	e.ok(err, "StoreFlags")
	_, err = e.s.StoreFlags(e.ctx, a.ID, in.ID, []uint32{ms[3].UID}, store.FlagsAdd, []string{`\Deleted`})
	e.ok(err, "StoreFlags")
	if st := e.status(a.ID, in.ID); st != (store.MailboxStatus{Messages: 4, Unseen: 2, Deleted: 1, Size: 1000, FirstUnseen: ms[2].UID}) {
		e.Errorf("status after \\Seen = %+v, want {4 2 1000}", st)
	}
	_, err = e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{ms[0].UID, ms[3].UID})
	e.ok(err, "Expunge")
	if st := e.status(a.ID, in.ID); st != (store.MailboxStatus{Messages: 2, Unseen: 1, Size: 500, FirstUnseen: ms[2].UID}) {
		e.Errorf("status after expunge = %+v, want {2 1 500}", st)
	}
}

// testMailboxRenameUnderItself: renaming a mailbox into its own subtree
// ("A" to "A/B") would leave a hole in the hierarchy; servers refuse it
// (Dovecot, Cyrus). Any error will do, as long as nothing changes.
func testMailboxRenameUnderItself(e *env) {
	a := e.account("alice@example.com")
	p := e.mkdir(a.ID, "A")
	e.mkdir(a.ID, "A/x")
	before := e.snapshot(a.ID)
	if err := e.s.RenameMailbox(e.ctx, a.ID, p.ID, "A/B"); err == nil {
		e.Errorf("RenameMailbox(A, A/B) succeeded; mailboxes now %q", mailboxNames(e.mailboxes(a.ID)))
	}
	e.unchanged(a.ID, before, "refused rename under itself")
}

func mailboxNames(ms []store.Mailbox) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

// testMailboxCaseSensitive: RFC 9051 §5.1: only INBOX is case-insensitive;
// "Work" and "work" are two mailboxes, and neither is the other's parent.
// Each check uses its own names so that one failure does not cause the next.
func testMailboxCaseSensitive(e *env) {
	a := e.account("alice@example.com")
	upper := e.mkdir(a.ID, "Work")
	lower := e.mkdir(a.ID, "work")
	child := e.mkdir(a.ID, "work/x")
	if upper.ID == lower.ID {
		e.Fatal("Work and work are the same mailbox")
	}
	if got := e.mboxByName(a.ID, "work"); got.ID != lower.ID {
		e.Errorf("MailboxByName(work) = %q id %d, want id %d", got.Name, got.ID, lower.ID)
	}
	if got := e.mboxByName(a.ID, "Work"); got.ID != upper.ID {
		e.Errorf("MailboxByName(Work) = %q id %d, want id %d", got.Name, got.ID, upper.ID)
	}
	e.wantErr(e.s.DeleteMailbox(e.ctx, a.ID, lower.ID), store.ErrHasChildren, "DeleteMailbox(work) with work/x")
	// Renaming "Work" leaves "work/x" where it is.
	if err := e.s.RenameMailbox(e.ctx, a.ID, upper.ID, "Job"); err != nil {
		e.Errorf("RenameMailbox(Work, Job): %v", err)
	}
	if got := e.mbox(a.ID, child.ID).Name; got != "work/x" {
		e.Errorf("renaming Work moved work/x to %q", got)
	}
	// "plan/x" does not occupy the name "PLAN".
	e.mkdir(a.ID, "plan/x")
	other := e.mkdir(a.ID, "Other")
	if err := e.s.RenameMailbox(e.ctx, a.ID, other.ID, "PLAN"); err != nil {
		e.Errorf("RenameMailbox(Other, PLAN) while plan/x exists: %v", err)
	}
	// "memo/x" is no child of "Memo".
	memo := e.mkdir(a.ID, "Memo")
	e.mkdir(a.ID, "memo/x")
	if err := e.s.DeleteMailbox(e.ctx, a.ID, memo.ID); err != nil {
		e.Errorf("DeleteMailbox(Memo) while memo/x exists: %v", err)
	}
}

// testMailboxWildcards: "_" is a legal name character, not a pattern.
func testMailboxWildcards(e *env) {
	a := e.account("alice@example.com")
	ab := e.mkdir(a.ID, "a_b")
	other := e.mkdir(a.ID, "axb/c")
	e.ok(e.s.RenameMailbox(e.ctx, a.ID, ab.ID, "renamed"), "RenameMailbox(a_b)")
	if got := e.mbox(a.ID, other.ID).Name; got != "axb/c" {
		e.Errorf("renaming a_b moved axb/c to %q", got)
	}
	e.ok(e.s.RenameMailbox(e.ctx, a.ID, ab.ID, "a_b"), "RenameMailbox(back to a_b)")
	e.ok(e.s.DeleteMailbox(e.ctx, a.ID, ab.ID), "DeleteMailbox(a_b) next to axb/c")
	e.mkdir(a.ID, `back\slash/x`)
	e.ok(e.s.DeleteMailbox(e.ctx, a.ID, e.mboxByName(a.ID, `back\slash/x`).ID), `DeleteMailbox(back\slash/x)`)
	e.ok(e.s.DeleteMailbox(e.ctx, a.ID, e.mboxByName(a.ID, `back\slash`).ID), `DeleteMailbox(back\slash) after its child`)
}
