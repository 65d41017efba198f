package bodypart

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"postroom/internal/imapd/wire"
)

// crlf turns the LF line ends of a Go literal into CRLF.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func parse(t testing.TB, msg string) *Part {
	t.Helper()
	root, err := Parse(strings.NewReader(msg), int64(len(msg)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return root
}

// wireBody is how the writer sends p's structure.
func wireBody(p *Part, extended bool) string {
	var buf bytes.Buffer
	w := wire.NewWriter(&buf)
	w.Start("*").BodyStructure(p.Structure(), extended).End()
	w.Flush()
	return strings.TrimSuffix(strings.TrimPrefix(buf.String(), "* "), "\r\n")
}

func wireEnvelope(e *wire.Envelope) string {
	var buf bytes.Buffer
	w := wire.NewWriter(&buf)
	w.Start("*").Envelope(e).End()
	w.Flush()
	return strings.TrimSuffix(strings.TrimPrefix(buf.String(), "* "), "\r\n")
}

func sectionText(t testing.TB, msg string, root *Part, sec *wire.Section) (string, error) {
	t.Helper()
	sr, err := Section(strings.NewReader(msg), root, sec)
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(sr)
	if err != nil {
		t.Fatalf("reading section: %v", err)
	}
	return string(b), nil
}

func path(p ...uint32) []uint32 { return p }
