package mail

import (
	"context"
	"slices"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/message"
	"postroom/internal/search"
	"postroom/internal/store"
)

// Criteria select messages of one mailbox the way IMAP's SEARCH keys do
// (RFC 9051 §6.4.4): a message matches when it satisfies every field.
// Strings match as substrings of the decoded text, ignoring case, so a
// UTF-8 search finds words of mail sent in EUC-KR or ISO-2022-KR.
//
// The index answers what it can: a BODY string with a run of two or more
// Korean (or other CJK) characters narrows the messages to read to those
// whose indexed body holds its bigrams (search.Substring), and those whose
// body text is indexed only in part (search.CutTerm); only those are read
// and parsed to be exact. Everything else (Latin words, which may be
// part of longer words; TEXT and HEADER, which look at every header field;
// one syllable) reads every message whose other keys match.
type Criteria struct {
	// UIDs: the UID must be in each set (ascending); an adapter resolves
	// its sequence numbers to UIDs.
	UIDs [][]uint32
	// Internal date and Date header, compared by day, ignoring time and
	// zone; zero is no limit.
	Since, Before, SentSince, SentBefore time.Time
	Flags, NotFlags                      []string
	Larger, Smaller                      int64 // 0: no limit
	Header                               []HeaderMatch
	Body                                 []string // the body text holds each
	Text                                 []string // the header or the body text holds each
	Not                                  []Criteria
	Or                                   [][2]Criteria
}

// HeaderMatch: a field named Key whose decoded value holds Value (any
// value when Value is empty).
type HeaderMatch struct {
	Key, Value string
}

// SearchMailbox returns which of uids (the messages a client knows,
// ascending) in one of the actor's mailboxes match c, ascending.
func (s *Service) SearchMailbox(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32, c *Criteria) ([]uint32, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	candidates := uids
	for _, set := range c.UIDs {
		candidates = intersect(candidates, set)
	}
	var body search.Query
	for _, b := range c.Body {
		if q, ok := search.Substring(b); ok {
			body.Terms = append(body.Terms, q.Terms...)
		}
	}
	if !body.Empty() && len(candidates) > 0 {
		hits, err := s.Store.SearchUIDs(ctx, accountID, mailboxID, store.SearchQuery{Body: body})
		if err != nil {
			return nil, err
		}
		// and the messages whose body is indexed only in part
		cut, err := s.Store.SearchUIDs(ctx, accountID, mailboxID, store.SearchQuery{Body: search.Cut})
		if err != nil {
			return nil, err
		}
		candidates = intersect(candidates, union(hits, cut))
	}
	msgs, err := s.messages(ctx, accountID, mailboxID, candidates, len(uids))
	if err != nil {
		return nil, err
	}
	var out []uint32
	for _, u := range candidates {
		m := msgs[u]
		if m == nil {
			continue // expunged meanwhile
		}
		if c.match(&candidate{s: s, msg: m}) {
			out = append(out, u)
		}
	}
	return out, nil
}

// intersect returns the members of a (ascending) that are in b
// (ascending).
func intersect(a, b []uint32) []uint32 {
	var out []uint32
	for _, u := range a {
		if _, ok := slices.BinarySearch(b, u); ok {
			out = append(out, u)
		}
	}
	return out
}

// union merges two ascending lists.
func union(a, b []uint32) []uint32 {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// candidate is a message being matched; its content is read only if a
// key needs it, and then once.
type candidate struct {
	s      *Service
	msg    *store.Message
	parsed *message.Message
	text   string // decoded body text, lower-case
	loaded bool
}

func (c *candidate) load() {
	if c.loaded {
		return
	}
	c.loaded = true
	raw, err := c.s.readBlob(c.msg.BlobKey)
	if err != nil {
		c.parsed = message.Parse(nil) // unreadable: no text matches
		return
	}
	c.parsed = message.Parse(raw)
	c.text = strings.ToLower(c.parsed.Text())
}

func contains(haystack, needle string) bool {
	return strings.Contains(strings.ToLower(haystack), strings.ToLower(needle))
}

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// match checks the cheap keys (from the row) before those that read the
// message.
func (cr *Criteria) match(c *candidate) bool {
	m := c.msg
	for _, set := range cr.UIDs {
		if _, ok := slices.BinarySearch(set, m.UID); !ok {
			return false
		}
	}
	internal := dateOnly(m.InternalDate)
	if !cr.Since.IsZero() && internal.Before(dateOnly(cr.Since)) {
		return false
	}
	if !cr.Before.IsZero() && !internal.Before(dateOnly(cr.Before)) {
		return false
	}
	sent := dateOnly(m.Envelope.Date)
	if !cr.SentSince.IsZero() && (m.Envelope.Date.IsZero() || sent.Before(dateOnly(cr.SentSince))) {
		return false
	}
	if !cr.SentBefore.IsZero() && (m.Envelope.Date.IsZero() || !sent.Before(dateOnly(cr.SentBefore))) {
		return false
	}
	for _, f := range cr.Flags {
		if !m.HasFlag(f) {
			return false
		}
	}
	for _, f := range cr.NotFlags {
		if m.HasFlag(f) {
			return false
		}
	}
	if cr.Larger > 0 && m.Size <= cr.Larger {
		return false
	}
	if cr.Smaller > 0 && m.Size >= cr.Smaller {
		return false
	}
	for _, h := range cr.Header {
		if found, known := envelopeMatch(&m.Envelope, h); known {
			if !found {
				return false
			}
			continue
		}
		c.load()
		values := c.parsed.Header.Values(h.Key)
		found := false
		for i := range values {
			if h.Value == "" || contains(message.DecodeHeader(values[i]), h.Value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	for _, b := range cr.Body {
		c.load()
		if !strings.Contains(c.text, strings.ToLower(b)) {
			return false
		}
	}
	for _, t := range cr.Text {
		c.load()
		if !strings.Contains(c.text, strings.ToLower(t)) && !headerContains(c.parsed.Header, t) {
			return false
		}
	}
	for i := range cr.Not {
		if cr.Not[i].match(c) {
			return false
		}
	}
	for i := range cr.Or {
		if !cr.Or[i][0].match(c) && !cr.Or[i][1].match(c) {
			return false
		}
	}
	return true
}

// envelopeMatch answers a header key from the envelope the row keeps,
// without reading the message (issue 21: SEARCH SUBJECT over 10,000
// messages parsed every one of them). Subject is the decoded field, as
// the message would give it. An address field matches when the value is
// part of one of its addresses written "Name <address>" (or the bare
// address), as Dovecot matches them; a field with no address is not
// there. known is false for the keys the envelope cannot answer (other
// fields, and an empty value, which asks whether the field exists at all).
func envelopeMatch(env *store.Envelope, h HeaderMatch) (found, known bool) {
	if h.Value == "" {
		return false, false
	}
	var list []store.Address
	switch strings.ToLower(h.Key) {
	case "subject":
		return contains(env.Subject, h.Value), true
	case "from":
		list = env.From
	case "to":
		list = env.To
	case "cc":
		list = env.Cc
	case "bcc":
		list = env.Bcc
	default:
		return false, false
	}
	for _, a := range list {
		text := a.Addr
		if a.Name != "" {
			text = a.Name + " <" + a.Addr + ">"
		}
		if contains(text, h.Value) {
			return true, true
		}
	}
	return false, true
}

func headerContains(h message.Header, s string) bool {
	for _, f := range h.Fields() {
		if contains(f.Name+": "+message.DecodeHeader(f.Value), s) {
			return true
		}
	}
	return false
}
