package deliver

import (
	"regexp"
	"strings"
	"testing"

	"postroom/internal/message"
	"postroom/internal/resolver"
	"postroom/internal/store"
)

// sendersHeader returns a stored message without the trace fields the
// pipeline put on top: what the sender's message became.
func sendersHeader(raw string) string { return string(stripTrace([]byte(raw))) }

var generatedID = regexp.MustCompile(`^Message-ID: <([a-z2-7]{26}@example\.test)>\r\n`)

func TestSubmit_missingDateAndMessageIDAreAddedOnTop(t *testing.T) {
	f := newFixture(t)
	alice, bob := f.account(t, "alice", nil), f.account(t, "bob", nil)
	// The README's Python example: neither Date nor Message-ID.
	msg := "From: alice@example.test\r\nTo: bob@example.test, x@remote.test\r\nSubject: hello\r\n\r\nhi\r\n"
	s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test")}},
		Sender: alice, Remote: []string{"x@remote.test"}}
	if _, err := f.p.Submit(f.ctx, s, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	sent, inbox := f.inbox(t, alice, store.RoleSent), f.inbox(t, bob, store.RoleInbox)
	q, _ := f.store.Queue(f.ctx)
	if len(sent) != 1 || len(inbox) != 1 || len(q) != 1 {
		t.Fatalf("sent %d, inbox %d, queued %d", len(sent), len(inbox), len(q))
	}
	var ids []string
	for _, key := range []string{sent[0].BlobKey, inbox[0].BlobKey, q[0].BlobKey} {
		got := sendersHeader(f.read(t, key))
		// The pinned clock is 09:00 UTC; the domain's (so alice's) zone is Asia/Seoul.
		rest, ok := strings.CutPrefix(got, "Date: Thu, 26 Nov 2026 18:00:00 +0900\r\n")
		m := generatedID.FindStringSubmatch(rest)
		if !ok || m == nil || rest[len(m[0]):] != msg {
			t.Fatalf("completed message:\n%s", got)
		}
		ids = append(ids, m[1])
	}
	if ids[0] != ids[1] || ids[1] != ids[2] {
		t.Fatalf("Sent, local and queued copies differ: %v", ids)
	}
	if env := sent[0].Envelope; env.MessageID != ids[0] || env.Date.IsZero() {
		t.Fatalf("stored envelope %+v", env)
	}
	// Another message gets another id.
	if _, err := f.p.Submit(f.ctx, s, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	if sent = f.inbox(t, alice, store.RoleSent); len(sent) != 2 || sent[1].Envelope.MessageID == ids[0] {
		t.Fatalf("second message's id %q, first %q", sent[len(sent)-1].Envelope.MessageID, ids[0])
	}
}

func TestSubmit_onlyTheMissingFieldIsAdded(t *testing.T) {
	const body = "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: x\r\n\r\nhi\r\n"
	tests := []struct {
		name, msg string
		want      *regexp.Regexp // what comes before msg
	}{
		{"no Date", "Message-ID: <kept@client.example>\r\n" + body,
			regexp.MustCompile(`^Date: Thu, 26 Nov 2026 18:00:00 \+0900\r\n$`)},
		{"no Message-ID", "Date: Mon, 2 Mar 2026 10:00:00 +0100\r\n" + body,
			regexp.MustCompile(`^Message-ID: <[a-z2-7]{26}@example\.test>\r\n$`)},
		{"both present", "Date: Mon, 2 Mar 2026 10:00:00 +0100\r\nMessage-ID: <kept@client.example>\r\n" + body,
			regexp.MustCompile(`^$`)},
		{"names in any case, anywhere in the header", "From: alice@example.test\r\ndate: Mon, 2 Mar 2026 10:00:00 +0100\r\n" +
			"To: bob@example.test\r\nMESSAGE-ID: <kept@client.example>\r\nSubject: x\r\n\r\nhi\r\n", regexp.MustCompile(`^$`)},
		// RFC 6409 §8 lets the MSA fix a bad Date; it does not have to.
		{"malformed Date left as it is", "Date: last Tuesday\r\nMessage-ID: <kept@client.example>\r\n" + body,
			regexp.MustCompile(`^$`)},
		{"fields in the body do not count", "From: alice@example.test\r\nTo: bob@example.test\r\n\r\n" +
			"Date: Mon, 2 Mar 2026 10:00:00 +0100\r\nMessage-ID: <in-body@client.example>\r\n",
			regexp.MustCompile(`^Date: [^\r]+\r\nMessage-ID: <[a-z2-7]{26}@example\.test>\r\n$`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			alice, bob := f.account(t, "alice", nil), f.account(t, "bob", nil)
			s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test")}}, Sender: alice}
			if _, err := f.p.Submit(f.ctx, s, []byte(tt.msg)); err != nil {
				t.Fatal(err)
			}
			got := sendersHeader(f.read(t, f.inbox(t, bob, store.RoleInbox)[0].BlobKey))
			added, ok := strings.CutSuffix(got, tt.msg)
			if !ok || !tt.want.MatchString(added) {
				t.Fatalf("stored:\n%s", got)
			}
		})
	}
}

func TestSubmit_dateInTheSendersTimeZone(t *testing.T) {
	tests := []struct {
		name, account, domain, want string
	}{
		{"the account's zone", "America/New_York", "Asia/Seoul", "Thu, 26 Nov 2026 04:00:00 -0500"},
		{"no account zone: the domain's", "", "Europe/Berlin", "Thu, 26 Nov 2026 10:00:00 +0100"},
		{"an unknown account zone: the domain's", "Mars/Olympus", "Europe/Berlin", "Thu, 26 Nov 2026 10:00:00 +0100"},
		{"no zone anywhere: UTC", "", "", "Thu, 26 Nov 2026 09:00:00 +0000"},
		{"the machine's zone is nobody's", "Local", "Local", "Thu, 26 Nov 2026 09:00:00 +0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			alice, bob := f.account(t, "alice", nil), f.account(t, "bob", nil)
			f.bed.Domain.TimeZone = tt.domain
			if err := f.store.UpdateDomain(f.ctx, f.bed.Domain); err != nil {
				t.Fatal(err)
			}
			alice.TimeZone = tt.account
			s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test")}}, Sender: alice}
			if _, err := f.p.Submit(f.ctx, s, []byte("From: alice@example.test\r\nMessage-ID: <a@b>\r\n\r\nhi\r\n")); err != nil {
				t.Fatal(err)
			}
			got := sendersHeader(f.read(t, f.inbox(t, bob, store.RoleInbox)[0].BlobKey))
			if !strings.HasPrefix(got, "Date: "+tt.want+"\r\n") {
				t.Fatalf("stored:\n%s", got)
			}
		})
	}
}

// The MX (and any other Deliver) is a relay in RFC 6409's sense: it adds
// trace fields and changes nothing else, however incomplete the message.
func TestDeliver_inboundMessageStoredUnchangedApartFromTrace(t *testing.T) {
	f := newFixture(t)
	bob := f.account(t, "bob", nil)
	f.p.Resolver = &resolver.Static{}
	msg := "From: someone@remote.test\r\nTo: bob@example.test\r\nSubject: no date, no id\r\n\r\nhi\r\n"
	for _, inbound := range []bool{true, false} {
		env := &Envelope{From: "someone@remote.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test")},
			Helo: "remote.test", RemoteAddr: "192.0.2.1:4000", ID: "in", Inbound: inbound}
		if _, err := f.p.Deliver(f.ctx, env, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	got := f.inbox(t, bob, store.RoleInbox)
	if len(got) != 2 {
		t.Fatalf("%d messages", len(got))
	}
	for i, m := range got {
		raw := f.read(t, m.BlobKey)
		trace, ok := strings.CutSuffix(raw, msg)
		if !ok {
			t.Fatalf("copy %d changed:\n%s", i, raw)
		}
		for _, field := range message.Parse([]byte(trace + "\r\n")).Header.Fields() {
			switch strings.ToLower(field.Name) {
			case "return-path", "received", "authentication-results":
			default:
				t.Fatalf("copy %d: %s added:\n%s", i, field.Name, raw)
			}
		}
		if m.Envelope.MessageID != "" || !m.Envelope.Date.IsZero() {
			t.Fatalf("copy %d envelope %+v", i, m.Envelope)
		}
	}
}
