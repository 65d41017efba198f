package bodypart

import (
	"errors"
	"io"
	"strings"
	"testing"

	"postroom/internal/imapd/wire"
)

// rfcNested is the message of the part-numbering example of RFC 3501
// §6.4.5 (RFC 9051 §6.4.5); each leaf body names its part number.
var rfcNested = crlf(`From: a@example.com
Subject: outer
Content-Type: MULTIPART/MIXED; boundary="x1"

--x1
Content-Type: TEXT/PLAIN

body 1
--x1
Content-Type: APPLICATION/OCTET-STREAM

body 2
--x1
Content-Type: MESSAGE/RFC822

Subject: inner3
Content-Type: MULTIPART/MIXED; boundary="x3"

--x3
Content-Type: TEXT/PLAIN

body 3.1
--x3
Content-Type: APPLICATION/OCTET-STREAM

body 3.2
--x3--

--x1
Content-Type: MULTIPART/MIXED; boundary="x4"

--x4
Content-Type: IMAGE/GIF

body 4.1
--x4
Content-Type: MESSAGE/RFC822

Subject: inner42
Content-Type: MULTIPART/MIXED; boundary="x42"

--x42
Content-Type: TEXT/PLAIN

body 4.2.1
--x42
Content-Type: MULTIPART/ALTERNATIVE; boundary="x422"

--x422
Content-Type: TEXT/PLAIN

body 4.2.2.1
--x422
Content-Type: TEXT/RICHTEXT

body 4.2.2.2
--x422--
--x42--
--x4--
--x1--
`)

func TestSection_rfcPartNumbers(t *testing.T) {
	root := parse(t, rfcNested)
	tests := []struct {
		part []uint32
		spec string
		want string // exact, or a prefix when it ends with "..."
	}{
		{nil, "HEADER", "From: a@example.com\r\nSubject: outer\r\nContent-Type: MULTIPART/MIXED; boundary=\"x1\"\r\n\r\n"},
		{nil, "TEXT", "--x1\r\nContent-Type: TEXT/PLAIN\r\n\r\nbody 1\r\n..."},
		{nil, "", rfcNested},
		{path(1), "", "body 1"},
		{path(2), "", "body 2"},
		{path(3), "", "Subject: inner3\r\n..."},
		{path(3), "HEADER", "Subject: inner3\r\nContent-Type: MULTIPART/MIXED; boundary=\"x3\"\r\n\r\n"},
		{path(3), "TEXT", "--x3\r\n..."},
		{path(3), "MIME", "Content-Type: MESSAGE/RFC822\r\n\r\n"},
		{path(3, 1), "", "body 3.1"},
		{path(3, 2), "", "body 3.2"},
		{path(4), "", "--x4\r\n..."},
		{path(4, 1), "", "body 4.1"},
		{path(4, 1), "MIME", "Content-Type: IMAGE/GIF\r\n\r\n"},
		{path(4, 2), "HEADER", "Subject: inner42\r\n..."},
		{path(4, 2), "TEXT", "--x42\r\n..."},
		{path(4, 2, 1), "", "body 4.2.1"},
		{path(4, 2, 2), "", "--x422\r\n..."},
		{path(4, 2, 2, 1), "", "body 4.2.2.1"},
		{path(4, 2, 2, 2), "", "body 4.2.2.2"},
	}
	for _, tt := range tests {
		sec := &wire.Section{Part: tt.part, Specifier: tt.spec}
		got, err := sectionText(t, rfcNested, root, sec)
		if err != nil {
			t.Errorf("%s: %v", sec, err)
			continue
		}
		if prefix, ok := strings.CutSuffix(tt.want, "..."); ok {
			if !strings.HasPrefix(got, prefix) {
				t.Errorf("%s = %q, want it to start with %q", sec, got, prefix)
			}
		} else if got != tt.want {
			t.Errorf("%s = %q, want %q", sec, got, tt.want)
		}
	}
	if got := wireBody(root, false); !strings.Contains(got, `("TEXT" "RICHTEXT" NIL NIL NIL "7BIT" 12 1) "ALTERNATIVE")`) {
		t.Errorf("structure: %s", got)
	}
	for _, sec := range []*wire.Section{
		{Part: path(5)}, {Part: path(1, 1)}, {Part: path(1), Specifier: "HEADER"}, {Part: path(4), Specifier: "TEXT"},
		{Part: path(3, 3)}, {Part: path(4, 2, 2, 3)}, {Part: path(0)},
	} {
		if _, err := Section(strings.NewReader(rfcNested), root, sec); !errors.Is(err, ErrNoPart) {
			t.Errorf("%s: err = %v, want ErrNoPart", sec, err)
		}
	}
}

// A non-multipart message has part 1 = its body (RFC 9051 §6.4.5).
func TestSection_singlePart(t *testing.T) {
	msg := crlf("Subject: s\nContent-Type: text/plain\n\nline\n")
	root := parse(t, msg)
	for sec, want := range map[*wire.Section]string{
		{Part: path(1)}:                    "line\r\n",
		{Part: path(1), Specifier: "MIME"}: "Subject: s\r\nContent-Type: text/plain\r\n\r\n",
		{Specifier: "TEXT"}:                "line\r\n",
	} {
		if got, err := sectionText(t, msg, root, sec); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", sec, got, err, want)
		}
	}
	if _, err := Section(strings.NewReader(msg), root, &wire.Section{Part: path(2)}); !errors.Is(err, ErrNoPart) {
		t.Errorf("[2]: %v", err)
	}
}

func TestSection_headerFields(t *testing.T) {
	msg := crlf("From: a@b\nSubject: one\n  two\nX-Long: y\nsubject: again\nTo: c@d\n\nbody\n")
	root := parse(t, msg)
	tests := []struct {
		sec  wire.Section
		want string
	}{
		{wire.Section{Specifier: "HEADER.FIELDS", Fields: []string{"SUBJECT"}}, "Subject: one\r\n  two\r\nsubject: again\r\n\r\n"},
		{wire.Section{Specifier: "HEADER.FIELDS", Fields: []string{"to", "FROM"}}, "From: a@b\r\nTo: c@d\r\n\r\n"},
		{wire.Section{Specifier: "HEADER.FIELDS", Fields: []string{"NONE"}}, "\r\n"},
		{wire.Section{Specifier: "HEADER.FIELDS.NOT", Fields: []string{"SUBJECT", "X-LONG"}}, "From: a@b\r\nTo: c@d\r\n\r\n"},
	}
	for _, tt := range tests {
		if got, err := sectionText(t, msg, root, &tt.sec); err != nil || got != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.sec.String(), got, err, tt.want)
		}
	}
	// [n.HEADER.FIELDS] of a message/rfc822 part reads the encapsulated header.
	nested := parse(t, rfcNested)
	got, err := sectionText(t, rfcNested, nested, &wire.Section{Part: path(4, 2), Specifier: "HEADER.FIELDS.NOT", Fields: []string{"CONTENT-TYPE"}})
	if err != nil || got != "Subject: inner42\r\n\r\n" {
		t.Errorf("[4.2.HEADER.FIELDS.NOT (CONTENT-TYPE)] = %q, %v", got, err)
	}
	// A header without the empty line, LF line ends.
	msg = "From: a@b\nSubject: s"
	root = parse(t, msg)
	got, _ = sectionText(t, msg, root, &wire.Section{Specifier: "HEADER.FIELDS", Fields: []string{"SUBJECT"}})
	if got != "Subject: s\r\n\r\n" {
		t.Errorf("unterminated header: %q", got)
	}
}

func TestPartial(t *testing.T) {
	tests := []struct {
		size          int64
		origin, count uint64
		off, n        int64
	}{
		{10, 0, 4, 0, 4}, {10, 8, 4, 8, 2}, {10, 10, 1, 10, 0}, {10, 99, 1, 10, 0}, {0, 0, 1, 0, 0},
		{10, 2, 1 << 63, 2, 8},
	}
	for _, tt := range tests {
		off, n := PartialRange(tt.size, &wire.Partial{Origin: tt.origin, Count: tt.count})
		if off != tt.off || n != tt.n {
			t.Errorf("PartialRange(%d, <%d.%d>) = %d, %d; want %d, %d", tt.size, tt.origin, tt.count, off, n, tt.off, tt.n)
		}
	}
	sr := Partial(io.NewSectionReader(strings.NewReader("0123456789"), 2, 6), &wire.Partial{Origin: 1, Count: 3})
	if b, _ := io.ReadAll(sr); string(b) != "345" {
		t.Errorf("Partial = %q", b)
	}
}

// ParseHeader serves the top-level sections without reading the body.
func TestParseHeader(t *testing.T) {
	head := "From: a@b\r\nSubject: s\r\n\r\n"
	body := strings.Repeat("body line\r\n", 100000)
	msg := head + body
	rd := countingReader{r: strings.NewReader(msg)}
	root, err := ParseHeader(&rd, int64(len(msg)))
	if err != nil {
		t.Fatal(err)
	}
	if rd.max > 64<<10 {
		t.Errorf("ParseHeader read up to offset %d of a %d-octet message", rd.max, len(msg))
	}
	for sec, want := range map[*wire.Section]string{
		{Specifier: "HEADER"}: head,
		{Specifier: "TEXT"}:   body,
		{}:                    msg,
		{Specifier: "HEADER.FIELDS", Fields: []string{"SUBJECT"}}: "Subject: s\r\n\r\n",
	} {
		if got, err := sectionText(t, msg, root, sec); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", sec, got, err, want)
		}
	}
	if root.Envelope().Subject != "s" {
		t.Errorf("envelope: %+v", root.Envelope())
	}
	if _, err := Section(strings.NewReader(msg), root, &wire.Section{Part: path(1)}); !errors.Is(err, ErrHeaderOnly) {
		t.Errorf("[1] of a header-only root: %v", err)
	}
	if _, err := Binary(strings.NewReader(msg), root, path(1)); !errors.Is(err, ErrHeaderOnly) {
		t.Errorf("BINARY[1] of a header-only root: %v", err)
	}
}

type countingReader struct {
	r   io.ReaderAt
	max int64
}

func (c *countingReader) ReadAt(b []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(b, off)
	c.max = max(c.max, off+int64(n))
	return n, err
}
