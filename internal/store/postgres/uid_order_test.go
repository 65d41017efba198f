package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/internal/store"
)

// The proof of the allocation invariant (package doc): writers on several
// connections, in one process and in two, append to one mailbox while a
// reader on a pool of its own lists its UIDs again and again. Every list
// must be 1..n with no gap (a UID is never visible before a smaller one)
// and n never shrinks (nothing skips back); at the end every append is
// there, once.

// orderFixture makes an account and returns it with its INBOX.
func orderFixture(t *testing.T, s *Store) (accountID, mailboxID int64) {
	t.Helper()
	ctx := t.Context()
	d := &store.Domain{Name: "order.example"}
	if err := s.CreateDomain(ctx, d); err != nil {
		t.Fatal(err)
	}
	a := &store.Account{DomainID: d.ID, LocalPart: "kim", Enabled: true}
	if err := s.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	inbox, err := s.MailboxByRole(ctx, a.ID, store.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID, inbox.ID
}

// appendMany appends n messages from goroutines goroutines, naming their
// blobs after tag.
func appendMany(ctx context.Context, s *Store, accountID, mailboxID int64, tag string, goroutines, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += goroutines {
				sum := sha256.Sum256(fmt.Appendf(nil, "uid order %s %d", tag, i))
				_, err := s.AppendMessage(ctx, &store.NewMessage{
					AccountID: accountID, MailboxID: mailboxID, BlobKey: hex.EncodeToString(sum[:]), Size: 100,
					InternalDate: time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC),
					Index:        store.IndexText{Subject: fmt.Sprintf("%s m%d", tag, i)},
					// no quota check: its lock on the account would
					// order the appends too, hiding a broken mailbox lock
					IgnoreQuota: true,
				})
				if err != nil {
					errs <- fmt.Errorf("%s append %d: %w", tag, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// watchUIDs lists the mailbox's UIDs until done is closed, and once more
// after, failing the test at the first list that is not 1..n or shorter
// than the one before. It returns the reads made, how many saw new UIDs,
// and the final count.
func watchUIDs(t *testing.T, reader *Store, accountID, mailboxID int64, done <-chan struct{}) (reads, grew, seen int) {
	t.Helper()
	check := func() {
		uids, err := reader.MessageUIDs(t.Context(), accountID, mailboxID, 0)
		if err != nil {
			t.Fatalf("MessageUIDs: %v", err)
		}
		reads++
		for i, u := range uids {
			if u != uint32(i+1) {
				t.Fatalf("read %d: UIDs %v: position %d holds %d, want %d (a UID visible before a smaller one)", reads, uids, i, u, i+1)
			}
		}
		if len(uids) < seen {
			t.Fatalf("read %d: %d UIDs visible after %d were: skipped back", reads, len(uids), seen)
		}
		if len(uids) > seen {
			grew++
		}
		seen = len(uids)
	}
	for {
		select {
		case <-done:
			check()
			return reads, grew, seen
		default:
			check()
		}
	}
}

func TestUIDsBecomeVisibleInOrder(t *testing.T) {
	schema := testSchema(t)
	nodeA := openIn(t, schema, Options{MaxConns: 6})
	nodeB := openIn(t, schema, Options{MaxConns: 6})
	reader := openIn(t, schema, Options{MaxConns: 2})
	accountID, mailboxID := orderFixture(t, nodeA)

	const each = 120
	done := make(chan struct{})
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, node := range []*Store{nodeA, nodeB} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = appendMany(t.Context(), node, accountID, mailboxID, "node"+strconv.Itoa(i), 6, each)
		}()
	}
	go func() { wg.Wait(); close(done) }()
	reads, grew, seen := watchUIDs(t, reader, accountID, mailboxID, done)
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if seen != 2*each {
		t.Errorf("%d messages visible at the end, want %d", seen, 2*each)
	}
	mb, err := reader.Mailbox(t.Context(), accountID, mailboxID)
	if err != nil {
		t.Fatal(err)
	}
	if mb.UIDNext != uint32(2*each+1) {
		t.Errorf("UIDNEXT %d, want %d", mb.UIDNext, 2*each+1)
	}
	if problems, err := reader.CheckConsistency(t.Context()); err != nil || len(problems) > 0 {
		t.Errorf("CheckConsistency: %v %q", err, problems)
	}
	t.Logf("%d reads while appending, %d of them saw new UIDs", reads, grew)
}

// appenderEnv carries an appender process's work: schema, account,
// mailbox, tag and count, comma-separated.
const appenderEnv = "POSTROOM_PG_APPENDER"

// TestUIDsInOrderAcrossProcesses is the proof with two processes (this
// test binary run again as TestAppenderProcess), each its own pool, as
// two nodes are.
func TestUIDsInOrderAcrossProcesses(t *testing.T) {
	schema := testSchema(t)
	reader := openIn(t, schema, Options{MaxConns: 2})
	accountID, mailboxID := orderFixture(t, reader)

	const each = 100
	done := make(chan struct{})
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestAppenderProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,%d,proc%d,%d", appenderEnv, schema, accountID, mailboxID, i, each))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("appender process %d: %w\n%s", i, err, out)
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	reads, grew, seen := watchUIDs(t, reader, accountID, mailboxID, done)
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if seen != 2*each {
		t.Errorf("%d messages visible at the end, want %d", seen, 2*each)
	}
	t.Logf("%d reads while two processes appended, %d of them saw new UIDs", reads, grew)
}

// TestAppenderProcess is the appender of TestUIDsInOrderAcrossProcesses;
// run directly it does nothing.
func TestAppenderProcess(t *testing.T) {
	spec := os.Getenv(appenderEnv)
	if spec == "" {
		t.Skip("run by TestUIDsInOrderAcrossProcesses")
	}
	f := strings.Split(spec, ",")
	if len(f) != 5 {
		t.Fatalf("%s=%q", appenderEnv, spec)
	}
	accountID, err1 := strconv.ParseInt(f[1], 10, 64)
	mailboxID, err2 := strconv.ParseInt(f[2], 10, 64)
	n, err3 := strconv.Atoi(f[4])
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatalf("%s=%q", appenderEnv, spec)
	}
	s := openIn(t, f[0], Options{MaxConns: 4})
	if err := appendMany(t.Context(), s, accountID, mailboxID, f[3], 4, n); err != nil {
		t.Fatal(err)
	}
}
