package session

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"postroom/internal/imapd/bodypart"
	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
	"postroom/internal/store"
)

// The message file of a FETCH: opened once per message, parsed at most
// once, as far as its items need, read by section without copies.

// errUnknownCTE is a BINARY fetch of a part whose transfer encoding the
// server cannot decode (RFC 3516 §4.3: NO [UNKNOWN-CTE]).
var errUnknownCTE = errors.New("fetch: unknown content-transfer-encoding")

// binaryBuffer is the largest decoded BINARY section held in memory to
// tell whether it needs a literal8 (it holds NUL) or a plain literal does,
// which every client reads (RFC 3516 §4.2 allows either). Larger ones go
// out as literal8, which clients that ask for BINARY must accept.
const binaryBuffer = 256 << 10

// openMessage is a message file, and its parse once parse has made it.
type openMessage struct {
	f    io.Closer
	r    io.ReaderAt
	uid  uint32
	size int64
	root *bodypart.Part // the part tree (bodypart.Parse)
	head *bodypart.Part // the top-level header alone (bodypart.ParseHeader)
}

func (m *openMessage) Close() error { return m.f.Close() }

// openMessage opens a message file through the mail service. Nothing is
// read yet: the whole message (BODY[], RFC822) is sent without a parse,
// which read, and decompressed, all of a large file once more before
// sending it (issue 21: a third of the CPU of the mixed IMAP load on 2 MB
// messages).
func (s *Session) openMessage(m *store.Message) (*openMessage, error) {
	f, err := s.cfg.Mail.Open(s.ctx, s.who(), m)
	if err != nil {
		return nil, fmt.Errorf("fetch: opening message UID %d: %w", m.UID, err)
	}
	ra, ok := f.(io.ReaderAt)
	if !ok {
		ra = &seekReaderAt{rs: f}
	}
	return &openMessage{f: f, r: ra, uid: m.UID, size: m.Size}, nil
}

// parse reads the part tree, or with header alone the top-level header
// (ENVELOPE, HEADER, TEXT: the body is not read), unless already read.
func (m *openMessage) parse(tree, header bool) error {
	var err error
	switch {
	case tree && m.root == nil:
		m.root, err = bodypart.Parse(m.r, m.size)
	case header && m.root == nil && m.head == nil:
		m.head, err = bodypart.ParseHeader(m.r, m.size)
	}
	if err != nil {
		return fmt.Errorf("fetch: parsing message UID %d: %w", m.uid, err)
	}
	return nil
}

// parsed is what parse read: the tree, or (when tree is false) the
// header if the tree was not read.
func (m *openMessage) parsed(tree bool) *bodypart.Part {
	if tree || m.root != nil {
		return m.root
	}
	return m.head
}

// section is the bytes of sec, parsed as far as it needs.
func (m *openMessage) section(sec *wire.Section) (*io.SectionReader, error) {
	tree := len(sec.Part) > 0
	if !tree && sec.Specifier == "" {
		return io.NewSectionReader(m.r, 0, m.size), nil // BODY[]: the whole
	}
	if err := m.parse(tree, true); err != nil {
		return nil, err
	}
	return bodypart.Section(m.r, m.parsed(tree), sec)
}

// seekReaderAt reads at offsets through Seek and Read, for a blob store
// whose files are not io.ReaderAt. One goroutine only.
type seekReaderAt struct{ rs io.ReadSeeker }

func (s *seekReaderAt) ReadAt(b []byte, off int64) (int, error) {
	if _, err := s.rs.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	return io.ReadFull(s.rs, b)
}

// fetchSection writes name and BODY[section]<partial> as a literal. A
// part the message does not have is the empty string (RFC 3501 §6.4.5
// leaves it open; RFC 9051 §6.4.5: "not an error").
func (s *Session) fetchSection(w *wire.Writer, name string, msg *openMessage, sec *wire.Section, p *wire.Partial) error {
	sr, err := msg.section(sec)
	if errors.Is(err, bodypart.ErrNoPart) {
		w.Atom(name).String("")
		return w.Err()
	}
	if err != nil {
		return fmt.Errorf("fetch: section %s: %w", sec, err)
	}
	sr = bodypart.Partial(sr, p)
	w.Atom(name).Literal(sr.Size(), sr)
	return w.Err()
}

// fetchBinary writes BINARY[part]<partial> (RFC 3516 §4.2): the decoded
// content, the origin echoed for a partial (issue 17 item 7, by
// ResponseName).
func (s *Session) fetchBinary(w *wire.Writer, it wire.FetchItem, msg *openMessage) error {
	rd, n, err := bodypart.BinaryRange(msg.r, msg.parsed(true), it.Section.Part, it.Partial)
	switch {
	case errors.Is(err, bodypart.ErrUnknownCTE):
		return errUnknownCTE
	case errors.Is(err, bodypart.ErrNoPart):
		w.Atom(it.ResponseName()).Nil()
		return w.Err()
	case err != nil:
		return fmt.Errorf("fetch: binary %s: %w", it.Section, err)
	}
	w.Atom(it.ResponseName())
	if n > binaryBuffer {
		w.Literal8(n, rd)
		return w.Err()
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(rd, buf); err != nil {
		return fmt.Errorf("fetch: binary %s: %w", it.Section, err)
	}
	if bytes.IndexByte(buf, 0) >= 0 {
		w.Literal8(n, bytes.NewReader(buf))
	} else {
		w.Literal(n, bytes.NewReader(buf))
	}
	return w.Err()
}

// fetchBinarySize writes BINARY.SIZE[part] (RFC 3516 §4.2).
func (s *Session) fetchBinarySize(w *wire.Writer, it wire.FetchItem, msg *openMessage) error {
	n, err := bodypart.BinarySize(msg.r, msg.parsed(true), it.Section.Part)
	switch {
	case errors.Is(err, bodypart.ErrUnknownCTE):
		return errUnknownCTE
	case errors.Is(err, bodypart.ErrNoPart):
		w.Atom(it.ResponseName()).Nil()
		return w.Err()
	case err != nil:
		return fmt.Errorf("fetch: binary size %s: %w", it.Section, err)
	}
	w.Atom(it.ResponseName()).Number(uint64(n))
	return w.Err()
}

// resolve maps a command's set to the messages of the client's view:
// sequence numbers or UIDs, or "$", the result SEARCH RETURN (SAVE) kept
// (RFC 5182 §2.1, by UID whatever the command).
func (s *Session) resolve(set wire.SeqSet, uid bool) ([]view.Ref, error) {
	v := s.sel.view
	if set.Saved {
		saved := slices.Clone(s.savedResult())
		slices.Sort(saved)
		refs := make([]view.Ref, 0, len(saved))
		for _, u := range saved {
			if seq, ok := v.UIDToSeq(u); ok {
				refs = append(refs, view.Ref{Seq: seq, UID: u, Expunged: v.IsExpunged(u)})
			}
		}
		return refs, nil
	}
	if uid {
		return v.ResolveUID(set)
	}
	return v.ResolveSeq(set)
}
