package message

// Address lists (RFC 5322 §3.4) parsed best effort for display and IMAP.
// Go's net/mail rejects a whole list for one bad address and cannot read
// obsolete syntax; here every item yields something:
//   - name-addr and addr-spec, with comments, quoted local parts and
//     obsolete routes ("<@relay:user@host>", RFC 5322 §4.4);
//   - groups ("Team: a@x, b@y;", RFC 5322 §3.4) are flattened to their
//     members, since store.Address has no group markers; an empty group
//     ("undisclosed-recipients:;") becomes one address with only a Name;
//   - ';' between addresses (Outlook users type it) separates like ',';
//   - an unquoted display name with a comma ("Kim, Minsu <k@x>") is
//     rejoined instead of splitting into two addresses;
//   - "a@b (Name)" takes the comment as the name, RFC 822 style;
//   - display names are decoded: RFC 2047 words (also inside quotes, which
//     RFC 2047 §5 forbids and mailers do), raw UTF-8, raw CP949;
//   - an item without '@' is kept: one word as Addr ("postmaster"), several
//     words as Name.

import (
	"strings"

	"postroom/internal/store"
)

// addrItem is one top-level item of an address list, before parsing.
type addrItem struct {
	text       string
	group      string // the group's display name (on the end marker)
	inGroup    bool   // the item is a member of a group
	groupEnded bool   // the item is the marker that ends a group
}

// parseAddressList parses an address list header value leniently.
func parseAddressList(v string) []store.Address {
	v = decodeWholeList(v)
	items := rejoinCommaNames(splitAddressList(v))
	var out []store.Address
	members := 0 // addresses found in the current group so far
	for _, it := range items {
		if it.groupEnded {
			if name := cleanDisplayName(it.group); members == 0 && name != "" {
				out = append(out, store.Address{Name: name})
			}
			members = 0
			continue
		}
		if a, ok := parseMailbox(it.text); ok {
			out = append(out, a)
			if it.inGroup {
				members++
			}
		}
	}
	return out
}

// decodeWholeList undoes a mailer's mistake seen in the wild (Python's
// email.header among others): the whole list, addresses too, written as
// encoded words, which RFC 2047 §5 forbids. When the value has no '@' of
// its own and its decoding has one, the decoding is the list.
func decodeWholeList(v string) string {
	t := strings.TrimSpace(v)
	if !strings.HasPrefix(t, "=?") || strings.Contains(t, "@") {
		return v
	}
	if d := DecodeHeader(t); strings.Contains(d, "@") {
		return d
	}
	return v
}

// splitAddressList splits v at top-level ',' and ';' (outside quotes,
// comments and angle brackets) and recognises groups. Each group ends with
// a marker item (groupEnded) carrying its name.
func splitAddressList(v string) []addrItem {
	var (
		items   []addrItem
		cur     strings.Builder
		inQuote bool
		comment int
		angle   bool
		group   string
		inGroup bool
	)
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			items = append(items, addrItem{text: t, inGroup: inGroup})
		}
		cur.Reset()
	}
	endGroup := func() {
		flush()
		items = append(items, addrItem{group: group, groupEnded: true})
		group, inGroup = "", false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && (inQuote || comment > 0) && i+1 < len(v):
			cur.WriteByte(c)
			i++
			c = v[i]
		case c == '"' && comment == 0:
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			comment++
		case c == ')' && comment > 0:
			comment--
		case comment > 0:
		case c == '<':
			angle = true
		case c == '>':
			angle = false
		case angle:
		case c == ',':
			flush()
			continue
		case c == ';':
			if inGroup {
				endGroup()
			} else {
				flush()
			}
			continue
		case c == ':' && !inGroup && !strings.Contains(cur.String(), "@"):
			// RFC 5322 §3.4: group = display-name ":" [group-list] ";"
			group, inGroup = cur.String(), true
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	if inGroup {
		endGroup()
	} else {
		flush()
	}
	return items
}

// rejoinCommaNames merges an item that has neither '@' nor '<' with the
// next item when that one is a name-addr: "Kim, Minsu <k@x>" was split at
// the comma of an unquoted display name.
func rejoinCommaNames(items []addrItem) []addrItem {
	out := items[:0:0]
	for i := 0; i < len(items); i++ {
		it := items[i]
		for !it.groupEnded && i+1 < len(items) && !items[i+1].groupEnded &&
			items[i+1].inGroup == it.inGroup &&
			!strings.ContainsAny(it.text, "@<") && strings.Contains(items[i+1].text, "<") {
			i++
			it.text = it.text + ", " + items[i].text
		}
		out = append(out, it)
	}
	return out
}

// parseMailbox parses one address item. ok is false for an empty item.
func parseMailbox(t string) (store.Address, bool) {
	t = strings.TrimSpace(t)
	if t == "" {
		return store.Address{}, false
	}
	if lt := indexTopLevel(t, '<'); lt >= 0 {
		rest := t[lt+1:]
		if gt := strings.IndexByte(rest, '>'); gt >= 0 {
			rest = rest[:gt]
		}
		addr := cleanAddrSpec(rest)
		name := cleanDisplayName(t[:lt])
		if addr == "" && name == "" {
			return store.Address{}, false
		}
		return store.Address{Name: name, Addr: addr}, true
	}
	// addr-spec, perhaps with a comment holding the name.
	spec, comment := splitComments(t)
	spec = strings.TrimSpace(spec)
	var name string
	if comment != "" {
		name = cleanDisplayName(comment)
	}
	if !strings.Contains(spec, "@") {
		if fields := strings.Fields(spec); len(fields) == 1 && name == "" {
			return store.Address{Addr: cleanAddrSpec(fields[0])}, true
		}
		return store.Address{Name: cleanDisplayName(t)}, true
	}
	// "Kim Minsu kim@x": a name without angle brackets before the address.
	if words := strings.Fields(spec); len(words) > 1 && strings.Contains(words[len(words)-1], "@") && !strings.Contains(spec, "\"") {
		if name == "" {
			name = cleanDisplayName(strings.Join(words[:len(words)-1], " "))
		}
		spec = words[len(words)-1]
	}
	return store.Address{Name: name, Addr: cleanAddrSpec(spec)}, true
}

// indexTopLevel returns the index of c in s outside quoted-strings and
// comments, or -1.
func indexTopLevel(s string, c byte) int {
	inQuote, comment := false, 0
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '\\' && (inQuote || comment > 0):
			i++
		case ch == '"' && comment == 0:
			inQuote = !inQuote
		case inQuote:
		case ch == '(':
			comment++
		case ch == ')' && comment > 0:
			comment--
		case comment > 0:
		case ch == c:
			return i
		}
	}
	return -1
}

// splitComments removes comments from s and returns the rest and the text
// of the first comment.
func splitComments(s string) (rest, first string) {
	var b, cm strings.Builder
	inQuote, depth, seen := false, 0, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && (inQuote || depth > 0) && i+1 < len(s):
			if depth > 0 {
				if !seen {
					cm.WriteByte(s[i+1])
				}
			} else {
				b.WriteByte(ch)
				b.WriteByte(s[i+1])
			}
			i++
		case ch == '"' && depth == 0:
			inQuote = !inQuote
			b.WriteByte(ch)
		case inQuote:
			b.WriteByte(ch)
		case ch == '(':
			if depth > 0 && !seen {
				cm.WriteByte(ch)
			}
			depth++
		case ch == ')' && depth > 0:
			depth--
			if depth > 0 && !seen {
				cm.WriteByte(ch)
			}
			if depth == 0 {
				seen = seen || cm.Len() > 0
			}
		case depth > 0:
			if !seen {
				cm.WriteByte(ch)
			}
		default:
			b.WriteByte(ch)
		}
	}
	return b.String(), strings.TrimSpace(cm.String())
}

// cleanAddrSpec normalises an addr-spec: whitespace and comments (CFWS,
// RFC 5322 §3.4.1) are removed outside the quoted local part, an obsolete
// source route ("@a,@b:") is dropped (RFC 5322 §4.4), and 8-bit bytes that
// are not UTF-8 (RFC 6531 addresses are) are read as CP949, like names.
func cleanAddrSpec(s string) string {
	s, _ = splitComments(s)
	if strings.HasPrefix(strings.TrimSpace(s), "@") {
		if i := strings.IndexByte(s, ':'); i >= 0 {
			s = s[i+1:]
		}
	}
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && inQuote && i+1 < len(s):
			b.WriteByte(ch)
			b.WriteByte(s[i+1])
			i++
			continue
		case ch == '"':
			inQuote = !inQuote
		case !inQuote && (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'):
			continue
		}
		b.WriteByte(ch)
	}
	return decodeRaw(b.String())
}

// cleanDisplayName turns a raw display-name phrase into text: quoted
// strings unquoted, comments dropped, whitespace collapsed, RFC 2047 words
// and raw 8-bit bytes decoded, and the single quotes Outlook wraps names
// in ("'Kim Minsu'") removed.
func cleanDisplayName(s string) string {
	var b strings.Builder
	inQuote, depth := false, 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && (inQuote || depth > 0) && i+1 < len(s):
			if depth == 0 {
				b.WriteByte(s[i+1])
			}
			i++
		case ch == '"' && depth == 0:
			inQuote = !inQuote
		case inQuote:
			b.WriteByte(ch)
		case ch == '(':
			depth++
		case ch == ')' && depth > 0:
			depth--
		case depth > 0:
		default:
			b.WriteByte(ch)
		}
	}
	name := strings.Join(strings.Fields(DecodeHeader(b.String())), " ")
	if len(name) >= 2 && name[0] == '\'' && name[len(name)-1] == '\'' {
		name = strings.TrimSpace(name[1 : len(name)-1])
	}
	return name
}
