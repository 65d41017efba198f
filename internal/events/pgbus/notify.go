package pgbus

// The sending side: one goroutine takes the queue in batches and sends
// each batch as one statement (one round trip, one transaction: the
// notifications of a batch arrive together and in order). A batch that
// fails is sent again once the database answers; the other nodes may then
// see some of it twice, which hints allow. PostgreSQL folds identical
// payloads of one transaction into one, which hints allow too.

import (
	"context"
)

const notifySQL = `SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p`

func (b *Bus) sendLoop(ctx context.Context) {
	defer b.wg.Done()
	var (
		batch  []string
		counts uint64 // published events the batch answers
		wait   = minBackoff
		failed bool
	)
	for {
		b.mu.Lock()
		if b.lost && batch != nil {
			// the queue was dropped while this batch waited: the resync
			// hint answers it too
			b.covered += counts
			batch, counts = nil, 0
		}
		if batch == nil {
			if b.lost {
				batch = append(batch, b.resync)
				counts, b.covered, b.lost = b.covered, 0, false
			}
			n := min(len(b.pending), maxBatch-len(batch))
			batch = append(batch, b.pending[:n]...)
			counts += uint64(n)
			b.pending = b.pending[n:]
			if len(b.pending) == 0 {
				b.pending = nil // let the backing array go
			}
		}
		b.mu.Unlock()
		if len(batch) == 0 {
			batch = nil
			select {
			case <-ctx.Done():
				return
			case <-b.wake:
			}
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, sendTimeout)
		_, err := b.pool.Exec(sctx, notifySQL, b.channel, batch)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if !failed {
				b.log.Warn("events: cannot notify the other nodes; retrying", "channel", b.channel, "events", len(batch), "err", err)
				failed = true
			}
			var ok bool
			if wait, ok = backoff(ctx, wait); !ok {
				return
			}
			continue
		}
		if failed {
			b.log.Info("events: notifying the other nodes again", "channel", b.channel)
			failed, wait = false, minBackoff
		}
		b.mu.Lock()
		b.done += counts
		close(b.progress)
		b.progress = make(chan struct{})
		b.mu.Unlock()
		batch, counts = nil, 0
	}
}
