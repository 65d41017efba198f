package compose

// File names in MIME parameters. Content-Disposition carries the name as
// RFC 2231 wants it (filename*=UTF-8''%EA%B2%AC..., split into numbered
// sections so that lines stay short, §3 and §4); Content-Type carries
// name="=?UTF-8?B?...?=" as well, the RFC 2047 form that older Outlook and
// webmail readers look for. Thunderbird writes both the same way.

import (
	"fmt"
	"strings"
)

// maxSection is the longest RFC 2231 section value written on one line.
const maxSection = 48

// CleanFilename removes control characters (a name is shown and saved by
// the reader, never a header of its own) and gives empty names a default.
func CleanFilename(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	if name = strings.TrimSpace(name); name == "" {
		return "attachment"
	}
	return name
}

// plainParam reports whether a value can be written as a short quoted
// string of printable ASCII.
func plainParam(v string) bool {
	if len(v) > maxSection {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return !strings.Contains(v, "=?")
}

// nameParam is the Content-Type name parameter's value.
func nameParam(name string) string {
	if plainParam(name) {
		return `"` + name + `"`
	}
	return `"` + encodeWords(name) + `"`
}

// filenameParam is the Content-Disposition filename parameter (with its
// name), RFC 2231 encoded unless the name is plain ASCII.
func filenameParam(name string) string {
	if plainParam(name) {
		return `filename="` + name + `"`
	}
	// Sections end between characters: a reader that decodes each
	// section on its own still shows the name.
	var sections []string
	var cur strings.Builder
	for _, r := range name {
		enc := percentEncode(string(r))
		if cur.Len()+len(enc) > maxSection {
			sections = append(sections, cur.String())
			cur.Reset()
		}
		cur.WriteString(enc)
	}
	sections = append(sections, cur.String())
	if len(sections) == 1 {
		return "filename*=UTF-8''" + sections[0]
	}
	var b strings.Builder
	for i, s := range sections {
		if i > 0 {
			b.WriteString("; ")
		}
		if i == 0 {
			s = "UTF-8''" + s
		}
		fmt.Fprintf(&b, "filename*%d*=%s", i, s)
	}
	return b.String()
}

// percentEncode escapes everything but RFC 2231's attribute-char.
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
