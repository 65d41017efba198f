package receipts

// Message disposition notifications (RFC 8098): reading one that came back
// for a message we sent, and writing one for a message the user read.
// Pure: no store, no clock of its own.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"strings"
	"time"

	"postroom/internal/message"
)

// MDN is what a returned disposition notification says.
type MDN struct {
	OriginalMessageID string // without <>
	FinalRecipient    string // the address that read (or not) the message, lower-case
	OriginalRecipient string // the address as we sent to it, when the report says; lower-case
	// Disposition is the disposition type: "displayed", "deleted",
	// "dispatched" or "processed" (RFC 8098 §3.2.6.2), lower-case.
	Disposition string
	// Automatic: the report was sent without the user's action
	// (automatic-action or MDN-sent-automatically).
	Automatic bool
}

// ParseMDN reads a disposition notification: a multipart/report with
// report-type=disposition-notification whose message/disposition-
// notification part (or its RFC 6533 global form) names the original
// Message-ID, a final recipient and a disposition. false for anything
// else, and for a report lacking any of the three.
func ParseMDN(m *message.Message) (*MDN, bool) {
	root := m.Root
	if root == nil || root.ContentType != "multipart/report" ||
		!strings.EqualFold(strings.TrimSpace(root.Params["report-type"]), "disposition-notification") {
		return nil, false
	}
	var fields *message.Part
	for _, c := range root.Children {
		if c.ContentType == "message/disposition-notification" || c.ContentType == "message/global-disposition-notification" {
			fields = c
			break
		}
	}
	if fields == nil {
		return nil, false
	}
	// the part's body is a block of header fields (RFC 8098 §3.1)
	body := bytes.TrimLeft(fields.Body(), "\r\n")
	h := message.Parse(append(body, "\r\n\r\n"...)).Header
	d := &MDN{
		OriginalMessageID: trimAngle(strings.TrimSpace(h.Get("Original-Message-ID"))),
		FinalRecipient:    addressField(h.Get("Final-Recipient")),
		OriginalRecipient: addressField(h.Get("Original-Recipient")),
	}
	disp := h.Get("Disposition")
	modes, kind, ok := strings.Cut(disp, ";")
	if !ok {
		return nil, false
	}
	kind, _, _ = strings.Cut(strings.TrimSpace(kind), "/")
	d.Disposition = strings.ToLower(strings.TrimSpace(kind))
	modes = strings.ToLower(modes)
	d.Automatic = strings.Contains(modes, "automatic-action") || strings.Contains(modes, "mdn-sent-automatically")
	switch {
	case d.OriginalMessageID == "", d.FinalRecipient == "", !strings.Contains(d.OriginalMessageID, "@"):
		return nil, false
	case d.Disposition != "displayed" && d.Disposition != "deleted" && d.Disposition != "dispatched" && d.Disposition != "processed":
		return nil, false
	}
	return d, true
}

// addressField reads "rfc822; addr" (RFC 8098 §3.2.3, §3.2.4): the
// address of an rfc822 (or utf-8, RFC 6533) address type, lower-case; ""
// for any other type or no address.
func addressField(v string) string {
	typ, addr, ok := strings.Cut(v, ";")
	if !ok {
		return ""
	}
	typ = strings.ToLower(strings.TrimSpace(typ))
	if typ != "rfc822" && typ != "utf-8" {
		return ""
	}
	addr = trimAngle(strings.TrimSpace(addr))
	if strings.Count(addr, "@") != 1 || strings.ContainsAny(addr, " \t\r\n<>") {
		return ""
	}
	return strings.ToLower(addr)
}

func trimAngle(s string) string {
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		return s[1 : len(s)-1]
	}
	return s
}

// Report is what an MDN the user sends says.
type Report struct {
	From              string // the reader's address (header From, Final-Recipient)
	FromName          string
	To                string // the Disposition-Notification-To address
	Hostname          string // the Reporting-UA's host and the Message-ID's domain
	OriginalMessageID string // without <>
	OriginalRecipient string // the message's Original-Recipient field, if it had one
	OriginalSubject   string
	OriginalDate      time.Time
	Automatic         bool   // sent by the "always" setting, not by the user's confirmation
	Language          string // "ko" or "en": the human-readable part
	Date              time.Time
}

// Build writes the MDN (RFC 8098 §3): a multipart/report of a
// human-readable part in the reader's language and the
// message/disposition-notification part; the disposition is always
// "displayed", the only one the webmail reports.
func (r *Report) Build() []byte {
	boundary := "=_mdn_" + token(12)
	var b bytes.Buffer
	head := func(name, value string) { fmt.Fprintf(&b, "%s: %s\r\n", name, value) }
	from := "<" + r.From + ">"
	if r.FromName != "" {
		from = mime.BEncoding.Encode("UTF-8", r.FromName) + " " + from
	}
	subject := "Read: " + r.OriginalSubject
	if r.Language == "ko" {
		subject = "읽음 확인: " + r.OriginalSubject
	}
	head("From", from)
	head("To", "<"+r.To+">")
	head("Subject", mime.BEncoding.Encode("UTF-8", subject))
	head("Date", r.Date.Format(time.RFC1123Z))
	head("Message-ID", "<mdn."+token(16)+"@"+r.Hostname+">")
	if r.OriginalMessageID != "" {
		head("In-Reply-To", "<"+r.OriginalMessageID+">")
		head("References", "<"+r.OriginalMessageID+">")
	}
	if r.Automatic {
		head("Auto-Submitted", "auto-replied") // RFC 3834 §5
	}
	head("MIME-Version", "1.0")
	head("Content-Type", `multipart/report; report-type=disposition-notification; boundary="`+boundary+`"`)
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(r.human())
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: message/disposition-notification\r\n\r\n")
	head("Reporting-UA", r.Hostname+"; Postroom")
	if r.OriginalRecipient != "" {
		head("Original-Recipient", "rfc822;"+r.OriginalRecipient)
	}
	head("Final-Recipient", "rfc822;"+r.From)
	if r.OriginalMessageID != "" {
		head("Original-Message-ID", "<"+r.OriginalMessageID+">")
	}
	if r.Automatic {
		head("Disposition", "automatic-action/MDN-sent-automatically; displayed")
	} else {
		head("Disposition", "manual-action/MDN-sent-manually; displayed")
	}
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return b.Bytes()
}

// human is the report's text (RFC 8098 §3.1: "displayed" does not say the
// message was read or understood, and the text says so).
func (r *Report) human() string {
	date := ""
	if !r.OriginalDate.IsZero() {
		date = r.OriginalDate.Format(time.RFC1123Z)
	}
	if r.Language == "ko" {
		return fmt.Sprintf("%s 님에게 보낸 메일이 수신자의 화면에 표시되었습니다.\r\n\r\n제목: %s\r\n보낸 날짜: %s\r\n\r\n"+
			"메일이 표시되었다는 뜻일 뿐, 수신자가 내용을 읽거나 이해했다는 보장은 없습니다.\r\n", r.From, r.OriginalSubject, date)
	}
	return fmt.Sprintf("The message sent to %s was displayed on the recipient's screen.\r\n\r\nSubject: %s\r\nSent: %s\r\n\r\n"+
		"This is no guarantee that the message has been read or understood.\r\n", r.From, r.OriginalSubject, date)
}

// token is n random bytes in hex.
func token(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
