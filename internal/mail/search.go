package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// ErrInvalid: a request the service cannot read (a malformed day, say).
var ErrInvalid = errors.New("mail: invalid request")

// SearchRequest is the webmail's quick and advanced search (E2): the
// index query, and the days it covers.
type SearchRequest struct {
	// Query is what to find; its Since and Before are set from the days.
	Query store.SearchQuery
	// Since and Until are days, YYYY-MM-DD, both included, empty for no
	// limit. They are the user's days: they begin at midnight in the
	// account's time zone, not in UTC (DESIGN: shown in the user's time
	// zone).
	Since, Until string
}

// Search finds the actor's messages with the index, newest first, with
// the total and the count per mailbox. A search in a folder that is not
// the actor's is store.ErrNotFound, as for every other id.
func (s *Service) Search(ctx context.Context, a actor.Actor, r SearchRequest) (*store.SearchResult, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	q := r.Query
	if q.MailboxID != 0 {
		if _, err := s.Store.Mailbox(ctx, accountID, q.MailboxID); err != nil {
			return nil, fmt.Errorf("search: mailbox %d: %w", q.MailboxID, err)
		}
	}
	if r.Since != "" || r.Until != "" {
		acct, err := s.Store.Account(ctx, accountID)
		if err != nil {
			return nil, fmt.Errorf("search: account %d: %w", accountID, err)
		}
		zone := time.UTC
		if loc, err := time.LoadLocation(acct.TimeZone); err == nil {
			zone = loc
		}
		if q.Since, err = day(r.Since, zone); err != nil {
			return nil, err
		}
		until, err := day(r.Until, zone)
		if err != nil {
			return nil, err
		}
		if !until.IsZero() {
			q.Before = until.AddDate(0, 0, 1) // the midnight after it, in zone
		}
	}
	if _, err := s.indexWaiting(ctx, accountID); err != nil { // index_later.go
		return nil, fmt.Errorf("search: %w", err)
	}
	res, err := s.Store.Search(ctx, accountID, q)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// day reads YYYY-MM-DD as the midnight that begins that day in zone;
// empty is zero.
func day(v string, zone *time.Location) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: day %q is not YYYY-MM-DD", ErrInvalid, v)
	}
	return t, nil
}
