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
//
// A check's 19 MiB are garbage once it ends, but the runtime would keep
// them until its next collection and give them back to the system over
// minutes: after a burst (several checks at once) the memory is returned
// as soon as no check has run for releaseAfter (debug.FreeOSMemory; a
// login now and then does not trigger it).

import (
	"context"
	"errors"
	"runtime"
	"runtime/debug"
	"sync"
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
	// releaseAfter is the quiet time after a burst before its memory is
	// returned.
	releaseAfter = 2 * time.Second
)

// hashUse follows the checks running, to return a burst's memory.
type hashUse struct {
	mu      sync.Mutex
	running int
	peak    int // most running at once since the memory was last returned
	timer   *time.Timer
}

func (u *hashUse) start() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.running++
	u.peak = max(u.peak, u.running)
	if u.timer != nil {
		u.timer.Stop()
	}
}

func (u *hashUse) end() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.running--
	if u.running > 0 || u.peak < 2 {
		return
	}
	if u.timer == nil {
		u.timer = time.AfterFunc(releaseAfter, u.release)
	} else {
		u.timer.Reset(releaseAfter)
	}
}

// release returns the burst's memory if no check started meanwhile.
func (u *hashUse) release() {
	u.mu.Lock()
	if u.running > 0 || u.peak < 2 {
		u.mu.Unlock()
		return
	}
	u.peak = 0
	u.mu.Unlock()
	debug.FreeOSMemory()
}

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
// client went away meanwhile. A password found correct for this hash
// lately needs no slot (verified.go).
func (a *Authenticator) checkPassword(ctx context.Context, hash, password string) (bool, error) {
	if a.verified.has(hash, password, a.now()) {
		return true, nil
	}
	ok, err := a.hashCheck(ctx, hash, password)
	if ok {
		a.verified.add(hash, password, a.now())
	}
	return ok, err
}

// hashCheck is the argon2id check, in a slot.
func (a *Authenticator) hashCheck(ctx context.Context, hash, password string) (bool, error) {
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
	a.use.start()
	defer func() {
		a.use.end()
		<-slots
	}()
	if a.verify != nil {
		return a.verify(hash, password), nil
	}
	return VerifyPassword(hash, password), nil
}
