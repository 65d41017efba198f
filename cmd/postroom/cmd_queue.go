package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"postroom/internal/actor"
)

// cmdQueue shows and manages the outbound queue for the operator.
func cmdQueue(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("queue")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: queue list | retry ID | drop ID", errUsage)
	}
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	svc := adminService(d)
	switch {
	case pos[0] == "list" && len(pos) == 1:
		msgs, err := svc.Queue(ctx, actor.CommandLine)
		if err != nil {
			return err
		}
		for _, q := range msgs {
			from := q.From
			if from == "" {
				from = "<>"
			}
			fmt.Fprintf(out, "%d\t%s\t%d bytes\tqueued %s\tsend at %s\n", q.ID, from, q.Size,
				q.CreatedAt.Format(time.RFC3339), q.SendAt.Format(time.RFC3339))
			for _, r := range q.Recipients {
				fmt.Fprintf(out, "\t%s\t%s\tattempts %d\tnext %s\t%s\n", r.Address, r.Status, r.Attempts,
					r.NextTry.Format(time.RFC3339), strings.ReplaceAll(r.LastError, "\n", " "))
			}
		}
		fmt.Fprintf(out, "%d messages queued\n", len(msgs))
		return nil
	case (pos[0] == "retry" || pos[0] == "drop") && len(pos) == 2:
		id, err := strconv.ParseInt(pos[1], 10, 64)
		if err != nil {
			return fmt.Errorf("%w: %q is not a queue id", errUsage, pos[1])
		}
		if pos[0] == "retry" {
			if err := svc.RetryQueued(ctx, actor.CommandLine, id); err != nil {
				return err
			}
			fmt.Fprintf(out, "message %d will be retried now\n", id)
			return nil
		}
		if err := svc.DropQueued(ctx, actor.CommandLine, id); err != nil {
			return err
		}
		fmt.Fprintf(out, "message %d dropped (no bounce is sent)\n", id)
		return nil
	}
	return fmt.Errorf("%w: queue list | retry ID | drop ID", errUsage)
}
