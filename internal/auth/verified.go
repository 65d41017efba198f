package auth

// Phones and Outlook log in again all day (a new IMAP connection for
// every folder check, SMTP AUTH for every send), and each argon2id check
// costs 19 MiB and tens of milliseconds of a CPU (issue 21). A correct
// password is therefore remembered for a while, as Dovecot's auth cache
// does, so that the next login with it is a lookup:
//
//   - Only successes are remembered; a wrong password is checked (and
//     counted by the limits, which run before) every time.
//   - The entry is a keyed hash (HMAC-SHA-256, a random key of the
//     process) of the stored hash and the password: no password is kept,
//     and a dump of the memory cannot be checked against guesses without
//     the key.
//   - The stored hash is part of it, so a changed password (here, on
//     another node, from the command line) no longer matches at once;
//     suspension and the mail-client switch are read from the account at
//     every login, after the password check, as before.
//   - It is bounded in time (verifiedTTL) and in entries (verifiedMax).

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

const (
	// verifiedTTL is how long a checked password is remembered.
	verifiedTTL = 10 * time.Minute
	// verifiedMax bounds the entries (about 100 bytes each).
	verifiedMax = 20000
)

type verifiedKey [sha256.Size]byte

// verified remembers correct (stored hash, password) pairs.
type verified struct {
	mu      sync.Mutex
	key     []byte
	until   map[verifiedKey]time.Time
	order   []verifiedKey // insertion order, for evicting the oldest
	max     int           // verifiedMax unless a test sets it
	started bool
}

func (v *verified) init() {
	if v.started {
		return
	}
	v.started = true
	v.key = make([]byte, 32)
	rand.Read(v.key)
	v.until = map[verifiedKey]time.Time{}
	if v.max <= 0 {
		v.max = verifiedMax
	}
}

func (v *verified) sum(hash, password string) verifiedKey {
	m := hmac.New(sha256.New, v.key)
	m.Write([]byte(hash))
	m.Write([]byte{0})
	m.Write([]byte(password))
	var k verifiedKey
	m.Sum(k[:0])
	return k
}

// has reports whether password was found correct for hash within the TTL.
func (v *verified) has(hash, password string, now time.Time) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.init()
	k := v.sum(hash, password)
	until, ok := v.until[k]
	if ok && now.After(until) {
		delete(v.until, k)
		return false
	}
	return ok
}

// add remembers that password is correct for hash.
func (v *verified) add(hash, password string, now time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.init()
	k := v.sum(hash, password)
	if _, ok := v.until[k]; !ok {
		v.order = append(v.order, k)
	}
	v.until[k] = now.Add(verifiedTTL)
	for len(v.until) > v.max && len(v.order) > 0 {
		delete(v.until, v.order[0])
		v.order = v.order[1:]
	}
	// order also holds keys already gone (expired, or re-added): compact
	// it when it has grown well past the entries
	if len(v.order) > 2*v.max {
		live := v.order[:0]
		seen := map[verifiedKey]bool{}
		for _, k := range v.order {
			if _, ok := v.until[k]; ok && !seen[k] {
				seen[k] = true
				live = append(live, k)
			}
		}
		v.order = live
	}
}

// len is the number of entries (tests).
func (v *verified) len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.until)
}
