package storetest

import (
	"errors"
	"slices"
	"time"

	"postroom/internal/store"
)

var appendTests = []test{
	{"append_allocatesIncreasingUIDs", testAppendUIDs},
	{"append_advancesUIDNextAndHighestModSeq", testAppendModSeq},
	{"append_uidsArePerMailbox", testAppendPerMailbox},
	{"append_returnsWhatIsStored", testAppendReturns},
	{"append_normalizesFlags", testAppendFlags},
	{"append_roundTripsEnvelopePreviewAttachment", testAppendEnvelope},
	{"append_roundTripsInternalDateInUTC", testAppendInternalDate},
	{"append_unknownMailboxIsErrNotFound", testAppendUnknownMailbox},
}

var messageReadTests = []test{
	{"message_byIDAndByUID", testMessageLookup},
	{"message_unknownIsErrNotFound", testMessageUnknown},
	{"messages_walkInUIDOrder", testMessagesWalk},
	{"messages_walkStopsOnCallbackError", testMessagesStop},
	{"messages_walkEmptyMailbox", testMessagesEmpty},
}

func testAppendUIDs(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	for i, m := range e.putN(a.ID, in.ID, 5) {
		if m.UID != uint32(i+1) {
			e.Errorf("message %d got UID %d, want %d", i, m.UID, i+1)
		}
		if m.MailboxID != in.ID || m.AccountID != a.ID {
			e.Errorf("message %d in mailbox %d account %d", i, m.MailboxID, m.AccountID)
		}
	}
	if got := e.uids(a.ID, in.ID); !sameUIDs(got, seq(1, 5)) {
		e.Errorf("walk = %v, want 1..5", got)
	}
}

func testAppendModSeq(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	prev := e.mbox(a.ID, in.ID)
	if prev.UIDNext != 1 {
		e.Errorf("fresh INBOX UIDNEXT = %d, want 1", prev.UIDNext)
	}
	ids := map[int64]bool{}
	for i := range 5 {
		m := e.put(a.ID, in.ID)
		if ids[m.ID] {
			e.Errorf("message id %d reused", m.ID)
		}
		ids[m.ID] = true
		cur := e.mbox(a.ID, in.ID)
		if cur.UIDNext != m.UID+1 {
			e.Errorf("append %d: UIDNEXT %d after UID %d", i, cur.UIDNext, m.UID)
		}
		if m.ModSeq <= prev.HighestModSeq {
			e.Errorf("append %d: MODSEQ %d not above previous HIGHESTMODSEQ %d", i, m.ModSeq, prev.HighestModSeq)
		}
		if cur.HighestModSeq != m.ModSeq {
			e.Errorf("append %d: HIGHESTMODSEQ %d, want the new message's MODSEQ %d", i, cur.HighestModSeq, m.ModSeq)
		}
		if cur.UIDValidity != prev.UIDValidity {
			e.Errorf("append %d changed UIDVALIDITY %d -> %d", i, prev.UIDValidity, cur.UIDValidity)
		}
		prev = cur
	}
}

func testAppendPerMailbox(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	in := e.inbox(a.ID)
	sent := e.byRole(a.ID, store.RoleSent)
	e.putN(a.ID, in.ID, 3)
	if m := e.put(a.ID, sent.ID); m.UID != 1 {
		e.Errorf("first message in Sent got UID %d, want 1", m.UID)
	}
	if m := e.put(b.ID, e.inbox(b.ID).ID); m.UID != 1 {
		e.Errorf("first message in bob's INBOX got UID %d, want 1", m.UID)
	}
	if m := e.put(a.ID, in.ID); m.UID != 4 {
		e.Errorf("fourth message in INBOX got UID %d, want 4", m.UID)
	}
}

func testAppendReturns(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	nm := e.newMsg(a.ID, in.ID)
	nm.Size = 4321
	nm.Flags = []string{store.FlagFlagged}
	m := e.add(nm)
	if m.BlobKey != nm.BlobKey || m.Size != 4321 || !sameStrings(m.Flags, []string{store.FlagFlagged}) || m.ThreadID != m.ID {
		e.Errorf("AppendMessage returned %+v", m)
	}
	got, err := e.s.Message(e.ctx, a.ID, m.ID)
	e.ok(err, "Message")
	if d := diffMessage(got, m); d != "" {
		e.Errorf("Message(id) differs from what AppendMessage returned: %s", d)
	}
}

func testAppendFlags(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	cases := [][]string{
		nil,
		{`\seen`},
		{`\SEEN`, `\Seen`, `\flagged`, "", "$Forwarded", `\Answered`},
		{"Work", "$label1", `\draft`, `\Deleted`, "Work"},
	}
	for _, flags := range cases {
		nm := e.newMsg(a.ID, in.ID)
		nm.Flags = flags
		m := e.add(nm)
		want := store.NormalizeFlags(flags)
		if !sameStrings(m.Flags, want) {
			e.Errorf("AppendMessage(flags %q) returned flags %q, want %q", flags, m.Flags, want)
		}
		got := e.byUID(a.ID, in.ID, m.UID)
		if !sameStrings(got.Flags, want) {
			e.Errorf("stored flags for %q = %q, want %q", flags, got.Flags, want)
		}
		if got.HasFlag(`\SEEN`) != slices.Contains(want, store.FlagSeen) {
			e.Errorf("HasFlag(\\SEEN) wrong for %q", got.Flags)
		}
	}
}

func testAppendEnvelope(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	nm := e.newMsg(a.ID, in.ID)
	nm.Envelope = store.Envelope{
		Date:      time.Date(2026, 2, 3, 18, 4, 5, 0, kst),
		Subject:   "견적서 송부의 건 — Q3 \"final\"",
		From:      []store.Address{{Name: "김철수", Addr: "kim@example.co.kr"}},
		Sender:    []store.Address{{Name: "Assistant", Addr: "assist@example.co.kr"}},
		ReplyTo:   []store.Address{{Addr: "sales@example.co.kr"}},
		To:        []store.Address{{Name: "Alice", Addr: "alice@example.com"}, {Addr: "bob@example.com"}},
		Cc:        []store.Address{{Name: "이영희", Addr: "lee@example.co.kr"}},
		Bcc:       []store.Address{{Addr: "archive@example.com"}},
		InReplyTo: "<parent.1@example.co.kr>",
		MessageID: "<quote.2026@example.co.kr>",
	}
	nm.Preview = "안녕하세요. 요청하신 견적서를 첨부합니다.\nRegards"
	nm.HasAttachment = true
	m := e.add(nm)
	plain := e.newMsg(a.ID, in.ID)
	plain.Envelope = store.Envelope{}
	plain.Preview = ""
	plain.HasAttachment = false
	p := e.add(plain)

	got := e.byUID(a.ID, in.ID, m.UID)
	if !sameEnvelope(got.Envelope, nm.Envelope) {
		e.Errorf("Envelope = %+v\nwant       %+v", got.Envelope, nm.Envelope)
	}
	if !got.Envelope.Date.Equal(nm.Envelope.Date) {
		e.Errorf("Envelope.Date = %v, want %v", got.Envelope.Date, nm.Envelope.Date)
	}
	if got.Preview != nm.Preview || !got.HasAttachment {
		e.Errorf("Preview %q HasAttachment %v, want %q true", got.Preview, got.HasAttachment, nm.Preview)
	}
	if d := diffMessage(got, m); d != "" {
		e.Errorf("stored message differs from the returned one: %s", d)
	}
	gotPlain := e.byUID(a.ID, in.ID, p.UID)
	if !gotPlain.Envelope.Date.IsZero() {
		e.Errorf("absent Envelope.Date came back as %v, want zero", gotPlain.Envelope.Date)
	}
	if !sameEnvelope(gotPlain.Envelope, store.Envelope{}) || gotPlain.Preview != "" || gotPlain.HasAttachment {
		e.Errorf("empty envelope message came back as %+v", gotPlain)
	}
}

func testAppendInternalDate(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	whole := time.Date(2026, 1, 2, 15, 4, 5, 0, kst)
	fine := time.Date(2025, 12, 31, 23, 59, 59, 987654321, time.UTC)
	old := time.Date(1999, 7, 1, 0, 0, 1, 0, time.UTC)
	for _, when := range []time.Time{whole, fine, old} {
		nm := e.newMsg(a.ID, in.ID)
		nm.InternalDate = when
		m := e.add(nm)
		got := e.byUID(a.ID, in.ID, m.UID)
		if !got.InternalDate.Truncate(time.Second).Equal(when.Truncate(time.Second)) {
			e.Errorf("InternalDate = %v, want %v (second precision)", got.InternalDate, when)
		}
		if when.Nanosecond() == 0 && !got.InternalDate.Equal(when) {
			e.Errorf("InternalDate = %v, want exactly %v", got.InternalDate, when)
		}
		if got.InternalDate.Location() != time.UTC {
			e.Errorf("InternalDate %v is in %v, want UTC", got.InternalDate, got.InternalDate.Location())
		}
	}
}

func testAppendUnknownMailbox(e *env) {
	a := e.account("alice@example.com")
	nm := e.newMsg(a.ID, e.inbox(a.ID).ID+1000)
	_, err := e.s.AppendMessage(e.ctx, nm)
	e.wantErr(err, store.ErrNotFound, "AppendMessage(unknown mailbox)")
	e.wantUsage(a.ID, 0, 0)
	e.wantRefs(nm.BlobKey, 0)
}

func testMessageLookup(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 3)
	for _, m := range ms {
		byID, err := e.s.Message(e.ctx, a.ID, m.ID)
		e.ok(err, "Message")
		if d := diffMessage(byID, m); d != "" {
			e.Errorf("Message(%d): %s", m.ID, d)
		}
		byUID := e.byUID(a.ID, in.ID, m.UID)
		if d := diffMessage(byUID, m); d != "" {
			e.Errorf("MessageByUID(%d): %s", m.UID, d)
		}
	}
}

func testMessageUnknown(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	sent := e.byRole(a.ID, store.RoleSent)
	m := e.put(a.ID, in.ID)
	_, err := e.s.Message(e.ctx, a.ID, m.ID+1000)
	e.wantErr(err, store.ErrNotFound, "Message(unknown id)")
	_, err = e.s.MessageByUID(e.ctx, a.ID, in.ID, m.UID+1)
	e.wantErr(err, store.ErrNotFound, "MessageByUID(unknown UID)")
	_, err = e.s.MessageByUID(e.ctx, a.ID, sent.ID, m.UID)
	e.wantErr(err, store.ErrNotFound, "MessageByUID(UID of another mailbox)")
	_, err = e.s.MessageByUID(e.ctx, a.ID, in.ID, 0)
	e.wantErr(err, store.ErrNotFound, "MessageByUID(0)")
}

func testMessagesWalk(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	ms := e.putN(a.ID, in.ID, 6)
	e.putN(a.ID, e.byRole(a.ID, store.RoleSent).ID, 2) // not in the walk
	_, err := e.s.Expunge(e.ctx, a.ID, in.ID, []uint32{ms[2].UID})
	e.ok(err, "Expunge")
	walked := e.msgs(a.ID, in.ID)
	want := []*store.Message{ms[0], ms[1], ms[3], ms[4], ms[5]}
	if len(walked) != len(want) {
		e.Fatalf("walk returned %d messages, want %d", len(walked), len(want))
	}
	for i := range walked {
		if d := diffMessage(&walked[i], want[i]); d != "" {
			e.Errorf("walk[%d]: %s", i, d)
		}
	}
}

func testMessagesStop(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	e.putN(a.ID, in.ID, 5)
	stop := errors.New("enough")
	var got []uint32
	err := e.s.Messages(e.ctx, a.ID, in.ID, func(m *store.Message) error {
		got = append(got, m.UID)
		if len(got) == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		e.Errorf("Messages returned %v, want the callback's error", err)
	}
	if !sameUIDs(got, []uint32{1, 2}) {
		e.Errorf("walk visited %v after stopping at the second, want [1 2]", got)
	}
	// The store is still usable after an aborted walk.
	e.put(a.ID, in.ID)
	if got := e.uids(a.ID, in.ID); !sameUIDs(got, seq(1, 6)) {
		e.Errorf("walk after abort = %v", got)
	}
}

func testMessagesEmpty(e *env) {
	a := e.account("alice@example.com")
	calls := 0
	err := e.s.Messages(e.ctx, a.ID, e.inbox(a.ID).ID, func(*store.Message) error { calls++; return nil })
	e.ok(err, "Messages(empty)")
	if calls != 0 {
		e.Errorf("walk of an empty mailbox called fn %d times", calls)
	}
}
