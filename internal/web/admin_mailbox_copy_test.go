package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"postroom/internal/admin"
	"postroom/internal/jobs"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

func mailboxCopyFixture(t *testing.T) (*fixture, *jobs.Runner) {
	f := newFixture(t)
	r := &jobs.Runner{Store: f.Store, Log: testbed.Quiet()}
	t.Cleanup(r.Close)
	adm := f.srv.Admin.(*admin.Service)
	adm.Mail, adm.Jobs, adm.Log = f.Mail, r, testbed.Quiet()
	f.srv.Jobs = r
	return f, r
}

type copyFolders struct {
	Folders []copyFolderJSON
}

// followJob reads the job over the API until it ends (the runner's Wait,
// bounded, is the pause between reads).
func followJob(t *testing.T, c *client, r *jobs.Runner, id int64) jobJSON {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var j jobJSON
		if code := c.do("GET", fmt.Sprintf("/api/v1/jobs/%d", id), nil, &j); code != 200 {
			t.Fatalf("GET job: %d", code)
		}
		if j.State == store.JobDone || j.State == store.JobFailed {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job still %s: %+v", j.State, j)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		r.Wait(ctx, id)
		cancel()
	}
}

func folderCounts(t *testing.T, c *client, userID int64) map[string]int64 {
	t.Helper()
	var fs copyFolders
	if code := c.do("GET", fmt.Sprintf("/api/v1/admin/users/%d/folders", userID), nil, &fs); code != 200 {
		t.Fatalf("folders of %d: %d", userID, code)
	}
	out := map[string]int64{}
	for _, f := range fs.Folders {
		out[f.Name] = f.Messages
	}
	return out
}

// The console loads the source's folders, copies, follows the job to
// its end, sees the target's folders; a second copy copies nothing.
func TestAdminMailboxCopy_copyFollowAndAgain(t *testing.T) {
	f, r := mailboxCopyFixture(t)
	f.Account("boss", func(a *store.Account) { a.Admin = true; a.Language = "ko" })
	kim, lee := f.Account("kim", nil), f.Account("lee", nil)
	if _, err := f.Store.CreateMailbox(f.Ctx, kim.ID, "거래처/2026"); err != nil {
		t.Fatal(err)
	}
	for i, box := range []string{"INBOX", "INBOX", "Sent", "거래처/2026"} {
		f.Put(kim.ID, box, fmt.Sprintf("From: x@remote.test\r\nSubject: m%d\r\nMessage-ID: <m%d@remote.test>\r\n\r\nhello\r\n", i, i))
	}
	boss := f.login(t, "boss@example.test")
	kimID, leeID := f.srv.outID(idAccount, kim.ID), f.srv.outID(idAccount, lee.ID)
	src := folderCounts(t, boss, kimID)
	if src["INBOX"] != 2 || src["Sent"] != 1 || src["거래처/2026"] != 1 || src["거래처"] != 0 {
		t.Fatalf("source folders %v", src)
	}

	var started struct{ Job int64 }
	if code := boss.do("POST", "/api/v1/admin/mailbox-copy", map[string]any{"from": kimID, "to": leeID}, &started); code != 202 || started.Job == 0 {
		t.Fatalf("copy: %d %+v", code, started)
	}
	j := followJob(t, boss, r, started.Job)
	if j.State != store.JobDone || j.Kind != "mailbox_copy" || j.Done != 4 || j.Total != 4 ||
		string(j.Result) != `{"copied":4,"skipped":0,"folders_created":2}` {
		t.Fatalf("job %+v %s", j, j.Result)
	}
	dst := folderCounts(t, boss, leeID)
	for name, n := range src {
		if dst[name] != n {
			t.Errorf("target's %s: %d, want %d (%v)", name, dst[name], n, dst)
		}
	}
	if code := f.login(t, "kim@example.test").do("GET", fmt.Sprintf("/api/v1/jobs/%d", started.Job), nil, nil); code != 404 {
		t.Errorf("a user reads the administrator's job: %d", code)
	}

	boss.do("POST", "/api/v1/admin/mailbox-copy", map[string]any{"from": kimID, "to": leeID}, &started)
	j = followJob(t, boss, r, started.Job)
	if string(j.Result) != `{"copied":0,"skipped":4,"folders_created":0}` {
		t.Fatalf("second run %+v %s", j, j.Result)
	}
	if again := folderCounts(t, boss, leeID); fmt.Sprint(again) != fmt.Sprint(dst) {
		t.Errorf("after the second run %v, want %v", again, dst)
	}
}

// Refusals: the same account twice (translated), another domain's user,
// an id that is none, a user's session.
func TestAdminMailboxCopy_refusals(t *testing.T) {
	f, _ := mailboxCopyFixture(t)
	f.Account("boss", func(a *store.Account) { a.Admin = true; a.Language = "ko" })
	kim := f.Account("kim", nil)
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	park := f.Account("park", func(a *store.Account) { a.DomainID = other.ID })
	boss := f.login(t, "boss@example.test")
	kimID, parkID := f.srv.outID(idAccount, kim.ID), f.srv.outID(idAccount, park.ID)

	var e errorAnswer
	if code := boss.do("POST", "/api/v1/admin/mailbox-copy", map[string]any{"from": kimID, "to": kimID}, &e); code != 400 ||
		e.Error.Field != "to" || !strings.Contains(e.Error.Message, "같습니다") {
		t.Errorf("same account: %d %+v", code, e)
	}
	for _, body := range []map[string]any{{"from": kimID, "to": parkID}, {"from": parkID, "to": kimID}, {"from": kimID, "to": 123456789}} {
		if code := boss.do("POST", "/api/v1/admin/mailbox-copy", body, nil); code != 404 {
			t.Errorf("copy %v: %d, want 404", body, code)
		}
	}
	if code := boss.do("GET", fmt.Sprintf("/api/v1/admin/users/%d/folders", parkID), nil, nil); code != 404 {
		t.Errorf("another domain's folders: %d", code)
	}
	user := f.login(t, "alice@example.test")
	if code := user.do("POST", "/api/v1/admin/mailbox-copy", map[string]any{"from": kimID, "to": f.srv.outID(idAccount, f.bob.ID)}, nil); code != 403 {
		t.Errorf("a user copies: %d", code)
	}
	if code := user.do("GET", fmt.Sprintf("/api/v1/admin/users/%d/folders", kimID), nil, nil); code != 403 {
		t.Errorf("a user loads a mailbox: %d", code)
	}
}
