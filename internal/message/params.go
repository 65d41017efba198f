package message

// MIME header parameters: Content-Type and Content-Disposition values
// (RFC 2045 §5.1, RFC 2183 §2) with RFC 2231 extensions. Go's
// mime.ParseMediaType cannot be used: it drops RFC 2231 values in charsets
// other than UTF-8 and US-ASCII, so EUC-KR filenames come out empty, and it
// fails whole on the first syntax error. This parser never fails:
//   - tokens and quoted-strings (RFC 2045 §5.1, RFC 5322 §3.2.4); a
//     backslash escapes only '"' and '\', because mailers send Windows
//     paths ("C:\temp\a.doc") unescaped inside quotes;
//   - unquoted values run to the next ';', so "name=my file.doc" keeps its
//     spaces as the sender meant;
//   - RFC 2231 §3 continuations (name*0, name*1, ...) in any order, §4
//     charset'language'%XX values, and the two mixed; the bytes of all
//     segments are joined before charset decoding, so a character split
//     between segments survives;
//   - RFC 2047 encoded words inside quoted values, which RFC 2047 §5
//     forbids and Outlook and Korean webmails send: name="=?ks_c_5601-1987?B?...?=";
//   - raw 8-bit values decoded as UTF-8 if valid, else CP949.

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// paramSegment is one parameter as written, before RFC 2231 assembly.
type paramSegment struct {
	name  string // lower-case, without the "*n" or "*" suffix
	index int    // RFC 2231 §3 continuation number; -1 when none
	ext   bool   // RFC 2231 §4 extended (charset'lang'%XX) value
	value string // unquoted, undecoded
}

// maxParamIndex bounds RFC 2231 continuation numbers we accept.
const maxParamIndex = 999

// parseParamValue parses a header value of the form
// value *(";" parameter). It returns the leading value lower-cased with
// whitespace and comments removed, the decoded parameters keyed by
// lower-case name, and soft problems. params is never nil.
func parseParamValue(v string) (value string, params map[string]string, problems []string) {
	semi := strings.IndexByte(v, ';')
	if semi < 0 {
		semi = len(v)
	}
	value = normToken(v[:semi])
	segs, problems := splitParams(v[semi:])
	params, more := assembleParams(segs)
	return value, params, append(problems, more...)
}

// normToken lower-cases a type or disposition token and removes whitespace
// and a trailing comment ("text / plain (comment)" → "text/plain").
func normToken(s string) string {
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[:i]
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == '"' {
			return -1
		}
		return r
	}, s)
	return strings.ToLower(s)
}

// splitParams reads the parameter list after the main value.
func splitParams(s string) ([]paramSegment, []string) {
	var (
		segs     []paramSegment
		problems []string
		pos      int
	)
	for pos < len(s) {
		for pos < len(s) && (s[pos] == ';' || isWSP(s[pos])) {
			pos++
		}
		if pos >= len(s) {
			break
		}
		start := pos
		for pos < len(s) && s[pos] != '=' && s[pos] != ';' {
			pos++
		}
		name := strings.ToLower(strings.TrimSpace(s[start:pos]))
		if pos >= len(s) || s[pos] == ';' {
			if name != "" {
				problems = append(problems, "parameter without value ignored: "+quoteProblem(name))
			}
			continue
		}
		pos++ // '='
		for pos < len(s) && isWSP(s[pos]) {
			pos++
		}
		var val string
		if pos < len(s) && s[pos] == '"' {
			var ok bool
			val, pos, ok = readQuoted(s, pos)
			if !ok {
				problems = append(problems, "unterminated quoted-string in parameter "+quoteProblem(name))
			}
			// Anything after the closing quote up to ';' is a comment or
			// junk (RFC 5322 CFWS); skip it.
			if i := strings.IndexByte(s[pos:], ';'); i >= 0 {
				pos += i
			} else {
				pos = len(s)
			}
		} else {
			end := strings.IndexByte(s[pos:], ';')
			if end < 0 {
				end = len(s) - pos
			}
			val = strings.TrimRight(s[pos:pos+end], " \t\r\n")
			pos += end
			if name != "name" && name != "filename" && !strings.HasPrefix(name, "name*") && !strings.HasPrefix(name, "filename*") {
				val = stripComment(val)
			}
		}
		if name == "" {
			problems = append(problems, "parameter without name ignored")
			continue
		}
		segs = append(segs, parseParamName(name, val))
	}
	return segs, problems
}

// parseParamName splits an RFC 2231 parameter name: "title*1*" is segment 1
// of "title", extended; "title*" is an extended value without
// continuations; "title*0" is segment 0, not extended.
func parseParamName(name, val string) paramSegment {
	star := strings.IndexByte(name, '*')
	if star <= 0 {
		return paramSegment{name: name, index: -1, value: val}
	}
	base, suffix := name[:star], name[star+1:]
	// "name*" and "name*3*" are extended; the star found above may be the
	// final one.
	ext := strings.HasSuffix(name, "*")
	if ext && suffix != "" {
		suffix = suffix[:len(suffix)-1]
	}
	if suffix == "" {
		if !ext {
			return paramSegment{name: name, index: -1, value: val}
		}
		return paramSegment{name: base, index: -1, ext: true, value: val}
	}
	n, err := strconv.Atoi(suffix)
	if err != nil || n < 0 || n > maxParamIndex || (len(suffix) > 1 && suffix[0] == '0') {
		// Not RFC 2231: keep the name as written.
		return paramSegment{name: name, index: -1, value: val}
	}
	return paramSegment{name: base, index: n, ext: ext, value: val}
}

// readQuoted reads the quoted-string starting at s[pos] == '"'. It returns
// the unquoted content, the position after the closing quote and whether
// there was one. A backslash escapes only '"' and '\' (see above).
func readQuoted(s string, pos int) (string, int, bool) {
	var b strings.Builder
	for i := pos + 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		case c == '"':
			return b.String(), i + 1, true
		case c == '\r' || c == '\n':
			// folding inside a quoted-string: drop the line break.
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), len(s), false
}

// stripComment removes a trailing RFC 5322 comment from an unquoted value:
// "us-ascii (Plain text)" → "us-ascii".
func stripComment(v string) string {
	if i := strings.IndexByte(v, '('); i > 0 && strings.HasSuffix(v, ")") {
		return strings.TrimRight(v[:i], " \t")
	}
	return v
}

// assembleParams joins RFC 2231 segments and decodes every value to UTF-8.
// An RFC 2231 value wins over a plain one of the same name (RFC 2231 §4.1
// lets senders send both for old readers); otherwise the first one wins.
func assembleParams(segs []paramSegment) (map[string]string, []string) {
	params := make(map[string]string)
	var problems []string
	byName := make(map[string][]paramSegment)
	var order []string
	for _, s := range segs {
		if _, seen := byName[s.name]; !seen {
			order = append(order, s.name)
		}
		byName[s.name] = append(byName[s.name], s)
	}
	for _, name := range order {
		group := byName[name]
		var plain, single *paramSegment
		var parts []paramSegment
		for i := range group {
			s := &group[i]
			switch {
			case s.index >= 0:
				parts = append(parts, *s)
			case s.ext && single == nil:
				single = s
			case !s.ext && plain == nil:
				plain = s
			}
		}
		switch {
		case len(parts) > 0:
			v, p := joinContinuations(name, parts)
			params[name] = v
			problems = append(problems, p...)
		case single != nil:
			params[name] = decodeExtended(name, []paramSegment{{index: 0, ext: true, value: single.value}})
		case plain != nil:
			params[name] = decodePlainParam(name, plain.value)
		}
	}
	return params, problems
}

// joinContinuations assembles name*0, name*1, ... (RFC 2231 §3).
func joinContinuations(name string, parts []paramSegment) (string, []string) {
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].index < parts[j].index })
	var problems []string
	uniq := parts[:0:0]
	for i, p := range parts {
		if i > 0 && p.index == parts[i-1].index {
			continue // duplicate segment: first wins
		}
		if p.index != len(uniq) {
			problems = append(problems, "RFC 2231 continuation of "+quoteProblem(name)+" has a gap")
		}
		uniq = append(uniq, p)
	}
	anyExt := false
	for _, p := range uniq {
		anyExt = anyExt || p.ext
	}
	if !anyExt {
		var b strings.Builder
		for _, p := range uniq {
			b.WriteString(p.value)
		}
		return decodePlainParam(name, b.String()), problems
	}
	return decodeExtended(name, uniq), problems
}

// decodeExtended decodes RFC 2231 segments of which at least one is
// extended. Only the first segment carries charset'language' (RFC 2231
// §4.1); some mailers repeat it on every segment, which is removed when it
// names the same charset.
func decodeExtended(name string, parts []paramSegment) string {
	var (
		charset string
		raw     []byte
	)
	for i, p := range parts {
		v := p.value
		if p.ext {
			if cs, rest, ok := splitCharsetLang(v); ok && (i == 0 || strings.EqualFold(cs, charset)) {
				if i == 0 {
					charset = cs
				}
				v = rest
			}
			raw = append(raw, percentDecode(v)...)
		} else {
			raw = append(raw, v...)
		}
	}
	if enc, ok := lookupCharset(charset); ok {
		if enc == nil && !utf8.Valid(raw) {
			return guessDecode(raw)
		}
		return decodeWith(enc, raw)
	}
	s := decodeText("", raw)
	if name != "boundary" && strings.Contains(s, "=?") {
		s = DecodeHeader(s)
	}
	return s
}

// splitCharsetLang splits "charset'language'value" (RFC 2231 §4).
func splitCharsetLang(v string) (charset, rest string, ok bool) {
	i := strings.IndexByte(v, '\'')
	if i < 0 {
		return "", v, false
	}
	j := strings.IndexByte(v[i+1:], '\'')
	if j < 0 {
		return "", v, false
	}
	cs := v[:i]
	for k := 0; k < len(cs); k++ {
		if c := cs[k]; c == '%' || c <= ' ' || c >= 0x7f {
			return "", v, false
		}
	}
	return cs, v[i+1+j+1:], true
}

// percentDecode decodes %XX escapes (RFC 2231 §4); a '%' not followed by
// two hex digits is kept.
func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

// decodePlainParam decodes a value that is not RFC 2231 encoded: RFC 2047
// encoded words and raw 8-bit bytes. The boundary is used byte for byte
// and never decoded.
func decodePlainParam(name, v string) string {
	if name == "boundary" {
		return v
	}
	return DecodeHeader(v)
}

func isWSP(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// quoteProblem quotes text for a problem message, keeping it short and
// printable.
func quoteProblem(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return strconv.Quote(s)
}
