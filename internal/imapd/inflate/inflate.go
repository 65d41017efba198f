// Package inflate owns Postroom's raw DEFLATE decompressor (RFC 1951):
// the reading half of IMAP COMPRESS=DEFLATE (RFC 4978).
//
// It exists because compress/flate's reader hands out decompressed bytes
// only when a stored block or the final block ends: after any other block
// it goes straight on to read the next block header, which on a socket
// blocks. A client that flushes with Z_PARTIAL_FLUSH (mbsync/isync does)
// ends each command with an empty fixed-Huffman block and no stored
// block, so with compress/flate the server never sees the command the
// client has already sent and both sides wait for ever.
//
// This Reader decodes in small steps that never consume input they cannot
// finish with, and it never blocks on the underlying reader while it holds
// decoded bytes the caller has not had: whatever is decodable from the
// bytes that have arrived is returned first, whatever the block structure.
//
// Memory is bounded: a 64 KiB window (32 KiB of history, RFC 1951 §2,
// plus up to 32 KiB decoded and not yet read), the Huffman tables, and
// the input buffer. Corrupt input is an error (a *CorruptError, which
// matches ErrCorrupt), never a panic.
package inflate

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

const (
	historySize = 1 << 15 // RFC 1951 §3.2.5: distances reach 32768 bytes back
	windowSize  = 2 * historySize
	windowMask  = windowSize - 1
	maxPending  = historySize // decoded, unread bytes held at most
	maxMatch    = 258         // the longest back-reference (RFC 1951 §3.2.5)
	bufferSize  = 4096        // the input buffer when r is not a *bufio.Reader
)

// ErrCorrupt is matched (errors.Is) by every error about the compressed
// data itself.
var ErrCorrupt = errors.New("inflate: corrupt input")

// CorruptError says what is wrong with the compressed data and where.
type CorruptError struct {
	Offset int64  // bytes of compressed input read before the fault
	Reason string // what the input broke
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("inflate: corrupt input near byte %d: %s", e.Offset, e.Reason)
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// errNeedInput is a step's answer when the bits it needs have not been
// read yet; the step consumed nothing and runs again once they have.
var errNeedInput = errors.New("inflate: need more input")

// Reader decompresses a raw DEFLATE stream. It is not safe for
// concurrent use.
type Reader struct {
	src *bufio.Reader

	bits     uint64 // input bits not yet used, the next one lowest
	nbits    uint   // how many of bits are real; the rest are zero
	consumed int64  // bytes taken from src into bits

	window [windowSize]byte
	wpos   int64 // bytes written to window since the start
	rpos   int64 // bytes handed to the caller

	state   state
	final   bool // the current block is the last (BFINAL)
	stored  int  // bytes of the stored block still to copy
	litLen  *huffman
	dist    *huffman
	dynLit  huffman
	dynDist huffman
	dyn     dynHeader
	err     error // sticky: returned once the window is drained
	ownSrc  bool  // src is the Reader's own buffer, reused by Reset
}

// NewReader returns a Reader decompressing from r. If r is a
// *bufio.Reader it is read directly; otherwise the Reader buffers r
// itself and may read past the end of the compressed stream.
func NewReader(r io.Reader) *Reader {
	z := new(Reader)
	z.Reset(r)
	return z
}

// Reset makes z decompress a new stream from r, keeping its memory.
func (z *Reader) Reset(r io.Reader) {
	br, ok := r.(*bufio.Reader)
	own := !ok
	switch {
	case ok:
	case z.ownSrc:
		br = z.src
		br.Reset(r)
	default:
		br = bufio.NewReaderSize(r, bufferSize)
	}
	*z = Reader{src: br, ownSrc: own, dynLit: z.dynLit, dynDist: z.dynDist, state: stHeader}
}

// Read returns decompressed bytes. It blocks only when it holds none and
// the next byte needs more input; it returns io.EOF after the final block,
// and an error wrapping io.ErrUnexpectedEOF if the input ends before it.
func (z *Reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if z.wpos > z.rpos {
			return z.copyOut(p), nil
		}
		if z.err != nil {
			return 0, z.err
		}
		z.decode()
	}
}

// copyOut moves unread bytes of the window to p.
func (z *Reader) copyOut(p []byte) int {
	n := 0
	for n < len(p) && z.rpos < z.wpos {
		start := int(z.rpos & windowMask)
		end := min(windowSize, start+int(z.wpos-z.rpos))
		c := copy(p[n:], z.window[start:end])
		n += c
		z.rpos += int64(c)
	}
	return n
}

// decode runs steps until the window holds as much unread output as it
// may, the stream ends, an error stops it, or the next step needs input
// that has not arrived while there is output for the caller.
func (z *Reader) decode() {
	for z.err == nil && z.wpos-z.rpos <= maxPending-maxMatch {
		z.refill()
		err := z.step()
		switch {
		case err == nil:
		case errors.Is(err, errNeedInput):
			if z.wpos > z.rpos {
				return // the caller first: the rest may be a while coming
			}
			z.readBlocking()
		case errors.Is(err, io.EOF):
			z.err = io.EOF
		default:
			z.err = err
		}
	}
}

// refill moves bytes that have already arrived into the bit buffer,
// enough for any step (48 bits at most), without waiting for more.
func (z *Reader) refill() {
	for z.nbits <= 56 && z.src.Buffered() > 0 {
		b, _ := z.src.ReadByte() // cannot fail: the byte is buffered
		z.bits |= uint64(b) << z.nbits
		z.nbits += 8
		z.consumed++
	}
}

// readBlocking waits for one more byte of input.
func (z *Reader) readBlocking() {
	b, err := z.src.ReadByte()
	if err != nil {
		z.err = z.inputError(err)
		return
	}
	z.bits |= uint64(b) << z.nbits
	z.nbits += 8
	z.consumed++
}

// inputError is the error for a failed read of the input: the end of
// the input before the final block is io.ErrUnexpectedEOF.
func (z *Reader) inputError(err error) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("inflate: compressed input ends inside %s (%d bytes read): %w", z.state, z.consumed, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("inflate: reading compressed input (%s, %d bytes read): %w", z.state, z.consumed, err)
}

// consume drops n bits from the bit buffer.
func (z *Reader) consume(n uint) {
	z.bits >>= n
	z.nbits -= n
}

// corrupt is the error for bad input found by the current step.
func (z *Reader) corrupt(format string, args ...any) error {
	return &CorruptError{Offset: z.consumed - int64(z.nbits/8), Reason: z.state.String() + ": " + fmt.Sprintf(format, args...)}
}
