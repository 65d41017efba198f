package imapd

import (
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"postroom/internal/message"
	"postroom/internal/store"
)

// Search implements imapserver.Session (RFC 9051 §6.4.4). Text criteria
// compare case-insensitively against decoded text, so a UTF-8 search finds
// words in EUC-KR or ISO-2022-KR messages. Messages are read from the
// store one by one; the search index (internal/search) replaces this scan
// for large mailboxes.
func (se *session) Search(kind imapserver.NumKind, criteria *imap.SearchCriteria, options *imap.SearchOptions) (*imap.SearchData, error) {
	sel, err := se.requireSelected()
	if err != nil {
		return nil, err
	}
	refs := sel.resolve(imap.SeqSet{imap.SeqRange{Start: 1, Stop: 0}})
	msgs, err := se.loadMessages(sel, refs)
	if err != nil {
		return nil, err
	}
	crit := prepare(criteria, sel)
	var seqs imap.SeqSet
	var uids imap.UIDSet
	data := &imap.SearchData{}
	for _, r := range refs {
		m := msgs[r.uid]
		if m == nil {
			continue
		}
		c := &candidate{se: se, ref: r, msg: m}
		if !crit.match(c) {
			continue
		}
		n := r.seq
		if kind == imapserver.NumKindUID {
			n = r.uid
			uids.AddNum(imap.UID(r.uid))
		} else {
			seqs.AddNum(r.seq)
		}
		if data.Min == 0 || n < data.Min {
			data.Min = n
		}
		data.Max = max(data.Max, n)
		data.Count++
	}
	if options != nil && options.ReturnSave {
		sel.saved = uids
		if kind != imapserver.NumKindUID {
			sel.saved = nil
			for _, r := range refs {
				if seqs.Contains(r.seq) {
					sel.saved.AddNum(imap.UID(r.uid))
				}
			}
		}
	}
	// The library dereferences All whatever the client asked: never nil.
	if kind == imapserver.NumKindUID {
		data.All = uids
	} else {
		data.All = seqs
	}
	if uids == nil && kind == imapserver.NumKindUID {
		data.All = imap.UIDSet{}
	}
	if seqs == nil && kind != imapserver.NumKindUID {
		data.All = imap.SeqSet{}
	}
	return data, nil
}

// criteria is a SearchCriteria with its number sets made static for the
// session's view.
type criteria struct {
	*imap.SearchCriteria
	seqs []imap.SeqSet
	uids []imap.UIDSet
	not  []*criteria
	or   [][2]*criteria
}

func prepare(c *imap.SearchCriteria, sel *selection) *criteria {
	out := &criteria{SearchCriteria: c}
	for _, s := range c.SeqNum {
		set := imap.SeqSet{}
		for _, r := range sel.resolve(s) {
			set.AddNum(r.seq)
		}
		out.seqs = append(out.seqs, set)
	}
	for _, s := range c.UID {
		set := imap.UIDSet{}
		for _, r := range sel.resolve(s) {
			set.AddNum(imap.UID(r.uid))
		}
		out.uids = append(out.uids, set)
	}
	for i := range c.Not {
		out.not = append(out.not, prepare(&c.Not[i], sel))
	}
	for i := range c.Or {
		out.or = append(out.or, [2]*criteria{prepare(&c.Or[i][0], sel), prepare(&c.Or[i][1], sel)})
	}
	return out
}

// candidate is a message being matched; its content is read only if a
// criterion needs it, and then once.
type candidate struct {
	se     *session
	ref    ref
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
	raw, err := c.se.readBlob(c.msg)
	if err != nil {
		c.parsed = message.Parse(nil)
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

func (cr *criteria) match(c *candidate) bool {
	m := c.msg
	for _, s := range cr.seqs {
		if !s.Contains(c.ref.seq) {
			return false
		}
	}
	for _, s := range cr.uids {
		if !s.Contains(imap.UID(c.ref.uid)) {
			return false
		}
	}
	// Dates compare by day, ignoring time and zone (RFC 9051 §6.4.4).
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
	for _, f := range cr.Flag {
		if !m.HasFlag(string(f)) {
			return false
		}
	}
	for _, f := range cr.NotFlag {
		if m.HasFlag(string(f)) {
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
	for _, n := range cr.not {
		if n.match(c) {
			return false
		}
	}
	for _, o := range cr.or {
		if !o[0].match(c) && !o[1].match(c) {
			return false
		}
	}
	return true
}

func headerContains(h message.Header, s string) bool {
	for _, f := range h.Fields() {
		if contains(f.Name+": "+message.DecodeHeader(f.Value), s) {
			return true
		}
	}
	return false
}
