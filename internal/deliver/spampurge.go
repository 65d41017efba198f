package deliver

// Spam upkeep (S5): messages in an account's Spam folder longer than its
// spam.keep_days are removed for good. A message's age is its internal
// date (when it arrived here), so that one moved to Spam by hand goes with
// the spam of its day. The server runs PurgeSpam hourly (cmd/postroom).

import (
	"context"
	"errors"
	"fmt"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// PurgeSpam removes, for every account, the Spam messages older than its
// keep_days at now; it returns how many it removed. An account whose
// settings or folder cannot be read is skipped (logged), the rest go on.
func (p *Pipeline) PurgeSpam(ctx context.Context, now time.Time) (int, error) {
	if p.Settings == nil {
		return 0, nil
	}
	domains, err := p.Store.Domains(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge spam: %w", err)
	}
	total := 0
	for _, dom := range domains {
		accts, err := p.Store.Accounts(ctx, dom.ID)
		if err != nil {
			return total, fmt.Errorf("purge spam of %s: %w", dom.Name, err)
		}
		for i := range accts {
			n, err := p.purgeAccountSpam(ctx, &accts[i], now)
			total += n
			if err != nil {
				if ctx.Err() != nil {
					return total, err
				}
				p.log().Error("spam not purged", "account", accts[i].Address(), "err", err)
			}
		}
	}
	return total, nil
}

func (p *Pipeline) purgeAccountSpam(ctx context.Context, acct *store.Account, now time.Time) (int, error) {
	set, err := p.Settings.ForAccount(ctx, acct.ID)
	if err != nil {
		return 0, err
	}
	days := set.Spam.KeepDays
	if days <= 0 {
		return 0, nil // kept until the user deletes it
	}
	mb, err := p.Store.MailboxByRole(ctx, acct.ID, store.RoleSpam)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	cutoff := now.AddDate(0, 0, -days)
	var old []uint32
	err = p.Store.Messages(ctx, acct.ID, mb.ID, func(m *store.Message) error {
		if m.InternalDate.Before(cutoff) {
			old = append(old, m.UID)
		}
		return nil
	})
	if err != nil || len(old) == 0 {
		return 0, err
	}
	removed, err := p.Mail.Expunge(ctx, actor.System(acct.ID, "spam-upkeep"), mb.ID, old)
	if err != nil {
		return 0, err
	}
	p.log().Info("spam purged", "account", acct.Address(), "removed", len(removed), "keep_days", days)
	return len(removed), nil
}
