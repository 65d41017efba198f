package mail

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"
	"unicode"

	"postroom/internal/store"
)

// The names of a .zip export's entries: "2026-12-04 1530 2분기 견적서.eml",
// the message's date in the account's zone and its subject, so that the
// files sort by date and say what they are. Every name is one that
// Windows, macOS and Linux can create: no control characters, none of
// \ / : * ? " < > |, no trailing dot or space, no reserved device name
// (CON, NUL, COM1 ...), at most maxSubjectRunes of subject (Windows
// allows 255 UTF-16 units per name), and unique in the archive, compared
// as Windows and macOS do, without case.

// maxSubjectRunes bounds the subject's part of a name.
const maxSubjectRunes = 80

// entryNames makes unique names. It remembers an 8-byte hash of each
// name given, not the name: names that hash alike get a suffix they did
// not need, which is harmless, and equal names always hash alike.
type entryNames struct {
	seen map[uint64]struct{}
}

func newEntryNames() *entryNames { return &entryNames{seen: map[uint64]struct{}{}} }

// next is the name of m's entry.
func (n *entryNames) next(m *store.Message, zone *time.Location) string {
	date := m.Envelope.Date
	if date.IsZero() {
		date = m.InternalDate
	}
	base := date.In(zone).Format("2006-01-02 1504")
	if subj := safeName(m.Envelope.Subject, maxSubjectRunes); subj != "" {
		base += " " + subj
	}
	name := base + ".eml"
	for i := 2; ; i++ {
		h := fnv.New64a()
		h.Write([]byte(strings.ToLower(name)))
		k := h.Sum64()
		if _, dup := n.seen[k]; !dup {
			n.seen[k] = struct{}{}
			return name
		}
		name = fmt.Sprintf("%s (%d).eml", base, i)
	}
}

// safeName makes s a part of a file name (see above): "" when nothing is
// left of it.
func safeName(s string, maxRunes int) string {
	var b strings.Builder
	space, n := false, 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), r == unicode.ReplacementChar, unicode.Is(unicode.Cf, r):
			// format characters (right-to-left overrides) would disguise
			// the name's extension
			continue
		case strings.ContainsRune(`\/:*?"<>|`, r):
			r = '_'
		}
		if n >= maxRunes {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
			n++
		}
		b.WriteRune(r)
		n++
	}
	out := strings.TrimRight(b.String(), ". ")
	if reservedName(out) {
		out = "_" + out
	}
	return out
}

// reservedName reports whether Windows reserves name for a device
// (whatever its extension): CON, PRN, AUX, NUL, COM0-9, LPT0-9 and their
// superscript-digit forms.
func reservedName(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if r := []rune(stem); len(r) == 4 && (string(r[:3]) == "COM" || string(r[:3]) == "LPT") {
		return (r[3] >= '0' && r[3] <= '9') || r[3] == '¹' || r[3] == '²' || r[3] == '³'
	}
	return false
}
