package store

import (
	"sort"
	"strings"
)

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

// NormalizeFlags returns flags deduplicated (system flags compared
// case-insensitively and written in their canonical case, keywords as given)
// and sorted, the form backends store.
func NormalizeFlags(flags []string) []string {
	seen := make(map[string]bool, len(flags))
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		if f == "" {
			continue
		}
		f = canonicalFlag(f)
		k := strings.ToLower(f)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

func canonicalFlag(f string) string {
	for _, s := range []string{FlagSeen, FlagAnswered, FlagFlagged, FlagDeleted, FlagDraft, `\Recent`} {
		if strings.EqualFold(f, s) {
			return s
		}
	}
	return f
}

// ApplyFlags returns cur changed by op with flags, normalized.
func ApplyFlags(cur []string, op FlagOp, flags []string) []string {
	switch op {
	case FlagsReplace:
		return NormalizeFlags(flags)
	case FlagsAdd:
		return NormalizeFlags(append(append([]string(nil), cur...), flags...))
	case FlagsRemove:
		drop := make(map[string]bool, len(flags))
		for _, f := range flags {
			drop[strings.ToLower(f)] = true
		}
		var out []string
		for _, f := range cur {
			if !drop[strings.ToLower(f)] {
				out = append(out, f)
			}
		}
		return NormalizeFlags(out)
	}
	return NormalizeFlags(cur)
}

// ValidMailboxName reports whether name is an acceptable full mailbox name:
// non-empty levels, no control characters, not starting or ending with the
// delimiter.
func ValidMailboxName(name string) bool {
	if name == "" || len(name) > 1000 {
		return false
	}
	for _, level := range strings.Split(name, MailboxDelimiter) {
		if strings.TrimSpace(level) == "" {
			return false
		}
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '*' || r == '%' {
			return false
		}
	}
	return true
}

// CanonicalMailboxName writes the INBOX level of a name in upper case, since
// IMAP compares INBOX case-insensitively (RFC 9051 §5.1) and every other
// name case-sensitively.
func CanonicalMailboxName(name string) string {
	first, rest, found := strings.Cut(name, MailboxDelimiter)
	if strings.EqualFold(first, "INBOX") {
		if found {
			return "INBOX" + MailboxDelimiter + rest
		}
		return "INBOX"
	}
	return name
}
