package bodypart

import (
	"math"
	"strings"

	"postroom/internal/imapd/wire"
)

// Structure is p's BODYSTRUCTURE (RFC 9051 §7.5.2); the writer's
// extended flag leaves the extension data out for BODY. It reads
// nothing: everything comes from Parse.
func (p *Part) Structure() *wire.BodyStructure {
	b := &wire.BodyStructure{
		Type:     p.Type,
		Subtype:  p.Subtype,
		Params:   p.Params,
		Location: strings.Join(strings.Fields(p.header.text("content-location")), ""),
	}
	if d := p.header.text("content-disposition"); d != "" {
		b.Disposition, b.DispositionParams = parseDisposition(d)
	}
	b.Language = languages(p.header.text("content-language"))
	if len(p.Parts) > 0 {
		for _, c := range p.Parts {
			b.Parts = append(b.Parts, c.Structure())
		}
		return b
	}
	b.ID = p.header.text("content-id")
	b.Description = p.header.text("content-description")
	b.Encoding = p.Encoding
	b.MD5 = p.header.text("content-md5")
	b.Size = clamp32(p.Size())
	switch {
	case p.Message != nil:
		b.Envelope = p.Message.Envelope()
		b.Body = p.Message.Structure()
	case p.isMessage():
		// Not parsed (encoded, or nested too deep): clients read an
		// envelope and a body after MESSAGE/RFC822, so describe the
		// content as the text it is.
		b.Envelope = &wire.Envelope{}
		b.Body = &wire.BodyStructure{Type: "TEXT", Subtype: "PLAIN", Params: [][2]string{{"CHARSET", "US-ASCII"}},
			Encoding: p.Encoding, Size: b.Size, Lines: clamp32(p.Lines)}
	}
	if p.isMessage() || equalFold(p.Type, "text") {
		b.Lines = clamp32(p.Lines)
	}
	return b
}

func clamp32(n int64) uint32 {
	return uint32(min(max(n, 0), math.MaxUint32))
}

// languages reads Content-Language (RFC 3282): a comma-separated list of
// tags, comments allowed.
func languages(v string) []string {
	if v == "" {
		return nil
	}
	var out []string
	for _, l := range strings.Split(v, ",") {
		if l = cleanValue(l); l != "" && len(out) < 100 {
			out = append(out, l)
		}
	}
	return out
}
