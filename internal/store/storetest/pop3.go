package storetest

import (
	"errors"

	"postroom/internal/store"
)

var pop3Tests = []test{
	{"account_pop3DeleteDefaultsToKeepAndRoundTrips", testPOP3DeleteSetting},
	{"pop3_hiddenSurvivesMoveAndIsScoped", testHideFromPOP3},
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
