package deliver

import (
	"encoding/base64"
	"runtime"
	"strings"
	"testing"

	"postroom/internal/resolver"
	"postroom/internal/store"
)

// attachmentMessage is a message of about size bytes: a short text and a
// base64 attachment (little to index, so what Deliver allocates is what
// it does with the message itself).
func attachmentMessage(size int, header string) []byte {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("From: sender@remote.test\r\nTo: bob@example.test\r\nSubject: 견적서\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n첨부합니다\r\n" +
		"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=a.bin\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n")
	line := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00\x01\x02", 19))) + "\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	b.WriteString("--b--\r\n")
	return []byte(b.String())
}

// allocated is the bytes fn allocates.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Delivering a message from the internet does not copy it (issue 13: the
// DATA buffer, then a copy per header edit and one to put the trace fields
// on top, cost five times a message): only a message that must change
// (bare line ends, a forged Authentication-Results) is copied, once.
func TestDeliver_largeMessageIsCopiedAtMostOnce(t *testing.T) {
	f := newFixture(t)
	bob := f.account(t, "bob", nil)
	f.account(t, "carol", nil)
	f.p.Resolver = &resolver.Static{}
	const size = 16 << 20
	deliverTo := func(rcpt string, raw []byte) uint64 {
		t.Helper()
		env := &Envelope{From: "sender@remote.test", Recipients: []*Recipient{f.resolve(t, rcpt)},
			Helo: "remote.test", RemoteAddr: "192.0.2.1:4000", Inbound: true, ID: "big"}
		var err error
		n := allocated(func() { _, err = f.p.Deliver(f.ctx, env, raw) })
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	deliver := func(raw []byte) uint64 { t.Helper(); return deliverTo("bob@example.test", raw) }
	// What the process makes once, not per message, is made first: the
	// compressor's state for each processor that compresses frames at
	// once (blob/packed.go), about a megabyte each.
	deliverTo("carol@example.test", attachmentMessage(2<<20, ""))
	if n := deliver(attachmentMessage(size, "")); n > size/4 {
		t.Errorf("delivering a %d MiB message allocated %d MiB", size>>20, n>>20)
	}
	forged := "Authentication-Results: mx.example.test; spf=pass\r\n"
	bare := strings.ReplaceAll(string(attachmentMessage(size, forged)), "\r\n", "\n")
	if n := deliver([]byte(bare)); n > size+size/4 {
		t.Errorf("delivering a %d MiB message that must change allocated %d MiB, more than one copy", size>>20, n>>20)
	}
	msgs := f.inbox(t, bob, store.RoleInbox)
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	stored := f.read(t, msgs[1].BlobKey)
	if strings.Contains(stored, "spf=pass\r\n") || strings.Count(stored, "\n") != strings.Count(stored, "\r\n") {
		t.Fatal("the copy kept the forged field or a bare line end")
	}
}

// MemoryCost counts the message twice (storedForm may copy it) and the
// terms of its indexed text.
func TestMemoryCost(t *testing.T) {
	if got := MemoryCost(100); got < 200 {
		t.Fatalf("MemoryCost(100) = %d", got)
	}
	if big, huge := MemoryCost(10<<20), MemoryCost(20<<20); huge-big != 20<<20 {
		t.Fatalf("past the indexed text, a byte more costs two: %d, %d", big, huge)
	}
}
