package mail_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/search"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// mailSearch is the webmail's search of body text.
func mailSearch(t *testing.T, b *testbed.Bed, a *store.Account, body string) ([]int64, error) {
	t.Helper()
	res, err := b.Mail.Search(b.Ctx, actor.User(a), mail.SearchRequest{Query: store.SearchQuery{Body: search.Parse(body)}})
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, m := range res.Messages {
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// countingBlobs counts the messages a search opens.
type countingBlobs struct {
	blob.Store
	opens atomic.Int64
}

func (c *countingBlobs) Open(key string) (io.ReadSeekCloser, error) {
	c.opens.Add(1)
	return c.Store.Open(key)
}

// allUIDs lists a mailbox's UIDs, as a client that knows them all.
func allUIDs(t *testing.T, b *testbed.Bed, a *store.Account, mailboxID int64) []uint32 {
	t.Helper()
	uids, err := b.Mail.UIDs(b.Ctx, actor.User(a), mailboxID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return uids
}

// SEARCH BODY for a Korean word reads only the messages whose indexed
// body holds its bigrams and whose index does not vouch for them
// (search.ExactTerm: none here, issue 21), and still answers exactly: a
// message the index proposes but whose text does not hold the string (a
// compatibility ideograph, equal only after NFKC, so not marked) is read
// and is not a match.
func TestSearchMailbox_koreanBodyReadsOnlyTheIndexsCandidates(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	var want []uint32
	for i := 0; i < 40; i++ {
		body := "결정 재고 확인 부탁드립니다" // the syllables, not the word
		if i%10 == 3 {
			body = "전자결재 올렸습니다"
		}
		m := b.Put(bob.ID, "INBOX", fmt.Sprintf("Subject: 결재 %d\r\n\r\n%s\r\n", i, body))
		if i%10 == 3 {
			want = append(want, m.UID)
		}
	}
	b.Put(bob.ID, "INBOX", "Subject: compat\r\n\r\n\uf900見 확인\r\n") // 豈 as U+F900
	compat := b.Put(bob.ID, "INBOX", "Subject: unified\r\n\r\n豈見 확인\r\n")
	// the terms written after the appends are read from the files
	// first (index_later.go): counted are the reads of the search alone
	if _, err := b.Mail.IndexWaiting(b.Ctx, actor.User(bob)); err != nil {
		t.Fatal(err)
	}
	counting := &countingBlobs{Store: b.Blobs}
	b.Mail.Blobs = counting
	uids := allUIDs(t, b, bob, in.ID)

	got, err := b.Mail.SearchMailbox(b.Ctx, actor.User(bob), in.ID, uids, &mail.Criteria{Body: []string{"결재"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("BODY 결재 = %v, want %v", got, want)
	}
	if n := counting.opens.Load(); n != 0 {
		t.Errorf("BODY 결재 read %d messages, want none: the index answers for all of them", n)
	}
	counting.opens.Store(0)
	got, err = b.Mail.SearchMailbox(b.Ctx, actor.User(bob), in.ID, uids, &mail.Criteria{Body: []string{"豈見"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []uint32{compat.UID}) || counting.opens.Load() != 1 {
		t.Errorf("BODY 豈見 = %v after reading %d messages; want [%d] after reading the 1 the index proposes but cannot vouch for",
			got, counting.opens.Load(), compat.UID)
	}
	// A Latin word may be part of a longer one: every message is read.
	counting.opens.Store(0)
	got, err = b.Mail.SearchMailbox(b.Ctx, actor.User(bob), in.ID, uids, &mail.Criteria{Body: []string{"LVED"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 || counting.opens.Load() != int64(len(uids)) {
		t.Errorf("BODY LVED = %v after reading %d of %d messages", got, counting.opens.Load(), len(uids))
	}
}

// Whatever the keys, searching with the index answers what reading every
// message answers (the rule IMAP clients see): checked on a fixed random
// corpus against a plain scan written here.
func TestSearchMailbox_answersWhatAScanAnswers(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	words := []string{"결재", "전자결재", "결정", "재고", "회의록", "회의", "의록", "invoice", "Invoices", "hello", "회", "見積書", "決裁"}
	r := rand.New(rand.NewPCG(1, 2))
	texts := map[uint32]string{}
	for i := 0; i < 80; i++ {
		var body strings.Builder
		for w := 0; w < 6; w++ {
			body.WriteString(words[r.IntN(len(words))])
			if r.IntN(3) > 0 {
				body.WriteByte(' ')
			}
		}
		flags := ""
		if i%4 == 0 {
			flags = "seen"
		}
		raw := fmt.Sprintf("Subject: %s %d\r\nX-Note: %s\r\n\r\n%s\r\n", words[i%len(words)], i, flags, body.String())
		m := b.Put(bob.ID, "INBOX", raw)
		texts[m.UID] = strings.ToLower(message.Parse([]byte(raw)).Text())
		if i%4 == 0 {
			if _, err := b.Mail.StoreFlags(b.Ctx, actor.System(bob.ID, "test"), in.ID, []uint32{m.UID}, store.FlagsAdd, []string{store.FlagSeen}); err != nil {
				t.Fatal(err)
			}
		}
	}
	uids := allUIDs(t, b, bob, in.ID)
	holds := func(needles ...string) func(uint32) bool {
		return func(u uint32) bool {
			for _, n := range needles {
				if !strings.Contains(texts[u], strings.ToLower(n)) {
					return false
				}
			}
			return true
		}
	}
	seen := func(u uint32) bool { return (u-1)%4 == 0 }
	for _, tc := range []struct {
		name string
		c    mail.Criteria
		want func(uint32) bool
	}{
		{"one word", mail.Criteria{Body: []string{"결재"}}, holds("결재")},
		{"a word inside words", mail.Criteria{Body: []string{"의록"}}, holds("의록")},
		{"two words", mail.Criteria{Body: []string{"회의", "결재"}}, holds("회의", "결재")},
		{"a phrase across words", mail.Criteria{Body: []string{"결재 회의"}}, holds("결재 회의")},
		{"kanji", mail.Criteria{Body: []string{"書決"}}, holds("書決")},
		{"latin substring", mail.Criteria{Body: []string{"voice"}}, holds("voice")},
		{"one syllable", mail.Criteria{Body: []string{"회"}}, holds("회")},
		{"with a flag", mail.Criteria{Body: []string{"결재"}, Flags: []string{store.FlagSeen}},
			func(u uint32) bool { return holds("결재")(u) && seen(u) }},
		{"not", mail.Criteria{Not: []mail.Criteria{{Body: []string{"결재"}}}}, func(u uint32) bool { return !holds("결재")(u) }},
		{"or", mail.Criteria{Or: [][2]mail.Criteria{{{Body: []string{"결재"}}, {Body: []string{"見積"}}}}},
			func(u uint32) bool { return holds("결재")(u) || holds("見積")(u) }},
		{"within a set of UIDs", mail.Criteria{Body: []string{"회의"}, UIDs: [][]uint32{uids[10:30]}},
			func(u uint32) bool { return holds("회의")(u) && u >= uids[10] && u <= uids[29] }},
	} {
		var want []uint32
		for _, u := range uids {
			if tc.want(u) {
				want = append(want, u)
			}
		}
		got, err := b.Mail.SearchMailbox(b.Ctx, actor.User(bob), in.ID, uids, &tc.c)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, want)
		}
	}
}

// The webmail's days are the user's: a bad one is ErrInvalid.
func TestSearch_badDayIsInvalid(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	for _, r := range []mail.SearchRequest{{Since: "2026-13-01"}, {Until: "yesterday"}} {
		if _, err := b.Mail.Search(b.Ctx, actor.User(bob), r); !errors.Is(err, mail.ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", r, err)
		}
	}
	seoul := b.Account("seoul", func(a *store.Account) { a.TimeZone = "Asia/Seoul" })
	m := b.Put(seoul.ID, "INBOX", "Subject: x\r\n\r\nx\r\n")
	// 2026-03-01 00:30 in Seoul is still 28 February in UTC.
	at := time.Date(2026, 3, 1, 0, 30, 0, 0, time.FixedZone("KST", 9*3600))
	if err := setDate(b, seoul.ID, m, at); err != nil {
		t.Fatal(err)
	}
	res, err := b.Mail.Search(context.Background(), actor.User(seoul), mail.SearchRequest{Since: "2026-03-01", Until: "2026-03-01"})
	if err != nil || res.Total != 1 {
		t.Errorf("the user's 1 March: %+v, %v; want the message", res, err)
	}
}

// A search in another account's folder is not found, as that folder is
// for every other call (it used to answer an empty result).
func TestSearch_anotherAccountsMailboxIsNotFound(t *testing.T) {
	b := testbed.New(t)
	alice, bob := b.Account("alice", nil), b.Account("bob", nil)
	m := b.Put(alice.ID, "INBOX", "Subject: 견적서\r\n\r\n견적서\r\n")
	_, err := b.Mail.Search(b.Ctx, actor.User(bob), mail.SearchRequest{Query: store.SearchQuery{MailboxID: m.MailboxID, Text: search.Parse("견적서")}})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob searching alice's INBOX: %v, want ErrNotFound", err)
	}
	res, err := b.Mail.Search(b.Ctx, actor.User(alice), mail.SearchRequest{Query: store.SearchQuery{MailboxID: m.MailboxID, Text: search.Parse("견적서")}})
	if err != nil || res.Total != 1 {
		t.Fatalf("alice's own search: %+v, %v", res, err)
	}
}

// setDate gives a message another internal date, by storing it again.
func setDate(b *testbed.Bed, accountID int64, m *store.Message, at time.Time) error {
	raw, err := b.Mail.Bytes(b.Ctx, actor.System(accountID, "test"), m)
	if err != nil {
		return err
	}
	if _, err := b.Mail.AppendRaw(b.Ctx, actor.System(accountID, "test"), mail.RawMessage{MailboxID: m.MailboxID,
		Body: strings.NewReader(string(raw)), InternalDate: at}); err != nil {
		return err
	}
	_, err = b.Mail.Expunge(b.Ctx, actor.System(accountID, "test"), m.MailboxID, []uint32{m.UID})
	return err
}

// Only the first search.MaxIndexedText bytes of a body are indexed: a
// word after them is still found by an IMAP search, which reads such
// messages rather than trusting their terms.
func TestSearchMailbox_findsWordsPastTheIndexedPartOfALongBody(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	long := b.Put(bob.ID, "INBOX", "Subject: long\r\n\r\n"+strings.Repeat("회의 자료 ", search.MaxIndexedText/14+1000)+"\r\n전자결재\r\n")
	short := b.Put(bob.ID, "INBOX", "Subject: short\r\n\r\n결재\r\n")
	b.Put(bob.ID, "INBOX", "Subject: none\r\n\r\n회의\r\n")
	got, err := b.Mail.SearchMailbox(b.Ctx, actor.User(bob), in.ID, allUIDs(t, b, bob, in.ID), &mail.Criteria{Body: []string{"결재"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []uint32{long.UID, short.UID}) {
		t.Errorf("BODY 결재 = %v, want [%d %d] (the long body's word is past the indexed part)", got, long.UID, short.UID)
	}
}

// SEARCH SUBJECT, FROM, TO, CC and BCC are answered from the envelope the
// row keeps, reading no message, and exactly as the header would: the
// decoded subject (EUC-KR in RFC 2047 here), an address's name or
// address or "Name <address>". Another field reads the messages.
func TestSearchMailbox_headerKeysReadNoMessage(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	hit := b.Put(bob.ID, "INBOX", "From: =?EUC-KR?B?wOXAzrDm?= <kim@remote.example>\r\nTo: Bob <bob@example.test>\r\n"+
		"Cc: lee@remote.example\r\nSubject: =?EUC-KR?B?wNu+98DPwaQgsOHA5w==?=\r\nX-Team: sales\r\n\r\nbody\r\n")
	b.Put(bob.ID, "INBOX", "From: park@remote.example\r\nTo: bob@example.test\r\nSubject: weekly report\r\nX-Team: dev\r\n\r\nbody\r\n")
	counting := &countingBlobs{Store: b.Blobs}
	b.Mail.Blobs = counting
	uids := allUIDs(t, b, bob, in.ID)
	for _, c := range []struct {
		key, value string
		want       []uint32
	}{
		{"SUBJECT", "결재", []uint32{hit.UID}},       // "작업일정 결재" decoded from EUC-KR
		{"Subject", "REPORT", []uint32{uids[1]}},   // case folds
		{"FROM", "장인경", []uint32{hit.UID}},         // the decoded name
		{"FROM", "장인경 <kim@", []uint32{hit.UID}},   // name and address together
		{"FROM", "park@remote", []uint32{uids[1]}}, // the address
		{"TO", "Bob <bob", []uint32{hit.UID}},
		{"CC", "lee@", []uint32{hit.UID}},
		{"CC", "park", nil}, // no Cc at all
		{"BCC", "bob", nil},
	} {
		got, err := b.Mail.SearchMailbox(b.Ctx, actor.User(bob), in.ID, uids, &mail.Criteria{Header: []mail.HeaderMatch{{Key: c.key, Value: c.value}}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %q = %v, want %v", c.key, c.value, got, c.want)
		}
	}
	if n := counting.opens.Load(); n != 0 {
		t.Errorf("the header searches read %d messages, want none", n)
	}
	got, err := b.Mail.SearchMailbox(b.Ctx, actor.User(bob), in.ID, uids, &mail.Criteria{Header: []mail.HeaderMatch{{Key: "X-Team", Value: "sales"}}})
	if err != nil || !slices.Equal(got, []uint32{hit.UID}) || counting.opens.Load() != 2 {
		t.Errorf("HEADER X-Team sales = %v (%v) after reading %d messages, want [%d] after 2", got, err, counting.opens.Load(), hit.UID)
	}
}
