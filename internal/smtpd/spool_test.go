package smtpd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"postroom/internal/deliver"
	"postroom/internal/store"
)

// bigMessage is over spoolInMemory: it goes through a spool file.
var bigMessage = "Subject: big\r\n\r\n" + strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n", spoolInMemory/64+1)

// DATA goes to the spool as it arrives and leaves nothing there once the
// transaction is over, delivered or refused.
func TestData_spooledAndNothingLeftBehind(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	h := start(t, func(s *Server) { s.Spool, s.MaxMessageSize = dir, 1<<20 })
	c := h.dial(RoleMX)
	if err := sendMail(c, "someone@remote.test", []string{"bob@example.test"}, bigMessage, nil); err != nil {
		t.Fatal(err)
	}
	c.Reset()
	if got := code(sendMail(c, "someone@remote.test", []string{"bob@example.test"}, "Subject: nul\r\n\r\na\x00b\r\n"+bigMessage, nil)); got != "554 5.6.0" {
		t.Fatalf("NUL: %q", got)
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 1 {
		t.Fatalf("bob has %d messages", n)
	}
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("%d files left in the spool", len(left))
	}
}

// A spool that cannot be written (a full disk) answers 451 4.3.0 to a
// message that needs it, and nothing is acknowledged; a small message
// never touches the spool (spoolInMemory) and is delivered.
func TestData_spoolNotWritable_451(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h := start(t, func(s *Server) { s.Spool, s.MaxMessageSize = notDir, 1<<20 })
	c := h.dial(RoleMX)
	if got := code(sendMail(c, "someone@remote.test", []string{"bob@example.test"}, bigMessage, nil)); got != "451 4.3.0" {
		t.Fatalf("a message over %d bytes: got %q", spoolInMemory, got)
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 0 {
		t.Fatalf("bob has %d messages", n)
	}
	c.Reset()
	if err := sendMail(c, "someone@remote.test", []string{"bob@example.test"}, simple, nil); err != nil {
		t.Fatalf("a small message: %v", err)
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 1 {
		t.Fatalf("bob has %d messages after the small one", n)
	}
}

// A message of exactly spoolInMemory bytes, one byte more, and a large
// one all arrive whole, byte for byte.
func TestData_sizesAroundTheInMemoryLimit(t *testing.T) {
	for _, n := range []int{spoolInMemory, spoolInMemory + 1, 3*spoolInMemory + 17} {
		s := &Server{Spool: filepath.Join(t.TempDir(), "spool")}
		body := strings.Repeat("x", n)
		sp, err := s.spool(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, release, err := s.load(context.Background(), sp)
		if err != nil {
			t.Fatal(err)
		}
		if string(raw) != body || sp.size != int64(n) || (sp.f == nil) != (n <= spoolInMemory) {
			t.Fatalf("%d bytes: got %d back, size %d, in memory %v", n, len(raw), sp.size, sp.f == nil)
		}
		release()
		sp.Close()
	}
}

// The budget of messages held in memory: what does not fit waits for what
// is given back; a message costing more than the whole budget waits for
// all of it; waiting ends with its context.
func TestBudget_waitsForRoomAndEndsWithItsContext(t *testing.T) {
	var b byteBudget
	done, cancel := context.WithCancel(context.Background())
	cancel()
	first, err := b.acquire(context.Background(), 60, 100)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.acquire(done, 60, 100); err == nil {
		t.Fatal("60 more fitted in a byteBudget of 100 holding 60")
	}
	small, err := b.acquire(done, 40, 100)
	if err != nil {
		t.Fatalf("40 did not fit beside 60: %v", err)
	}
	got := make(chan error, 1)
	go func() {
		release, err := b.acquire(context.Background(), 1000, 100) // more than the byteBudget: all of it
		if err == nil {
			release()
		}
		got <- err
	}()
	first()
	first() // a second release gives nothing back twice
	small()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if b.used != 0 {
		t.Fatalf("%d bytes still counted", b.used)
	}
}

// What the server holds in memory for one message is counted with the
// delivery pipeline's own estimate, and two messages of the largest size
// fit in the default budget.
func TestBudget_defaultHoldsTwoLargestMessages(t *testing.T) {
	s := &Server{MaxMessageSize: 50 << 20}
	if got, want := s.maxInFlight(), 2*deliver.MemoryCost(50<<20); got != want {
		t.Fatalf("byteBudget %d, want %d", got, want)
	}
	if c := deliver.MemoryCost(50 << 20); c < 50<<20 || 3*c <= s.maxInFlight() {
		t.Fatalf("cost of the largest message %d: a byteBudget of %d holds more than two", c, s.maxInFlight())
	}
	if !strings.HasPrefix(code(reply(context.DeadlineExceeded)), "451 4.3.0") {
		t.Fatal("a byteBudget that had no room in time must answer 451 4.3.0")
	}
}
