package bodypart

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"postroom/internal/imapd/wire"
)

// Find returns the part numbered path (RFC 9051 §6.4.5) and whether it
// stands for the body of a message (path empty, or [1] of a
// non-multipart message). Inside a message/rfc822 part numbering
// continues in the encapsulated message. A missing part is ErrNoPart.
func Find(root *Part, path []uint32) (*Part, error) {
	if root.headerOnly && len(path) > 0 {
		return nil, ErrHeaderOnly
	}
	node := root
	atMessage := true // node is a whole (root or encapsulated) message
	for _, n := range path {
		if !atMessage && node.Message != nil {
			node, atMessage = node.Message, true
		}
		switch {
		case len(node.Parts) > 0:
			if n < 1 || int(n) > len(node.Parts) {
				return nil, ErrNoPart
			}
			node = node.Parts[n-1]
		case atMessage && n == 1:
			// the single body of a non-multipart message: the node itself
		default:
			return nil, ErrNoPart
		}
		atMessage = false
	}
	return node, nil
}

// Section returns BODY[sec] of the stored message r whose tree is root,
// before any partial: a range of r (no copy), except for
// HEADER.FIELDS[.NOT], which is built from the re-read header. HEADER,
// TEXT and HEADER.FIELDS of a part exist only for message/rfc822 parts
// (RFC 9051 §6.4.5); what does not exist is ErrNoPart.
func Section(r io.ReaderAt, root *Part, sec *wire.Section) (*io.SectionReader, error) {
	msg := root
	if len(sec.Part) > 0 {
		p, err := Find(root, sec.Part)
		if err != nil {
			return nil, err
		}
		switch sec.Specifier {
		case "":
			return io.NewSectionReader(r, p.BodyStart, p.Size()), nil
		case "MIME":
			return io.NewSectionReader(r, p.HeaderStart, p.BodyStart-p.HeaderStart), nil
		}
		if p.Message == nil {
			return nil, ErrNoPart
		}
		msg = p.Message
	}
	switch sec.Specifier {
	case "":
		return io.NewSectionReader(r, msg.HeaderStart, msg.End-msg.HeaderStart), nil
	case "HEADER":
		return io.NewSectionReader(r, msg.HeaderStart, msg.BodyStart-msg.HeaderStart), nil
	case "TEXT":
		return io.NewSectionReader(r, msg.BodyStart, msg.Size()), nil
	case "HEADER.FIELDS", "HEADER.FIELDS.NOT":
		b, err := headerFields(r, msg, sec.Fields, sec.Specifier == "HEADER.FIELDS.NOT")
		if err != nil {
			return nil, err
		}
		return io.NewSectionReader(bytes.NewReader(b), 0, int64(len(b))), nil
	}
	return nil, fmt.Errorf("bodypart: section specifier %q: %w", sec.Specifier, ErrNoPart)
}

// headerFields re-reads msg's header (at most maxHeaderRead octets) and
// keeps the fields named (or all others, with not), as written, folded
// lines included, followed by the empty line that ends a header (RFC 9051
// §6.4.5). Names compare case-insensitively.
func headerFields(r io.ReaderAt, msg *Part, names []string, not bool) ([]byte, error) {
	n := min(msg.BodyStart-msg.HeaderStart, maxHeaderRead)
	br := bufio.NewReader(io.NewSectionReader(r, msg.HeaderStart, n))
	var out bytes.Buffer
	keep := false
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			cont := line[0] == ' ' || line[0] == '\t'
			switch {
			case len(line) == eolLen(line):
				keep = false // the empty line ending the header
			case !cont:
				name, _, found := bytes.Cut(line, []byte(":"))
				keep = found && listed(names, string(bytes.TrimRight(name, " \t"))) != not
			}
			if keep {
				out.Write(line)
			}
		}
		if err == bufio.ErrBufferFull {
			// a long line: its rest follows as more chunks; a chunk
			// that starts with white space must not be read as a fold
			rest, err2 := readRest(br, keep, &out)
			if err2 != nil {
				return nil, fmt.Errorf("bodypart: reading header: %w", err2)
			}
			if rest {
				continue
			}
			break
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("bodypart: reading header: %w", err)
		}
	}
	if out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
		out.WriteString("\r\n")
	}
	out.WriteString("\r\n")
	return out.Bytes(), nil
}

// readRest copies (or skips) the rest of a long line; it reports whether
// more input follows.
func readRest(br *bufio.Reader, keep bool, out *bytes.Buffer) (bool, error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if keep {
			out.Write(chunk)
		}
		switch err {
		case nil:
			return true, nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			return false, nil
		}
		return false, err
	}
}

func listed(names []string, name string) bool {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// Partial applies <origin.count> to a section (nil p: all of it).
func Partial(sr *io.SectionReader, p *wire.Partial) *io.SectionReader {
	if p == nil {
		return sr
	}
	off, n := PartialRange(sr.Size(), p)
	return io.NewSectionReader(sr, off, n)
}

// PartialRange clips <origin.count> to a section of size octets: an
// origin beyond the end gives an empty string (RFC 9051 §6.4.5).
func PartialRange(size int64, p *wire.Partial) (off, n int64) {
	if p == nil {
		return 0, size
	}
	if p.Origin >= uint64(size) {
		return size, 0
	}
	off = int64(p.Origin)
	n = size - off
	if p.Count < uint64(n) {
		n = int64(p.Count)
	}
	return off, n
}
