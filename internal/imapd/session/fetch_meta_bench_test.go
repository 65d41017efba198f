package session

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkFetchKept is FETCH of the newest 50 envelopes and structures
// of a mailbox of messages of a realistic size (a text, an HTML
// alternative and a 40 KB attachment): what the kept values spare is
// reading and parsing each file, which grows with the message.
func BenchmarkFetchKept(b *testing.B) {
	const n = 500
	h := newRawHarness(b)
	attachment := strings.Repeat("JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURl\n", 540)
	for i := range n {
		h.put("INBOX", fmt.Sprintf(`Date: Thu, 15 Feb 2007 01:02:03 +0200
From: User %d <u%d@example.org>
To: bob@example.test
Subject: message %d
Message-ID: <m%d@example.org>
Content-Type: multipart/mixed; boundary=xx

--xx
Content-Type: multipart/alternative; boundary=yy

--yy
Content-Type: text/plain; charset=utf-8

Hello %d.
--yy
Content-Type: text/html; charset=utf-8

<p>Hello %d.</p>
--yy--
--xx
Content-Type: application/pdf; name=a.pdf
Content-Disposition: attachment; filename=a.pdf
Content-Transfer-Encoding: base64

%s--xx--
`, i, i, i, i, i, i, attachment))
	}
	c := h.dial()
	c.ok("S SELECT INBOX")
	for _, cmd := range []string{
		fmt.Sprintf("FETCH %d:* (FLAGS ENVELOPE)", n-49),
		fmt.Sprintf("FETCH %d:* (BODYSTRUCTURE)", n-49),
	} {
		b.Run(cmd, func(b *testing.B) { benchCmd(b, c, cmd) })
	}
}
