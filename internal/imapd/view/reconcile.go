package view

import (
	"cmp"
	"slices"
)

// Reconcile brings the view's pending changes up to date with the store
// when events were lost (events.Overflow: the bus dropped some, DESIGN.md
// "events are hints"). msgs is the mailbox as the store has it now,
// ascending by UID. Nothing is sent here: what differs becomes pending
// exactly as if the lost events had arrived, so the client still learns of
// it only through Pending, under the same rules.
func (v *View) Reconcile(msgs []Message) {
	j := 0
	for _, uid := range v.uids {
		for j < len(msgs) && msgs[j].UID < uid {
			j++
		}
		if j < len(msgs) && msgs[j].UID == uid {
			m := msgs[j]
			v.FlagsChanged(uid, m.Flags, m.ModSeq)
			continue
		}
		if _, ok := v.gone[uid]; !ok {
			v.Expunged(uid)
		}
	}
	last := v.last()
	var stale []uint32
	for _, uid := range v.added {
		if _, ok := slices.BinarySearchFunc(msgs, uid, func(m Message, u uint32) int { return cmp.Compare(m.UID, u) }); !ok {
			stale = append(stale, uid)
		}
	}
	v.Expunged(stale...)
	for _, m := range msgs {
		if m.UID > last {
			v.Added(m.UID)
		}
	}
}
