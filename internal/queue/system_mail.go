package queue

import (
	"bytes"
	"context"
	"fmt"

	"postroom/internal/store"
)

// SendSystem queues a message the server writes itself (a password
// reset link) to one address, hosted or not, with the null reverse-path
// (RFC 5321 §4.5.5: no bounce comes back to a robot), and wakes the
// worker. The message's blob is synced before the queue row commits.
func (w *Worker) SendSystem(ctx context.Context, to string, raw []byte) error {
	key, size, err := w.Blobs.Put(ctx, bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("system mail to a recipient: %w", err)
	}
	q := &store.QueuedMessage{From: "", BlobKey: key, Size: size, CreatedAt: w.clock(), UTF8: !ascii(to),
		Recipients: []store.QueuedRecipient{{Address: to}}}
	if err := w.Store.Enqueue(ctx, q); err != nil {
		return fmt.Errorf("system mail: %w", err)
	}
	w.Notify()
	return nil
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
