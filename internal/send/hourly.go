package send

// The hourly sending limit (issue 19, "Limits and abuse"): how many
// messages one user may send in any hour, from mail clients and the
// webmail together. The config's [limits] messages_per_hour is the
// default; the operator sets a domain's own (store.Domain.MessagesPerHour).
//
// Invariants:
//   - One rule for every way a user sends: Submit (SMTP submission) and
//     Send (the webmail) reserve the message in the store's counter
//     (store.LimitStore) before the delivery pipeline takes it, and take
//     it back when the pipeline refuses it: only messages that went count.
//   - The counter is in the store, not in a process: the limit holds
//     across connections, restarts and nodes.
//   - A message counts once, whatever its recipients (max_recipients
//     bounds those). An undone webmail send stays counted.
//   - System mail (bounces, the login watch's warnings) never passes
//     through the send service and never counts; an administrator's own
//     mail counts like anyone's.
//   - A refused attempt writes nothing: a spent budget fills again as the
//     hour slides past its messages.

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"postroom/internal/deliver"
	"postroom/internal/store"
)

// hourlyWindow is the sliding window of the limit.
const hourlyWindow = time.Hour

// LimitError refuses a message past the sender's hourly limit.
// Temporary: the same message may go once RetryAfter has passed. It
// unwraps to a *deliver.Error, the SMTP reply: 450 4.7.1 (RFC 5321
// §4.2.5 "mailbox unavailable" transient; RFC 3463 X.7.1, the sender is
// not allowed now), as the README's SMTP table says.
type LimitError struct {
	Limit      int           // messages per hour
	RetryAfter time.Duration // whole minutes, at most an hour
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("send: hourly limit of %d messages reached, retry in %s", e.Limit, e.RetryAfter)
}

// Unwrap is the SMTP reply.
func (e *LimitError) Unwrap() error {
	minutes := int(e.RetryAfter / time.Minute)
	return &deliver.Error{Code: 450, Enhanced: [3]int{4, 7, 1},
		Message: "Hourly sending limit of " + strconv.Itoa(e.Limit) + " messages reached; try again in " + strconv.Itoa(minutes) + " minutes"}
}

// hourlyKey is the counter of an account's sent messages.
func hourlyKey(accountID int64) string { return "send-hour:" + strconv.FormatInt(accountID, 10) }

// hourlyLimit is what acct may send per hour: its domain's limit, else
// the service's default; 0 = no limit.
func (s *Service) hourlyLimit(ctx context.Context, acct *store.Account) (int, error) {
	d, err := s.Store.DomainByID(ctx, acct.DomainID)
	if err != nil {
		return 0, fmt.Errorf("the domain of account %d: %w", acct.ID, err)
	}
	switch {
	case d.MessagesPerHour > 0:
		return d.MessagesPerHour, nil
	case d.MessagesPerHour < 0:
		return 0, nil
	}
	return max(s.MessagesPerHour, 0), nil
}

// checkHourly refuses (*LimitError) when acct's hour is spent, writing
// nothing: SMTP asks it at MAIL FROM, before the message is sent.
func (s *Service) checkHourly(ctx context.Context, acct *store.Account) error {
	limit, err := s.hourlyLimit(ctx, acct)
	if err != nil || limit == 0 {
		return err
	}
	return s.spent(ctx, acct.ID, limit, s.now())
}

// spent refuses (*LimitError) when the account sent limit messages in
// the hour before now.
func (s *Service) spent(ctx context.Context, accountID int64, limit int, now time.Time) error {
	n, err := s.Store.Hits(ctx, hourlyKey(accountID), now.Add(-hourlyWindow))
	if err != nil {
		return err
	}
	if n >= limit {
		return s.limitError(ctx, accountID, limit, now)
	}
	return nil
}

// reserveHourly counts one message of acct, or refuses it (*LimitError)
// counting nothing. The message must be given back (the returned
// function) if it does not go.
func (s *Service) reserveHourly(ctx context.Context, acct *store.Account) (giveBack func(), err error) {
	none := func() {}
	limit, err := s.hourlyLimit(ctx, acct)
	if err != nil || limit == 0 {
		return none, err
	}
	key, at := hourlyKey(acct.ID), s.now()
	// a read first: a refused attempt writes nothing
	if err := s.spent(ctx, acct.ID, limit, at); err != nil {
		return none, err
	}
	since := at.Add(-hourlyWindow)
	n, err := s.Store.AddHits(ctx, key, 1, at, since)
	if err != nil {
		return none, err
	}
	giveBack = func() {
		if _, err := s.Store.AddHits(context.WithoutCancel(ctx), key, -1, at, since); err != nil {
			s.log().Warn("hourly limit: giving back a message", "account", acct.ID, "err", err)
		}
	}
	if n > limit { // parallel sends took the rest meanwhile
		giveBack()
		return none, s.limitError(ctx, acct.ID, limit, at)
	}
	return giveBack, nil
}

// limitError says when the account may send again: the first whole
// minute after which fewer than limit of its messages are within the
// hour (a binary search over the counter; refusals are rare).
func (s *Service) limitError(ctx context.Context, accountID int64, limit int, now time.Time) error {
	key := hourlyKey(accountID)
	lo, hi := 1, int(hourlyWindow/time.Minute) // hi: the whole hour, surely enough
	for lo < hi {
		mid := (lo + hi) / 2
		n, err := s.Store.Hits(ctx, key, now.Add(-hourlyWindow+time.Duration(mid)*time.Minute))
		if err != nil {
			return err
		}
		if n < limit {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return &LimitError{Limit: limit, RetryAfter: time.Duration(lo) * time.Minute}
}
