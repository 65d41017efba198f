package smtpd

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"postroom/internal/deliver"
	"postroom/internal/store"
)

// bigMessage is over spoolInMemory: it stays in memory while the
// arriving budget has room. hugeMessage is over spoolInMemoryMax: it goes
// through a spool file.
var (
	bigMessage  = "Subject: big\r\n\r\n" + strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n", spoolInMemory/64+1)
	hugeMessage = "Subject: huge\r\n\r\n" + strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n", spoolInMemoryMax/64+1)
)

// DATA goes to the spool as it arrives and leaves nothing there once the
// transaction is over, delivered or refused.
func TestData_spooledAndNothingLeftBehind(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	h := start(t, func(s *Server) { s.Spool, s.MaxMessageSize = dir, 4<<20 })
	c := h.dial(RoleMX)
	for _, m := range []string{bigMessage, hugeMessage} {
		if err := sendMail(c, "someone@remote.test", []string{"bob@example.test"}, m, nil); err != nil {
			t.Fatal(err)
		}
		c.Reset()
		if got := code(sendMail(c, "someone@remote.test", []string{"bob@example.test"}, "Subject: nul\r\n\r\na\x00b\r\n"+m, nil)); got != "554 5.6.0" {
			t.Fatalf("NUL: %q", got)
		}
		c.Reset()
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 2 {
		t.Fatalf("bob has %d messages, want 2", n)
	}
	if n := h.srv.arriving.inUse(); n != 0 {
		t.Fatalf("%d bytes of the arriving budget not given back", n)
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
	h := start(t, func(s *Server) { s.Spool, s.MaxMessageSize = notDir, 4<<20 })
	c := h.dial(RoleMX)
	if got := code(sendMail(c, "someone@remote.test", []string{"bob@example.test"}, hugeMessage, nil)); got != "451 4.3.0" {
		t.Fatalf("a message over %d bytes: got %q", spoolInMemoryMax, got)
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

// Messages around both limits arrive whole, byte for byte: in memory up
// to spoolInMemory, and up to spoolInMemoryMax while the arriving budget
// has room (here: when it is not all taken), in the spool file past
// either. The budget is given back when the message is done with.
func TestData_sizesAroundTheInMemoryLimits(t *testing.T) {
	for _, c := range []struct {
		n        int
		full     bool // the arriving budget taken
		inMemory bool
	}{
		{spoolInMemory, false, true}, {spoolInMemory + 1, false, true}, {3*spoolInMemory + 17, false, true},
		{spoolInMemoryMax, false, true}, {spoolInMemoryMax + 1, false, false}, {3*spoolInMemoryMax + 5, false, false},
		{spoolInMemory, true, true}, {spoolInMemory + 1, true, false}, {spoolInMemoryMax, true, false},
	} {
		s := &Server{Spool: filepath.Join(t.TempDir(), "spool")}
		if c.full {
			s.arriving.used = arrivingBudget
		}
		body := strings.Repeat("x", c.n)
		sp, err := s.spool(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, release, err := s.load(context.Background(), sp)
		if err != nil {
			t.Fatal(err)
		}
		if string(raw) != body || sp.size != int64(c.n) || (sp.f == nil) != c.inMemory {
			t.Fatalf("%d bytes, budget taken %v: got %d back, size %d, in memory %v, want %v", c.n, c.full, len(raw), sp.size, sp.f == nil, c.inMemory)
		}
		release()
		sp.Close()
		if want := map[bool]int64{true: arrivingBudget}[c.full]; s.arriving.used != want {
			t.Fatalf("%d bytes: arriving budget %d after Close, want %d", c.n, s.arriving.used, want)
		}
	}
}

// A connection lost in the middle of the data is no message, however
// short what arrived: the data reader says so with io.ErrUnexpectedEOF,
// which fill does not take for the end.
func TestSpool_aTransferCutShortIsNoMessage(t *testing.T) {
	s := &Server{Spool: filepath.Join(t.TempDir(), "spool")}
	for _, n := range []int{100, spoolInMemory + 100, spoolInMemoryMax + 100} {
		r := io.MultiReader(strings.NewReader(strings.Repeat("x", n)), iotest.ErrReader(io.ErrUnexpectedEOF))
		if sp, err := s.spool(r); err == nil {
			sp.Close()
			t.Fatalf("%d bytes then a lost connection: spooled %d bytes as a message", n, sp.size)
		}
		if s.arriving.used != 0 {
			t.Fatalf("%d bytes: arriving budget %d after a failed transfer", n, s.arriving.used)
		}
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
