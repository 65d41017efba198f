package imapd

// Body sections, BINARY and BODYSTRUCTURE are cut from the raw message by
// the offsets of our own MIME parser (internal/message), so what a client
// fetches is byte-identical to what was stored and malformed messages are
// served as far as they parse (RFC 9051 §6.4.5, §7.5.2).

import (
	"bytes"
	"mime"
	"strings"

	"github.com/emersion/go-imap/v2"

	"postroom/internal/message"
	"postroom/internal/store"
)

// findPart follows an IMAP part path (1.2.3). A non-multipart message's
// part 1 is its body; inside message/rfc822, numbering continues in the
// encapsulated message.
func findPart(root *message.Part, path []int) *message.Part {
	node := root
	atMessage := true // node stands for a whole (possibly encapsulated) message
	for _, n := range path {
		if n < 1 {
			return nil
		}
		if !atMessage && node.ContentType == "message/rfc822" && len(node.Children) == 1 {
			node = node.Children[0]
			atMessage = true
		}
		switch {
		case node.IsMultipart():
			if n > len(node.Children) {
				return nil
			}
			node = node.Children[n-1]
		case atMessage && n == 1:
			// the single body of a non-multipart message: the node itself
		default:
			return nil
		}
		atMessage = false
	}
	return node
}

// bodySection returns the bytes of BODY[section] before any partial.
func bodySection(raw []byte, msg *message.Message, sec *imap.FetchItemBodySection) ([]byte, bool) {
	if len(sec.Part) == 0 {
		return messageSection(raw, msg.Root, sec)
	}
	p := findPart(msg.Root, sec.Part)
	if p == nil {
		return nil, false
	}
	switch sec.Specifier {
	case imap.PartSpecifierNone:
		return raw[p.BodyStart:p.End], true
	case imap.PartSpecifierMIME:
		return raw[p.HeaderStart:p.BodyStart], true
	}
	// HEADER, HEADER.FIELDS, TEXT of an encapsulated message.
	if p.ContentType != "message/rfc822" || len(p.Children) != 1 {
		return nil, false
	}
	return messageSection(raw, p.Children[0], sec)
}

// messageSection serves a section of a message node (the root, or the
// encapsulated message of a message/rfc822 part).
func messageSection(raw []byte, m *message.Part, sec *imap.FetchItemBodySection) ([]byte, bool) {
	switch sec.Specifier {
	case imap.PartSpecifierNone:
		return raw[m.HeaderStart:m.End], true
	case imap.PartSpecifierHeader:
		if len(sec.HeaderFields) > 0 || len(sec.HeaderFieldsNot) > 0 {
			return headerFields(m.Header, sec.HeaderFields, sec.HeaderFieldsNot), true
		}
		return raw[m.HeaderStart:m.BodyStart], true
	case imap.PartSpecifierText:
		return raw[m.BodyStart:m.End], true
	}
	return nil, false
}

// headerFields keeps (or drops) the named fields, raw, followed by the
// blank line that ends a header (RFC 9051 §6.4.5).
func headerFields(h message.Header, keep, drop []string) []byte {
	in := func(name string, list []string) bool {
		for _, l := range list {
			if strings.EqualFold(l, name) {
				return true
			}
		}
		return false
	}
	var b bytes.Buffer
	for _, f := range h.Fields() {
		if (len(keep) > 0 && !in(f.Name, keep)) || in(f.Name, drop) {
			continue
		}
		b.Write(f.Raw)
		if !bytes.HasSuffix(f.Raw, []byte("\n")) {
			b.WriteString("\r\n")
		}
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// binarySection returns BINARY[part]: the part's content with its transfer
// encoding removed (RFC 3516).
func binarySection(raw []byte, msg *message.Message, path []int) ([]byte, bool) {
	if len(path) == 0 {
		return raw, true
	}
	p := findPart(msg.Root, path)
	if p == nil || p.IsMultipart() {
		return nil, false
	}
	return p.Body(), true
}

func partial(b []byte, p *imap.SectionPartial) []byte {
	if p == nil {
		return b
	}
	if p.Offset >= int64(len(b)) {
		return nil
	}
	b = b[p.Offset:]
	if p.Size >= 0 && p.Size < int64(len(b)) {
		b = b[:p.Size]
	}
	return b
}

// bodyStructure describes a part and its children. Every field the library
// reads is filled; Extended always, since BODYSTRUCTURE asks for it.
func bodyStructure(p *message.Part) imap.BodyStructure {
	typ, sub, _ := strings.Cut(p.ContentType, "/")
	if p.IsMultipart() && len(p.Children) > 0 {
		bs := &imap.BodyStructureMultiPart{Subtype: sub, Extended: &imap.BodyStructureMultiPartExt{
			Params:      wireParams(p.Params),
			Disposition: disposition(p),
			Language:    language(p),
			Location:    p.Header.Get("Content-Location"),
		}}
		for _, c := range p.Children {
			bs.Children = append(bs.Children, bodyStructure(c))
		}
		return bs
	}
	if p.IsMultipart() { // no parts found: describe it as the text it is
		typ, sub = "text", "plain"
	}
	bs := &imap.BodyStructureSinglePart{
		Type:        typ,
		Subtype:     sub,
		Params:      wireParams(p.Params),
		ID:          p.Header.Get("Content-Id"),
		Description: p.Header.Decoded("Content-Description"),
		Encoding:    p.Encoding,
		Size:        uint32(p.Size()),
		Extended: &imap.BodyStructureSinglePartExt{
			Disposition: disposition(p),
			Language:    language(p),
			Location:    p.Header.Get("Content-Location"),
		},
	}
	switch {
	case p.ContentType == "message/rfc822" && len(p.Children) == 1:
		inner := p.Children[0]
		env := envelope(inner.Header.Envelope())
		bs.MessageRFC822 = &imap.BodyStructureMessageRFC822{Envelope: env, BodyStructure: bodyStructure(inner), NumLines: int64(p.Lines())}
	case typ == "text":
		bs.Text = &imap.BodyStructureText{NumLines: int64(p.Lines())}
	}
	return bs
}

func disposition(p *message.Part) *imap.BodyStructureDisposition {
	if p.Disposition == "" {
		return nil
	}
	return &imap.BodyStructureDisposition{Value: p.Disposition, Params: wireParams(p.DispParams)}
}

func language(p *message.Part) []string {
	v := p.Header.Get("Content-Language")
	if v == "" {
		return nil
	}
	var out []string
	for _, l := range strings.Split(v, ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// wireParams re-encodes decoded parameter values for the wire: ASCII as
// is, anything else as an RFC 2047 word, which mail clients decode in
// BODYSTRUCTURE (raw 8-bit would need UTF8=ACCEPT).
func wireParams(params map[string]string) map[string]string {
	if len(params) == 0 {
		return nil
	}
	out := make(map[string]string, len(params))
	for k, v := range params {
		if isASCII(v) {
			out[k] = v
		} else {
			out[k] = mime.BEncoding.Encode("utf-8", v)
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// envelope converts a stored envelope; Message-IDs are kept without <>,
// as the library adds them.
func envelope(e store.Envelope) *imap.Envelope {
	env := &imap.Envelope{
		Date:      e.Date,
		Subject:   e.Subject,
		From:      addresses(e.From),
		Sender:    addresses(e.Sender),
		ReplyTo:   addresses(e.ReplyTo),
		To:        addresses(e.To),
		Cc:        addresses(e.Cc),
		Bcc:       addresses(e.Bcc),
		MessageID: e.MessageID,
	}
	if e.InReplyTo != "" {
		env.InReplyTo = strings.Fields(e.InReplyTo)
	}
	return env
}

func addresses(list []store.Address) []imap.Address {
	var out []imap.Address
	for _, a := range list {
		local, host, ok := strings.Cut(a.Addr, "@")
		if !ok {
			continue // groups and broken items have no mailbox to show
		}
		out = append(out, imap.Address{Name: a.Name, Mailbox: local, Host: host})
	}
	return out
}
