package store

import (
	"context"
	"strings"
)

// SEARCH SUBJECT/FROM/TO/CC/BCC answered in SQL (issue 21): each message
// keeps, beside its row, the lower-cased texts those keys compare, so
// that a key is a substring test the database runs on a narrow table,
// with no envelope decoded. The texts are made here, once, for both
// backends and for the Go matcher of internal/mail (which compares
// AddressMatchText), so that what is stored and what is matched cannot
// drift apart.
//
// Invariants:
//   - Go matches a key when strings.Contains(strings.ToLower(text),
//     strings.ToLower(value)) holds for the subject, or for the
//     AddressMatchText of one address of the field.
//   - A stored field text is the strings.ToLower of the subject, or of
//     each address's AddressMatchText joined by MatchSeparator, with
//     every NUL replaced by MatchSeparator (PostgreSQL's text holds no
//     NUL; strings.ToLower always returns valid UTF-8, which PostgreSQL
//     requires).
//   - A value is answered in SQL only when its lower-cased form is not
//     empty and holds neither NUL nor MatchSeparator (MatchNeedle): then
//     an occurrence in the stored text covers no separator, so it lies
//     within the subject or within one address's text, and is one there;
//     and every occurrence there is one in the stored text. The SQL
//     answer is exactly Go's.

// MatchSeparator joins the texts of a field's addresses and stands for
// NUL in stored texts.
const MatchSeparator = "\x01"

// Envelope fields answered by EnvelopeMatch.
const (
	MatchSubject = "subject"
	MatchFrom    = "from"
	MatchTo      = "to"
	MatchCc      = "cc"
	MatchBcc     = "bcc"
)

// EnvelopeKey is one SEARCH key EnvelopeMatch answers: Field (one of the
// Match constants) holds Value (as the client sent it, not lower-cased).
type EnvelopeKey struct {
	Field, Value string
}

// MatchTexts are a message's stored texts, one per field (see the
// invariants above).
type MatchTexts struct {
	Subject, From, To, Cc, Bcc string
}

// EnvelopeMatchStore answers SEARCH SUBJECT/FROM/TO/CC/BCC keys from
// stored texts. Scoped by account: a mailbox of another account is
// ErrNotFound.
type EnvelopeMatchStore interface {
	// EnvelopeMatch returns, ascending, the UIDs above after of the
	// mailbox's messages that satisfy every key exactly as Go's
	// comparison does (the invariants above). A key MatchNeedle refuses,
	// or of another field, is ErrInvalid.
	EnvelopeMatch(ctx context.Context, accountID, mailboxID int64, after uint32, keys []EnvelopeKey) ([]uint32, error)
}

// AddressMatchText is what an address key compares of one address:
// "Name <addr>", or the bare address when it has no name (as Dovecot
// matches them).
func AddressMatchText(a Address) string {
	if a.Name == "" {
		return a.Addr
	}
	return a.Name + " <" + a.Addr + ">"
}

// EnvelopeMatchTexts computes the stored texts of an envelope.
func EnvelopeMatchTexts(env *Envelope) MatchTexts {
	return MatchTexts{
		Subject: storedText(strings.ToLower(env.Subject)),
		From:    addressTexts(env.From),
		To:      addressTexts(env.To),
		Cc:      addressTexts(env.Cc),
		Bcc:     addressTexts(env.Bcc),
	}
}

func addressTexts(list []Address) string {
	var b strings.Builder
	for i, a := range list {
		if i > 0 {
			b.WriteString(MatchSeparator)
		}
		b.WriteString(strings.ToLower(AddressMatchText(a)))
	}
	return storedText(b.String())
}

func storedText(s string) string {
	return strings.ReplaceAll(s, "\x00", MatchSeparator)
}

// MatchNeedle is the text a value is looked for as in the stored texts,
// and whether it can be (see the invariants above): an empty value asks
// whether the field exists, which the texts do not tell.
func MatchNeedle(value string) (string, bool) {
	n := strings.ToLower(value)
	if n == "" || strings.ContainsAny(n, "\x00"+MatchSeparator) {
		return "", false
	}
	return n, true
}

// MatchColumn names the column of a field in the backends' envelope_match
// tables, or "" for a field they do not have.
func MatchColumn(field string) string {
	switch field {
	case MatchSubject:
		return "subject"
	case MatchFrom:
		return "from_text"
	case MatchTo:
		return "to_text"
	case MatchCc:
		return "cc_text"
	case MatchBcc:
		return "bcc_text"
	}
	return ""
}
