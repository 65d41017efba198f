package smtpd

// BDAT (RFC 3030 CHUNKING): the message comes in chunks of a stated size,
// each answered, the last one marked LAST. The chunks of one message are
// read as one stream by the session's Data, which answers the chunks
// between them as it reads on.

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

var (
	errBDATAborted = errors.New("BDAT transfer abandoned for another command")
	errBDATSyntax  = errors.New("malformed BDAT")
)

// parseBDAT parses "size [LAST]".
func parseBDAT(arg string) (size int64, last, ok bool) {
	f := strings.Fields(arg)
	if len(f) == 0 || len(f) > 2 {
		return 0, false, false
	}
	size, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || size < 0 {
		return 0, false, false
	}
	if len(f) == 2 {
		if !strings.EqualFold(f[1], "LAST") {
			return 0, false, false
		}
		last = true
	}
	return size, last, true
}

// bdat answers BDAT and, when it is the first of a message, reads the
// whole message through the chunks that follow.
func (se *session) bdat(arg string) {
	size, last, ok := parseBDAT(arg)
	if !ok {
		// The chunk's length is unknown, so the stream cannot be followed.
		se.reply(501, [3]int{5, 5, 4}, "Syntax: BDAT size [LAST]; closing the connection")
		se.quit = true
		return
	}
	if err := se.ready(); err != nil {
		if se.discard(size) != nil {
			se.quit = true
			return
		}
		se.replyErr(err)
		return
	}
	br := &bdatReader{se: se, left: size, chunk: size, last: last, room: se.s.MaxMessageSize}
	err := se.Data(br)
	switch {
	case closes(err):
		se.replyErr(err)
		return
	case br.connErr != nil:
		se.lost(br.connErr)
		se.quit = true
		return
	case errors.Is(err, errBDATSyntax):
		se.reply(501, [3]int{5, 5, 4}, "Syntax: BDAT size [LAST]; closing the connection")
		se.quit = true
		return
	}
	se.Reset()
	if errors.Is(err, errBDATAborted) {
		// The client gave the message up (RSET, QUIT, ...): it gets no
		// reply for it, only for the command it sent instead.
		se.command(br.instead)
		return
	}
	if se.discard(br.left) != nil {
		se.quit = true
		return
	}
	se.answerData(err)
}

// bdatReader reads the chunks of one message.
type bdatReader struct {
	se      *session
	left    int64 // bytes of the current chunk still to read
	chunk   int64 // the current chunk's size
	last    bool
	room    int64 // bytes the message may still have; 0: no limit
	total   int64
	connErr error  // the connection failed
	instead string // the command that came instead of the next BDAT
}

func (b *bdatReader) Read(p []byte) (int, error) {
	for b.left == 0 {
		if b.last {
			return 0, io.EOF
		}
		if err := b.nextChunk(); err != nil {
			return 0, err
		}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.se.r.Read(p)
	b.left -= int64(n)
	b.total += int64(n)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		b.connErr = err
		return n, err
	}
	if b.room > 0 && b.total > b.room {
		return n, errDataTooLarge
	}
	return n, nil
}

// nextChunk answers the chunk just read and reads the next BDAT command.
func (b *bdatReader) nextChunk() error {
	b.se.reply(250, [3]int{2, 0, 0}, fmt.Sprintf("%d octets received", b.chunk))
	line, err := b.se.readLine()
	if err != nil {
		b.connErr = err
		return err
	}
	verb, arg, _ := strings.Cut(line, " ")
	if !strings.EqualFold(verb, "BDAT") {
		b.instead = line
		return errBDATAborted
	}
	size, last, ok := parseBDAT(strings.TrimSpace(arg))
	if !ok {
		return errBDATSyntax
	}
	b.left, b.chunk, b.last = size, size, last
	return nil
}

// discard skips n bytes of a chunk the server does not take.
func (se *session) discard(n int64) error {
	_, err := io.CopyN(io.Discard, se.r, n)
	return err
}
