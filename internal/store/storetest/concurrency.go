package storetest

// Backends are safe for concurrent use and retry transient conflicts (SQLite
// busy, PostgreSQL serialization failures) themselves: any error a goroutine
// sees here, other than the ErrOverQuota a quota test expects, is a failure.

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	"postroom/internal/store"
)

var concurrencyTests = []test{
	{"concurrent_appendsSameMailbox", testConcurrentSameMailbox},
	{"concurrent_appendsDifferentAccounts", testConcurrentAccounts},
	{"concurrent_mixedFlagsAppendExpungeReads", testConcurrentMixed},
	{"concurrent_accountQuotaNeverExceeded", testConcurrentQuota},
	{"concurrent_domainQuotaNeverExceeded", testConcurrentDomainQuota},
}

const (
	workers   = 8
	perWorker = 50
)

// errs collects errors from goroutines; the test reports them after Wait.
type errs struct {
	mu   sync.Mutex
	list []error
}

func (c *errs) add(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.list) < 20 {
		c.list = append(c.list, err)
	}
}

func (c *errs) report(e *env) {
	e.Helper()
	for _, err := range c.list {
		e.Error(err)
	}
	if len(c.list) > 0 {
		e.FailNow()
	}
}

func testConcurrentSameMailbox(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	var (
		wg     sync.WaitGroup
		bad    errs
		mu     sync.Mutex
		stored []*store.Message
	)
	for w := range workers {
		wg.Go(func() {
			var last uint32
			for i := range perWorker {
				m, err := e.s.AppendMessage(e.ctx, e.newMsg(a.ID, in.ID))
				if err != nil {
					bad.add(fmt.Errorf("worker %d append %d: %w", w, i, err))
					return
				}
				if m.UID <= last {
					bad.add(fmt.Errorf("worker %d: UID %d after its own UID %d", w, m.UID, last))
				}
				last = m.UID
				mu.Lock()
				stored = append(stored, m)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	bad.report(e)

	const total = workers * perWorker
	slices.SortFunc(stored, func(x, y *store.Message) int { return int(x.UID) - int(y.UID) })
	var uids []uint32
	modseqs := map[uint64]uint32{}
	ids := map[int64]bool{}
	var top uint64
	for i, m := range stored {
		uids = append(uids, m.UID)
		if u, dup := modseqs[m.ModSeq]; dup {
			e.Errorf("UIDs %d and %d share MODSEQ %d", u, m.UID, m.ModSeq)
		}
		modseqs[m.ModSeq] = m.UID
		if ids[m.ID] {
			e.Errorf("message id %d given twice", m.ID)
		}
		ids[m.ID] = true
		// UID and MODSEQ are allocated in one transaction, so a later UID has
		// a later MODSEQ (commit order equals UID order).
		if i > 0 && m.ModSeq <= stored[i-1].ModSeq {
			e.Errorf("UID %d has MODSEQ %d, not above UID %d's %d", m.UID, m.ModSeq, stored[i-1].UID, stored[i-1].ModSeq)
		}
		top = max(top, m.ModSeq)
	}
	if !slices.Equal(uids, seq(1, total)) {
		e.Errorf("UIDs are not exactly 1..%d: got %d UIDs, first %v", total, len(uids), uids[:min(10, len(uids))])
	}
	mb := e.mbox(a.ID, in.ID)
	if mb.UIDNext != total+1 {
		e.Errorf("UIDNEXT %d, want %d", mb.UIDNext, total+1)
	}
	if mb.HighestModSeq != top {
		e.Errorf("HIGHESTMODSEQ %d, want the highest MODSEQ appended %d", mb.HighestModSeq, top)
	}
	if got := e.uids(a.ID, in.ID); !slices.Equal(got, seq(1, total)) {
		e.Errorf("walk returned %d UIDs, want 1..%d", len(got), total)
	}
	e.wantUsage(a.ID, total*1000, total)
	e.consistent()
}

func testConcurrentAccounts(e *env) {
	d := e.domain("example.com")
	d.QuotaBytes = 1 << 40 // large, but makes the backend sum the domain's usage
	e.ok(e.s.UpdateDomain(e.ctx, d), "UpdateDomain")
	key := newBlobKey() // one message sent to everyone: one blob, many references
	var accts []*store.Account
	for w := range workers {
		accts = append(accts, e.account(fmt.Sprintf("user%d@example.com", w)))
	}
	var (
		wg  sync.WaitGroup
		bad errs
	)
	for w, a := range accts {
		in := e.inbox(a.ID)
		wg.Go(func() {
			for i := range perWorker {
				nm := e.newMsg(a.ID, in.ID)
				nm.BlobKey = key
				m, err := e.s.AppendMessage(e.ctx, nm)
				if err != nil {
					bad.add(fmt.Errorf("account %d append %d: %w", w, i, err))
					return
				}
				if m.UID != uint32(i+1) {
					bad.add(fmt.Errorf("account %d append %d got UID %d, want %d", w, i, m.UID, i+1))
				}
			}
		})
	}
	wg.Wait()
	bad.report(e)
	for _, a := range accts {
		if got := e.uids(a.ID, e.inbox(a.ID).ID); !slices.Equal(got, seq(1, perWorker)) {
			e.Errorf("%s INBOX UIDs %v, want 1..%d", a.Address(), got, perWorker)
		}
		e.wantUsage(a.ID, perWorker*1000, perWorker)
	}
	e.wantRefs(key, workers*perWorker)
	e.consistent()
}

func testConcurrentMixed(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	arch := e.byRole(a.ID, store.RoleArchive)
	pool := []string{newBlobKey(), newBlobKey(), newBlobKey(), newBlobKey()}
	const initial = 50
	for i := range initial {
		nm := e.newMsg(a.ID, in.ID)
		nm.BlobKey = pool[i%len(pool)]
		e.add(nm)
	}
	const appenders, perAppender = 4, 25
	const maxUID = initial + appenders*perAppender
	var (
		wg  sync.WaitGroup
		bad errs
	)
	for w := range appenders {
		wg.Go(func() {
			for i := range perAppender {
				nm := e.newMsg(a.ID, in.ID)
				nm.BlobKey = pool[(w+i)%len(pool)]
				nm.Size = int64(100 + w*10 + i)
				if _, err := e.s.AppendMessage(e.ctx, nm); err != nil {
					bad.add(fmt.Errorf("appender %d: %w", w, err))
					return
				}
			}
		})
	}
	for w := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			for range 40 {
				uids := []uint32{uint32(1 + rng.IntN(maxUID)), uint32(1 + rng.IntN(maxUID))}
				flags := []string{store.FlagSeen, store.FlagFlagged, "$Work"}[:1+rng.IntN(3)]
				changed, err := e.s.StoreFlags(e.ctx, a.ID, in.ID, uids, store.FlagOp(rng.IntN(3)), flags)
				if err != nil {
					bad.add(fmt.Errorf("flagger %d: %w", w, err))
					return
				}
				for _, c := range changed {
					if !slices.Contains(uids, c.UID) {
						bad.add(fmt.Errorf("flagger %d: StoreFlags(%v) returned UID %d", w, uids, c.UID))
					}
				}
			}
		})
	}
	for w := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 13))
			for range 20 {
				uids := []uint32{uint32(1 + rng.IntN(maxUID)), uint32(1 + rng.IntN(maxUID)), uint32(1 + rng.IntN(maxUID))}
				gone, err := e.s.Expunge(e.ctx, a.ID, in.ID, uids)
				if err != nil {
					bad.add(fmt.Errorf("expunger %d: %w", w, err))
					return
				}
				if !slices.IsSorted(gone) {
					bad.add(fmt.Errorf("expunger %d: Expunge returned %v, not ascending", w, gone))
				}
			}
		})
	}
	for w := range 2 { // readers and copiers
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 17))
			for range 20 {
				var last uint32
				err := e.s.Messages(e.ctx, a.ID, in.ID, func(m *store.Message) error {
					if m.UID <= last {
						return fmt.Errorf("walk: UID %d after %d", m.UID, last)
					}
					last = m.UID
					return nil
				})
				if err != nil {
					bad.add(fmt.Errorf("reader %d: %w", w, err))
					return
				}
				if _, err := e.s.MailboxStatus(e.ctx, a.ID, in.ID); err != nil {
					bad.add(fmt.Errorf("reader %d status: %w", w, err))
					return
				}
				// Copy an existing message (or none, if it is gone already).
				if _, _, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{uint32(1 + rng.IntN(initial))}); err != nil && !errors.Is(err, store.ErrNotFound) {
					bad.add(fmt.Errorf("copier %d: %w", w, err))
					return
				}
			}
		})
	}
	wg.Wait()
	bad.report(e)

	e.consistent()
	e.verifyByWalking(pool, []*store.Account{a})
	mb := e.mbox(a.ID, in.ID)
	if mb.UIDNext != maxUID+1 {
		e.Errorf("UIDNEXT %d, want %d", mb.UIDNext, maxUID+1)
	}
	// Every UID ever given out is either still there or in the expunge log.
	present := e.uids(a.ID, in.ID)
	expunged, err := e.s.ExpungedSince(e.ctx, a.ID, in.ID, 0)
	e.ok(err, "ExpungedSince")
	if !slices.IsSorted(expunged) {
		e.Errorf("ExpungedSince(0) not ascending: %v", expunged)
	}
	all := slices.Concat(present, expunged)
	slices.Sort(all)
	if !slices.Equal(all, seq(1, maxUID)) {
		e.Errorf("present %v and expunged %v do not partition 1..%d", present, expunged, maxUID)
	}
}

// quotaRace has goroutines append 100-byte messages into accounts until the
// quota (of room messages) is full; exactly room appends may succeed.
func (e *env) quotaRace(accts []*store.Account, room int) {
	e.Helper()
	var (
		wg  sync.WaitGroup
		bad errs
		mu  sync.Mutex
		ok  int
	)
	for w := range workers {
		a := accts[w%len(accts)]
		in := e.inbox(a.ID)
		wg.Go(func() {
			for range 2 * room / workers {
				nm := e.newMsg(a.ID, in.ID)
				nm.Size = 100
				_, err := e.s.AppendMessage(e.ctx, nm)
				switch {
				case err == nil:
					mu.Lock()
					ok++
					mu.Unlock()
				case errors.Is(err, store.ErrOverQuota):
				default:
					bad.add(fmt.Errorf("worker %d: %w", w, err))
					return
				}
			}
		})
	}
	wg.Wait()
	bad.report(e)
	if ok != room {
		e.Errorf("%d appends succeeded, want exactly %d (the quota's room)", ok, room)
	}
	var sum int64
	for _, a := range accts {
		u := e.usage(a.ID)
		sum += u.Bytes
		mb := e.inbox(a.ID)
		if mb.UIDNext != uint32(u.Messages)+1 {
			e.Errorf("%s: UIDNEXT %d with %d messages: refused appends must not use UIDs", a.Address(), mb.UIDNext, u.Messages)
		}
	}
	if sum != int64(room)*100 {
		e.Errorf("usage %d bytes, want exactly the quota %d", sum, room*100)
	}
	e.consistent()
}

func testConcurrentQuota(e *env) {
	a := e.quotaAccount("alice@example.com", 100*100)
	e.quotaRace([]*store.Account{a}, 100)
}

func testConcurrentDomainQuota(e *env) {
	d := e.domain("example.com")
	d.QuotaBytes = 100 * 100
	e.ok(e.s.UpdateDomain(e.ctx, d), "UpdateDomain")
	var accts []*store.Account
	for i := range 4 {
		accts = append(accts, e.account(fmt.Sprintf("user%d@example.com", i)))
	}
	e.quotaRace(accts, 100)
}
