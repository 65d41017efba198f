package auth

import (
	"net"
	"sync"
	"time"
)

// Throttle counts recent failed logins per remote address and per account
// and turns them into a growing delay: none for the first few mistakes, then
// doubling up to a ceiling. Counts fade after a quiet window.
type Throttle struct {
	mu       sync.Mutex
	byKey    map[string]*failures
	Free     int           // failures answered without delay
	Base     time.Duration // first delay
	Max      time.Duration // ceiling
	Window   time.Duration // failures older than this are forgotten
	lastTidy time.Time
}

type failures struct {
	n    int
	last time.Time
}

// NewThrottle returns a throttle with the house defaults: 3 free failures,
// then 1s, 2s, 4s ... up to 30s, forgotten after 15 quiet minutes.
func NewThrottle() *Throttle {
	return &Throttle{byKey: map[string]*failures{}, Free: 3, Base: time.Second, Max: 30 * time.Second, Window: 15 * time.Minute}
}

func keys(ip net.IP, account string) []string {
	var k []string
	if ip != nil {
		k = append(k, "ip:"+ip.String())
	}
	if account != "" {
		k = append(k, "acct:"+account)
	}
	return k
}

// Delay returns how long to wait before answering the next attempt.
func (t *Throttle) Delay(ip net.IP, account string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	worst := 0
	for _, k := range keys(ip, account) {
		if f := t.byKey[k]; f != nil && now.Sub(f.last) < t.Window && f.n > worst {
			worst = f.n
		}
	}
	if worst < t.Free {
		return 0
	}
	d := t.Base << min(worst-t.Free, 16)
	return min(d, t.Max)
}

// Failed records a failed attempt.
func (t *Throttle) Failed(ip net.IP, account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	t.tidy(now)
	for _, k := range keys(ip, account) {
		f := t.byKey[k]
		if f == nil || now.Sub(f.last) >= t.Window {
			f = &failures{}
			t.byKey[k] = f
		}
		f.n++
		f.last = now
	}
}

// Succeeded forgets the account's failures (the address's stay: one good
// login must not reset a guesser trying many accounts).
func (t *Throttle) Succeeded(_ net.IP, account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.byKey, "acct:"+account)
}

// tidy drops expired entries now and then so the map stays bounded.
func (t *Throttle) tidy(now time.Time) {
	if now.Sub(t.lastTidy) < time.Minute {
		return
	}
	t.lastTidy = now
	for k, f := range t.byKey {
		if now.Sub(f.last) >= t.Window {
			delete(t.byKey, k)
		}
	}
}
