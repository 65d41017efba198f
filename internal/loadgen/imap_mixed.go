package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// mixedSeed is how many messages imap-mixed appends first to a mailbox
// that has none, so that there is something to fetch and search.
const mixedSeed = 100

// mixedRounds is how many rounds of commands a session of imap-mixed runs
// between its login and its logout: phones and desktop clients log in
// again all day (issue 21 measures the login), and stay a while.
const mixedRounds = 5

// seedMailbox fills an empty mailbox for imap-mixed, before the clock.
func (r *runner) seedMailbox(ctx context.Context) error {
	c, err := r.imapLogin(ctx)
	if err != nil {
		return fmt.Errorf("imap-mixed: %w", err)
	}
	defer c.logout()
	untagged, _, err := c.command("SELECT " + quote(r.o.Mailbox))
	if err != nil {
		return fmt.Errorf("imap-mixed: SELECT: %w", err)
	}
	if exists(untagged) > 0 {
		return nil
	}
	for i := range mixedSeed {
		id, rest := r.pool.message(i)
		if _, _, err := c.withLiteral("APPEND "+quote(r.o.Mailbox), [][]byte{[]byte(id), rest}, ""); err != nil {
			return fmt.Errorf("imap-mixed: seeding the mailbox: %w", err)
		}
	}
	return nil
}

// imapMixed is the mixed IMAP load of a mail client, in the manner of
// Dovecot's imaptest: Concurrency clients each log in, select the
// mailbox, then run rounds of what a client does — fetch the envelopes of
// the newest 50 messages, fetch one whole message, search subjects
// (Korean and English), set and clear a flag, NOOP, a short IDLE — and log
// out, until Duration ends (or Repeat times). Every command is an
// operation of its own.
func (r *runner) imapMixed(ctx context.Context) error {
	r.workers(ctx, func(ctx context.Context, worker int) {
		rng := rand.New(rand.NewPCG(uint64(r.o.Seed), uint64(worker)))
		for n := 0; ctx.Err() == nil && (r.o.Repeat == 0 || n < r.o.Repeat); n++ {
			r.mixedSession(ctx, rng)
		}
	})
	return nil
}

// mixedSession is one login to logout; it returns at the first broken
// connection.
func (r *runner) mixedSession(ctx context.Context, rng *rand.Rand) {
	start := time.Now()
	c, err := r.imapLogin(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return // the run ended while connecting: no error of the server's
		}
		r.rec.fail("login", err)
		// A refused or failed login must not spin: the next try waits a little.
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
		return
	}
	r.rec.ok("login", time.Since(start), 0)
	defer c.logout()
	var n int
	if r.op("select", c, "SELECT "+quote(r.o.Mailbox), func(u []string) { n = exists(u) }) != nil || n == 0 {
		return
	}
	for round := 0; round < mixedRounds && ctx.Err() == nil; round++ {
		k := 1 + rng.IntN(n)
		flag := "+FLAGS"
		if round%2 == 1 {
			flag = "-FLAGS"
		}
		steps := []func() error{
			func() error {
				return r.op("fetch-envelopes", c, fmt.Sprintf("FETCH %d:%d (UID FLAGS ENVELOPE)", max(1, n-49), n), nil)
			},
			func() error { return r.op("fetch-body", c, "FETCH "+strconv.Itoa(k)+" BODY.PEEK[]", nil) },
			func() error { return r.search(c, SearchWords[rng.IntN(len(SearchWords))]) },
			func() error { return r.op("store", c, fmt.Sprintf("STORE %d %s (\\Flagged)", k, flag), nil) },
			func() error { return r.op("noop", c, "NOOP", nil) },
			func() error { return r.rec.time("idle", 0, c.idle) },
		}
		for _, step := range steps {
			if err := step(); broken(err) {
				c.close()
				return
			}
		}
	}
}

// op runs one command as an operation; seen, when not nil, gets its
// untagged responses.
func (r *runner) op(name string, c *imapConn, cmd string, seen func([]string)) error {
	return r.rec.time(name, 0, func() error {
		u, lit, err := c.command(cmd)
		if err == nil && seen != nil {
			seen(u)
		}
		if err == nil && lit > 0 {
			r.rec.mu.Lock()
			r.rec.bytes += int64(lit)
			r.rec.mu.Unlock()
		}
		return err
	})
}

// search is SEARCH SUBJECT; a Korean word goes as a UTF-8 literal
// (RFC 9051 §6.4.4: CHARSET names the charset of the strings).
func (r *runner) search(c *imapConn, word string) error {
	return r.rec.time("search", 0, func() error {
		if isASCII(word) {
			_, _, err := c.command("SEARCH SUBJECT " + quote(word))
			return err
		}
		_, _, err := c.withLiteral("SEARCH CHARSET UTF-8 SUBJECT", [][]byte{[]byte(word)}, "")
		return err
	})
}

// idle enters IDLE and leaves it at once (RFC 2177): the round trip of a
// client that goes to sleep and wakes.
func (c *imapConn) idle() error {
	c.c.SetDeadline(time.Now().Add(opTimeout))
	tag := c.nextTag()
	if _, err := fmt.Fprintf(c.c, "%s IDLE\r\n", tag); err != nil {
		return err
	}
	if err := c.continuation(tag); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(c.c, "DONE\r\n"); err != nil {
		return err
	}
	_, _, err := c.finish(tag)
	return err
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
