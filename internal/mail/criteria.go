package mail

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"postroom/internal/actor"
	"postroom/internal/message"
	"postroom/internal/store"
)

// Criteria select messages of one mailbox the way IMAP's SEARCH keys do
// (RFC 9051 §6.4.4): a message matches when it satisfies every field.
// Strings match as substrings of the decoded text, ignoring case, so a
// UTF-8 search finds words of mail sent in EUC-KR or ISO-2022-KR.
//
// Flags, sizes, dates, UIDs and the SUBJECT/FROM/TO/CC/BCC keys are
// answered from columns (store.IMAPIndexStore), never from message files:
// the criteria's own SUBJECT/FROM/TO/CC/BCC keys in SQL, exactly, over
// texts stored for them (store.EnvelopeMatch; issue 21: FROM kim decoded
// thousands of envelopes), those under NOT or OR here (envelopeMatch),
// on the same texts (store.AddressMatchText).
// The index answers what it can of the rest: a BODY string with a run of
// two or more Korean (or other CJK) characters narrows the messages to
// read to those whose indexed body holds its bigrams (search.Substring),
// and those whose
// body text is indexed only in part (search.CutTerm); only those are read
// and parsed to be exact. A BODY string of such characters alone is
// answered by the index itself for the messages marked search.ExactTerm,
// which are not read (criteria_body.go). Everything else (Latin words,
// which may be part of longer words; TEXT and HEADER, which look at every
// header field; one syllable) reads every message whose other keys match.
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
	if len(candidates) == 0 {
		return nil, nil
	}
	// BODY keys through the index (criteria_body.go): sure are the
	// candidates whose exact BODY keys the index answered, which no file
	// needs to be read for.
	sure, candidates, err := s.bodyCandidates(ctx, accountID, mailboxID, c, candidates)
	if err != nil {
		return nil, err
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	// SUBJECT/FROM/TO/CC/BCC keys are answered in SQL, exactly
	// (store.EnvelopeMatch); only the other keys need rows.
	if keys, rest := c.storeKeys(); len(keys) > 0 {
		hits, err := s.Store.EnvelopeMatch(ctx, accountID, mailboxID, max(candidates[0], 1)-1, keys)
		if err != nil {
			return nil, fmt.Errorf("search mailbox %d: %w", mailboxID, err)
		}
		if candidates = intersect(candidates, hits); len(candidates) == 0 || rest.onlyUIDs() {
			return candidates, nil
		}
		sure = intersect(sure, hits)
		c = rest
	}
	// The sure messages are matched on the keys but the exact BODY keys;
	// when no other key is left they are hits as they are, and only the
	// others need rows and files.
	var cSure *Criteria
	if len(sure) > 0 {
		if cSure = c.withoutExactBody(); cSure.onlyUIDs() {
			hits, err := s.matchRows(ctx, accountID, mailboxID, difference(candidates, sure), c, nil, nil)
			if err != nil {
				return nil, err
			}
			return union(sure, hits), nil
		}
	}
	return s.matchRows(ctx, accountID, mailboxID, candidates, c, sure, cSure)
}

// matchRows returns which of candidates (ascending) match c, the sure
// ones cSure instead. The rows come from columns (store.IMAPIndexStore):
// the state alone when no key looks at the envelope (a BODY search among
// them), the envelope columns when one does; a message file is read only
// for the keys no column answers.
func (s *Service) matchRows(ctx context.Context, accountID, mailboxID int64, candidates []uint32, c *Criteria, sure []uint32, cSure *Criteria) ([]uint32, error) {
	if len(candidates) == 0 {
		return nil, nil
	}
	var rows []store.EnvelopeEntry
	var err error
	after := max(candidates[0], 1) - 1
	if !c.usesEnvelope() {
		if rows, err = s.stateRows(ctx, accountID, mailboxID, candidates, c.indexFilter()); err != nil {
			return nil, fmt.Errorf("search mailbox %d: %w", mailboxID, err)
		}
	} else {
		if rows, err = s.Store.EnvelopeIndexContaining(ctx, accountID, mailboxID, after, c.envelopeTexts()); err != nil {
			return nil, fmt.Errorf("search mailbox %d: %w", mailboxID, err)
		}
	}
	var out []uint32
	for i := range rows {
		u := rows[i].UID
		if _, ok := slices.BinarySearch(candidates, u); !ok {
			continue // not asked for, or expunged meanwhile
		}
		cr := c
		if _, ok := slices.BinarySearch(sure, u); ok {
			cr = cSure
		}
		if cr.match(&candidate{s: s, msg: &rows[i]}) {
			out = append(out, u)
		}
	}
	return out, nil
}

// storeKeys splits the criteria's own header keys (not those under NOT
// or OR) that store.EnvelopeMatch answers exactly from the rest.
func (cr *Criteria) storeKeys() ([]store.EnvelopeKey, *Criteria) {
	var keys []store.EnvelopeKey
	rest := *cr
	rest.Header = nil
	for _, h := range cr.Header {
		field, ok := envelopeField(h)
		if _, exact := store.MatchNeedle(h.Value); ok && exact {
			keys = append(keys, store.EnvelopeKey{Field: field, Value: h.Value})
			continue
		}
		rest.Header = append(rest.Header, h)
	}
	return keys, &rest
}

// onlyUIDs reports whether the criteria hold no key but UID sets (which
// SearchMailbox has applied already).
func (cr *Criteria) onlyUIDs() bool {
	return cr.Since.IsZero() && cr.Before.IsZero() && cr.SentSince.IsZero() && cr.SentBefore.IsZero() &&
		len(cr.Flags) == 0 && len(cr.NotFlags) == 0 && cr.Larger == 0 && cr.Smaller == 0 &&
		len(cr.Header) == 0 && len(cr.Body) == 0 && len(cr.Text) == 0 && len(cr.Not) == 0 && len(cr.Or) == 0
}

// envelopeTexts are the texts every match must hold in its subject or in
// the name or the address of one of its addresses
// (store.EnvelopeIndexContaining): the values of the criteria's own
// envelope keys (not those under NOT or OR). An address key matches
// "Name <addr>" whole, so its value is left out when it could match
// across the two: when it holds < or > or ends in a space.
func (cr *Criteria) envelopeTexts() []string {
	var out []string
	for _, h := range cr.Header {
		field, ok := envelopeField(h)
		if !ok {
			continue
		}
		if field != "subject" && (strings.ContainsAny(h.Value, "<>") || strings.TrimRightFunc(h.Value, unicode.IsSpace) != h.Value) {
			continue
		}
		out = append(out, h.Value)
	}
	return out
}

// dayMargin widens the internal-date bounds of indexFilter: the rows'
// days are compared in the location the store gives their times in,
// which is within 14 hours of UTC.
const dayMargin = 14 * time.Hour

// indexFilter is what the store can narrow the rows by before they are
// matched (store.IndexFilter): the criteria's own \Seen and internal
// date keys, the dates widened by a margin.
func (cr *Criteria) indexFilter() store.IndexFilter {
	var f store.IndexFilter
	f.Seen = slices.ContainsFunc(cr.Flags, isSeen)
	f.Unseen = slices.ContainsFunc(cr.NotFlags, isSeen)
	if !cr.Since.IsZero() {
		f.Since = dateOnly(cr.Since).Add(-dayMargin)
	}
	if !cr.Before.IsZero() {
		f.Before = dateOnly(cr.Before).Add(dayMargin)
	}
	return f
}

func isSeen(flag string) bool { return strings.EqualFold(flag, store.FlagSeen) }

// usesEnvelope reports whether matching reads a row's envelope columns
// (the sent day, the subject, the addresses) anywhere in the criteria:
// when none does, the rows are the per-message state alone
// (MailboxIndexFiltered), and keys the columns do not answer read the
// message file.
func (cr *Criteria) usesEnvelope() bool {
	if !cr.SentSince.IsZero() || !cr.SentBefore.IsZero() {
		return true
	}
	for _, h := range cr.Header {
		if _, ok := envelopeField(h); ok {
			return true
		}
	}
	for i := range cr.Not {
		if cr.Not[i].usesEnvelope() {
			return true
		}
	}
	for i := range cr.Or {
		if cr.Or[i][0].usesEnvelope() || cr.Or[i][1].usesEnvelope() {
			return true
		}
	}
	return false
}

// intersect returns the members of a (ascending) that are in b
// (ascending), in one pass over both (BODY 내일 intersects lists of
// 90,000).
func intersect(a, b []uint32) []uint32 {
	var out []uint32
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// union merges two ascending lists.
func union(a, b []uint32) []uint32 {
	out := make([]uint32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// candidate is a message being matched; its content is read only if a
// key needs it, and then once.
type candidate struct {
	s      *Service
	msg    *store.EnvelopeEntry
	parsed *message.Message
	text   string // decoded body text, lower-case
	loaded bool
}

func (c *candidate) load() {
	if c.loaded {
		return
	}
	c.loaded = true
	raw, err := c.s.readBlob(c.msg.BlobKey, c.msg.Size)
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
	// the Date header's day as written, disregarding time and zone
	// (RFC 3501 §6.4.4); the criteria's days are taken as given
	if !cr.SentSince.IsZero() && (m.SentDay == 0 || m.SentDay < store.SentDayOf(cr.SentSince)) {
		return false
	}
	if !cr.SentBefore.IsZero() && (m.SentDay == 0 || m.SentDay >= store.SentDayOf(cr.SentBefore)) {
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
		if found, known := envelopeMatch(m, h); known {
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

// envelopeMatch answers a header key from the envelope columns, without
// reading the message (issue 21: SEARCH SUBJECT over 10,000 messages
// parsed every one of them). Subject is the decoded field, as the message
// would give it. An address field matches when the value is part of one
// of its parsed addresses written "Name <address>" (or the bare address),
// as Dovecot matches them: an address written with comments or folding
// inside it ("<user (c)@ (c) example.org>") is found by its plain form. A
// field with no address is not there. known is false for the keys the
// columns cannot answer (other fields, and an empty value, which asks
// whether the field exists at all).
func envelopeMatch(e *store.EnvelopeEntry, h HeaderMatch) (found, known bool) {
	field, ok := envelopeField(h)
	if !ok {
		return false, false
	}
	var list []store.Address
	switch field {
	case "subject":
		return contains(e.Subject, h.Value), true
	case "from":
		list = e.From
	case "to":
		list = e.To
	case "cc":
		list = e.Cc
	case "bcc":
		list = e.Bcc
	}
	for _, a := range list {
		// the text the store keeps lower-cased for EnvelopeMatch
		if contains(store.AddressMatchText(a), h.Value) {
			return true, true
		}
	}
	return false, true
}

// envelopeField names the envelope column that answers h, if one does.
func envelopeField(h HeaderMatch) (string, bool) {
	if h.Value == "" {
		return "", false
	}
	switch k := strings.ToLower(h.Key); k {
	case "subject", "from", "to", "cc", "bcc":
		return k, true
	}
	return "", false
}

func headerContains(h message.Header, s string) bool {
	for _, f := range h.Fields() {
		if contains(f.Name+": "+message.DecodeHeader(f.Value), s) {
			return true
		}
	}
	return false
}
