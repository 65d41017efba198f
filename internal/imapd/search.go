package imapd

import (
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"postroom/internal/mail"
)

// Search implements imapserver.Session (RFC 9051 §6.4.4, ESEARCH, SEARCHRES).
// The mailbox service matches (mail.Criteria: text compares ignoring case
// against decoded text, so a UTF-8 search finds words in EUC-KR or
// ISO-2022-KR messages, and Korean words are looked up in the index); this
// adapter only translates the session's sequence numbers to UIDs and back.
func (se *session) Search(kind imapserver.NumKind, criteria *imap.SearchCriteria, options *imap.SearchOptions) (*imap.SearchData, error) {
	sel, err := se.requireSelected()
	if err != nil {
		return nil, err
	}
	refs := sel.resolve(imap.SeqSet{imap.SeqRange{Start: 1, Stop: 0}})
	matched, err := se.s.Mail.SearchMailbox(se.ctx, se.who(), sel.mailbox.ID, refUIDs(refs), translate(criteria, sel))
	if err != nil {
		return nil, storeError(err)
	}
	var seqs imap.SeqSet
	var uids imap.UIDSet
	data := &imap.SearchData{}
	for _, r := range refs {
		if _, ok := slices.BinarySearch(matched, r.uid); !ok {
			continue
		}
		n := r.seq
		if kind == imapserver.NumKindUID {
			n = r.uid
		}
		uids.AddNum(imap.UID(r.uid))
		seqs.AddNum(r.seq)
		if data.Min == 0 || n < data.Min {
			data.Min = n
		}
		data.Max = max(data.Max, n)
		data.Count++
	}
	if options != nil && options.ReturnSave {
		sel.saved = uids // "$" names messages by UID whatever the command (RFC 5182)
	}
	// The library dereferences All whatever the client asked: never nil.
	if kind == imapserver.NumKindUID {
		data.All = uids
		if uids == nil {
			data.All = imap.UIDSet{}
		}
	} else {
		data.All = seqs
		if seqs == nil {
			data.All = imap.SeqSet{}
		}
	}
	return data, nil
}

// translate turns IMAP search keys into the mailbox service's criteria,
// sequence sets into the UIDs they name in the session's view.
func translate(c *imap.SearchCriteria, sel *selection) *mail.Criteria {
	out := &mail.Criteria{
		Since: c.Since, Before: c.Before, SentSince: c.SentSince, SentBefore: c.SentBefore,
		Larger: c.Larger, Smaller: c.Smaller, Body: c.Body, Text: c.Text,
	}
	for _, f := range c.Flag {
		out.Flags = append(out.Flags, string(f))
	}
	for _, f := range c.NotFlag {
		out.NotFlags = append(out.NotFlags, string(f))
	}
	for _, h := range c.Header {
		out.Header = append(out.Header, mail.HeaderMatch{Key: h.Key, Value: h.Value})
	}
	for _, s := range c.SeqNum {
		out.UIDs = append(out.UIDs, refUIDs(sel.resolve(s)))
	}
	for _, s := range c.UID {
		out.UIDs = append(out.UIDs, refUIDs(sel.resolve(s)))
	}
	for i := range c.Not {
		out.Not = append(out.Not, *translate(&c.Not[i], sel))
	}
	for i := range c.Or {
		out.Or = append(out.Or, [2]mail.Criteria{*translate(&c.Or[i][0], sel), *translate(&c.Or[i][1], sel)})
	}
	return out
}
