package web

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// Names of downloads: a saved message is named after its subject, Korean
// kept, as the user knows it ("2분기 견적서.eml", not "message-17.eml").

// maxNameRunes bounds a file name: long subjects exist, and Windows
// refuses paths past 260 characters.
const maxNameRunes = 100

// fileName makes s safe as a file name on Windows, macOS and Linux: no
// control characters, no \ / : * ? " < > |, spaces collapsed, no leading or
// trailing dots and spaces, at most maxNameRunes runes. "" when nothing is
// left.
func fileName(s string) string {
	var b strings.Builder
	space := false
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), r == unicode.ReplacementChar:
			continue
		case strings.ContainsRune(`\/:*?"<>|`, r):
			r = '_'
		}
		if space {
			b.WriteByte(' ')
			space = false
			n++
		}
		if n >= maxNameRunes {
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.Trim(b.String(), ". ")
}

// emlName is the file name of a message saved as .eml.
func emlName(subject string, id int64) string {
	if name := fileName(subject); name != "" {
		return name + ".eml"
	}
	return fmt.Sprintf("message-%d.eml", id)
}

// attachmentDisposition is a Content-Disposition naming a download (RFC
// 6266): filename* in UTF-8 (RFC 8187), and a plain ASCII filename for
// the rare client that reads only that.
func attachmentDisposition(name, fallback string) string {
	ascii := true
	for _, r := range name {
		if r >= 0x7f || r < 0x20 {
			ascii = false
			break
		}
	}
	plain := fallback
	if ascii {
		plain = name
	}
	plain = strings.NewReplacer(`\`, `_`, `"`, `_`).Replace(plain)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, plain, strings.ReplaceAll(url.PathEscape(name), "'", "%27"))
}
