package session

import (
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// FETCH ENVELOPE, BODYSTRUCTURE and BODY answer from the values the store
// kept when the message was stored (issue 17), and answer exactly what
// the message file would.

// metaRich has an envelope and a structure with every kind of field.
const metaRich = `Date: Thu, 15 Feb 2007 01:02:03 +0200
From: "Ann Lee" <ann@example.org>
Sender: s@example.org
To: Team: a@example.org, b@example.org;, bob@example.test
Cc: =?UTF-8?B?7ZWc6rWt7Ja0?= <k@example.kr>
Subject: =?UTF-8?B?7ZqM7J2Y?= notes
In-Reply-To: <p@example.org>
Message-ID: <rich@example.org>
Content-Type: multipart/mixed; boundary=xx

--xx
Content-Type: multipart/alternative; boundary=yy

--yy
Content-Type: text/plain; charset=utf-8
Content-Language: ko

hello
--yy
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<p>hello=3D</p>
--yy--
--xx
Content-Type: message/rfc822

Subject: inner
From: in@example.org
Date: Mon, 1 Jan 2024 00:00:00 +0900

inner
--xx
Content-Type: application/pdf; name=a.pdf
Content-Disposition: attachment; filename=a.pdf
Content-Transfer-Encoding: base64

JVBERi0=
--xx--
`

// noOpen is the mail service with Open failing the test: a FETCH through
// it must not read a message file.
type noOpen struct {
	mailService
	t testing.TB
}

// mailService names Mailboxes for embedding: the field may not be called
// Mailboxes, a method of the interface.
type mailService = Mailboxes

func (n noOpen) Open(_ context.Context, _ actor.Actor, m *store.Message) (io.ReadSeekCloser, error) {
	n.t.Errorf("message file of UID %d opened", m.UID)
	return nil, io.ErrUnexpectedEOF
}

// metaItems are what FETCH answers from the kept values.
const metaItems = "(UID FLAGS ENVELOPE BODYSTRUCTURE BODY)"

func TestFetch_envelopeAndStructureOpenNoFile(t *testing.T) {
	h := newRawHarness(t)
	for range 3 {
		h.put("INBOX", metaRich)
	}
	h.put("INBOX", "Subject: plain\n\nx\n")
	h.cfg.Mail = noOpen{mailService: h.cfg.Mail, t: t}
	c := h.dial()
	c.ok("S SELECT INBOX")
	for _, cmd := range []string{
		"F1 FETCH 1:* " + metaItems,
		"F2 UID FETCH 1:* (ENVELOPE)",
		"F3 FETCH 2,4 (BODY)", // a sparse set: rows read by UID
		"F4 FETCH 3:* (FLAGS ENVELOPE)",
	} {
		out := c.ok(cmd)
		if n := strings.Count(strings.Join(out, "\n"), "* "); n < 2 {
			t.Errorf("%s: %d responses: %q", cmd, n, out)
		}
	}
}

// seqOf replaces the sequence number of "* n FETCH" responses.
var seqOf = regexp.MustCompile(`^\* \d+ FETCH`)

// fetchOneOf fetches items of one message and returns its FETCH response
// with the sequence number and the UID item left out.
func fetchOneOf(t *testing.T, c *rawClient, uid uint32, items string) string {
	t.Helper()
	out := c.ok("X UID FETCH " + itoa(uid) + " " + items)
	if len(out) != 2 {
		t.Fatalf("UID FETCH %d %s: %q", uid, items, out)
	}
	r := seqOf.ReplaceAllString(out[0], "* n FETCH")
	return strings.Replace(r, "UID "+itoa(uid)+" ", "", 1)
}

func itoa(u uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + u%10)
		if u /= 10; u == 0 {
			return string(b[i:])
		}
	}
}

// The kept values, those computed and kept on first use for a message
// stored without them, those of a FETCH that parses the file anyway, and
// those the file gives when the kept ones do not decode: one answer.
func TestFetch_keptValuesAnswerAsTheFile(t *testing.T) {
	h := newRawHarness(t)
	raw := strings.ReplaceAll(metaRich, "\n", "\r\n")
	kept := h.put("INBOX", metaRich)

	// stored as before the values were kept: a row without them
	b := h.bed
	key, size, err := b.Blobs.Put(b.Ctx, strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	old, err := b.Store.AppendMessage(b.Ctx, &store.NewMessage{AccountID: h.acct.ID, MailboxID: kept.MailboxID, BlobKey: key, Size: size})
	if err != nil {
		t.Fatal(err)
	}
	// kept values of the current version that do not decode: the file
	// answers
	broken := h.put("INBOX", metaRich)
	if err := b.Store.SetIMAPMeta(b.Ctx, h.acct.ID, map[int64]store.IMAPMeta{broken.ID: {Envelope: []byte{1, 0xff}, Structure: []byte{1, 0xff}}}); err != nil {
		t.Fatal(err)
	}

	c := h.dial()
	c.ok("S SELECT INBOX")
	want := fetchOneOf(t, c, kept.UID, "(ENVELOPE BODYSTRUCTURE BODY)")
	for _, s := range []string{`"Thu, 15 Feb 2007 01:02:03 +0200"`, `(NIL NIL "Team" NIL)`, `"inner"`, `("attachment" ("filename" "a.pdf"))`, `"ko"`} {
		if !strings.Contains(want, s) {
			t.Errorf("kept answer lacks %s: %s", s, want)
		}
	}
	if got := fetchOneOf(t, c, old.UID, "(ENVELOPE BODYSTRUCTURE BODY)"); got != want {
		t.Errorf("message stored without kept values:\n got %s\nwant %s", got, want)
	}
	if got, err := b.Store.IMAPMeta(b.Ctx, h.acct.ID, []int64{old.ID}); err != nil || len(got) != 1 {
		t.Errorf("values of the old message not kept on first use: %v, %v", got, err)
	}
	if got := fetchOneOf(t, c, broken.UID, "(ENVELOPE BODYSTRUCTURE BODY)"); got != want {
		t.Errorf("kept values unreadable, from the file:\n got %s\nwant %s", got, want)
	}
	// With a section the file is parsed and answers all three.
	withFile := fetchOneOf(t, c, kept.UID, "(ENVELOPE BODYSTRUCTURE BODY BODY.PEEK[HEADER.FIELDS (X-NONE)])")
	if got := strings.Replace(withFile, ` BODY[HEADER.FIELDS (X-NONE)] {2}`+"\r\n\r\n", "", 1); got != want {
		t.Errorf("from the file's parse:\n got %s\nwant %s", got, want)
	}
}
