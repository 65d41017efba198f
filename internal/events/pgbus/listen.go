package pgbus

// The receiving side: one dedicated connection doing LISTEN, handing other
// nodes' notifications to the local subscribers, reconnected when lost.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"postroom/internal/events"
)

// connect opens the LISTEN connection.
func (b *Bus) connect(ctx context.Context) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, listenTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, b.listen)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{b.channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("LISTEN: %w", err)
	}
	return conn, nil
}

// listenLoop receives on conn and, once it is lost, on a new one, until
// ctx ends.
func (b *Bus) listenLoop(ctx context.Context, conn *pgx.Conn) {
	defer b.wg.Done()
	for {
		err := b.receive(ctx, conn)
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(closeCtx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		b.log.Warn("events: lost the LISTEN connection; reconnecting", "channel", b.channel, "err", err)
		wait := minBackoff
		for attempt := 1; ; attempt++ {
			var ok bool
			if wait, ok = backoff(ctx, wait); !ok {
				return
			}
			conn, err = b.connect(ctx)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return
			}
			if attempt == 1 {
				b.log.Error("events: cannot listen; other nodes' changes are not seen until it can", "channel", b.channel, "err", err)
			}
		}
		b.log.Info("events: listening again; subscribers reread", "channel", b.channel)
		b.local.OverflowAll()
	}
}

// receive hands on what arrives on conn until it fails or ctx ends.
func (b *Bus) receive(ctx context.Context, conn *pgx.Conn) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, b.ping[0])
		n, err := conn.WaitForNotification(wctx)
		quiet := errors.Is(wctx.Err(), context.DeadlineExceeded)
		cancel()
		if n != nil { // may come with the error that followed it
			b.hand(n.Payload)
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !quiet || conn.IsClosed() {
				return err
			}
			pctx, cancel := context.WithTimeout(ctx, b.ping[1])
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return fmt.Errorf("ping: %w", err)
			}
		}
	}
}

// hand delivers one received payload to the local subscribers.
func (b *Bus) hand(payload string) {
	node, e, err := decode(payload)
	if node == b.node {
		return // its subscribers had it at publish
	}
	if err != nil {
		b.log.Warn("events: unreadable notification", "channel", b.channel, "payload", truncate(payload, 120), "err", err)
		if node == "" {
			return // not even its account: nobody to tell
		}
	}
	if e.Kind == events.Overflow && e.AccountID == 0 {
		b.local.OverflowAll()
		return
	}
	b.local.Publish(e)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
