package auth

// The user's access log (S8): his own recent logins of every protocol,
// as Login recorded them (refusals by the failed-login budgets are not
// logins and are not there).

import (
	"context"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// LoginLogPageSize is how many logins a page of the access log holds, and
// LoginLogPages how many pages back it reaches: the recent logins, not an
// audit trail (the administrators' login watch reads the store).
const (
	LoginLogPageSize = 50
	LoginLogPages    = 20
)

// LoginLog reads the actor's own access log.
type LoginLog struct {
	Store store.AccessLog
}

// Page is page (from 1) of the actor's logins, newest first, and whether
// a later page has more. A page beyond LoginLogPages is empty.
func (l *LoginLog) Page(ctx context.Context, a actor.Actor, page int) ([]store.Login, bool, error) {
	id, err := own(a)
	if err != nil {
		return nil, false, err
	}
	if page < 1 || page > LoginLogPages {
		return nil, false, nil
	}
	// One more than the pages so far tells whether another follows.
	all, err := l.Store.Logins(ctx, id, page*LoginLogPageSize+1)
	if err != nil {
		return nil, false, fmt.Errorf("access log of account %d: %w", id, err)
	}
	from := (page - 1) * LoginLogPageSize
	if from >= len(all) {
		return nil, false, nil
	}
	to := min(from+LoginLogPageSize, len(all))
	more := len(all) > to && page < LoginLogPages
	return all[from:to], more, nil
}
