package view

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The randomized model test: one store, several sessions each with a View
// and a client that knows only the lines it was sent. Other sessions
// append, expunge and change flags; events reach each session in commit
// order (the bus is FIFO) but interleaved at random with command
// boundaries, some of which forbid EXPUNGE. After every Pending the
// client's mapping, rebuilt from the lines alone, must equal the View's;
// no EXPUNGE may name a number the client does not have; every keyword in
// a FETCH must have been in a FLAGS line before. When all events are
// delivered and a NOOP completes, each client must agree with the store.

type modelEvent struct {
	kind   byte // 'a' added, 'x' expunged, 'f' flags
	uid    uint32
	flags  []string
	modSeq uint64
}

type modelStore struct {
	uids    []uint32
	flags   map[uint32][]string
	modSeq  map[uint32]uint64
	nextUID uint32
	highest uint64
	log     []modelEvent
}

type modelClient struct {
	v         *View
	queue     []modelEvent
	uids      []uint32            // the client's mapping, from the lines only
	flags     map[uint32][]string // the client's flags, from the lines only
	announced map[string]bool     // lowercased keywords in the last FLAGS
}

var keywordPool = []string{`\Seen`, `\Flagged`, `\Deleted`, "$Work", "$work", "Junk", "$Forwarded", "Later"}

func randomFlags(r *rand.Rand) []string {
	var out []string
	for _, f := range keywordPool {
		if r.IntN(3) == 0 {
			out = append(out, f)
		}
	}
	return out
}

func (s *modelStore) snapshot(r *rand.Rand) Snapshot {
	snap := Snapshot{UIDValidity: 1, UIDNext: s.nextUID, HighestModSeq: s.highest}
	for _, u := range s.uids {
		snap.Messages = append(snap.Messages, Message{UID: u, ModSeq: s.modSeq[u], Flags: slices.Clone(s.flags[u])})
	}
	return snap
}

func (c *modelClient) open(s *modelStore, r *rand.Rand, opts Options) {
	c.v = Open(s.snapshot(r), opts)
	c.queue = nil
	// Subscribed before the snapshot: the last few events may repeat it.
	if n := len(s.log); n > 0 {
		c.queue = append(c.queue, s.log[max(0, n-r.IntN(4)):]...)
	}
	c.uids = nil
	c.flags = map[uint32][]string{}
	for _, m := range c.v.uidsSnapshot() {
		c.uids = append(c.uids, m)
		c.flags[m] = slices.Clone(s.flags[m])
	}
	c.announced = map[string]bool{}
	for _, f := range c.v.Flags() {
		c.announced[strings.ToLower(f)] = true
	}
}

// uidsSnapshot is the View's mapping, for the checks.
func (v *View) uidsSnapshot() []uint32 { return slices.Clone(v.uids) }

// apply plays the lines to the client, checking each against what the
// client knows at that point.
func (c *modelClient) apply(t *testing.T, s *modelStore, rs []Response, allowExpunge bool) {
	t.Helper()
	for _, r := range rs {
		switch r.Kind {
		case KindFlags:
			c.announced = map[string]bool{}
			for _, f := range r.Flags {
				c.announced[strings.ToLower(f)] = true
			}
		case KindExpunge:
			if !allowExpunge {
				t.Fatalf("%s while EXPUNGE is not allowed", r)
			}
			if r.Num == 0 || int(r.Num) > len(c.uids) {
				t.Fatalf("%s: the client has %d messages", r, len(c.uids))
			}
			c.uids = slices.Delete(c.uids, int(r.Num-1), int(r.Num))
		case KindVanished:
			if !allowExpunge {
				t.Fatalf("%s while EXPUNGE is not allowed", r)
			}
			for _, u := range r.UIDs {
				i, ok := slices.BinarySearch(c.uids, u)
				if !ok {
					t.Fatalf("%s: uid %d unknown to the client", r, u)
				}
				c.uids = slices.Delete(c.uids, i, i+1)
			}
		case KindExists:
			if int(r.Num) < len(c.uids) {
				t.Fatalf("%s decreases the client's %d", r, len(c.uids))
			}
			// The client learns the new UIDs (UID FETCH n:* (UID FLAGS)).
			for seq := uint32(len(c.uids) + 1); seq <= r.Num; seq++ {
				uid, ok := c.v.SeqToUID(seq)
				if !ok || (len(c.uids) > 0 && uid <= c.uids[len(c.uids)-1]) {
					t.Fatalf("%s: seq %d maps to uid %d", r, seq, uid)
				}
				c.uids = append(c.uids, uid)
				if flags, ok := s.flags[uid]; ok && !c.v.IsExpunged(uid) {
					c.apply(t, s, c.v.Announce(flags), false)
					c.checkAnnounced(t, flags)
					c.flags[uid] = slices.Clone(flags)
					c.v.Reported(uid, s.modSeq[uid])
				}
			}
		case KindFetch:
			if r.Num == 0 || int(r.Num) > len(c.uids) || c.uids[r.Num-1] != r.UID {
				t.Fatalf("%s: the client's seq %d is not uid %d (%v)", r, r.Num, r.UID, c.uids)
			}
			c.checkAnnounced(t, r.Flags)
			c.flags[r.UID] = slices.DeleteFunc(slices.Clone(r.Flags), func(f string) bool { return f == `\Recent` })
		}
	}
}

func (c *modelClient) checkAnnounced(t *testing.T, flags []string) {
	t.Helper()
	for _, f := range flags {
		if !strings.HasPrefix(f, `\`) && !c.announced[strings.ToLower(f)] {
			t.Fatalf("keyword %s used before FLAGS announced it", f)
		}
	}
}

func (c *modelClient) checkMapping(t *testing.T) {
	t.Helper()
	if got := c.v.uidsSnapshot(); !slices.Equal(got, c.uids) {
		t.Fatalf("view mapping %v, client mapping %v", got, c.uids)
	}
}

func (c *modelClient) deliver(e modelEvent) {
	switch e.kind {
	case 'a':
		c.v.Added(e.uid)
	case 'x':
		c.v.Expunged(e.uid)
	case 'f':
		c.v.FlagsChanged(e.uid, e.flags, e.modSeq)
	}
}

func runModel(t *testing.T, r *rand.Rand, sessions, steps int) {
	s := &modelStore{flags: map[uint32][]string{}, modSeq: map[uint32]uint64{}, nextUID: 1}
	publish := func(cs []*modelClient, e modelEvent) {
		s.log = append(s.log, e)
		for _, c := range cs {
			c.queue = append(c.queue, e)
		}
	}
	for range r.IntN(20) {
		s.highest++
		u := s.nextUID
		s.nextUID++
		s.uids = append(s.uids, u)
		s.flags[u], s.modSeq[u] = randomFlags(r), s.highest
	}
	cs := make([]*modelClient, sessions)
	for i := range cs {
		cs[i] = &modelClient{}
		cs[i].open(s, r, Options{Rev2: r.IntN(2) == 0, CondStore: r.IntN(2) == 0, QResync: r.IntN(3) == 0})
	}
	for range steps {
		switch op := r.IntN(100); {
		case op < 15: // APPEND by someone; one session sees it first
			s.highest++
			u := s.nextUID
			s.nextUID++
			s.uids = append(s.uids, u)
			s.flags[u], s.modSeq[u] = randomFlags(r), s.highest
			cs[r.IntN(len(cs))].v.MarkRecent(u)
			publish(cs, modelEvent{kind: 'a', uid: u})
		case op < 25 && len(s.uids) > 0: // EXPUNGE
			i := r.IntN(len(s.uids))
			u := s.uids[i]
			s.highest++
			s.uids = slices.Delete(s.uids, i, i+1)
			delete(s.flags, u)
			publish(cs, modelEvent{kind: 'x', uid: u, modSeq: s.highest})
		case op < 45 && len(s.uids) > 0: // STORE
			u := s.uids[r.IntN(len(s.uids))]
			s.highest++
			s.flags[u], s.modSeq[u] = randomFlags(r), s.highest
			publish(cs, modelEvent{kind: 'f', uid: u, flags: slices.Clone(s.flags[u]), modSeq: s.highest})
		case op < 75: // an event reaches a session
			c := cs[r.IntN(len(cs))]
			if len(c.queue) > 0 {
				c.deliver(c.queue[0])
				c.queue = c.queue[1:]
			}
		case op < 98: // a command boundary in a session
			c := cs[r.IntN(len(cs))]
			cmds := []string{"FETCH", "STORE", "SEARCH", "NOOP", "IDLE", "CHECK", "COPY"}
			allow := MayExpunge(cmds[r.IntN(len(cmds))], r.IntN(3) == 0, r.IntN(5) == 0)
			c.apply(t, s, c.v.Pending(allow), allow)
			c.checkMapping(t)
		case op < 99: // a session selects the mailbox again
			c := cs[r.IntN(len(cs))]
			c.open(s, r, c.v.Options())
		default: // the bus overflowed: a session rereads the store
			c := cs[r.IntN(len(cs))]
			c.queue = nil
			c.v.Reconcile(s.snapshot(r).Messages)
		}
	}
	for i, c := range cs {
		for _, e := range c.queue {
			c.deliver(e)
		}
		c.queue = nil
		c.apply(t, s, c.v.Pending(true), true)
		c.checkMapping(t)
		if !slices.Equal(c.uids, s.uids) {
			t.Fatalf("session %d at rest: client %v, store %v", i, c.uids, s.uids)
		}
		for _, u := range c.uids {
			if !slices.Equal(c.flags[u], s.flags[u]) {
				t.Fatalf("session %d at rest: uid %d flags %q, store %q", i, u, c.flags[u], s.flags[u])
			}
		}
	}
}

func TestView_randomModel(t *testing.T) {
	runs := 300
	if testing.Short() {
		runs = 30
	}
	for seed := range uint64(runs) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			runModel(t, rand.New(rand.NewPCG(17, seed)), 1+int(seed%5), 2000)
		})
	}
}
