package session

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// translator turns a SEARCH key tree into the mail service's criteria.
// What the store answers (flags, dates, sizes, headers, text) goes to the
// service as is; what is the session's own (sequence numbers, \Recent,
// "$") or what the criteria cannot express yet (MODSEQ, OLDER/YOUNGER,
// EMAILID/THREADID) becomes a UID set computed here from the rows.
type translator struct {
	s          *Session
	all        []view.Ref // the client's view, ascending
	usesModSeq bool
	cache      map[uint32]*store.MessageIndex
	// star is "*" of UID sets when all is not the whole view (a context
	// re-evaluating some messages, search_context.go); 0: all's last UID.
	star uint32
}

// none is a criterion no message matches: an empty UID set.
func none() *mail.Criteria { return &mail.Criteria{UIDs: [][]uint32{{}}} }

// and adds c's conditions to dst. Scalars that dst already has are
// nested as NOT (NOT c), which is c.
func and(dst, c *mail.Criteria) {
	conflict := (!c.Since.IsZero() && !dst.Since.IsZero()) || (!c.Before.IsZero() && !dst.Before.IsZero()) ||
		(!c.SentSince.IsZero() && !dst.SentSince.IsZero()) || (!c.SentBefore.IsZero() && !dst.SentBefore.IsZero()) ||
		(c.Larger != 0 && dst.Larger != 0) || (c.Smaller != 0 && dst.Smaller != 0)
	if conflict {
		dst.Not = append(dst.Not, mail.Criteria{Not: []mail.Criteria{*c}})
		return
	}
	if !c.Since.IsZero() {
		dst.Since = c.Since
	}
	if !c.Before.IsZero() {
		dst.Before = c.Before
	}
	if !c.SentSince.IsZero() {
		dst.SentSince = c.SentSince
	}
	if !c.SentBefore.IsZero() {
		dst.SentBefore = c.SentBefore
	}
	if c.Larger != 0 {
		dst.Larger = c.Larger
	}
	if c.Smaller != 0 {
		dst.Smaller = c.Smaller
	}
	dst.UIDs = append(dst.UIDs, c.UIDs...)
	dst.Flags = append(dst.Flags, c.Flags...)
	dst.NotFlags = append(dst.NotFlags, c.NotFlags...)
	dst.Header = append(dst.Header, c.Header...)
	dst.Body = append(dst.Body, c.Body...)
	dst.Text = append(dst.Text, c.Text...)
	dst.Not = append(dst.Not, c.Not...)
	dst.Or = append(dst.Or, c.Or...)
}

func (t *translator) key(k *wire.SearchKey) (*mail.Criteria, error) {
	if k == nil {
		return &mail.Criteria{}, nil
	}
	flag := func(f string) *mail.Criteria { return &mail.Criteria{Flags: []string{f}} }
	notFlag := func(f string) *mail.Criteria { return &mail.Criteria{NotFlags: []string{f}} }
	header := func(name string) *mail.Criteria {
		return &mail.Criteria{Header: []mail.HeaderMatch{{Key: name, Value: k.Value}}}
	}
	switch k.Op {
	case "AND":
		c := &mail.Criteria{}
		for _, a := range k.Args {
			ac, err := t.key(a)
			if err != nil {
				return nil, err
			}
			and(c, ac)
		}
		return c, nil
	case "OR":
		a, err := t.key(k.Args[0])
		if err != nil {
			return nil, err
		}
		b, err := t.key(k.Args[1])
		if err != nil {
			return nil, err
		}
		return &mail.Criteria{Or: [][2]mail.Criteria{{*a, *b}}}, nil
	case "NOT":
		a, err := t.key(k.Args[0])
		if err != nil {
			return nil, err
		}
		return &mail.Criteria{Not: []mail.Criteria{*a}}, nil
	case "ALL":
		return &mail.Criteria{}, nil
	case "ANSWERED", "DELETED", "DRAFT", "FLAGGED", "SEEN":
		return flag(`\` + titleCase(k.Op)), nil
	case "UNANSWERED", "UNDELETED", "UNDRAFT", "UNFLAGGED", "UNSEEN":
		return notFlag(`\` + titleCase(strings.TrimPrefix(k.Op, "UN"))), nil
	case "KEYWORD":
		return flag(k.Value), nil
	case "UNKEYWORD":
		return notFlag(k.Value), nil
	case "RECENT":
		return &mail.Criteria{UIDs: [][]uint32{t.recent()}}, nil
	case "OLD":
		return &mail.Criteria{Not: []mail.Criteria{{UIDs: [][]uint32{t.recent()}}}}, nil
	case "NEW": // RFC 3501 §6.4.4: RECENT UNSEEN
		return &mail.Criteria{UIDs: [][]uint32{t.recent()}, NotFlags: []string{store.FlagSeen}}, nil
	case "FROM", "TO", "CC", "BCC", "SUBJECT":
		return header(titleCase(k.Op)), nil
	case "HEADER":
		return &mail.Criteria{Header: []mail.HeaderMatch{{Key: k.Field, Value: k.Value}}}, nil
	case "BODY":
		return &mail.Criteria{Body: []string{k.Value}}, nil
	case "TEXT":
		return &mail.Criteria{Text: []string{k.Value}}, nil
	case "BEFORE":
		return &mail.Criteria{Before: k.Date}, nil
	case "SINCE":
		return &mail.Criteria{Since: k.Date}, nil
	case "ON":
		return &mail.Criteria{Since: k.Date, Before: k.Date.AddDate(0, 0, 1)}, nil
	case "SAVEDBEFORE", "SAVEDON", "SAVEDSINCE":
		// RFC 8514 §4.4: the save date's calendar day, ignoring time and
		// zone, as BEFORE/ON/SINCE compare the internal date.
		want := dayOf(k.Date)
		return t.rowsWhere(func(m *store.MessageIndex) bool {
			d := m.SaveDate
			if d.IsZero() {
				d = m.InternalDate
			}
			day := dayOf(d)
			switch k.Op {
			case "SAVEDBEFORE":
				return day < want
			case "SAVEDON":
				return day == want
			}
			return day >= want
		})
	case "SENTBEFORE":
		return &mail.Criteria{SentBefore: k.Date}, nil
	case "SENTSINCE":
		return &mail.Criteria{SentSince: k.Date}, nil
	case "SENTON":
		return &mail.Criteria{SentSince: k.Date, SentBefore: k.Date.AddDate(0, 0, 1)}, nil
	case "SAVEDATESUPPORTED":
		// RFC 8514 §4.4: every mailbox keeps save dates (the store's
		// fallback for old messages is their internal date).
		return &mail.Criteria{}, nil
	case "LARGER":
		if k.Number >= 1<<62 {
			return none(), nil
		}
		if k.Number == 0 {
			return &mail.Criteria{}, nil // Larger 0 is "no limit" in the criteria
		}
		return &mail.Criteria{Larger: int64(k.Number)}, nil
	case "SMALLER":
		if k.Number == 0 {
			return none(), nil
		}
		if k.Number >= 1<<62 {
			return &mail.Criteria{}, nil
		}
		return &mail.Criteria{Smaller: int64(k.Number)}, nil
	case "SEQSET":
		return t.set(k.Set, false)
	case "UID":
		return t.set(k.Set, true)
	case "MODSEQ":
		t.usesModSeq = true
		return t.rowsWhere(func(m *store.MessageIndex) bool { return m.ModSeq >= k.Number })
	case "OLDER", "YOUNGER":
		// RFC 5032: internal date at least / at most n seconds ago.
		now := time.Now()
		limit := now.Add(-time.Duration(min(k.Number, 1<<33)) * time.Second)
		older := k.Op == "OLDER"
		return t.rowsWhere(func(m *store.MessageIndex) bool {
			if older {
				return !m.InternalDate.After(limit)
			}
			return !m.InternalDate.Before(limit)
		})
	case "EMAILID":
		return t.rowsWhere(func(m *store.MessageIndex) bool { return mail.EmailObjectID(m.ID) == k.Value })
	case "THREADID":
		return t.rowsWhere(func(m *store.MessageIndex) bool { return m.ThreadID != 0 && mail.ThreadObjectID(m.ThreadID) == k.Value })
	}
	return nil, bad(wire.Code{}, "Unsupported search key "+k.Op)
}

// titleCase turns "ANSWERED" into "Answered".
func titleCase(s string) string {
	if s == "" {
		return s
	}
	return s[:1] + strings.ToLower(s[1:])
}

// recent lists the UIDs with \Recent in this session.
func (t *translator) recent() []uint32 {
	out := []uint32{}
	for _, r := range t.all {
		if t.s.sel.view.IsRecent(r.UID) {
			out = append(out, r.UID)
		}
	}
	return out
}

// set is a sequence set or UID set as the UIDs it names. Numbers beyond
// the view match nothing (no error: the answer is simply empty).
func (t *translator) set(set wire.SeqSet, uid bool) (*mail.Criteria, error) {
	if set.Saved {
		saved := slices.Clone(t.s.savedResult())
		slices.Sort(saved)
		if saved == nil {
			saved = []uint32{}
		}
		return &mail.Criteria{UIDs: [][]uint32{saved}}, nil
	}
	out := []uint32{}
	if uid {
		star := t.star
		if n := len(t.all); star == 0 && n > 0 {
			star = t.all[n-1].UID
		} else if star == 0 {
			star = t.s.sel.view.UIDNext()
		}
		for _, r := range t.all {
			if set.Contains(r.UID, star) {
				out = append(out, r.UID)
			}
		}
	} else {
		n := uint32(len(t.all))
		for _, r := range t.all {
			if n > 0 && set.Contains(r.Seq, n) {
				out = append(out, r.UID)
			}
		}
	}
	return &mail.Criteria{UIDs: [][]uint32{out}}, nil
}

// rows reads the state of the mailbox's messages (the lean listing, no
// envelope decoded) once per search.
func (t *translator) rows() (map[uint32]*store.MessageIndex, error) {
	if t.cache != nil {
		return t.cache, nil
	}
	t.cache = make(map[uint32]*store.MessageIndex, len(t.all))
	if len(t.all) == 0 {
		return t.cache, nil
	}
	idx, err := t.s.cfg.Mail.MailboxIndex(t.s.ctx, t.s.who(), t.s.sel.mailbox.ID, t.all[0].UID-1)
	if err != nil {
		return nil, fmt.Errorf("search: messages of mailbox %d: %w", t.s.sel.mailbox.ID, err)
	}
	for i := range idx {
		t.cache[idx[i].UID] = &idx[i]
	}
	return t.cache, nil
}

// rowsWhere is the UIDs of the rows that satisfy ok.
func (t *translator) rowsWhere(ok func(*store.MessageIndex) bool) (*mail.Criteria, error) {
	rows, err := t.rows()
	if err != nil {
		return nil, err
	}
	out := []uint32{}
	for _, r := range t.all {
		if m := rows[r.UID]; m != nil && ok(m) {
			out = append(out, r.UID)
		}
	}
	return &mail.Criteria{UIDs: [][]uint32{out}}, nil
}

// dayOf is t's calendar day in its own zone as YYYYMMDD.
func dayOf(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}
