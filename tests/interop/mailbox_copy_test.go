package interop

// Mailbox copy (M5) end to end: mail reaches the source over SMTP (swaks)
// and IMAP APPEND, the domain's administrator copies the mailbox through
// the console's API (curl, as the browser does) and follows the job, and
// the target reads his folders over IMAP (go-imap's client, as a mail
// client does). A second copy copies nothing.

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// copyJob is GET /api/v1/jobs/{id} of a mailbox copy.
type copyJob struct {
	State  string
	Done   int64
	Total  int64
	Error  string
	Result struct {
		Copied         int `json:"copied"`
		Skipped        int `json:"skipped"`
		FoldersCreated int `json:"folders_created"`
	}
}

// adminUserID is the console's id of addr (GET /api/v1/admin/users?q=).
func adminUserID(t *testing.T, c *curlWeb, addr string) int64 {
	t.Helper()
	var page struct {
		Users []struct {
			ID    int64
			Email string
		}
	}
	if code := c.do("GET", "/api/v1/admin/users?q="+strings.Split(addr, "@")[0], nil, &page); code != 200 {
		t.Fatalf("search users: %d", code)
	}
	for _, u := range page.Users {
		if u.Email == addr {
			return u.ID
		}
	}
	t.Fatalf("no user %s in %+v", addr, page)
	return 0
}

// copyMailbox starts a copy and reads the job until it ends (60 s tell a
// job that never ends).
func copyMailbox(t *testing.T, c *curlWeb, from, to int64) copyJob {
	t.Helper()
	var started struct{ Job int64 }
	if code := c.do("POST", "/api/v1/admin/mailbox-copy", map[string]any{"from": from, "to": to}, &started); code != 202 || started.Job == 0 {
		t.Fatalf("start the copy: %d %+v", code, started)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var j copyJob
		if code := c.do("GET", fmt.Sprintf("/api/v1/jobs/%d", started.Job), nil, &j); code != 200 {
			t.Fatalf("read the job: %d", code)
		}
		if j.State == "done" || j.State == "failed" {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("the copy is still %s after 60 s: %+v", j.State, j)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestMailboxCopy_targetReadsTheCopiesOverIMAPAndASecondCopyAddsNothing(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "http"}})
	boss, kim, lee := uniqueAddr("copy-boss"), uniqueAddr("copy-kim"), uniqueAddr("copy-lee")
	s.AddUser(t, boss, "--admin")
	s.AddUser(t, kim, "--name", "김원본")
	s.AddUser(t, lee, "--name", "이대상")

	ids := []string{uniqueID("copy-in1"), uniqueID("copy-in2")}
	for i, id := range ids {
		out, code := swaks(t, s.Port(t, "smtp"), append([]string{"--from", "partner@remote.example", "--to", kim},
			swaksMessage(id, fmt.Sprintf("inbox %d", i))...)...)
		if code != 0 {
			t.Fatalf("swaks exit %d:\n%s", code, out)
		}
	}
	src := igLogin(t, s, "kim", kim, nil)
	if err := src.Create("Projects/2026", nil).Wait(); err != nil {
		t.Fatalf("CREATE: %v", err)
	}
	planID := uniqueID("copy-plan")
	src.igAppend(t, "Projects/2026", []byte("From: kim@example.test\r\nSubject: plan\r\nMessage-ID: <"+planID+">\r\n\r\nthe plan\r\n"),
		&imap.AppendOptions{Flags: []imap.Flag{imap.FlagFlagged, "$Important"}})
	sentID := uniqueID("copy-sent")
	src.igAppend(t, "Sent", []byte("From: kim@example.test\r\nTo: x@remote.example\r\nSubject: sent\r\nMessage-ID: <"+sentID+">\r\n\r\nsent\r\n"),
		&imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}})
	waitForSubject(t, s, kim, "inbox 1")

	c := newCurlWeb(t, s)
	c.login(boss)
	from, to := adminUserID(t, c, kim), adminUserID(t, c, lee)
	j := copyMailbox(t, c, from, to)
	if j.State != "done" || j.Result.Copied != 4 || j.Result.Skipped != 0 || j.Result.FoldersCreated != 2 || j.Done != 4 || j.Total != 4 {
		t.Fatalf("first copy: %+v", j)
	}

	dst := igLogin(t, s, "lee", lee, nil)
	want := map[string][]string{"INBOX": ids, "Sent": {sentID}, "Projects/2026": {planID}, "Projects": nil}
	check := func(when string) {
		t.Helper()
		list := dst.igList(t, "", "*", nil)
		for name, msgIDs := range want {
			if list[name] == nil {
				t.Errorf("%s: LIST has no %q (%v)", when, name, keysOf(list))
				continue
			}
			sel := dst.igSelect(t, name)
			if int(sel.NumMessages) != len(msgIDs) {
				t.Errorf("%s: %s holds %d messages, want %d", when, name, sel.NumMessages, len(msgIDs))
				continue
			}
			if len(msgIDs) == 0 {
				continue
			}
			var all imap.SeqSet
			all.AddRange(1, 0)
			var got []string
			for _, m := range dst.igFetch(t, all, &imap.FetchOptions{Envelope: true, Flags: true, UID: true}) {
				got = append(got, m.Envelope.MessageID)
				if m.Envelope.MessageID == planID && (!slices.Contains(m.Flags, imap.FlagFlagged) || !slices.Contains(m.Flags, "$Important")) {
					t.Errorf("%s: plan's flags %v", when, m.Flags)
				}
				if m.Envelope.MessageID == sentID && !slices.Contains(m.Flags, imap.FlagSeen) {
					t.Errorf("%s: sent's flags %v", when, m.Flags)
				}
			}
			slices.Sort(got)
			w := slices.Clone(msgIDs)
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("%s: %s holds %v, want %v", when, name, got, w)
			}
		}
	}
	check("after the first copy")

	j = copyMailbox(t, c, from, to)
	if j.State != "done" || j.Result.Copied != 0 || j.Result.Skipped != 4 || j.Result.FoldersCreated != 0 {
		t.Fatalf("second copy: %+v", j)
	}
	check("after the second copy")
	s.RequireConsistent(t)
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
