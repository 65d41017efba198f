package migrate

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/internal/jobs"
	"postroom/internal/store"
	"postroom/internal/testbed"
	"postroom/internal/testbed/clock"
)

// An import whose node stalls after its first message, past its lease,
// is taken over by another node, which imports the upload again: the
// message the first run filed is skipped, nothing is filed twice, and
// the stalled run stops at its step without filing more. The upload is
// kept for the run that takes over and deleted when that run ends.
func TestImportUpload_resumedOnAnotherNodeFilesEachMessageOnce(t *testing.T) {
	b := testbed.New(t)
	c := clock.At(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
	kim := b.Account("kim", nil)
	var file strings.Builder
	for i, s := range []string{"one", "two", "three"} {
		file.WriteString("From a@example.net Mon Mar  2 09:30:00 2026\nSubject: " + s + "\n\n" + strings.Repeat(string(rune('x'+i)), 300) + "\n\n")
	}
	ups := &fakeUploads{}
	ups.put(kim.ID, 7, []byte(file.String()))

	stall, stalled := make(chan struct{}), make(chan struct{})
	var once sync.Once
	let := func() { once.Do(func() { close(stall) }) }
	defer let()
	// node a: one worker (it cannot take its own job over), stalls
	// after its first message
	gaveUp := &logged{prefix: "jobs: given up", seen: make(chan struct{})}
	a := &jobs.Runner{Store: b.Store, Log: slog.New(gaveUp), Now: c.Now, Node: "a", Workers: 1, Heartbeat: time.Hour, Poll: time.Hour}
	var first sync.Once
	a.Progressed = func(j store.Job) {
		if j.Done > 0 {
			first.Do(func() { close(stalled); <-stall })
		}
	}
	t.Cleanup(a.Close)
	bRunner := &jobs.Runner{Store: b.Store, Log: testbed.Quiet(), Now: c.Now, Node: "b", Heartbeat: time.Hour, Poll: time.Hour}
	t.Cleanup(bRunner.Close)
	(&UploadImporter{Mail: b.Mail, Uploads: ups, Jobs: bRunner, Log: testbed.Quiet()}).RegisterJobs() // as serve wires node b
	im := &UploadImporter{Mail: b.Mail, Uploads: ups, Jobs: a, Log: testbed.Quiet()}

	inbox, err := b.Mail.MailboxByRole(b.Ctx, user(kim), store.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	j, err := im.ImportUpload(b.Ctx, user(kim), inbox.ID, 7)
	if err != nil {
		t.Fatal(err)
	}
	<-stalled
	c.Add(jobs.DefaultLease + time.Second)
	if err := bRunner.Start(b.Ctx); err != nil {
		t.Fatal(err)
	}
	if err := bRunner.Wait(b.Ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	let()
	<-gaveUp.seen // node a's run has ended
	got, err := bRunner.Get(b.Ctx, user(kim), j.ID)
	if err != nil || got.State != store.JobDone || got.Node != "b" || got.Attempts != 2 ||
		string(got.Result) != `{"imported":2,"skipped":1,"folders_created":0,"failed":[],"failed_count":0}` {
		t.Fatalf("the job after the takeover: %+v, %v", got, err)
	}
	uids, err := b.Mail.UIDs(b.Ctx, user(kim), inbox.ID, 0)
	if err != nil || len(uids) != 3 {
		t.Errorf("the inbox holds %d messages (%v), want the file's 3 once each", len(uids), err)
	}
	if ups.has(kim.ID, 7) {
		t.Error("the upload is kept after the import ended")
	}
}

// logged is a log that says when a message starting with prefix was
// logged: the runner logs when a run that lost its job ends.
type logged struct {
	prefix string
	seen   chan struct{}
	once   sync.Once
}

func (l *logged) Enabled(context.Context, slog.Level) bool { return true }
func (l *logged) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logged) WithGroup(string) slog.Handler            { return l }
func (l *logged) Handle(_ context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, l.prefix) {
		l.once.Do(func() { close(l.seen) })
	}
	return nil
}
