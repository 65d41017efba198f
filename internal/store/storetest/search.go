package storetest

import (
	"fmt"
	"strings"
	"time"

	"postroom/internal/search"
	"postroom/internal/store"
)

var searchTests = []test{
	{"search_findsKoreanSubstringsFieldsAndFollowsMoves", testSearch},
	{"search_uidsOfOneMailboxAscending", testSearchUIDs},
}

func indexed(subject, from, to, body string) store.IndexText {
	j := func(s string) string { return strings.Join(search.Tokens(s), " ") }
	return store.IndexText{Subject: j(subject), From: j(from), To: j(to), Body: j(body)}
}

func testSearch(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	in := e.inbox(a.ID)
	put := func(acct, mb int64, idx store.IndexText, at time.Time, att bool) *store.Message {
		nm := e.newMsg(acct, mb)
		nm.Index, nm.InternalDate, nm.HasAttachment = idx, at, att
		return e.add(nm)
	}
	quote := put(a.ID, in.ID, indexed("2026년 견적서 송부", "김철수 kim@vendor.co.kr", "alice@example.com", "첨부한 견적서를 확인해 주세요"), baseTime, true)
	invoice := put(a.ID, in.ID, indexed("Invoice 42", "billing@shop.example", "alice@example.com", "Your invoice is ready"), baseTime.Add(time.Hour), false)
	put(b.ID, e.inbox(b.ID).ID, indexed("견적서", "x@y.example", "bob@example.com", "견적서"), baseTime, false) // another account

	find := func(q store.SearchQuery) []int64 {
		r, err := e.s.Search(e.ctx, a.ID, q)
		e.ok(err, "Search")
		var ids []int64
		for _, m := range r.Messages {
			ids = append(ids, m.ID)
		}
		if r.Total != len(ids) && q.Limit == 0 {
			e.Errorf("total %d for %d results", r.Total, len(ids))
		}
		return ids
	}
	want := func(what string, got []int64, ids ...int64) {
		e.Helper()
		if len(got) != len(ids) {
			e.Errorf("%s: got %v, want %v", what, got, ids)
			return
		}
		for i := range ids {
			if got[i] != ids[i] {
				e.Errorf("%s: got %v, want %v (newest first)", what, got, ids)
				return
			}
		}
	}
	want("two-syllable Korean word", find(store.SearchQuery{Text: search.Parse("견적")}), quote.ID)
	want("inner Korean substring", find(store.SearchQuery{Text: search.Parse("적서")}), quote.ID)
	want("English prefix", find(store.SearchQuery{Text: search.Parse("invo")}), invoice.ID)
	want("everything, newest first", find(store.SearchQuery{}), invoice.ID, quote.ID)
	// Whatever a backend uses to keep a search to one account must not be
	// found as a word of the mail itself.
	want("the account's own id as a word", find(store.SearchQuery{Text: search.Parse(fmt.Sprintf("a%d", a.ID))}))
	want("paging past the first hit", find(store.SearchQuery{Offset: 1, Limit: 1}), quote.ID)
	want("from field", find(store.SearchQuery{From: search.Parse("vendor")}), quote.ID)
	want("subject field does not search the body", find(store.SearchQuery{Subject: search.Parse("확인")}))
	want("body field", find(store.SearchQuery{Body: search.Parse("확인")}), quote.ID)
	want("has attachment", find(store.SearchQuery{HasAttachment: true}), quote.ID)
	want("date range", find(store.SearchQuery{Since: baseTime.Add(time.Minute)}), invoice.ID)

	arch := e.byRole(a.ID, store.RoleArchive)
	_, _, err := e.s.MoveMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{quote.UID})
	e.ok(err, "MoveMessages")
	r, err := e.s.Search(e.ctx, a.ID, store.SearchQuery{Text: search.Parse("견적"), MailboxID: arch.ID})
	e.ok(err, "Search in Archive")
	if len(r.Messages) != 1 || r.ByMailbox[arch.ID] != 1 || r.ByMailbox[in.ID] != 0 {
		e.Errorf("after the move: %+v", r)
	}
	_, dst, err := e.s.CopyMessages(e.ctx, a.ID, arch.ID, in.ID, []uint32{r.Messages[0].UID})
	e.ok(err, "CopyMessages")
	if got := find(store.SearchQuery{Text: search.Parse("견적서")}); len(got) != 2 {
		e.Errorf("a copy must be found too: %v", got)
	}
	_, err = e.s.Expunge(e.ctx, a.ID, in.ID, dst)
	e.ok(err, "Expunge")
	if got := find(store.SearchQuery{Text: search.Parse("견적서")}); len(got) != 1 {
		e.Errorf("an expunged copy is still found: %v", got)
	}
	// Re-indexing replaces the terms and the has-attachment facet (a row
	// stored before the rule changed gets the new answer); another account
	// cannot.
	e.ok(e.s.SetIndex(e.ctx, a.ID, invoice.ID, indexed("청구서", "", "", "")), "SetIndex")
	want("after re-indexing", find(store.SearchQuery{Text: search.Parse("청구")}), invoice.ID)
	want("old terms gone", find(store.SearchQuery{Text: search.Parse("invoice")}))
	withFile := indexed("청구서", "", "", "")
	withFile.HasAttachment = true
	e.ok(e.s.SetIndex(e.ctx, a.ID, invoice.ID, withFile), "SetIndex with a file")
	noFile := indexed("2026년 견적서 송부", "", "", "")
	e.ok(e.s.SetIndex(e.ctx, a.ID, quote.ID, noFile), "SetIndex without files")
	want("has-attachment facet after re-indexing", find(store.SearchQuery{HasAttachment: true}), invoice.ID)
	if m, err := e.s.Message(e.ctx, a.ID, quote.ID); err != nil || m.HasAttachment {
		e.Errorf("after re-indexing without files: HasAttachment %v (%v)", m != nil && m.HasAttachment, err)
	}
	e.wantErr(e.s.SetIndex(e.ctx, b.ID, invoice.ID, indexed("x", "", "", "")), store.ErrNotFound, "SetIndex of another account's message")
	e.consistent()
}

// SearchUIDs answers an IMAP SEARCH: the matching UIDs of one mailbox of
// the account, ascending, whatever their dates; nothing of other mailboxes
// or accounts.
func testSearchUIDs(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	in, arch := e.inbox(a.ID), e.byRole(a.ID, store.RoleArchive)
	put := func(acct, mb int64, body string, at time.Time) *store.Message {
		nm := e.newMsg(acct, mb)
		nm.Index, nm.InternalDate = indexed("주간 보고", "kim@vendor.co.kr", "alice@example.com", body), at
		return e.add(nm)
	}
	first := put(a.ID, in.ID, "전자결재 올렸습니다", baseTime.Add(2*time.Hour)) // newer than the next
	put(a.ID, in.ID, "결정 재고 확인", baseTime)
	third := put(a.ID, in.ID, "결재 부탁드립니다", baseTime.Add(time.Hour))
	put(a.ID, arch.ID, "결재 완료", baseTime)
	put(b.ID, e.inbox(b.ID).ID, "결재 부탁드립니다", baseTime)
	body, _ := search.Substring("결재")
	uids := func(mailboxID int64, q store.SearchQuery) []uint32 {
		e.Helper()
		got, err := e.s.SearchUIDs(e.ctx, a.ID, mailboxID, q)
		e.ok(err, "SearchUIDs")
		return got
	}
	if got := uids(in.ID, store.SearchQuery{Body: body}); fmt.Sprint(got) != fmt.Sprint([]uint32{first.UID, third.UID}) {
		e.Errorf("SearchUIDs(INBOX, body 결재) = %v, want %v ascending", got, []uint32{first.UID, third.UID})
	}
	if got := uids(in.ID, store.SearchQuery{Subject: body}); len(got) != 0 {
		e.Errorf("SearchUIDs(subject 결재) = %v, want none", got)
	}
	if got := uids(in.ID, store.SearchQuery{Body: body, Since: baseTime.Add(90 * time.Minute)}); fmt.Sprint(got) != fmt.Sprint([]uint32{first.UID}) {
		e.Errorf("SearchUIDs(body 결재, since) = %v, want [%d]", got, first.UID)
	}
	if got := uids(in.ID, store.SearchQuery{}); len(got) != 3 {
		e.Errorf("SearchUIDs(INBOX, everything) = %v, want its 3 messages", got)
	}
	if got, err := e.s.SearchUIDs(e.ctx, b.ID, in.ID, store.SearchQuery{Body: body}); err != nil || len(got) != 0 {
		e.Errorf("bob's SearchUIDs in alice's INBOX = %v, %v; want nothing", got, err)
	}
}
