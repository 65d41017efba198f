package smtpclient

import (
	"bytes"
	"mime/quotedprintable"
	"sort"

	"postroom/internal/message"
)

// downgrade rewrites every body part holding 8-bit data as
// quoted-printable, for a server without 8BITMIME (RFC 6152 §3: 8-bit data
// must not be sent to it). A header with 8-bit bytes cannot be converted
// without changing its meaning: ok is false then, and the message bounces.
func downgrade(raw []byte) (out []byte, ok bool) {
	msg := message.Parse(raw)
	var leaves []*message.Part
	var walk func(p *message.Part) bool
	walk = func(p *message.Part) bool {
		if has8bit(raw[p.HeaderStart:p.BodyStart]) {
			return false
		}
		if len(p.Children) > 0 {
			for _, c := range p.Children {
				if !walk(c) {
					return false
				}
			}
			return true
		}
		if has8bit(raw[p.BodyStart:p.End]) {
			leaves = append(leaves, p)
		}
		return true
	}
	if !walk(msg.Root) {
		return nil, false
	}
	// Splice from the end so earlier offsets stay valid.
	sort.Slice(leaves, func(i, j int) bool { return leaves[i].HeaderStart > leaves[j].HeaderStart })
	out = raw
	for _, p := range leaves {
		var part bytes.Buffer
		part.Write(withoutCTE(raw[p.HeaderStart:p.BodyStart]))
		w := quotedprintable.NewWriter(&part)
		w.Write(raw[p.BodyStart:p.End])
		w.Close()
		out = append(append(append([]byte{}, out[:p.HeaderStart]...), part.Bytes()...), out[p.End:]...)
	}
	return out, true
}

// withoutCTE returns a part header (ending in its blank line) with its
// Content-Transfer-Encoding replaced by quoted-printable.
func withoutCTE(header []byte) []byte {
	var b bytes.Buffer
	lines := bytes.SplitAfter(header, []byte("\n"))
	skipping := false
	for _, l := range lines {
		if len(l) == 0 {
			continue
		}
		if skipping && (l[0] == ' ' || l[0] == '\t') {
			continue
		}
		skipping = false
		if len(bytes.TrimSpace(l)) == 0 { // the blank line ends the header
			b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n")
			b.Write(l)
			continue
		}
		if name, _, _ := bytes.Cut(l, []byte(":")); bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Transfer-Encoding")) {
			skipping = true
			continue
		}
		b.Write(l)
	}
	return b.Bytes()
}

func has8bit(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}
