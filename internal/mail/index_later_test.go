package mail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
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

// laterIndex is the bed's store as a LaterIndexStore; the test is not for
// a store that writes the terms with the message.
func laterIndex(t *testing.T, b *testbed.Bed) store.LaterIndexStore {
	t.Helper()
	l, ok := b.Store.(store.LaterIndexStore)
	if !ok {
		t.Skip("this store writes the search terms with the message (PostgreSQL)")
	}
	return l
}

func waiting(t *testing.T, b *testbed.Bed, l store.LaterIndexStore) []int64 {
	t.Helper()
	rows, err := l.IndexWaiting(b.Ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range rows {
		ids = append(ids, r.IndexID)
	}
	return ids
}

func consistentStore(t *testing.T, b *testbed.Bed) {
	t.Helper()
	if p, err := b.Store.CheckConsistency(b.Ctx); err != nil || len(p) != 0 {
		t.Fatalf("CheckConsistency: %v %q", err, p)
	}
}

func searchIDs(t *testing.T, b *testbed.Bed, a *store.Account, words string) []int64 {
	t.Helper()
	res, err := b.Mail.Search(b.Ctx, actor.User(a), mail.SearchRequest{Query: store.SearchQuery{Text: search.Parse(words)}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, m := range res.Messages {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	return ids
}

// An appended message is stored without its terms, which wait; the first
// search of its account writes them and finds it, by the webmail's
// search as by SEARCH BODY, and leaves nothing of the account waiting.
// Another account's messages wait on.
func TestIndexLater_aSearchWritesTheWaitingTermsFirst(t *testing.T) {
	b := testbed.New(t)
	l := laterIndex(t, b)
	bob, kim := b.Account("bob", nil), b.Account("kim", nil)
	m1 := b.Put(bob.ID, "INBOX", "Subject: 견적서 보내드립니다\r\n\r\n내일 회의에서 뵙겠습니다\r\n")
	m2 := b.Put(bob.ID, "INBOX", "Subject: invoice\r\n\r\nsee you tomorrow\r\n")
	other := b.Put(kim.ID, "INBOX", "Subject: 견적서\r\n\r\n내일\r\n")
	if got := waiting(t, b, l); !slices.Equal(got, []int64{m1.ID, m2.ID, other.ID}) {
		t.Fatalf("waiting %v, want the three appended", got)
	}
	consistentStore(t, b) // a waiting row is no missing row
	if got := searchIDs(t, b, bob, "견적서"); !slices.Equal(got, []int64{m1.ID}) {
		t.Fatalf("search 견적서 found %v, want [%d]", got, m1.ID)
	}
	if got := waiting(t, b, l); !slices.Equal(got, []int64{other.ID}) {
		t.Fatalf("after bob's search, waiting %v, want kim's alone", got)
	}
	in := inbox(t, b, kim)
	got, err := b.Mail.SearchMailbox(b.Ctx, actor.User(kim), in.ID, []uint32{other.UID}, &mail.Criteria{Body: []string{"내일"}})
	if err != nil || !slices.Equal(got, []uint32{other.UID}) {
		t.Fatalf("SEARCH BODY 내일 = %v, %v; want [%d]", got, err, other.UID)
	}
	if got := waiting(t, b, l); len(got) != 0 {
		t.Fatalf("waiting %v after both searches", got)
	}
	if got := searchIDs(t, b, bob, "tomorrow"); !slices.Equal(got, []int64{m2.ID}) {
		t.Fatalf("search tomorrow found %v, want [%d]", got, m2.ID)
	}
	consistentStore(t, b)
}

// startIndexer runs the indexer of b until the test ends, polling every
// hour (only appends wake it) and gathering appends for gather (0: as the
// server does), and returns what waits for its next pass. The minute
// only ends a test whose indexer never passes.
func startIndexer(t *testing.T, b *testbed.Bed, gather time.Duration) (pass func(what string)) {
	t.Helper()
	passes := make(chan struct{}, 1)
	mail.OnIndexerPass(b.Mail, func() {
		select {
		case passes <- struct{}{}:
		default: // one unread pass is enough to look again
		}
	})
	if gather > 0 {
		mail.GatherIndexerFor(b.Mail, gather)
	}
	ctx, stop := context.WithCancel(b.Ctx)
	done := make(chan struct{})
	go func() { b.Mail.RunIndexer(ctx, time.Hour, testbed.Quiet()); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	return func(what string) {
		t.Helper()
		select {
		case <-passes:
		case <-time.After(time.Minute):
			t.Fatalf("%s: no pass of the indexer within a minute", what)
		}
	}
}

// RunIndexer writes the terms of each message appended while it runs,
// without a search asking.
func TestIndexLater_theIndexerWritesAfterEachAppend(t *testing.T) {
	b := testbed.New(t)
	l := laterIndex(t, b)
	bob := b.Account("bob", nil)
	pass := startIndexer(t, b, 0)
	for i := range 3 {
		b.Put(bob.ID, "INBOX", "Subject: 결재 요청\r\n\r\n전자결재 올렸습니다\r\n"+string(rune('a'+i))+"\r\n")
		// the indexer is woken by the append: wait for its passes (an
		// hour's poll would never come)
		for len(waiting(t, b, l)) > 0 {
			pass(fmt.Sprintf("append %d", i))
		}
	}
	counting := &countingBlobs{Store: b.Blobs}
	b.Mail.Blobs = counting
	if got := searchIDs(t, b, bob, "결재"); len(got) != 3 {
		t.Fatalf("search found %v, want the three", got)
	}
	if n := counting.opens.Load(); n != 0 {
		t.Fatalf("the search read %d files: the indexer had not written the terms", n)
	}
	consistentStore(t, b)
}

// The indexer, woken by an append, waits for more to join its pass, but
// no longer than it takes a chunk's worth to arrive: a fast stream is
// indexed a chunk at a time, whatever the wait.
func TestIndexLater_aChunksWorthEndsTheWait(t *testing.T) {
	b := testbed.New(t)
	l := laterIndex(t, b)
	bob := b.Account("bob", nil)
	// an hour: only the chunk's worth can end the wait within the test
	pass := startIndexer(t, b, time.Hour)
	pass("the first pass, at the start")
	for i := range mail.IndexChunkRows - 1 {
		b.Put(bob.ID, "INBOX", fmt.Sprintf("Subject: 주간 보고 %d\r\n\r\n이번 주 실적입니다\r\n", i))
	}
	if got := len(waiting(t, b, l)); got != mail.IndexChunkRows-1 {
		t.Fatalf("%d appends, short of a chunk: %d wait, want all of them (the indexer still gathering)", mail.IndexChunkRows-1, got)
	}
	last := b.Put(bob.ID, "INBOX", "Subject: 주간 보고 마지막\r\n\r\n이번 주 실적입니다\r\n")
	for len(waiting(t, b, l)) > 0 {
		pass("a chunk's worth appended")
	}
	uids := make([]uint32, 0, mail.IndexChunkRows)
	for u := range last.UID {
		uids = append(uids, u+1)
	}
	counting := &countingBlobs{Store: b.Blobs}
	b.Mail.Blobs = counting
	got, err := b.Mail.SearchMailbox(b.Ctx, actor.User(bob), inbox(t, b, bob).ID, uids, &mail.Criteria{Body: []string{"실적"}})
	if err != nil || len(got) != mail.IndexChunkRows {
		t.Fatalf("SEARCH BODY 실적 found %d (%v), want %d", len(got), err, mail.IndexChunkRows)
	}
	if n := counting.opens.Load(); n != 0 {
		t.Fatalf("the search read %d files: the indexer had not written the terms", n)
	}
	consistentStore(t, b)
}

// A message expunged, or copied, before its terms are written: the
// expunged one waits no more, the copy shares its source's waiting row and
// is found by the terms written for it, also once the source is gone.
func TestIndexLater_expungedAndCopiedWhileWaiting(t *testing.T) {
	b := testbed.New(t)
	l := laterIndex(t, b)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	gone := b.Put(bob.ID, "INBOX", "Subject: 임시\r\n\r\n사라질 메일\r\n")
	src := b.Put(bob.ID, "INBOX", "Subject: 보관\r\n\r\n계약서 원본\r\n")
	archive, err := b.Mail.CreateMailbox(b.Ctx, actor.User(bob), "보관함")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Mail.Copy(b.Ctx, actor.User(bob), in.ID, archive.ID, []uint32{src.UID}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Mail.Expunge(b.Ctx, actor.User(bob), in.ID, []uint32{gone.UID}); err != nil {
		t.Fatal(err)
	}
	if got := waiting(t, b, l); !slices.Equal(got, []int64{src.ID}) {
		t.Fatalf("waiting %v, want the source's row alone (the copy shares it)", got)
	}
	consistentStore(t, b)
	if _, err := b.Mail.Expunge(b.Ctx, actor.User(bob), in.ID, []uint32{src.UID}); err != nil {
		t.Fatal(err)
	}
	if got := waiting(t, b, l); !slices.Equal(got, []int64{src.ID}) {
		t.Fatalf("waiting %v, want the row the copy still names", got)
	}
	got := searchIDs(t, b, bob, "계약서")
	if len(got) != 1 || got[0] == src.ID {
		t.Fatalf("search 계약서 found %v, want the copy", got)
	}
	if got := searchIDs(t, b, bob, "사라질"); len(got) != 0 {
		t.Fatalf("search 사라질 found %v in an expunged message", got)
	}
	consistentStore(t, b)
}

// brokenBlobs fails every read.
type brokenBlobs struct{ blob.Store }

func (*brokenBlobs) Open(string) (io.ReadSeekCloser, error) { return nil, errors.New("disk on fire") }

// A message another process stored (the command line's import), whose
// parse this one does not hold, is indexed from its file. One whose file
// cannot be read when its terms are due is written without terms, marked
// cut, and waits no more: the searches of its account go on.
func TestIndexLater_fromTheFileAndAnUnreadableOneWaitsNoMore(t *testing.T) {
	b := testbed.New(t)
	l := laterIndex(t, b)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	cli := &mail.Service{Store: b.Store, Blobs: b.Blobs}
	put := func(raw string) {
		t.Helper()
		key, size, err := b.Blobs.Put(b.Ctx, strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cli.Append(b.Ctx, actor.System(bob.ID, "test"), mail.AppendRequest{MailboxID: in.ID, BlobKey: key, Size: size,
			Parsed: message.Parse([]byte(raw))}); err != nil {
			t.Fatal(err)
		}
	}
	put("Subject: 출장 보고\r\n\r\n부산 출장 다녀왔습니다\r\n")
	counting := &countingBlobs{Store: b.Blobs}
	b.Mail.Blobs = counting
	if got := searchIDs(t, b, bob, "부산"); len(got) != 1 || counting.opens.Load() != 1 {
		t.Fatalf("search 부산 found %v after reading %d files, want one after one", got, counting.opens.Load())
	}
	put("Subject: 회의록\r\n\r\n내용\r\n")
	b.Mail.Blobs = &brokenBlobs{}
	if n, err := b.Mail.IndexWaiting(b.Ctx, actor.User(bob)); err != nil || n != 1 {
		t.Fatalf("IndexWaiting = %d, %v; want 1 written", n, err)
	}
	b.Mail.Blobs = counting
	if got := waiting(t, b, l); len(got) != 0 {
		t.Fatalf("waiting %v", got)
	}
	if got := searchIDs(t, b, bob, "회의록"); len(got) != 0 {
		t.Fatalf("found %v by terms never made", got)
	}
	consistentStore(t, b)
}

// A message over 8 MiB is indexed with its append, within the memory its
// adapter budgets for it, not read back by the indexer: it does not wait.
func TestIndexLater_aLargeMessageIsIndexedWithItsAppend(t *testing.T) {
	b := testbed.New(t)
	l := laterIndex(t, b)
	bob := b.Account("bob", nil)
	small := b.Put(bob.ID, "INBOX", "Subject: 작은 메일\r\n\r\n내용\r\n")
	b.Put(bob.ID, "INBOX", "Subject: 큰 메일\r\n\r\n"+strings.Repeat("첨부 자료입니다 ", 700_000)+"\r\n") // 16 MB
	if got := waiting(t, b, l); !slices.Equal(got, []int64{small.ID}) {
		t.Fatalf("waiting %v, want the small message alone", got)
	}
	consistentStore(t, b)
}

// A pass of the indexer with a large backlog (a restored backup's index
// rebuilt) tells the log how far it is: the backlog at its start, how
// many are written at each tenth passed, and when it is done. The backlog
// counts what waits.
func TestIndexLater_aLargeBacklogIsReportedAsItGoes(t *testing.T) {
	b := testbed.New(t)
	l := laterIndex(t, b)
	bob := b.Account("bob", nil)
	const n = 200 // chunks of 64: written 64, 128, 192, 200
	for i := range n {
		b.Put(bob.ID, "INBOX", fmt.Sprintf("Subject: 보고서 %d\r\n\r\n주간 보고 %d\r\n", i, i))
	}
	if got, err := l.IndexBacklog(b.Ctx); err != nil || got != n {
		t.Fatalf("backlog %d, %v; want %d", got, err, n)
	}
	mail.ReportIndexerFrom(b.Mail, 100)
	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	ctx, stop := context.WithCancel(b.Ctx)
	passed := make(chan struct{})
	mail.OnIndexerPass(b.Mail, func() {
		select {
		case passed <- struct{}{}:
		case <-ctx.Done():
		}
	})
	done := make(chan struct{})
	go func() { b.Mail.RunIndexer(ctx, time.Hour, log); close(done) }()
	<-passed // the first pass, over the whole backlog
	stop()
	<-done
	type line struct {
		Msg                           string
		Waiting, Written, Of, Percent int
	}
	var got []line
	for _, s := range strings.Split(strings.TrimSpace(logged.String()), "\n") {
		var l line
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			t.Fatalf("log line %q: %v", s, err)
		}
		got = append(got, l)
	}
	want := []line{
		{Msg: "search index: writing the terms of waiting messages", Waiting: n},
		{Msg: "search index: writing", Written: 64, Of: n, Percent: 32},
		{Msg: "search index: writing", Written: 128, Of: n, Percent: 64},
		{Msg: "search index: writing", Written: 192, Of: n, Percent: 96},
		{Msg: "search index: up to date", Written: n},
	}
	if !slices.Equal(got, want) {
		t.Errorf("log:\n%+v\nwant\n%+v", got, want)
	}
	if got, err := l.IndexBacklog(b.Ctx); err != nil || got != 0 {
		t.Errorf("backlog after the pass %d, %v; want 0", got, err)
	}
}
