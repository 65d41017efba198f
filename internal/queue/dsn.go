package queue

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

// dsnKind says whether a report announces a failure or a delay.
type dsnKind int

const (
	dsnFailed dsnKind = iota
	dsnDelayed
)

// dsnRecipient is one line of a report.
type dsnRecipient struct {
	Address    string
	Status     string // RFC 3463 code, e.g. 5.1.1
	Diagnostic string // the remote server's reply or our reason
	RemoteMTA  string
}

// dsnText holds the words of a report in one language.
type dsnText struct {
	subjectFailed, subjectDelayed string
	introFailed, introDelayed     string
	reason                        string
}

var dsnTexts = map[string]dsnText{
	"ko": {
		subjectFailed:  "메일 전송 실패: 받는 사람에게 메일을 전달하지 못했습니다",
		subjectDelayed: "메일 전송 지연: 아직 전달되지 않았습니다",
		introFailed:    "보내신 메일을 다음 받는 사람에게 전달하지 못했습니다. 메일은 더 이상 재전송되지 않습니다.",
		introDelayed:   "보내신 메일이 아직 다음 받는 사람에게 전달되지 않았습니다. 서버가 계속 재전송을 시도하며, 실패하면 다시 알려 드립니다.",
		reason:         "사유",
	},
	"en": {
		subjectFailed:  "Undelivered mail returned to sender",
		subjectDelayed: "Delayed mail: not delivered yet",
		introFailed:    "Your message could not be delivered to the following recipients. It will not be retried.",
		introDelayed:   "Your message has not been delivered to the following recipients yet. The server keeps trying and will tell you if it gives up.",
		reason:         "Reason",
	},
}

// buildDSN writes a delivery status notification (RFC 3464) for the
// original message, in the sender's language, with the original header
// attached (text/rfc822-headers, RFC 6522).
func buildDSN(kind dsnKind, hostname, to, lang string, arrival time.Time, original []byte, rcpts []dsnRecipient, now time.Time) []byte {
	t, ok := dsnTexts[lang]
	if !ok {
		t = dsnTexts["en"]
	}
	subject, intro, action := t.subjectFailed, t.introFailed, "failed"
	if kind == dsnDelayed {
		subject, intro, action = t.subjectDelayed, t.introDelayed, "delayed"
	}
	boundary := randomToken()
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s <MAILER-DAEMON@%s>\r\n", mime.QEncoding.Encode("utf-8", "Mail Delivery System"), hostname)
	fmt.Fprintf(&b, "To: <%s>\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", randomToken(), hostname)
	// RFC 3834 §5: never answered by auto-responders.
	b.WriteString("Auto-Submitted: auto-replied\r\n")
	b.WriteString("MIME-Version: 1.0\r\n")
	fmt.Fprintf(&b, "Content-Type: multipart/report; report-type=delivery-status; boundary=\"%s\"\r\n\r\n", boundary)

	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", boundary)
	b.WriteString(intro + "\r\n\r\n")
	for _, r := range rcpts {
		fmt.Fprintf(&b, "  <%s>\r\n    %s: %s\r\n", r.Address, t.reason, oneLine(r.Diagnostic))
	}
	b.WriteString("\r\n")

	fmt.Fprintf(&b, "--%s\r\nContent-Type: message/delivery-status\r\n\r\n", boundary)
	fmt.Fprintf(&b, "Reporting-MTA: dns; %s\r\n", hostname)
	fmt.Fprintf(&b, "Arrival-Date: %s\r\n", arrival.Format(time.RFC1123Z))
	for _, r := range rcpts {
		fmt.Fprintf(&b, "\r\nFinal-Recipient: rfc822; %s\r\nAction: %s\r\nStatus: %s\r\n", r.Address, action, r.Status)
		if r.RemoteMTA != "" {
			fmt.Fprintf(&b, "Remote-MTA: dns; %s\r\n", r.RemoteMTA)
		}
		if r.Diagnostic != "" {
			fmt.Fprintf(&b, "Diagnostic-Code: smtp; %s\r\n", oneLine(r.Diagnostic))
		}
	}
	b.WriteString("\r\n")

	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/rfc822-headers\r\n\r\n", boundary)
	parsed := message.Parse(original)
	b.Write(parsed.Root.RawHeader())
	fmt.Fprintf(&b, "\r\n--%s--\r\n", boundary)
	return b.Bytes()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func randomToken() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
