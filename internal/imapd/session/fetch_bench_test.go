package session

import (
	"fmt"
	"strings"
	"testing"
)

// Benchmarks of the message commands on a mailbox of benchN messages,
// through a real session and store (go test -bench . -run '^$').

const benchN = 5000

func benchClient(b *testing.B) *rawClient {
	b.Helper()
	h := newRawHarness(b)
	for i := range benchN {
		h.put("INBOX", fmt.Sprintf("Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: User %d <u%d@example.org>\nTo: bob@example.test\nSubject: message %d about %s\nMessage-ID: <m%d@example.org>\n\nBody %d.\n",
			i, i%97, i, []string{"meeting", "report", "lunch"}[i%3], i, i))
	}
	c := h.dial()
	c.ok("S SELECT INBOX")
	return c
}

func benchCmd(b *testing.B, c *rawClient, cmd string) {
	b.Helper()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		tag := fmt.Sprintf("x%d", i)
		out := c.send(tag, tag+" "+cmd)
		if !strings.HasPrefix(out[len(out)-1], tag+" OK") {
			b.Fatalf("%s: %q", cmd, out[len(out)-1])
		}
	}
}

func BenchmarkMessages(b *testing.B) {
	c := benchClient(b)
	for _, cmd := range []string{
		"SELECT INBOX",
		"UID FETCH 1:* (FLAGS)",
		fmt.Sprintf("FETCH %d:* (FLAGS ENVELOPE)", benchN-49),
		fmt.Sprintf("FETCH %d:* (BODYSTRUCTURE)", benchN-49),
		"UID SEARCH SUBJECT meeting",
		"UID SEARCH UNSEEN",
		"UID SORT (REVERSE DATE SUBJECT) UTF-8 ALL",
		"UID THREAD REFERENCES UTF-8 ALL",
	} {
		b.Run(cmd, func(b *testing.B) { benchCmd(b, c, cmd) })
	}
}
