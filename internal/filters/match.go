package filters

import (
	"strings"

	"golang.org/x/text/unicode/norm"

	"postroom/internal/store"
)

// maxBody is how much of a message's text a body condition reads: the
// same bound as the search index, so that a message costs bounded work.
const maxBody = 1 << 20

// Message is what conditions test: the envelope as parsed once at
// delivery (decoded: RFC 2047 words, EUC-KR and the rest) and the body
// text, read only when a body condition asks.
type Message struct {
	Envelope *store.Envelope
	Body     func() string
}

// Decision is what an account's rules do with one message.
type Decision struct {
	// MailboxID is the folder of the first matching rule with a move
	// (0: none); it wins over the Spam folder (deliver/filters.go).
	MailboxID int64
	MarkRead  bool     // store it \Seen
	Delete    bool     // do not store it
	Forward   []string // send a copy to each, once
	Matched   []int64  // the rules that matched, in order (for the log)
}

// Decide runs the enabled rules in order on m: every matching rule's
// actions apply; the first move decides the folder, any delete discards
// the message (after its forwards went).
func Decide(rules []Filter, m Message) Decision {
	var d Decision
	fields := map[string]string{}
	text := func(field string) string {
		if v, ok := fields[field]; ok {
			return v
		}
		var v string
		switch field {
		case FieldFrom:
			v = addresses(m.Envelope.From)
		case FieldTo:
			v = addresses(m.Envelope.To, m.Envelope.Cc)
		case FieldSubject:
			v = m.Envelope.Subject
		case FieldBody:
			if m.Body != nil {
				v = m.Body()
			}
		}
		v = fold(v)
		fields[field] = v
		return v
	}
	for _, f := range rules {
		if !f.Enabled || !matches(f, text) {
			continue
		}
		d.Matched = append(d.Matched, f.ID)
		for _, a := range f.Actions {
			switch a.Type {
			case ActionMove:
				if d.MailboxID == 0 {
					d.MailboxID = a.Mailbox
				}
			case ActionMarkRead:
				d.MarkRead = true
			case ActionDelete:
				d.Delete = true
			case ActionForward:
				if !contains(d.Forward, a.Address) {
					d.Forward = append(d.Forward, a.Address)
				}
			}
		}
	}
	return d
}

func matches(f Filter, text func(string) string) bool {
	if len(f.Conditions) == 0 {
		return false // never stored; a rule without conditions matches nothing
	}
	for _, c := range f.Conditions {
		ok := strings.Contains(text(c.Field), fold(c.Value))
		if c.Op == OpNotContains {
			ok = !ok
		}
		if f.Match == MatchAny && ok {
			return true
		}
		if f.Match != MatchAny && !ok {
			return false
		}
	}
	return f.Match != MatchAny
}

// fold is the form both sides are compared in: lower case, and composed
// Hangul (NFC), so that text typed on a Mac (decomposed jamo) finds what
// a Windows client wrote.
func fold(s string) string { return norm.NFC.String(strings.ToLower(s)) }

// addresses is the names and addresses of lists, as one text
// ("김철수 <kim@example.com>, ...").
func addresses(lists ...[]store.Address) string {
	var b strings.Builder
	for _, l := range lists {
		for _, a := range l {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			if a.Name != "" {
				b.WriteString(a.Name + " ")
			}
			b.WriteString("<" + a.Addr + ">")
		}
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
