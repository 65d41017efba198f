package loadgen

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
)

func TestCorpus_sameSeedSameBytes_otherSeedOtherBytes(t *testing.T) {
	a := &Corpus{Seed: 7, Size: Size{Mixed: true}}
	b := &Corpus{Seed: 7, Size: Size{Mixed: true}}
	c := &Corpus{Seed: 8, Size: Size{Mixed: true}}
	same := 0
	for i := range 30 {
		ma, mb := a.Message(i), b.Message(i)
		if !bytes.Equal(ma, mb) {
			t.Fatalf("message %d differs between two corpora of seed 7", i)
		}
		if bytes.Equal(ma[bytes.IndexByte(ma, '\n'):], c.Message(i)[bytes.IndexByte(c.Message(i), '\n'):]) {
			same++
		}
	}
	if same > 0 {
		t.Fatalf("%d of 30 messages are the same under seeds 7 and 8", same)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]Size{
		"10k": {Fixed: 10 << 10}, "200K": {Fixed: 200 << 10}, "2m": {Fixed: 2 << 20},
		"1.5m": {Fixed: 3 << 19}, "4096": {Fixed: 4096}, "mixed": {Mixed: true},
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "k", "-1k", "10x", "100", "2g"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) is no error", bad)
		}
	}
	for _, s := range []string{"10k", "200k", "2m", "mixed"} {
		if got, _ := ParseSize(s); got.String() != s {
			t.Errorf("ParseSize(%q).String() = %q", s, got.String())
		}
	}
}

// checkMessage parses raw as mail and each of its text parts down to
// UTF-8, and returns the text.
func checkMessage(t *testing.T, i int, raw []byte) string {
	t.Helper()
	for n, line := range bytes.SplitAfter(raw, []byte("\n")) {
		if len(line) > 1000 {
			t.Fatalf("message %d line %d: %d bytes (RFC 5322 §2.1.1: at most 998 and CRLF)", i, n, len(line))
		}
		if len(line) > 0 && (line[len(line)-1] != '\n' || len(line) < 2 || line[len(line)-2] != '\r') {
			t.Fatalf("message %d line %d does not end in CRLF: %q", i, n, line)
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("message %d does not parse: %v", i, err)
	}
	for _, h := range []string{"Message-Id", "Date", "From", "To", "Subject"} {
		if m.Header.Get(h) == "" {
			t.Fatalf("message %d has no %s", i, h)
		}
	}
	if _, err := m.Header.Date(); err != nil {
		t.Fatalf("message %d: %v", i, err)
	}
	if from, err := (&mail.AddressParser{WordDecoder: decoder}).ParseList(m.Header.Get("From")); err != nil || len(from) != 1 || from[0].Name == "" {
		t.Fatalf("message %d: From: %v", i, err)
	}
	subject, err := decoder.DecodeHeader(m.Header.Get("Subject"))
	if err != nil || !utf8.ValidString(subject) || subject == "" {
		t.Fatalf("message %d: Subject %q decodes to %q, %v", i, m.Header.Get("Subject"), subject, err)
	}
	var text strings.Builder
	text.WriteString(subject + "\n")
	walkParts(t, i, mail.Header(m.Header), m.Body, &text)
	return text.String()
}

var decoder = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	if strings.EqualFold(charset, "euc-kr") {
		return korean.EUCKR.NewDecoder().Reader(r), nil
	}
	return nil, fmt.Errorf("charset %s", charset)
}}

func walkParts(t *testing.T, i int, h mail.Header, body io.Reader, text *strings.Builder) {
	t.Helper()
	ctype, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		t.Fatalf("message %d: Content-Type %q: %v", i, h.Get("Content-Type"), err)
	}
	if strings.HasPrefix(ctype, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		parts := 0
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("message %d: %s: %v", i, ctype, err)
			}
			parts++
			walkParts(t, i, mail.Header(p.Header), p, text)
		}
		if parts < 2 {
			t.Fatalf("message %d: %s of %d parts", i, ctype, parts)
		}
		return
	}
	var r io.Reader = body
	switch cte := strings.ToLower(h.Get("Content-Transfer-Encoding")); cte {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "8bit", "7bit", "":
	default:
		t.Fatalf("message %d: transfer encoding %q", i, cte)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("message %d: %s body: %v", i, ctype, err)
	}
	if !strings.HasPrefix(ctype, "text/") {
		if len(data) == 0 {
			t.Fatalf("message %d: empty %s", i, ctype)
		}
		return
	}
	switch cs := strings.ToLower(params["charset"]); cs {
	case "euc-kr":
		utf, err := korean.EUCKR.NewDecoder().Bytes(data)
		if err != nil {
			t.Fatalf("message %d: EUC-KR %s does not decode: %v", i, ctype, err)
		}
		data = utf
	case "utf-8":
	default:
		t.Fatalf("message %d: charset %q", i, cs)
	}
	if !utf8.Valid(data) || bytes.ContainsRune(data, utf8.RuneError) {
		t.Fatalf("message %d: %s is not clean UTF-8 once decoded", i, ctype)
	}
	text.Write(data)
}

func TestCorpus_messagesParseDecodeAndHaveTheirSize(t *testing.T) {
	type kind struct {
		s       Structure
		charset string
	}
	for _, tc := range []struct {
		size  string
		count int
	}{{"10k", 120}, {"200k", 20}, {"2m", 4}, {"mixed", 150}} {
		t.Run(tc.size, func(t *testing.T) {
			size, err := ParseSize(tc.size)
			if err != nil {
				t.Fatal(err)
			}
			c := &Corpus{Seed: 3, Size: size}
			kinds := map[kind]int{}
			korean, english := 0, 0
			for i := range tc.count {
				spec := c.Spec(i)
				if !size.Mixed && spec.Target != size.Fixed {
					t.Fatalf("message %d: target %d, want %d", i, spec.Target, size.Fixed)
				}
				raw := c.Message(i)
				if d := float64(len(raw)-spec.Target) / float64(spec.Target); d > 0.1 || d < -0.1 {
					t.Errorf("message %d (%v, %s): %d bytes for a target of %d", i, spec.Structure, spec.Charset, len(raw), spec.Target)
				}
				text := checkMessage(t, i, raw)
				// The text is the language asked, decoded right (the
				// sentences come through whole, whatever the charset).
				sentences := englishSentences
				if spec.Korean {
					sentences = koreanSentences
					korean++
				} else {
					english++
				}
				found := false
				for _, s := range sentences {
					found = found || strings.Contains(text, s)
				}
				if !found {
					t.Fatalf("message %d (%v, %s): none of its language's sentences in %.300q", i, spec.Structure, spec.Charset, text)
				}
				kinds[kind{spec.Structure, spec.Charset}]++
			}
			if korean == 0 || english == 0 {
				t.Errorf("%d Korean and %d English messages", korean, english)
			}
			if tc.count >= 100 {
				for _, s := range []Structure{Plain, Alternative, Attachment} {
					for _, cs := range []string{"utf-8", "euc-kr"} {
						if kinds[kind{s, cs}] == 0 {
							t.Errorf("no %v message in %s among %d: %v", s, cs, tc.count, kinds)
						}
					}
				}
			}
		})
	}
}

// The word lists must be all EUC-KR (encodeTo panics otherwise): checked
// here for every entry, not only those a seed happens to draw.
func TestCorpus_vocabularyIsEUCKR(t *testing.T) {
	for _, list := range [][]string{koreanSubjects, koreanSentences, koreanNames, attachmentNames, englishSubjects, englishSentences} {
		for _, s := range list {
			if _, err := korean.EUCKR.NewEncoder().String(s); err != nil {
				t.Errorf("%q: %v", s, err)
			}
		}
	}
}

func TestCorpus_mixedSizesSpread(t *testing.T) {
	c := &Corpus{Seed: 1, Size: Size{Mixed: true}}
	small, large, total := 0, 0, 0
	const n = 2000
	for i := range n {
		s := c.Spec(i).Target
		total += s
		if s < 20_000 {
			small++
		}
		if s > 200_000 {
			large++
		}
	}
	mean := total / n
	if small < n/2 || large == 0 || mean < 20_000 || mean > 60_000 {
		t.Fatalf("mixed sizes: %d under 20 KB, %d over 200 KB, mean %d bytes of %d messages", small, large, mean, n)
	}
}
