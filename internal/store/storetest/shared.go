package storetest

// Shared tests: two handles on one database, as two Postroom nodes (or two
// processes) see it. Each handle has its own connections and caches, so
// what one handle commits the other must see, and what the contract
// promises "once" (a UID, a queue lease, the end of a job) holds across
// both. No test waits on the clock: claims and leases take explicit times.

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"postroom/internal/store"
)

// sharedTest is one behaviour of the contract across two handles.
type sharedTest struct {
	name string
	fn   func(a, b *env)
}

var sharedTests = []sharedTest{
	{"shared_appendsThroughBothHandlesGetDenseOrderedUIDs", testSharedUIDs},
	{"shared_queueClaimsOnceAcrossHandlesAndExpiredLeasesMove", testSharedQueueClaims},
	{"shared_jobsEndOnceAcrossHandles", testSharedJobs},
	{"shared_jobClaimsOnceAcrossHandlesAndExpiredLeasesMove", testSharedJobClaims},
	{"shared_webSessionSeenAndRevokedAcrossHandles", testSharedWebSessions},
	{"shared_certCacheWrittenByOneReadByTheOther", testSharedCertCache},
}

// RunShared runs the multi-handle tests. open returns two independent
// handles (two pools, two opens of one file) on one fresh, empty database,
// and registers their cleanup with t.Cleanup.
func RunShared(t *testing.T, open func(t *testing.T) (a, b store.Store)) {
	for _, tc := range sharedTests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := open(t)
			if a == nil || b == nil {
				t.Fatal("open returned a nil store")
			}
			tc.fn(&env{T: t, s: a, ctx: t.Context()}, &env{T: t, s: b, ctx: t.Context()})
		})
	}
}

const (
	sharedWriters   = 4 // per handle
	sharedPerWriter = 25
)

// testSharedUIDs appends into one mailbox through both handles while a
// reader on each handle walks it: UIDs must be exactly start..start+n-1
// with MODSEQs rising in UID order, and no reader may ever see a UID
// vanish or a hole below the highest UID it saw (that would mean a UID
// committed after a higher one: an IMAP client would skip it for good).
func testSharedUIDs(a, b *env) {
	acct := a.account("alice@example.com")
	in := a.inbox(acct.ID)
	start := b.mbox(acct.ID, in.ID).UIDNext
	var (
		writers, readers sync.WaitGroup
		bad              errs
		mu               sync.Mutex
		stored           []*store.Message
	)
	done := make(chan struct{})
	for _, h := range []*env{a, b} {
		for w := range sharedWriters {
			writers.Go(func() {
				for i := range sharedPerWriter {
					m, err := h.s.AppendMessage(h.ctx, h.newMsg(acct.ID, in.ID))
					if err != nil {
						bad.add(fmt.Errorf("writer %d append %d: %w", w, i, err))
						return
					}
					mu.Lock()
					stored = append(stored, m)
					mu.Unlock()
				}
			})
		}
		// The reader on this handle sees the other handle's appends too.
		readers.Go(func() {
			var seen uint32 // highest UID seen so far
			for {
				var uids []uint32
				err := h.s.Messages(h.ctx, acct.ID, in.ID, func(m *store.Message) error {
					uids = append(uids, m.UID)
					return nil
				})
				if err != nil {
					bad.add(fmt.Errorf("reader: Messages: %w", err))
					return
				}
				if len(uids) > 0 && !slices.Equal(uids, seq(start, uids[len(uids)-1])) {
					bad.add(fmt.Errorf("reader saw UIDs with a hole: %v", uids))
					return
				}
				top := start - 1 + uint32(len(uids))
				if top < seen {
					bad.add(fmt.Errorf("reader saw UIDs go back from %d to %d", seen, top))
					return
				}
				seen = top
				select {
				case <-done:
					return
				default:
				}
			}
		})
	}
	writers.Wait()
	close(done)
	readers.Wait()
	bad.report(a)

	const total = 2 * sharedWriters * sharedPerWriter
	slices.SortFunc(stored, func(x, y *store.Message) int { return int(x.UID) - int(y.UID) })
	var uids []uint32
	for i, m := range stored {
		uids = append(uids, m.UID)
		if i > 0 && m.ModSeq <= stored[i-1].ModSeq {
			a.Errorf("UID %d has MODSEQ %d, not above UID %d's %d", m.UID, m.ModSeq, stored[i-1].UID, stored[i-1].ModSeq)
		}
	}
	if !slices.Equal(uids, seq(start, start+total-1)) {
		a.Fatalf("UIDs are not exactly %d..%d: got %d UIDs, first %v", start, start+total-1, len(uids), uids[:min(10, len(uids))])
	}
	top := stored[len(stored)-1].ModSeq
	for _, h := range []*env{a, b} {
		if got := h.uids(acct.ID, in.ID); !slices.Equal(got, uids) {
			h.Errorf("a handle walks %d UIDs, want the %d appended", len(got), len(uids))
		}
		m := h.mbox(acct.ID, in.ID)
		if m.UIDNext != start+total || m.HighestModSeq < top {
			h.Errorf("a handle reads UIDNEXT %d HIGHESTMODSEQ %d, want %d and at least %d", m.UIDNext, m.HighestModSeq, start+total, top)
		}
	}
	a.consistent()
}

// claimRound runs claimers on each of handles until ClaimDue gives them
// nothing, and returns how often each recipient was claimed.
func claimRound(handles []*env, now time.Time, lease time.Duration) (map[int64]int, []error) {
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		counts = map[int64]int{}
		bad    []error
	)
	for _, h := range handles {
		for range 2 {
			wg.Go(func() {
				for {
					got, err := h.s.ClaimDue(h.ctx, now, lease, 3)
					mu.Lock()
					if err != nil {
						bad = append(bad, fmt.Errorf("ClaimDue: %w", err))
					}
					for _, q := range got {
						for _, r := range q.Recipients {
							counts[r.ID]++
						}
					}
					mu.Unlock()
					if err != nil || len(got) == 0 {
						return
					}
				}
			})
		}
	}
	wg.Wait()
	return counts, bad
}

// testSharedQueueClaims queues mail through A and claims it through both
// handles at once: each recipient is claimed once while its lease holds,
// and when the lease ends the other handle takes it again (a node that
// died mid-delivery leaves its mail to the others).
func testSharedQueueClaims(a, b *env) {
	const n = 20
	ids := map[int64]bool{}
	for i := range n {
		q := &store.QueuedMessage{From: "alice@example.com", Recipients: rcpts(fmt.Sprintf("r%d@example.net", i)),
			BlobKey: newBlobKey(), Size: 10, CreatedAt: baseTime}
		a.ok(a.s.Enqueue(a.ctx, q), "Enqueue")
		ids[q.Recipients[0].ID] = true
	}
	now, lease := baseTime.Add(time.Hour), 10*time.Minute
	wantOnce := func(round string, counts map[int64]int, bad []error) {
		a.Helper()
		for _, err := range bad {
			a.Errorf("%s: %v", round, err)
		}
		for id, c := range counts {
			if !ids[id] {
				a.Errorf("%s: claimed recipient %d that was never queued", round, id)
			} else if c != 1 {
				a.Errorf("%s: recipient %d claimed %d times", round, id, c)
			}
		}
		if len(counts) != n {
			a.Errorf("%s: %d of %d recipients claimed", round, len(counts), n)
		}
	}
	counts, bad := claimRound([]*env{a, b}, now, lease)
	wantOnce("both handles", counts, bad)

	// Within the lease neither handle takes anything.
	for _, h := range []*env{a, b} {
		got, err := h.s.ClaimDue(h.ctx, now.Add(lease-time.Second), lease, n)
		h.ok(err, "ClaimDue within the lease")
		if len(got) != 0 {
			h.Errorf("ClaimDue within the lease took %d messages", len(got))
		}
	}
	// The leases end: B alone takes everything, whichever handle held it.
	later := now.Add(lease + time.Minute)
	counts, bad = claimRound([]*env{b}, later, lease)
	wantOnce("B after the leases", counts, bad)
	got, err := a.s.ClaimDue(a.ctx, later, lease, n)
	a.ok(err, "ClaimDue through A after B's claims")
	if len(got) != 0 {
		a.Errorf("A took %d messages B had just leased", len(got))
	}
	// And once more through both, racing for expired leases.
	counts, bad = claimRound([]*env{a, b}, later.Add(lease+time.Minute), lease)
	wantOnce("both handles after B's leases", counts, bad)
}

// testSharedJobs ends jobs through both handles at once: each job ends
// exactly once (the other handle is told ErrConflict). Claims across
// handles are testSharedJobClaims (jobs_shared.go).
func testSharedJobs(a, b *env) {
	acct := a.account("alice@example.com")
	const n = 10
	var jobs []*store.Job
	for range n {
		j := &store.Job{AccountID: acct.ID, Kind: "k", CreatedAt: baseTime}
		a.ok(a.s.CreateJob(a.ctx, j), "CreateJob")
		jobs = append(jobs, j)
	}
	// Every job is visible through B at once.
	for _, j := range jobs {
		if got, err := b.s.Job(b.ctx, j.ID); err != nil || got.State != store.JobQueued {
			b.Fatalf("Job(%d) through B: %+v, %v", j.ID, got, err)
		}
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		ended  = map[int64]string{}
		bad    []error
		finish = func(h *env, who string) {
			for _, j := range jobs {
				err := h.s.FinishJob(h.ctx, &store.Job{ID: j.ID, State: store.JobDone, Result: []byte(`"` + who + `"`), Finished: baseTime.Add(time.Minute)})
				mu.Lock()
				switch {
				case err == nil:
					if prev, twice := ended[j.ID]; twice {
						bad = append(bad, fmt.Errorf("job %d ended by both %s and %s", j.ID, prev, who))
					}
					ended[j.ID] = who
				case !errors.Is(err, store.ErrConflict):
					bad = append(bad, fmt.Errorf("FinishJob(%d) through %s: %w", j.ID, who, err))
				}
				mu.Unlock()
			}
		}
	)
	wg.Go(func() { finish(a, "A") })
	wg.Go(func() { finish(b, "B") })
	wg.Wait()
	for _, err := range bad {
		a.Error(err)
	}
	if len(ended) != n {
		a.Errorf("%d of %d jobs ended", len(ended), n)
	}
	// Each handle reads the result of whichever handle ended the job.
	for _, j := range jobs {
		for _, h := range []*env{a, b} {
			got, err := h.s.Job(h.ctx, j.ID)
			h.ok(err, "Job")
			if got.State != store.JobDone || string(got.Result) != `"`+ended[j.ID]+`"` {
				h.Errorf("job %d reads %+v, want done by %s", j.ID, got, ended[j.ID])
			}
		}
	}
}

// testSharedWebSessions logs in through A and uses the session through B,
// as a browser behind a load balancer does; a logout or a suspension on
// one node holds on the other at its next request.
func testSharedWebSessions(a, b *env) {
	acct := a.account("alice@example.com")
	want := newWebSession(a, "h1", acct.ID, baseTime)
	want.AccountEnabled = true
	got, err := b.s.WebSession(b.ctx, "h1")
	b.ok(err, "WebSession through B")
	if *got != *want {
		b.Errorf("WebSession through B: %+v\nwant                     %+v", *got, *want)
	}
	b.ok(b.s.TouchWebSession(b.ctx, "h1", baseTime.Add(time.Hour)), "TouchWebSession through B")
	b.ok(b.s.SetWebSessionLanguage(b.ctx, "h1", "en"), "SetWebSessionLanguage through B")
	got, err = a.s.WebSession(a.ctx, "h1")
	a.ok(err, "WebSession through A")
	if !got.LastSeen.Equal(baseTime.Add(time.Hour)) || got.Language != "en" {
		a.Errorf("A reads LastSeen %v language %q, want B's %v and en", got.LastSeen, got.Language, baseTime.Add(time.Hour))
	}
	// suspended through B: A's next request sees it
	susp := b.account("bob@example.com")
	newWebSession(a, "h2", susp.ID, baseTime)
	susp.Enabled = false
	b.ok(b.s.UpdateAccount(b.ctx, susp), "UpdateAccount(suspend) through B")
	if got, err := a.s.WebSession(a.ctx, "h2"); err != nil || got.AccountEnabled {
		a.Errorf("A reads a session of an account B suspended: %+v, %v", got, err)
	}
	// logged out through B: gone for A
	b.ok(b.s.DeleteWebSession(b.ctx, "h1"), "DeleteWebSession through B")
	_, err = a.s.WebSession(a.ctx, "h1")
	a.wantErr(err, store.ErrNotFound, "WebSession through A after B's logout")
	// idle sessions swept by one node are gone for the other
	n, err := a.s.DeleteIdleWebSessions(a.ctx, baseTime.Add(time.Minute))
	a.ok(err, "DeleteIdleWebSessions through A")
	if n != 1 {
		a.Errorf("DeleteIdleWebSessions removed %d, want 1 (h2)", n)
	}
	_, err = b.s.WebSession(b.ctx, "h2")
	b.wantErr(err, store.ErrNotFound, "WebSession through B after A's sweep")
}
