package main

import (
	"context"
	"log/slog"
	"time"

	"postroom/internal/deliver"
)

// purgeSpamHourly removes, every hour, the spam each account keeps past
// its spam.keep_days (S5; deliver.PurgeSpam), until ctx ends.
func purgeSpamHourly(ctx context.Context, p *deliver.Pipeline, log *slog.Logger) {
	every(ctx, time.Hour, func() {
		if _, err := p.PurgeSpam(ctx, time.Now()); err != nil {
			log.Error("spam purge", "err", err)
		}
	})
}
