package receipts

// Putting a tracking image into a message already built: the outbound
// queue holds the message as the sender wrote it, and each external
// recipient's copy differs from it only in the HTML body. The HTML part
// is decoded, the image put before its </body> (or at its end), and the
// part encoded again in its own Content-Transfer-Encoding, so that its
// header, and every other part, stay byte for byte as they were.

import (
	"bytes"
	"encoding/base64"
	"mime/quotedprintable"

	"postroom/internal/message"
)

// lineLimit is the length of an encoded base64 line (RFC 2045 §6.8).
const lineLimit = 76

// withImage returns raw with img put into its HTML body; false when it
// has none (or one it cannot rewrite).
func withImage(raw []byte, img string) ([]byte, bool) {
	p := message.Parse(raw).HTMLBody()
	if p == nil {
		return nil, false
	}
	html := p.Body()
	at := len(html)
	if i := bytes.LastIndex(bytes.ToLower(html), []byte("</body")); i >= 0 {
		at = i
	} else {
		// at the end, but before the last line break, which the
		// part's body ends with before its boundary (RFC 2046 §5.1.1)
		at -= len(html) - len(bytes.TrimRight(html, "\r\n"))
	}
	html = append(html[:at:at], append([]byte(img), html[at:]...)...)
	var body []byte
	switch p.Encoding {
	case "quoted-printable":
		var b bytes.Buffer
		w := quotedprintable.NewWriter(&b)
		_, _ = w.Write(html) // a bytes.Buffer does not fail
		_ = w.Close()
		body = b.Bytes()
	case "base64":
		enc := base64.StdEncoding.EncodeToString(html)
		for len(enc) > lineLimit {
			body = append(append(body, enc[:lineLimit]...), "\r\n"...)
			enc = enc[lineLimit:]
		}
		body = append(append(body, enc...), "\r\n"...)
	case "7bit", "8bit", "binary":
		body = html
	default:
		return nil, false // an encoding of its own: left alone
	}
	// the original's last line break, if any, stays: it ends the body
	if bytes.HasSuffix(p.RawBody(), []byte("\r\n")) && !bytes.HasSuffix(body, []byte("\r\n")) {
		body = append(body, "\r\n"...)
	}
	out := make([]byte, 0, len(raw)+len(body)-p.Size())
	out = append(append(append(out, raw[:p.BodyStart]...), body...), raw[p.End:]...)
	return out, true
}
