package mail

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"postroom/internal/store"
)

// The mbox export is mboxrd (the "From_" family described in
// https://www.loc.gov/preservation/digital/formats/fdd/fdd000385.shtml
// and RFC 4155): each message starts with a line "From SENDER DATE"
// (DATE in the asctime form, UTC), every line of it that starts with
// zero or more ">" and then "From " gets one more ">" (so that reading
// removes exactly one and gets the message back byte for byte), and it
// ends with an empty line. Lines end as the message's own lines do
// (CRLF as stored from SMTP), so that the file is uniform; Thunderbird
// and Python's mailbox module read both.

// asctime is the From_ line's date (C's asctime, RFC 4155 §2).
const asctime = "Mon Jan _2 15:04:05 2006"

func exportMbox(w io.Writer, each func(func(*store.Message, io.Reader) error) error) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	br := bufio.NewReaderSize(nil, 32<<10)
	err := each(func(m *store.Message, body io.Reader) error {
		br.Reset(body)
		eol := "\n"
		if first, _ := br.Peek(br.Size()); crlf(first) {
			eol = "\r\n"
		}
		bw.WriteString("From " + mboxSender(m) + " " + m.InternalDate.UTC().Format(asctime) + eol)
		ended, err := quoteFrom(bw, br)
		if err != nil {
			return err
		}
		if !ended {
			bw.WriteString(eol)
		}
		_, err = bw.WriteString(eol)
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// crlf reports whether the first line of b ends with CRLF.
func crlf(b []byte) bool {
	i := bytes.IndexByte(b, '\n')
	return i > 0 && b[i-1] == '\r'
}

// mboxSender is the From_ line's address: the first author's, else
// MAILER-DAEMON (as for a bounce), never with a space in it.
func mboxSender(m *store.Message) string {
	for _, a := range m.Envelope.From {
		addr := strings.Map(func(r rune) rune {
			if r <= ' ' || r == 0x7f {
				return -1
			}
			return r
		}, a.Addr)
		if addr != "" {
			return addr
		}
	}
	return "MAILER-DAEMON"
}

// quoteFrom copies r to w with mboxrd's quoting and reports whether the
// copy ended with a line end.
func quoteFrom(w *bufio.Writer, r *bufio.Reader) (bool, error) {
	atStart, wrote := true, false
	for {
		line, err := r.ReadSlice('\n')
		if len(line) > 0 {
			if atStart && fromLine(line) {
				w.WriteByte('>')
			}
			if _, werr := w.Write(line); werr != nil {
				return false, werr
			}
			atStart, wrote = line[len(line)-1] == '\n', true
		}
		switch err {
		case nil, bufio.ErrBufferFull:
		case io.EOF:
			return atStart && wrote, nil
		default:
			return false, err
		}
	}
}

// fromLine reports whether a line is ">*From ".
func fromLine(line []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From "))
}
