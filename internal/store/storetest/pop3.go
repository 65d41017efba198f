package storetest

import (
	"errors"
	"strconv"

	"postroom/internal/store"
)

var pop3Tests = []test{
	{"account_pop3DeleteDefaultsToKeepAndRoundTrips", testPOP3DeleteSetting},
	{"pop3_hiddenSurvivesMoveAndIsScoped", testHideFromPOP3},
	{"pop3_uidlOpaqueKeptOnMoveNewOnCopy", testPOP3UIDL},
}

func testPOP3DeleteSetting(e *env) {
	a := e.account("alice@example.com")
	if got, _ := e.s.Account(e.ctx, a.ID); got.POP3Delete != store.POP3Keep {
		e.Fatalf("default POP3Delete %q", got.POP3Delete)
	}
	for _, mode := range []string{store.POP3Trash, store.POP3Delete, store.POP3Keep} {
		a.POP3Delete = mode
		e.ok(e.s.UpdateAccount(e.ctx, a), "UpdateAccount")
		if got, _ := e.s.Account(e.ctx, a.ID); got.POP3Delete != mode {
			e.Errorf("POP3Delete %q after setting %q", got.POP3Delete, mode)
		}
	}
	a.POP3Delete = "shred"
	if err := e.s.UpdateAccount(e.ctx, a); !errors.Is(err, store.ErrInvalid) {
		e.Errorf("POP3Delete %q: err %v, want ErrInvalid", "shred", err)
	}
}

func testHideFromPOP3(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 3)
	e.ok(e.s.HideFromPOP3(e.ctx, a.ID, in.ID, []uint32{ms[1].UID, 999}), "HideFromPOP3")
	if e.byUID(a.ID, in.ID, ms[0].UID).POP3Hidden || !e.byUID(a.ID, in.ID, ms[1].UID).POP3Hidden {
		e.Fatal("hidden flag not on exactly the named message")
	}
	list, err := e.s.Listing(e.ctx, a.ID, in.ID)
	e.ok(err, "Listing")
	if len(list) != 3 || list[1].ID != ms[1].ID || !list[1].POP3Hidden || list[0].POP3Hidden || list[2].UID != ms[2].UID ||
		list[2].Size != ms[2].Size || list[2].BlobKey != ms[2].BlobKey {
		e.Fatalf("Listing %+v", list)
	}
	if _, err := e.s.Listing(e.ctx, b.ID, in.ID); err == nil {
		e.Error("Listing of another account's mailbox: no error")
	}
	arch := e.byRole(a.ID, store.RoleArchive)
	_, dst, err := e.s.MoveMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{ms[1].UID})
	e.ok(err, "MoveMessages")
	_, back, err := e.s.MoveMessages(e.ctx, a.ID, arch.ID, in.ID, dst)
	e.ok(err, "MoveMessages back")
	m := e.byUID(a.ID, in.ID, back[0])
	if !m.POP3Hidden || m.ID != ms[1].ID {
		e.Errorf("after a round trip through Archive: hidden %v, id %d (was %d)", m.POP3Hidden, m.ID, ms[1].ID)
	}
	if err := e.s.HideFromPOP3(e.ctx, b.ID, in.ID, []uint32{ms[0].UID}); err == nil {
		e.Error("HideFromPOP3 on another account's mailbox: no error")
	}
	if e.byUID(a.ID, in.ID, ms[0].UID).POP3Hidden {
		e.Error("another account hid alice's message")
	}
}

// A message's POP3 UIDL (RFC 1939 §7) is opaque: it is not the message's
// id (global and sequential, it would tell a user how much mail everyone
// gets) and follows no order; it is unique, stays with the message when it
// moves (out of INBOX and back: "leave on server" clients download nothing
// twice), and a copy is a new message with a UIDL of its own.
func testPOP3UIDL(e *env) {
	a := e.account("alice@example.com")
	in, arch := e.inbox(a.ID), e.byRole(a.ID, store.RoleArchive)
	ms := e.putN(a.ID, in.ID, 3)
	list, err := e.s.Listing(e.ctx, a.ID, in.ID)
	e.ok(err, "Listing")
	seen := map[string]bool{}
	for i, l := range list {
		if len(l.UIDL) < 1 || len(l.UIDL) > 70 {
			e.Errorf("UIDL %q: want 1 to 70 characters", l.UIDL)
		}
		for _, c := range []byte(l.UIDL) {
			if c < 0x21 || c > 0x7e {
				e.Errorf("UIDL %q: character %q outside 0x21-0x7E", l.UIDL, c)
			}
		}
		if l.UIDL == strconv.FormatInt(ms[i].ID, 10) || l.UIDL == strconv.FormatInt(int64(ms[i].UID), 10) {
			e.Errorf("UIDL %q of message %d (UID %d) is its id or UID", l.UIDL, ms[i].ID, ms[i].UID)
		}
		if seen[l.UIDL] {
			e.Errorf("UIDL %q given twice", l.UIDL)
		}
		seen[l.UIDL] = true
	}
	uidl := list[1].UIDL
	_, dst, err := e.s.MoveMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{ms[1].UID})
	e.ok(err, "MoveMessages")
	_, back, err := e.s.MoveMessages(e.ctx, a.ID, arch.ID, in.ID, dst)
	e.ok(err, "MoveMessages back")
	_, copied, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, in.ID, back)
	e.ok(err, "CopyMessages")
	list, err = e.s.Listing(e.ctx, a.ID, in.ID)
	e.ok(err, "Listing")
	byUID := map[uint32]string{}
	for _, l := range list {
		byUID[l.UID] = l.UIDL
	}
	if byUID[back[0]] != uidl {
		e.Errorf("UIDL after a round trip through Archive: %q, was %q", byUID[back[0]], uidl)
	}
	if c := byUID[copied[0]]; c == "" || seen[c] {
		e.Errorf("the copy's UIDL %q: want a new one", c)
	}
}
