package storetest

import (
	"context"

	"postroom/internal/store"
)

var contextTests = []test{
	{"ctx_cancelledAppendFailsAndStoresNothing", testCtxAppend},
	{"ctx_cancelledChangesFailAndChangeNothing", testCtxChanges},
}

func (e *env) cancelled() context.Context {
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	return ctx
}

func testCtxAppend(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	e.put(a.ID, in.ID)
	before := e.snapshot(a.ID)
	nm := e.newMsg(a.ID, in.ID)
	m, err := e.s.AppendMessage(e.cancelled(), nm)
	if err == nil {
		e.Errorf("AppendMessage with a cancelled context succeeded: %+v", m)
	}
	e.unchanged(a.ID, before, "append with a cancelled context")
	e.wantRefs(nm.BlobKey, 0)
	if m := e.put(a.ID, in.ID); m.UID != 2 {
		e.Errorf("next append got UID %d, want 2", m.UID)
	}
}

func testCtxChanges(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	e.putN(a.ID, in.ID, 2)
	before := e.snapshot(a.ID)
	ctx := e.cancelled()
	if _, err := e.s.CreateMailbox(ctx, a.ID, "Cancelled"); err == nil {
		e.Error("CreateMailbox with a cancelled context succeeded")
	}
	if _, err := e.s.StoreFlags(ctx, a.ID, in.ID, []uint32{1}, store.FlagsAdd, []string{store.FlagSeen}); err == nil {
		e.Error("StoreFlags with a cancelled context succeeded")
	}
	if _, err := e.s.Expunge(ctx, a.ID, in.ID, []uint32{2}); err == nil {
		e.Error("Expunge with a cancelled context succeeded")
	}
	if _, _, err := e.s.CopyMessages(ctx, a.ID, in.ID, e.byRole(a.ID, store.RoleArchive).ID, []uint32{1}); err == nil {
		e.Error("CopyMessages with a cancelled context succeeded")
	}
	e.unchanged(a.ID, before, "changes with a cancelled context")
}
