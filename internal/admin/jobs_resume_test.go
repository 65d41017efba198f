package admin

import (
	"slices"
	"sync"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/jobs"
	"postroom/internal/store"
	"postroom/internal/testbed"
	"postroom/internal/testbed/clock"
)

// A deletion whose node stalls after the first account (past its lease)
// is taken over by another node, which runs it again from its params as
// the same administrator: the account the first run deleted counts as
// gone, each account is deleted and audited once, and the stalled run
// stops at its next step without writing.
func TestDeleteUsers_resumedOnAnotherNodeDeletesEachOnce(t *testing.T) {
	s, b := newService(t)
	c := clock.At(time.Date(2026, 2, 28, 23, 59, 0, 0, time.UTC))
	stall, stalled := make(chan struct{}), make(chan struct{})
	var once sync.Once
	let := func() { once.Do(func() { close(stall) }) }
	defer let()
	// node a: one worker (it cannot take its own job over), stalls
	// after its first account
	a := &jobs.Runner{Store: b.Store, Log: testbed.Quiet(), Now: c.Now, Node: "a", Workers: 1, Heartbeat: time.Hour, Poll: time.Hour}
	a.Progressed = func(j store.Job) {
		if j.Done == 1 {
			close(stalled)
			<-stall
		}
	}
	t.Cleanup(a.Close)
	s.Jobs = a
	nodeB := &Service{Store: b.Store, Now: s.Now, Log: testbed.Quiet()}
	bRunner := &jobs.Runner{Store: b.Store, Log: testbed.Quiet(), Now: c.Now, Node: "b", Heartbeat: time.Hour, Poll: time.Hour}
	t.Cleanup(bRunner.Close)
	nodeB.Jobs = bRunner
	nodeB.RegisterJobs() // as serve does when it wires the node

	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	alice, bob := b.Account("alice", nil), b.Account("bob", nil)
	j, err := s.DeleteUsers(b.Ctx, boss, []int64{alice.ID, bob.ID})
	if err != nil {
		t.Fatal(err)
	}
	<-stalled
	c.Add(jobs.DefaultLease + time.Second)
	if err := bRunner.Start(b.Ctx); err != nil {
		t.Fatal(err)
	}
	if err := bRunner.Wait(b.Ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	let()
	a.Close()
	got, err := bRunner.Get(b.Ctx, boss, j.ID)
	if err != nil || got.State != store.JobDone || got.Node != "b" || got.Attempts != 2 || string(got.Result) != `{"deleted":1,"gone":1}` {
		t.Fatalf("the job after the takeover: %+v, %v", got, err)
	}
	log, err := b.Store.AuditEntries(b.Ctx, boss.DomainID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var deleted []string
	for _, e := range log {
		if e.Action == "user.delete" {
			deleted = append(deleted, e.Target)
			if e.Actor != "boss@example.test" {
				t.Errorf("audited as %q", e.Actor)
			}
		}
	}
	slices.Sort(deleted)
	if !slices.Equal(deleted, []string{"alice@example.test", "bob@example.test"}) {
		t.Errorf("audited deletions %v, want each account once", deleted)
	}
}
