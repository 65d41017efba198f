package deliver_test

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"postroom/internal/deliver"
	"postroom/internal/store"
)

// deliverInbound delivers raw as the MX does mail from the internet (no
// checks: the pipeline has no resolver) and returns the stored copies.
func (e *effects) deliverInbound(from, raw string, to ...string) []deliver.Result {
	e.t.Helper()
	env := &deliver.Envelope{From: from, Helo: "remote.test", RemoteAddr: "192.0.2.1:2525", Protocol: "ESMTP", ID: "in1", Inbound: true}
	for _, addr := range to {
		r, err := e.p.Resolve(e.ctx, addr, 0)
		if err != nil {
			e.t.Fatalf("resolve %s: %v", addr, err)
		}
		env.Recipients = append(env.Recipients, r)
	}
	res, err := e.p.Deliver(e.ctx, env, []byte(raw))
	if err != nil {
		e.t.Fatalf("deliver: %v", err)
	}
	for _, r := range res {
		if r.Err != nil || r.Message == nil {
			e.t.Fatalf("deliver to %s: %v", r.Recipient.Address, r.Err)
		}
	}
	return res
}

// stored returns the stored bytes of a delivered copy.
func (e *effects) stored(m *store.Message) string {
	e.t.Helper()
	r, err := e.bed.Blobs.Open(m.BlobKey)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// spamFields are the X-Postroom-Spam fields of a stored message's header.
func spamFields(raw string) []string {
	head, _, _ := strings.Cut(raw, "\r\n\r\n")
	var out []string
	for _, line := range strings.Split(head, "\r\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, deliver.SpamField) {
			out = append(out, strings.TrimSpace(value))
		}
	}
	return out
}

// Every delivered copy gets a verdict in the store; mail from the
// internet judged spam also an X-Postroom-Spam field below the trace
// fields (ham is written once, its verdict in the store only); two recipients of one
// message get their own (bob blocks the sender, carol does not); a field
// of that name arriving with the message is removed.
func TestVerdict_headerAndMetadataPerRecipient(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", spamSettings("both", "move", []string{"pest@remote.test"}, nil))
	carol := e.account("carol", nil)
	raw := "X-Postroom-Spam: verdict=ham; score=0.00; reasons=\"trust me\"\r\n" +
		"From: pest@remote.test\r\nTo: bob@example.test, carol@example.test\r\n" +
		"x-postroom-spam:\r\n verdict=ham\r\nSubject: v1\r\n\r\nhello\r\n"
	res := e.deliverInbound("pest@remote.test", raw, "bob@example.test", "carol@example.test")

	want := map[string]struct {
		field   string
		verdict store.SpamVerdict
		where   string
	}{
		"bob@example.test": {`verdict=spam; score=1.00; reasons="blocked sender pest@remote.test"`,
			store.SpamVerdict{Verdict: "spam", Score: 1, Reasons: []string{"blocked-sender:pest@remote.test"}}, "spam"},
		"carol@example.test": {``,
			// the weak signs of the header checks are kept with a ham verdict
			store.SpamVerdict{Verdict: "ham", Score: 0, Reasons: []string{"no-date", "no-message-id"}}, "inbox"},
	}
	for _, r := range res {
		w := want[r.Recipient.Address]
		got := e.stored(r.Message)
		f := spamFields(got)
		switch {
		case w.field == "" && len(f) != 0:
			t.Errorf("%s: X-Postroom-Spam fields %q on a ham copy (the forged ones must go too)", r.Recipient.Address, f)
		case w.field != "" && (len(f) != 1 || f[0] != w.field):
			t.Errorf("%s: X-Postroom-Spam fields %q, want only ours %q", r.Recipient.Address, f, w.field)
		}
		if !strings.HasPrefix(got, "Return-Path: <pest@remote.test>\r\n") {
			t.Errorf("%s: Return-Path is not first:\n%s", r.Recipient.Address, got)
		}
		if w.field != "" && !strings.Contains(got, "\r\n"+deliver.SpamField+": "+w.field+"\r\nFrom: pest@remote.test") {
			t.Errorf("%s: our field is not between the trace fields and the message:\n%s", r.Recipient.Address, got)
		}
		v, err := e.bed.Store.SpamVerdict(e.ctx, r.Message.AccountID, r.Message.BlobKey)
		if err != nil {
			t.Fatalf("%s: verdict not recorded: %v", r.Recipient.Address, err)
		}
		if !reflect.DeepEqual(v, w.verdict) {
			t.Errorf("%s: recorded %+v, want %+v", r.Recipient.Address, v, w.verdict)
		}
	}
	if e.where(bob, "v1") != "spam" || e.where(carol, "v1") != "inbox" {
		t.Errorf("v1 is in %q for bob and %q for carol", e.where(bob, "v1"), e.where(carol, "v1"))
	}
}

// Mail between local users: the verdict is recorded, no field is written
// (we wrote its whole path), and a forged one is still removed.
func TestVerdict_localMailMetadataOnly(t *testing.T) {
	e := newEffects(t)
	e.account("bob", spamSettings("both", "move", nil, []string{"급매"}))
	res := e.deliver("kim@example.test", "From: kim@example.test\r\nTo: bob@example.test\r\nX-Postroom-Spam: verdict=ham\r\nSubject: 급매 안내\r\n\r\nhi\r\n", "bob@example.test")
	got := e.stored(res[0].Message)
	if f := spamFields(got); len(f) != 0 {
		t.Errorf("local mail has X-Postroom-Spam fields %q", f)
	}
	v, err := e.bed.Store.SpamVerdict(e.ctx, res[0].Message.AccountID, res[0].Message.BlobKey)
	if err != nil {
		t.Fatal(err)
	}
	if v.Verdict != "spam" || v.Score != 1 || !reflect.DeepEqual(v.Reasons, []string{"blocked-phrase"}) {
		t.Errorf("recorded %+v", v)
	}
}

// Without the Blocked step nothing is decided, and nothing recorded.
func TestVerdict_noStepNoVerdict(t *testing.T) {
	e := newEffects(t)
	e.p.Steps = nil
	e.account("bob", nil)
	res := e.deliverInbound("x@remote.test", "From: x@remote.test\r\nSubject: n1\r\n\r\nhi\r\n", "bob@example.test")
	if f := spamFields(e.stored(res[0].Message)); len(f) != 0 {
		t.Errorf("fields %q without a verdict", f)
	}
	if _, err := e.bed.Store.SpamVerdict(e.ctx, res[0].Message.AccountID, res[0].Message.BlobKey); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a verdict without the step: %v", err)
	}
}
