package deliver

// Small messages delivered into the database (issue 21). A message that
// Deliver stores and that fits blob.InlineMax (trace fields included) is
// not written as a file: its bytes ride along with each recipient's
// AppendRequest (Content) and are kept by the store in the transaction
// that inserts the row, once however many recipients share them (the
// store keeps one copy per key and counts references). Until the first
// of those commits the bytes are only here, in memory, so:
//   - the steps that read the message before it is stored (forwarding,
//     a list's internet copy) read it from memory (openStored);
//   - a row that is not a message and names the same key (the queue row
//     of a reply sent back through SRS) gets a file first (fileStored),
//     since nothing would keep the bytes for it otherwise.
// A delivery whose transactions all fail leaves nothing behind: no file
// to collect, no row.

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"postroom/internal/blob"
)

// inlined is a message kept for the database, not (yet) a file.
type inlined struct {
	key     string
	content []byte // trace fields and message, as stored
	filed   bool   // written as a file too (fileStored): no Content needed
}

// keepInline returns the stored form of the message (trace on top of
// raw) when the mailbox service keeps a message of its size in the
// database, else nil.
func (p *Pipeline) keepInline(trace, raw []byte) *inlined {
	n := len(trace) + len(raw)
	if p.Mail == nil || !p.Mail.KeepsInline(int64(n)) {
		return nil
	}
	// One more copy of at most blob.InlineMax bytes: the store takes the
	// message in one piece.
	content := make([]byte, 0, n)
	content = append(append(content, trace...), raw...)
	return &inlined{key: blob.Key(content), content: content}
}

// headFor is the Head of an AppendRequest storing key: the trace fields
// on top of the parsed message when key is the file written of both.
func (env *Envelope) headFor(key string) []byte {
	if env.filed != "" && env.filed == key {
		return env.trace
	}
	return nil
}

// contentFor is the Content of an AppendRequest storing key: the bytes
// kept in memory when key is the message kept for the database and not
// filed since, else nil (a file exists: the spam copy, a filed message).
func (env *Envelope) contentFor(key string) []byte {
	if in := env.inline; in != nil && in.key == key && !in.filed {
		return in.content
	}
	return nil
}

// openStored opens the stored message key: from memory when it is the
// message kept for the database (which may not be committed yet), else
// from the blob store.
func (p *Pipeline) openStored(env *Envelope, key string) (io.ReadSeekCloser, error) {
	if in := env.inline; in != nil && in.key == key {
		return nopCloser{bytes.NewReader(in.content)}, nil
	}
	return p.Blobs.Open(key)
}

// fileStored writes the message kept for the database as a file before a
// row other than a message's names key (a queue row: no message
// transaction would keep the bytes for it). Other keys are files already.
func (p *Pipeline) fileStored(ctx context.Context, env *Envelope, key string) error {
	in := env.inline
	if in == nil || in.key != key || in.filed {
		return nil
	}
	got, _, err := p.Blobs.Put(ctx, bytes.NewReader(in.content))
	if err != nil {
		return fmt.Errorf("store message: %w", err)
	}
	if got != key {
		return fmt.Errorf("store message: written as %s, kept as %s", got, key)
	}
	in.filed = true
	return nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
