package auth

// The password checks running at once are bounded: each argon2id check
// holds argonMemory (19 MiB) while it runs, and a burst of logins,
// wrong or right, on any protocol, must not take the server's memory
// with it (issue 13: 200 simultaneous web logins held 3.8 GiB). Every
// login path (web, IMAP, POP3, SMTP AUTH, the operator's console) shares
// the Authenticator's slots; beyond them an attempt waits a little, then
// is refused with ErrBusy, which each adapter answers as a temporary
// failure (web 503 with Retry-After, IMAP NO [UNAVAILABLE], POP3 -ERR
// [SYS/TEMP], SMTP 454 4.7.0).

import (
	"context"
	"errors"
	"runtime"
	"time"
)

// ErrBusy: every password check slot stayed taken for HashWait; nothing
// was checked and nothing counted. Temporary: RetryAfter says when to
// try again.
var ErrBusy = errors.New("auth: too many logins at once, try again shortly")

const (
	// DefaultHashWait is how long an attempt waits for a free slot.
	DefaultHashWait = 2 * time.Second
	// busyRetry is the Retry-After of ErrBusy.
	busyRetry = 5 * time.Second
)

// DefaultMaxHashes is how many password checks run at once unless
// Authenticator.MaxHashes says otherwise: one per CPU (a check uses one:
// more at once only add memory and latency), at least 2, at most 8
// (8 × 19 MiB).
func DefaultMaxHashes() int {
	return min(max(runtime.NumCPU(), 2), 8)
}

// hashSlots returns the semaphore of password checks, made on first use.
func (a *Authenticator) hashSlots() chan struct{} {
	a.slotsOnce.Do(func() {
		n := a.MaxHashes
		if n <= 0 {
			n = DefaultMaxHashes()
		}
		a.slots = make(chan struct{}, n)
	})
	return a.slots
}

// checkPassword verifies password against hash in one of the slots:
// ErrBusy when none frees up within HashWait, ctx's error when the
// client went away meanwhile.
func (a *Authenticator) checkPassword(ctx context.Context, hash, password string) (bool, error) {
	slots := a.hashSlots()
	select {
	case slots <- struct{}{}:
	default:
		wait := a.HashWait
		if wait <= 0 {
			wait = DefaultHashWait
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case slots <- struct{}{}:
		case <-t.C:
			return false, tryLater(ErrBusy, busyRetry)
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	defer func() { <-slots }()
	if a.verify != nil {
		return a.verify(hash, password), nil
	}
	return VerifyPassword(hash, password), nil
}
