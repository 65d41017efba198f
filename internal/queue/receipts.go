package queue

import (
	"context"

	"postroom/internal/message"
	"postroom/internal/store"
)

// failed tells the Failed hook of the recipients given up on, with the
// Message-ID the sender's receipts know the message by.
func (w *Worker) failed(ctx context.Context, q *store.QueuedMessage, raw []byte, rcpts []dsnRecipient) {
	if w.Failed == nil || q.AccountID == 0 {
		return
	}
	id := message.Parse(raw).Header.Envelope().MessageID
	if id == "" {
		return
	}
	addrs := make([]string, len(rcpts))
	for i, r := range rcpts {
		addrs[i] = r.Address
	}
	w.Failed(ctx, q.AccountID, id, addrs)
}
