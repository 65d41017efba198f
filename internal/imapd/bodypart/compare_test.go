package bodypart

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"postroom/internal/imapd/wire"
	"postroom/internal/message"
	"postroom/internal/store"
)

// TestCompareWithMessagePackage runs today's parser (internal/message,
// whose tree internal/imapd's BODYSTRUCTURE and sections are cut from)
// and this package over a corpus of real mail and reports where they
// differ: types, offsets of header and body, line counts, transfer
// encodings, the shape of the tree. It exists to find this package's
// bugs; on this corpus the two agree everywhere, so any difference
// fails (where the old parser is wrong, exempt the case with the reason).
func TestCompareWithMessagePackage(t *testing.T) {
	files, _ := filepath.Glob("../../spam/testdata/corpus/*/*/*.eml")
	if len(files) == 0 {
		t.Fatal("no corpus: internal/spam/testdata/corpus moved?")
	}
	var diffs, parts int
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		root := parse(t, string(raw))
		old := message.Parse(raw)
		var out []string
		compareParts(&out, "", root, old.Root, &parts)
		for _, d := range out {
			t.Errorf("%s: %s", filepath.Base(f), d)
			diffs++
		}
	}
	t.Logf("%d messages, %d parts compared, %d differences", len(files), parts, diffs)
}

func compareParts(out *[]string, at string, p *Part, o *message.Part, n *int) {
	*n++
	typ := strings.ToLower(p.Type + "/" + p.Subtype)
	if typ != o.ContentType {
		*out = append(*out, fmt.Sprintf("part %q: type %s, old %s", at, typ, o.ContentType))
		return
	}
	if p.HeaderStart != int64(o.HeaderStart) || p.BodyStart != int64(o.BodyStart) || p.End != int64(o.End) {
		*out = append(*out, fmt.Sprintf("part %q: offsets %d/%d/%d, old %d/%d/%d", at, p.HeaderStart, p.BodyStart, p.End, o.HeaderStart, o.BodyStart, o.End))
	}
	if p.Lines != int64(o.Lines()) {
		*out = append(*out, fmt.Sprintf("part %q: lines %d, old %d", at, p.Lines, o.Lines()))
	}
	if enc := strings.ToLower(p.Encoding); enc != o.Encoding && !(enc == "" && o.Encoding == "7bit") {
		*out = append(*out, fmt.Sprintf("part %q: encoding %q, old %q", at, enc, o.Encoding))
	}
	switch {
	case p.Message != nil:
		if len(o.Children) != 1 {
			*out = append(*out, fmt.Sprintf("part %q: embedded message, old has %d children", at, len(o.Children)))
			return
		}
		compareParts(out, at+"M", p.Message, o.Children[0], n)
	case len(p.Parts) != len(o.Children):
		*out = append(*out, fmt.Sprintf("part %q: %d parts, old %d", at, len(p.Parts), len(o.Children)))
	default:
		for i := range p.Parts {
			compareParts(out, fmt.Sprintf("%s.%d", at, i+1), p.Parts[i], o.Children[i], n)
		}
	}
}

// TestCompareWithMessagePackage_malformed logs (without failing: both
// parsers guess there) where the two differ on the fuzz corpora of both
// packages; run with -v to read them.
func TestCompareWithMessagePackage_malformed(t *testing.T) {
	files, _ := filepath.Glob("testdata/fuzz/FuzzParse/*")
	more, _ := filepath.Glob("../../message/testdata/fuzz/*/*")
	var msgs []string
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := corpusValue(string(b))
		if ok {
			msgs = append(msgs, s)
		}
	}
	msgs = append(msgs, rfcNested)
	var n, diffs int
	for i, m := range msgs {
		var out []string
		compareParts(&out, "", parse(t, m), message.Parse([]byte(m)).Root, &n)
		for _, d := range out {
			t.Logf("#%d %q: %s", i, truncate(m, 120), d)
			diffs++
		}
	}
	t.Logf("%d messages, %d parts, %d differences", len(msgs), n, diffs)
}

// corpusValue reads the one []byte or string value of a Go fuzz corpus
// file.
func corpusValue(file string) (string, bool) {
	_, rest, ok := strings.Cut(file, "\n")
	if !ok {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	rest = strings.TrimPrefix(rest, "[]byte(")
	rest = strings.TrimPrefix(rest, "string(")
	rest = strings.TrimSuffix(rest, ")")
	s, err := strconv.Unquote(rest)
	return s, err == nil
}

// TestCompareEnvelopes compares the envelope addresses and date text with
// internal/message's (which keeps no group markers and decodes names,
// so only mailbox@host of non-group addresses is compared).
func TestCompareEnvelopes(t *testing.T) {
	files, _ := filepath.Glob("../../spam/testdata/corpus/*/*/*.eml")
	if len(files) == 0 {
		t.Fatal("no corpus")
	}
	var n int
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		e := parse(t, string(raw)).Envelope()
		o := message.Parse(raw).Header.Envelope()
		if e.Date != o.DateText {
			t.Errorf("%s: date %q, old %q", filepath.Base(f), e.Date, o.DateText)
		}
		for _, l := range []struct {
			name string
			new  []wire.Address
			old  []store.Address
		}{{"from", e.From, o.From}, {"to", e.To, o.To}, {"cc", e.Cc, o.Cc}, {"reply-to", e.ReplyTo, o.ReplyTo}} {
			var got, want []string
			for _, a := range l.new {
				if a.Host != "" && a.Host != "MISSING_DOMAIN" {
					got = append(got, strings.ToLower(a.Mailbox+"@"+a.Host))
				}
			}
			for _, a := range l.old {
				if strings.Contains(a.Addr, "@") {
					want = append(want, strings.ToLower(a.Addr))
				}
			}
			n += len(got)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s %s: %v, old %v", filepath.Base(f), l.name, got, want)
			}
		}
	}
	t.Logf("%d messages, %d addresses compared", len(files), n)
}
