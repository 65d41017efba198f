package session

import (
	"encoding/base64"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"postroom/internal/blob"
)

// countingBlobs counts the bytes read from the message files it opens.
type countingBlobs struct {
	blob.Store
	read *atomic.Int64
}

func (c countingBlobs) Open(key string) (io.ReadSeekCloser, error) {
	r, err := c.Store.Open(key)
	if err != nil {
		return nil, err
	}
	at, ok := r.(io.ReaderAt)
	if !ok {
		r.Close()
		return nil, io.ErrNoProgress // the stores of the testbed read at offsets
	}
	return &countingReader{ReadSeekCloser: r, at: at, read: c.read}, nil
}

type countingReader struct {
	io.ReadSeekCloser
	at   io.ReaderAt
	read *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.ReadSeekCloser.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.at.ReadAt(p, off)
	c.read.Add(int64(n))
	return n, err
}

// A FETCH of the whole message reads its file once, without parsing it
// first (issue 21: the parse read, and decompressed, a 2 MB message once
// more before it was sent); of its header, the header alone; of a part
// or the structure, the tree, as before.
func TestFetch_readsOnlyWhatItsItemsNeed(t *testing.T) {
	h := newRawHarness(t)
	attachment := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("회의 자료 / meeting notes\n", 12000)))
	var lines []string
	for len(attachment) > 76 {
		lines, attachment = append(lines, attachment[:76]), attachment[76:]
	}
	lines = append(lines, attachment)
	raw := "From: Kim <kim@example.test>\nTo: bob@example.test\nSubject: 내일 회의\nMessage-ID: <read-once@example.test>\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b1\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\n내일 10시에 봐요.\n" +
		"--b1\nContent-Type: text/plain; name=notes.txt\nContent-Transfer-Encoding: base64\n\n" + strings.Join(lines, "\n") + "\n--b1--\n"
	m := h.put("INBOX", raw)
	if m.Size < 200<<10 {
		t.Fatalf("the message is %d bytes: too small to tell a header from the whole", m.Size)
	}
	var read atomic.Int64
	h.bed.Mail.Blobs = countingBlobs{Store: h.bed.Mail.Blobs, read: &read}
	c := h.dial()
	c.ok("a SELECT INBOX")
	crlf := strings.ReplaceAll(raw, "\n", "\r\n")

	for _, f := range []struct {
		cmd, want       string
		atLeast, atMost int64
	}{
		{"b FETCH 1 (BODY.PEEK[])", crlf, m.Size, m.Size},
		{"c FETCH 1 (RFC822.SIZE ENVELOPE BODY.PEEK[])", crlf, m.Size, m.Size},
		{"d FETCH 1 (BODY.PEEK[HEADER])", "Subject: 내일 회의\r\n", 1, m.Size / 4},
		{"e FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])", "Subject: 내일 회의\r\n\r\n", 1, m.Size / 4},
		{"f FETCH 1 (BODY.PEEK[1])", "내일 10시에 봐요.", m.Size, 3 * m.Size},
		{"g FETCH 1 (BODY.PEEK[] BODYSTRUCTURE)", crlf, m.Size, 3 * m.Size},
	} {
		read.Store(0)
		out := c.ok(f.cmd)
		if len(out) < 2 || !strings.Contains(out[0], f.want) {
			t.Fatalf("%s: %.300q, want it to hold %.100q", f.cmd, out, f.want)
		}
		if n := read.Load(); n < f.atLeast || n > f.atMost {
			t.Errorf("%s read %d bytes of a %d-byte message, want %d to %d", f.cmd, n, m.Size, f.atLeast, f.atMost)
		}
	}
}
