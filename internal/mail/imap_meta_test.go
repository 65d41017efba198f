package mail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/imapd/bodypart"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// metaMessage has what makes an envelope and a structure worth keeping:
// a date in its own zone, groups, an encapsulated message, attachments.
var metaMessage = strings.ReplaceAll(`Date: Thu, 15 Feb 2007 01:02:03 +0200
From: Ann <ann@example.org>
To: Team: a@example.org, b@example.org;, bob@example.test
Subject: =?UTF-8?B?7ZqM7J2Y?= notes
Message-ID: <meta@example.org>
Content-Type: multipart/mixed; boundary=xx

--xx
Content-Type: text/plain; charset=utf-8

hello
--xx
Content-Type: message/rfc822

Subject: inner
From: in@example.org

inner
--xx
Content-Type: application/pdf; name=a.pdf
Content-Disposition: attachment; filename=a.pdf
Content-Transfer-Encoding: base64

JVBERi0=
--xx--
`, "\n", "\r\n")

// fileMeta is bodypart's answer from the message's file: what the kept
// values must equal.
func fileMeta(t *testing.T, b *testbed.Bed, m *store.Message) store.IMAPMeta {
	t.Helper()
	f, err := b.Blobs.Open(m.BlobKey)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	raw, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	root, err := bodypart.Parse(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	return store.IMAPMeta{Envelope: bodypart.EncodeEnvelope(root.Envelope()), Structure: bodypart.EncodeStructure(root.Structure())}
}

func keptMeta(t *testing.T, b *testbed.Bed, m *store.Message) (store.IMAPMeta, bool) {
	t.Helper()
	got, err := b.Store.IMAPMeta(b.Ctx, m.AccountID, []int64{m.ID})
	if err != nil {
		t.Fatal(err)
	}
	meta, ok := got[m.ID]
	return meta, ok
}

func wantKept(t *testing.T, b *testbed.Bed, what string, m *store.Message, want store.IMAPMeta) {
	t.Helper()
	got, ok := keptMeta(t, b, m)
	if !ok {
		t.Fatalf("%s: message %d has no IMAP meta", what, m.ID)
	}
	if !bytes.Equal(got.Envelope, want.Envelope) || !bytes.Equal(got.Structure, want.Structure) {
		t.Errorf("%s: kept meta differs from the file's:\n got %q\nwant %q", what, got, want)
	}
}

// Every way a message is stored keeps its ENVELOPE and BODYSTRUCTURE as
// bodypart reads them from the stored file.
func TestIMAPMeta_keptByEveryAppend(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	user := actor.User(bob)
	in := inbox(t, b, bob)
	put := func(raw string) (string, int64) {
		key, size, err := b.Blobs.Put(b.Ctx, strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		return key, size
	}
	cases := map[string]func() *store.Message{
		// the parse is of the stored bytes (APPEND, drafts, Sent copies)
		"Append with its parse": func() *store.Message {
			return b.Put(bob.ID, "INBOX", metaMessage)
		},
		// delivery: the parse is of the message without the trace
		// fields the file starts with; the file decides
		"Append of a delivery": func() *store.Message {
			trace := "Return-Path: <x@example.net>\r\nReceived: from x by y; Thu, 15 Feb 2007 01:02:04 +0200\r\n"
			key, size := put(trace + metaMessage)
			m, err := b.Mail.Append(b.Ctx, actor.System(bob.ID, "delivery"), mail.AppendRequest{MailboxID: in.ID,
				BlobKey: key, Size: size, Parsed: message.Parse([]byte("Subject: not this one\r\n\r\n"))})
			if err != nil {
				t.Fatal(err)
			}
			return m
		},
		// delivery with its trace fields given (Head): from memory, the
		// same values as from the file
		"Append of a delivery with its head": func() *store.Message {
			trace := "Return-Path: <x@example.net>\r\nReceived: from x by y; Thu, 15 Feb 2007 01:02:04 +0200\r\n"
			key, size := put(trace + metaMessage)
			m, err := b.Mail.Append(b.Ctx, actor.System(bob.ID, "delivery"), mail.AppendRequest{MailboxID: in.ID,
				BlobKey: key, Size: size, Parsed: message.Parse([]byte(metaMessage)), Head: []byte(trace)})
			if err != nil {
				t.Fatal(err)
			}
			return m
		},
		// no parse (the admin's mailbox copy): read from the file
		"Append without a parse": func() *store.Message {
			key, size := put(metaMessage)
			m, err := b.Mail.Append(b.Ctx, user, mail.AppendRequest{MailboxID: in.ID, BlobKey: key, Size: size})
			if err != nil {
				t.Fatal(err)
			}
			return m
		},
		"AppendRaw": func() *store.Message {
			m, err := b.Mail.AppendRaw(b.Ctx, user, mail.RawMessage{MailboxID: in.ID, Body: strings.NewReader(metaMessage)})
			if err != nil {
				t.Fatal(err)
			}
			return m
		},
	}
	for name, add := range cases {
		m := add()
		want := fileMeta(t, b, m)
		wantKept(t, b, name, m, want)
		env, err := bodypart.DecodeEnvelope(want.Envelope)
		if err != nil || env.Date != "Thu, 15 Feb 2007 01:02:03 +0200" || len(env.To) != 5 {
			t.Errorf("%s: kept envelope %+v (%v)", name, env, err)
		}
	}
}

// A copy has the original's values; a moved message keeps its own.
func TestIMAPMeta_followsCopyAndMove(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	user := actor.User(bob)
	m := b.Put(bob.ID, "INBOX", metaMessage)
	want := fileMeta(t, b, m)
	arch, err := b.Mail.CreateMailbox(b.Ctx, user, "Kept")
	if err != nil {
		t.Fatal(err)
	}
	_, dst, err := b.Mail.Copy(b.Ctx, user, m.MailboxID, arch.ID, []uint32{m.UID})
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.Store.MessageByUID(b.Ctx, bob.ID, arch.ID, dst[0])
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == m.ID {
		t.Fatalf("copy has the original's id %d", c.ID)
	}
	wantKept(t, b, "copy", c, want)
	_, dst, err = b.Mail.Move(b.Ctx, user, arch.ID, m.MailboxID, []uint32{c.UID})
	if err != nil {
		t.Fatal(err)
	}
	mv, err := b.Store.MessageByUID(b.Ctx, bob.ID, m.MailboxID, dst[0])
	if err != nil {
		t.Fatal(err)
	}
	wantKept(t, b, "moved copy", mv, want)
}

// failingBlobs is a blob store that opens nothing: what IMAPMeta returns
// with it was not computed from a file.
type failingBlobs struct{ t *testing.T }

func (f failingBlobs) Put(context.Context, io.Reader) (string, int64, error) {
	return "", 0, errors.New("no puts here")
}

func (f failingBlobs) Open(key string) (io.ReadSeekCloser, error) {
	f.t.Errorf("blob %s opened", key)
	return nil, errors.New("no opens here")
}

// A message stored before the values were kept gets them on first use,
// computed from its file and kept: the next use reads no file.
func TestIMAPMeta_backfillsOldMessagesOnce(t *testing.T) {
	b := testbed.New(t)
	bob, alice := b.Account("bob", nil), b.Account("alice", nil)
	in := inbox(t, b, bob)
	key, size, err := b.Blobs.Put(b.Ctx, strings.NewReader(metaMessage))
	if err != nil {
		t.Fatal(err)
	}
	// as stored before the migration: a row without meta
	old, err := b.Store.AppendMessage(b.Ctx, &store.NewMessage{AccountID: bob.ID, MailboxID: in.ID, BlobKey: key, Size: size})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := keptMeta(t, b, old); ok {
		t.Fatal("a row appended without meta has some")
	}
	kept := b.Put(bob.ID, "INBOX", "Subject: new\r\n\r\nx\r\n")
	user := actor.User(bob)
	got, err := b.Mail.IMAPMeta(b.Ctx, user, []*store.Message{old, kept})
	if err != nil {
		t.Fatal(err)
	}
	want := fileMeta(t, b, old)
	if len(got) != 2 || !bytes.Equal(got[old.ID].Envelope, want.Envelope) || !bytes.Equal(got[old.ID].Structure, want.Structure) {
		t.Fatalf("IMAPMeta = %v, want the old message's %q and the new one's", got, want)
	}
	wantKept(t, b, "backfilled", old, want)

	// Values of another version of the stored form are computed again.
	if err := b.Store.SetIMAPMeta(b.Ctx, bob.ID, map[int64]store.IMAPMeta{kept.ID: {Envelope: []byte{99}, Structure: []byte{99}}}); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Mail.IMAPMeta(b.Ctx, user, []*store.Message{kept}); err != nil || !bytes.Equal(got[kept.ID].Envelope, fileMeta(t, b, kept).Envelope) {
		t.Errorf("IMAPMeta of a value of another version: %v, %v", got, err)
	}
	wantKept(t, b, "recomputed", kept, fileMeta(t, b, kept))

	b.Mail.Blobs = failingBlobs{t}
	again, err := b.Mail.IMAPMeta(b.Ctx, user, []*store.Message{old, kept})
	if err != nil || len(again) != 2 {
		t.Fatalf("second IMAPMeta: %d values, %v", len(again), err)
	}
	// Another account's message is not read, not computed, not returned.
	if other, err := b.Mail.IMAPMeta(b.Ctx, actor.User(alice), []*store.Message{old}); err != nil || len(other) != 0 {
		t.Errorf("alice's IMAPMeta of bob's message: %v, %v", other, err)
	}
	if _, err := b.Mail.IMAPMeta(b.Ctx, actor.Actor{Role: actor.RoleOperator, OperatorID: 1}, nil); !errors.Is(err, mail.ErrForbidden) {
		t.Errorf("IMAPMeta by an operator: %v", err)
	}
}

// BenchmarkIMAPMetaOf is the cost Append adds to every message: one
// bodypart.Parse of bytes in memory and the encoding, against the parse
// Append does anyway (message.Parse, the preview and the index terms)
// and against a whole AppendRaw.
func BenchmarkIMAPMetaOf(b *testing.B) {
	raw := []byte(metaMessage + strings.Repeat("filler line of a longer body text\r\n", 300))
	b.Run("AppendParse", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			p := message.Parse(raw)
			p.Envelope()
			p.References()
			p.Preview(mail.PreviewLength)
			mail.IndexText(p)
		}
	})
	// the whole of an APPEND: blob written and synced, parsed, indexed,
	// committed (the meta included)
	b.Run("AppendRaw", func(b *testing.B) {
		bed := testbed.New(b)
		bob := bed.Account("bob", nil)
		a := actor.User(bob)
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			if _, err := bed.Mail.AppendRaw(bed.Ctx, a, mail.RawMessage{Role: store.RoleInbox, Body: bytes.NewReader(raw)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("IMAPMetaOf", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			if _, err := mail.IMAPMetaOf(bytes.NewReader(raw), int64(len(raw))); err != nil {
				b.Fatal(err)
			}
		}
	})
}
