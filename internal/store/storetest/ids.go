package storetest

var idTests = []test{
	{"message_idsAreNeverReused", testIDsNeverReused},
}

// A message id names one message forever (POP3 UIDL, thread ids): after the
// newest message is expunged, the next one gets a new id.
func testIDsNeverReused(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	e.put(a.ID, in.ID)
	last := e.put(a.ID, in.ID)
	_, err := e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{last.UID})
	e.ok(err, "Expunge")
	next := e.put(a.ID, in.ID)
	if next.ID <= last.ID {
		e.Errorf("new message got id %d, not above the expunged %d", next.ID, last.ID)
	}
	if next.ThreadID == last.ID {
		e.Error("a new message joined the thread of an expunged one")
	}
}
