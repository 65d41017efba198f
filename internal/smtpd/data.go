package smtpd

// Reading a DATA section (RFC 5321 §4.1.1.4, §4.5.2): the lines up to
// <CRLF>.<CRLF>, with the leading dot of a stuffed line removed. It works
// a line at a time on the connection's buffer, not a byte at a time: the
// byte-wise state machine of go-smtp's reader was a quarter of the
// server's CPU at 200 KB (issue 21).
//
// A line begins only after CRLF. A bare LF does not end a line, so
// "\n.\r\n" neither ends the data nor loses its dot: a message cannot
// smuggle a second one past a server that reads line ends differently
// (SMTP smuggling, CVE-2023-51766 and kin).

import (
	"bufio"
	"errors"
	"io"
)

var (
	errDataTooLarge = errors.New("message larger than the server takes")
	errLineTooLong  = errors.New("line too long")
)

// dataReader is an io.Reader of one DATA section.
type dataReader struct {
	r        *bufio.Reader
	left     int64 // bytes the message may still have; < 0: no limit
	maxLine  int   // longest line, with its CRLF
	line     int   // bytes of the current line given so far
	midLine  bool  // the last bytes given did not end with CRLF
	lastCR   bool  // the last byte given was CR (a CRLF may straddle two reads)
	pending  []byte
	done     bool
	err      error
	unlimits bool // set by drain: the limits no longer apply
}

func newDataReader(r *bufio.Reader, maxSize int64, maxLine int) *dataReader {
	left := int64(-1)
	if maxSize > 0 {
		left = maxSize
	}
	return &dataReader{r: r, left: left, maxLine: maxLine}
}

// Read implements io.Reader. It returns io.EOF at the end marker and
// io.ErrUnexpectedEOF when the connection ends before it.
func (d *dataReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(d.pending) == 0 {
			if d.done || d.err != nil {
				break
			}
			d.next()
			continue
		}
		m := copy(p[n:], d.pending)
		if !d.unlimits && d.left >= 0 {
			if int64(m) > d.left {
				d.err = errDataTooLarge
				d.pending = nil
				break
			}
			d.left -= int64(m)
		}
		d.pending = d.pending[m:]
		n += m
	}
	if n > 0 {
		return n, nil
	}
	if d.err != nil {
		return 0, d.err
	}
	if d.done {
		return 0, io.EOF
	}
	return 0, nil
}

// next reads the next line, or the next piece of a line longer than the
// buffer, into pending; at the end marker it sets done.
func (d *dataReader) next() {
	b, err := d.r.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull:
	case err == io.EOF:
		d.err = io.ErrUnexpectedEOF
		if len(b) == 0 {
			return
		}
	case err != nil:
		d.err = err
		return
	}
	atStart := !d.midLine
	if atStart && len(b) > 0 && b[0] == '.' {
		if len(b) == 3 && b[1] == '\r' && b[2] == '\n' {
			d.done = true
			return
		}
		b = b[1:]
	}
	if atStart {
		d.line = 0
	}
	d.line += len(b)
	if !d.unlimits && d.maxLine > 0 && d.line > d.maxLine {
		d.err = errLineTooLong
		return
	}
	if len(b) > 0 {
		last := b[len(b)-1]
		crlf := last == '\n' && (len(b) >= 2 && b[len(b)-2] == '\r' || len(b) == 1 && d.lastCR)
		d.midLine = !crlf
		d.lastCR = last == '\r'
		if last == '\n' && !crlf {
			d.line = 0 // a bare LF: the line counted for the limit ends, as in go-smtp
		}
	}
	d.pending = b
}

// drain reads what is left of the section, past any limit, so that the
// next command is read from the right place. It returns the connection's
// error, if the section did not end.
func (d *dataReader) drain() error {
	if d.err == errDataTooLarge || d.err == errLineTooLong {
		d.err = nil
	}
	d.unlimits = true
	d.pending = nil
	for !d.done && d.err == nil {
		d.next()
		d.pending = nil
	}
	if d.done {
		return nil
	}
	return d.err
}
