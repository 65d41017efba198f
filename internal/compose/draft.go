package compose

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"postroom/internal/store"
)

// maxSubject bounds a subject (in characters): far beyond what a reader
// shows, short enough that no header grows without end.
const maxSubject = 1000

// Draft is a message as the user wrote it.
type Draft struct {
	From        store.Address
	To, Cc, Bcc []store.Address
	Subject     string
	// HTML is the editor's body; Text the plain-text body. With HTML only,
	// the text alternative is made from it; with neither, the body is empty.
	HTML string
	Text string
	// Attachments are files; one with a ContentID is an inline part that
	// the HTML refers to as cid:.
	Attachments []*Attachment
	// Images resolves the webmail's own image URLs in HTML (see ImageFunc).
	Images ImageFunc
	// InReplyTo and References are Message-IDs without angle brackets
	// (RFC 5322 §3.6.4), from the message replied to.
	InReplyTo  string
	References []string
	// ReadReceipt asks for a disposition notification (RFC 8098 §2.1).
	ReadReceipt bool
	Date        time.Time // zero: now
	// Extra fields written as they are (names and values are checked):
	// the webmail's own draft state, say.
	Extra []Field
}

// Attachment is a file of the message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
	ContentID   string // without <>; set for inline parts
}

// Field is a header field.
type Field struct{ Name, Value string }

// Message is a composed message.
type Message struct {
	Raw       []byte
	MessageID string // without angle brackets
	// UTF8 says an address is not ASCII: SMTPUTF8 (RFC 6531) is needed.
	UTF8 bool
}

// Build composes the message. Its header has Bcc (see the package
// invariants). Errors are *Error for what the user can fix.
func Build(d *Draft) (*Message, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	_, domain, _ := strings.Cut(d.From.Addr, "@")
	msg := &Message{MessageID: randomToken(18) + "@" + domain}
	var h header
	date := d.Date
	if date.IsZero() {
		date = time.Now()
	}
	h.add("Date", date.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	h.add("From", FormatAddress(d.From))
	for _, l := range []struct {
		name  string
		addrs []store.Address
	}{{"To", d.To}, {"Cc", d.Cc}, {"Bcc", d.Bcc}} {
		if len(l.addrs) == 0 {
			continue
		}
		parts := make([]string, len(l.addrs))
		for i, a := range l.addrs {
			parts[i] = FormatAddress(a)
			msg.UTF8 = msg.UTF8 || IsUTF8(a.Addr)
		}
		h.add(l.name, strings.Join(parts, ", "))
	}
	h.add("Subject", text(strings.TrimSpace(d.Subject)))
	h.add("Message-ID", "<"+msg.MessageID+">")
	if id := d.InReplyTo; validMsgID(id) {
		h.add("In-Reply-To", "<"+id+">")
	}
	if refs := references(d.References, d.InReplyTo); refs != "" {
		h.add("References", refs)
	}
	if d.ReadReceipt {
		h.add("Disposition-Notification-To", FormatAddress(d.From))
	}
	for _, f := range d.Extra {
		h.add(f.Name, f.Value)
	}
	h.add("MIME-Version", "1.0")
	root, err := d.body(domain)
	if err != nil {
		return nil, err
	}
	root.header = append(h, root.header...)
	var b strings.Builder
	root.write(&b)
	msg.Raw = []byte(b.String())
	return msg, nil
}

// check validates every value that goes into the header.
func (d *Draft) check() error {
	if _, ok := addrSpec(d.From.Addr); !ok {
		return &Error{Field: "from", Code: CodeInvalidAddress, Value: d.From.Addr}
	}
	for _, l := range []struct {
		field string
		addrs []store.Address
	}{{"from", []store.Address{d.From}}, {"to", d.To}, {"cc", d.Cc}, {"bcc", d.Bcc}} {
		for _, a := range l.addrs {
			if err := checkText(l.field, a.Name); err != nil {
				return err
			}
			if err := checkText(l.field, a.Addr); err != nil {
				return err
			}
			if _, ok := addrSpec(a.Addr); !ok || utf8.RuneCountInString(a.Name) > maxName {
				return &Error{Field: l.field, Code: CodeInvalidAddress, Value: FormatAddress(a)}
			}
		}
	}
	if err := checkText("subject", d.Subject); err != nil {
		return err
	}
	if utf8.RuneCountInString(d.Subject) > maxSubject {
		return &Error{Field: "subject", Code: CodeTooLong, Value: d.Subject}
	}
	for _, f := range d.Extra {
		if !validFieldName(f.Name) {
			return fmt.Errorf("compose: bad header field name %q", f.Name)
		}
		if err := checkText(f.Name, f.Value); err != nil {
			return err
		}
	}
	return nil
}

// validFieldName: RFC 5322 §2.2 ftext, and not a field Build writes.
func validFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= 32 || c >= 127 || c == ':' {
			return false
		}
	}
	switch strings.ToLower(name) {
	case "date", "from", "to", "cc", "bcc", "subject", "message-id", "in-reply-to", "references",
		"mime-version", "content-type", "content-transfer-encoding", "disposition-notification-to":
		return false
	}
	return true
}

// validMsgID accepts the ids read from stored mail that can be written
// back between angle brackets.
func validMsgID(id string) bool {
	if id == "" || len(id) > 250 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= 32 || c == 127 || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// references is the References value (RFC 5322 §3.6.4): the original's
// references followed by the original itself.
func references(refs []string, parent string) string {
	var ids []string
	seen := map[string]bool{}
	for _, id := range append(append([]string{}, refs...), parent) {
		if validMsgID(id) && !seen[id] {
			seen[id] = true
			ids = append(ids, "<"+id+">")
		}
	}
	return strings.Join(ids, " ")
}

// body builds the MIME tree: the text (and HTML) alternative, related
// inline parts, mixed attachments.
func (d *Draft) body(domain string) (*part, error) {
	known := map[string]bool{}
	var files, inline []*Attachment
	for _, a := range d.Attachments {
		if a.ContentID != "" {
			known[a.ContentID] = true
			inline = append(inline, a)
		} else {
			files = append(files, a)
		}
	}
	var root *part
	if strings.TrimSpace(d.HTML) == "" {
		// Without HTML nothing shows an inline part: it is a file.
		for _, a := range inline {
			file := *a
			file.ContentID = ""
			files = append(files, &file)
		}
		inline = nil
		root = textPart("plain", d.Text)
	} else {
		hb, err := prepareHTML(d.HTML, d.Images, known, domain)
		if err != nil {
			return nil, err
		}
		inline = append(inline, hb.inline...)
		plain := d.Text
		if strings.TrimSpace(plain) == "" {
			plain = htmlToText(hb.html)
		}
		// RFC 2046 §5.1.4: the preferred alternative comes last.
		root = multipart("alternative", textPart("plain", plain), textPart("html", document(hb.html)))
	}
	if len(inline) > 0 {
		kids := []*part{root}
		for _, a := range inline {
			kids = append(kids, filePart(a))
		}
		root = multipart("related", kids...)
	}
	if len(files) > 0 {
		kids := []*part{root}
		for _, a := range files {
			kids = append(kids, filePart(a))
		}
		root = multipart("mixed", kids...)
	}
	return root, nil
}
