//go:build unix

package imapd

// The large mailbox of bench_large_test.go: built once per test binary
// through the mailbox service, checked answers, and the CPU metric.

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/store"
)

// largeN is the size of the mailbox issue 17 names.
const largeN = 100_000

// largeMailbox is the built mailbox and two clients logged in as bob: one
// with INBOX selected, one with nothing selected (for STATUS, which a
// client sends for mailboxes other than the selected one).
type largeMailbox struct {
	h       *benchHarness
	c       *imapclient.Client
	status  *imapclient.Client
	uids    []imap.UID // uids[i]: message i's, in append order
	sizes   []int64    // sizes[i]: message i's RFC822.SIZE
	want    largeCounts
	fill    time.Duration
	cleanup func()
}

// largeCounts is what the generator knows a search must find.
type largeCounts struct {
	meeting, kim, unseen int
	tomorrow             int // bodies with largeBodyWord
	// The date range's hits lie between these: SINCE/BEFORE compare
	// dates in a time zone the server picks, so messages within a day of
	// the range's ends may fall either way.
	rangeMin, rangeMax int
}

// The SEARCH SINCE/BEFORE range: March 2023.
var (
	largeSince  = time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)
	largeBefore = time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)
)

var large struct {
	once sync.Once
	mb   *largeMailbox
	err  error
}

// largeBox returns the mailbox, building it on the first call.
func largeBox(b *testing.B) *largeMailbox {
	b.Helper()
	large.once.Do(func() {
		large.mb, large.err = buildLarge()
		if large.err == nil {
			b.Logf("filled INBOX with %d messages in %v (not timed)", largeN, large.mb.fill.Round(time.Second))
		}
	})
	if large.err != nil {
		b.Fatal(large.err)
	}
	return large.mb
}

// TestMain removes the large mailbox, which outlives any one benchmark.
func TestMain(m *testing.M) {
	code := m.Run()
	if large.mb != nil {
		large.mb.cleanup()
	}
	os.Exit(code)
}

// procTB is the testing.TB that testbed.New and startBench get for the
// large mailbox: the mailbox belongs to the test binary, not to the first
// benchmark that asks for it, whose TempDir and Cleanup would end with it.
// A Fatal panics with procFailure, which buildLarge turns into its error.
type procTB struct {
	testing.TB // nil: only for the interface's unexported method
	dir        string
	cleanups   []func()
}

type procFailure string

func (p *procTB) Helper()                      {}
func (p *procTB) Logf(string, ...any)          {}
func (p *procTB) Cleanup(f func())             { p.cleanups = append(p.cleanups, f) }
func (p *procTB) Fatal(args ...any)            { panic(procFailure(fmt.Sprint(args...))) }
func (p *procTB) Fatalf(f string, args ...any) { panic(procFailure(fmt.Sprintf(f, args...))) }
func (p *procTB) Errorf(f string, args ...any) { panic(procFailure(fmt.Sprintf(f, args...))) }
func (p *procTB) TempDir() string {
	d, err := os.MkdirTemp(p.dir, "t")
	if err != nil {
		p.Fatal(err)
	}
	return d
}

func (p *procTB) close() {
	for i := len(p.cleanups) - 1; i >= 0; i-- {
		p.cleanups[i]()
	}
	os.RemoveAll(p.dir)
}

// largeDir is where the mailbox is built: tmpfs when there is one, since
// the blob store fsyncs three times a message and the fill is not what is
// measured (reads come from the page cache either way).
func largeDir() string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
}

func buildLarge() (mb *largeMailbox, err error) {
	dir, err := os.MkdirTemp(largeDir(), "postroom-imap-large-")
	if err != nil {
		return nil, err
	}
	p := &procTB{dir: dir}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(procFailure)
			if !ok {
				panic(r)
			}
			p.close()
			mb, err = nil, errors.New(string(f))
		}
	}()
	start := time.Now()
	h := startBench(p)
	mb = &largeMailbox{h: h, cleanup: p.close}
	if err := mb.fillLarge(); err != nil {
		p.close()
		return nil, err
	}
	mb.fill = time.Since(start)
	if mb.c, err = largeClient(p, h.addr, true); err == nil {
		mb.status, err = largeClient(p, h.addr, false)
	}
	if err != nil {
		p.close()
		return nil, err
	}
	return mb, nil
}

// largeClient logs in as bob, selecting INBOX if asked; the client closes
// with the mailbox.
func largeClient(p *procTB, addr string, sel bool) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		return nil, err
	}
	p.Cleanup(func() { c.Close() })
	if err := c.Login("bob@example.test", "pw").Wait(); err != nil {
		return nil, err
	}
	if sel {
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// fillLarge stores the corpus through the mailbox service (mail.Append,
// the path delivery takes), not over IMAP: writing and parsing run on all
// cores a batch at a time, and the appends follow in order so that UID
// order is date order, as in a real mailbox.
func (mb *largeMailbox) fillLarge() error {
	h := mb.h
	inbox, err := h.Store.MailboxByName(h.Ctx, h.acct.ID, "INBOX")
	if err != nil {
		return err
	}
	who := actor.System(h.acct.ID, "bench")
	const batch = 1000
	reqs := make([]mail.AppendRequest, batch)
	errs := make([]error, batch)
	mb.uids = make([]imap.UID, 0, largeN)
	mb.sizes = make([]int64, 0, largeN)
	workers := runtime.GOMAXPROCS(0)
	for base := 0; base < largeN; base += batch {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for k := w; k < batch; k += workers {
					msg := largeMessage(base + k)
					mb.want.add(msg)
					key, size, err := h.Blobs.Put(h.Ctx, strings.NewReader(msg.raw))
					reqs[k] = mail.AppendRequest{MailboxID: inbox.ID, BlobKey: key, Size: size,
						Parsed: message.Parse([]byte(msg.raw)), Flags: msg.flags, InternalDate: msg.date}
					errs[k] = err
				}
			})
		}
		wg.Wait()
		for k := range batch {
			if errs[k] != nil {
				return errs[k]
			}
			m, err := h.Mail.Append(h.Ctx, who, reqs[k])
			if err != nil {
				return err
			}
			mb.uids = append(mb.uids, imap.UID(m.UID))
			mb.sizes = append(mb.sizes, reqs[k].Size)
		}
		// the terms, written after the appends (mail/index_later.go) as
		// the server's indexer would meanwhile: part of the fill
		if _, err := h.Mail.IndexWaiting(h.Ctx, actor.User(h.acct)); err != nil {
			return err
		}
	}
	return nil
}

var largeCountsMu sync.Mutex

func (w *largeCounts) add(m largeMsg) {
	largeCountsMu.Lock()
	defer largeCountsMu.Unlock()
	if strings.Contains(m.subject, "회의") {
		w.meeting++
	}
	if m.kim {
		w.kim++
	}
	if m.tomorrow {
		w.tomorrow++
	}
	if !slices.Contains(m.flags, store.FlagSeen) {
		w.unseen++
	}
	day := 24 * time.Hour
	if !m.date.Before(largeSince.Add(day)) && m.date.Before(largeBefore.Add(-day)) {
		w.rangeMin++
	}
	if !m.date.Before(largeSince.Add(-day)) && m.date.Before(largeBefore.Add(day)) {
		w.rangeMax++
	}
}

// cpuTime is the process's CPU time, user and system: server and client
// together, since both run in this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs op b.N times and reports, beside ns/op, the process CPU
// time per operation: above ns/op the work ran on several cores, well
// below it the command waited (on the disk, on locks).
func measure(b *testing.B, op func() error) {
	b.Helper()
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
}
