package pop3d

// RETR's fast path: the message is copied in blocks, not line by line.
// What goes on the wire is exactly what writeDotStuffed (TOP's line-by-
// line copy, commands.go) would send for the whole message, and
// TestWriteStuffed_sameBytesAsLineByLine holds the two to that:
//   - a "." at the start of a line (the first byte, or one after "\n")
//     gets another "." before it (RFC 1939 §3, byte-stuffing);
//   - every other byte goes out as stored (mail is stored with CRLF; a
//     bare LF stays one, as the line-by-line copy leaves it);
//   - a last line without its line ending gets CRLF, then ".\r\n" ends
//     the answer.
// Only the "\n." pairs are looked for (bytes.Index, vectorised), so the
// cost per message is a few large copies instead of one call per line.

import (
	"bytes"
	"errors"
	"io"
	"sync"
)

// copyBlock is how much of a message file is read at once: a 10 KB
// message in one read, a 200 KB one in four.
const copyBlock = 64 << 10

var blockPool = sync.Pool{New: func() any { b := make([]byte, copyBlock); return &b }}

var lineDot = []byte("\n.")

// writeStuffed copies r to w dot-stuffed and ends the multi-line answer.
func writeStuffed(w io.Writer, r io.Reader) error {
	bp := blockPool.Get().(*[]byte)
	defer blockPool.Put(bp)
	buf := *bp
	atStart := true // the next byte starts a line
	for {
		n, rerr := r.Read(buf)
		chunk := buf[:n]
		for len(chunk) > 0 {
			if atStart && chunk[0] == '.' {
				if _, err := w.Write(lineDot[1:]); err != nil {
					return err
				}
			}
			// the span up to and including the next "\n" that a "." follows
			i := bytes.Index(chunk, lineDot)
			if i < 0 {
				if _, err := w.Write(chunk); err != nil {
					return err
				}
				atStart = chunk[len(chunk)-1] == '\n'
				break
			}
			span := chunk[:i+1]
			if _, err := w.Write(span); err != nil {
				return err
			}
			chunk, atStart = chunk[len(span):], true
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if !atStart {
		if _, err := io.WriteString(w, "\r\n"); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, ".\r\n")
	return err
}
