package interop

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// webStream is curl following GET /api/v1/events: its lines, and closed
// when the server ends the stream.
type webStream struct {
	lines <-chan string
	ended <-chan struct{}
}

// curlLogin logs addr in with curl and keeps the cookie in a jar file.
func curlLogin(t *testing.T, curl, base, addr string) (jar string) {
	t.Helper()
	jar = filepath.Join(t.TempDir(), "cookies")
	body, _ := json.Marshal(map[string]string{"email": addr, "password": testPassword})
	out, err := exec.Command(curl, "-sS", "-c", jar, "-H", "Content-Type: application/json", "-d", string(body), base+"/api/v1/session").CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"authenticated":true`) {
		t.Fatalf("curl login %s: %v %s", addr, err, out)
	}
	return jar
}

// curlStream opens the account's event stream with curl (-N: no
// buffering) and waits for its first line.
func curlStream(t *testing.T, curl, base, jar string) *webStream {
	t.Helper()
	cmd := exec.Command(curl, "-sS", "-N", "-b", jar, base+"/api/v1/events")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines, ended := make(chan string, 100), make(chan struct{})
	go func() {
		defer close(ended)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	select {
	case l := <-lines:
		if !strings.HasPrefix(l, ": connected") {
			t.Fatalf("the event stream began with %q", l)
		}
	case <-ended:
		t.Fatal("the event stream ended at once")
	case <-time.After(igPushWait):
		t.Fatal("the event stream said nothing")
	}
	return &webStream{lines: lines, ended: ended}
}

// waitEvent waits for the next "event: KIND" line and returns its data
// line, failing after igPushWait (a missing event, not a slow one: how
// long it took is returned and logged by the caller).
func (s *webStream) waitEvent(t *testing.T, kind string) (data string, took time.Duration) {
	t.Helper()
	start := time.Now()
	timeout := time.After(igPushWait)
	for {
		select {
		case l := <-s.lines:
			if l != "event: "+kind {
				continue
			}
			select {
			case d := <-s.lines:
				return d, time.Since(start)
			case <-timeout:
				t.Fatalf("event %s without its data line", kind)
			}
		case <-s.ended:
			t.Fatalf("the event stream ended while waiting for %s", kind)
		case <-timeout:
			t.Fatalf("no %s on the event stream within %v", kind, igPushWait)
		}
	}
}

// TestCLIEvents_reachTheEventStreamAndIMAP: the command line changes mail
// while the server runs (another process on the same database): a folder
// made with `postroom mailbox add` reaches the webmail's event stream
// (curl, as the browser's EventSource reads it) within a second, and is in
// an IMAP session's next LIST; renaming INBOX with the command line moves
// its messages, which a session in IDLE on INBOX is told (* 1 EXPUNGE)
// without a command of its own. The times are measured from the command's
// exit and logged; the wait itself is generous (a missing event, not a
// slow one, fails).
func TestCLIEvents_reachTheEventStreamAndIMAP(t *testing.T) {
	curl := requireTool(t, "curl", "curl")
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "http"}})
	user := uniqueAddr("cli-events")
	s.AddUser(t, user)
	igMXDeliver(t, s, user, "in the inbox before the rename")
	base := "http://" + s.Addr(t, "http")
	stream := curlStream(t, curl, base, curlLogin(t, curl, base, user))

	lister := igLogin(t, s, "lister", user, nil)
	if got := lister.igList(t, "", "*", nil); got["프로젝트/2026"] != nil {
		t.Fatalf("the folder exists before the command: %v", got)
	}
	rec := newIGRecorder()
	idler := igLogin(t, s, "idler", user, rec.handler())
	if d := idler.igSelect(t, "INBOX"); d.NumMessages != 1 {
		t.Fatalf("SELECT INBOX: %d messages, want 1", d.NumMessages)
	}
	idle, err := idler.Idle()
	if err != nil {
		t.Fatalf("IDLE: %v", err)
	}

	s.MustCLI(t, "mailbox add", user, "프로젝트/2026")
	data, took := stream.waitEvent(t, "mailbox.change")
	t.Logf("postroom mailbox add → the event stream's mailbox.change: %v after the command exited", took.Round(time.Millisecond))
	if !strings.Contains(data, `"kind":"mailbox.change"`) {
		t.Errorf("mailbox.change data %q", data)
	}
	if got := lister.igList(t, "", "*", nil); got["프로젝트/2026"] == nil || got["프로젝트"] == nil {
		t.Errorf("the next LIST of a session logged in before the command lacks the new folder: %v", got)
	}

	s.MustCLI(t, "mailbox rename", user, "INBOX", "옛 받은편지함")
	took, ok := rec.waitFor(igPushWait, func(r *igRecorder) bool { return slices.Contains(r.expunges, 1) })
	if !ok {
		t.Fatalf("IDLE on INBOX: no * 1 EXPUNGE within %v after postroom mailbox rename INBOX; got %v", igPushWait, rec)
	}
	t.Logf("postroom mailbox rename INBOX → * 1 EXPUNGE in IDLE: %v after the command exited", took.Round(time.Millisecond))
	_, took = stream.waitEvent(t, "message.expunge")
	t.Logf("… and the event stream's message.expunge: %v later", took.Round(time.Millisecond))
	if err := idle.Close(); err != nil {
		t.Errorf("DONE: %v", err)
	}
	if err := idle.Wait(); err != nil {
		t.Errorf("IDLE ended with %v", err)
	}
	if mb := idler.Mailbox(); mb == nil || mb.NumMessages != 0 {
		t.Errorf("the idler's INBOX after the rename: %+v, want 0 messages", mb)
	}
}

// TestCLIEvents_eventStreamEndsOnLogoutAndShutdown: the webmail's event
// stream ends when its session is logged out (curl DELETE with the same
// cookie) and when the server is stopped: SIGTERM does not wait the 30 s
// grace for an open stream.
func TestCLIEvents_eventStreamEndsOnLogoutAndShutdown(t *testing.T) {
	curl := requireTool(t, "curl", "curl")
	s := newServer(t, serverOptions{listen: []string{"smtp", "http"}})
	user := uniqueAddr("stream-end")
	s.AddUser(t, user)
	base := "http://" + s.Addr(t, "http")

	jar := curlLogin(t, curl, base, user)
	stream := curlStream(t, curl, base, jar)
	var csrf struct{ CSRF string }
	out, err := exec.Command(curl, "-sS", "-b", jar, base+"/api/v1/session").Output()
	if err != nil || json.Unmarshal(out, &csrf) != nil || csrf.CSRF == "" {
		t.Fatalf("GET /api/v1/session: %v %s", err, out)
	}
	if out, err := exec.Command(curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE", "-b", jar,
		"-H", "X-CSRF-Token: "+csrf.CSRF, base+"/api/v1/session").Output(); err != nil || string(out) != "204" {
		t.Fatalf("logout: %v %s", err, out)
	}
	start := time.Now()
	select {
	case <-stream.ended:
		t.Logf("logout → the stream ended after %v", time.Since(start).Round(time.Millisecond))
	case <-time.After(igPushWait):
		t.Fatalf("the event stream of a logged-out session is open %v later", igPushWait)
	}

	stream = curlStream(t, curl, base, curlLogin(t, curl, base, user))
	start = time.Now()
	code, exited := s.Terminate(t, 25*time.Second) // under the 30 s grace an open stream used to hold
	if !exited {
		t.Fatalf("SIGTERM with an event stream open: the server has not exited after 25 s")
	}
	if code != 0 {
		t.Errorf("exit code %d after SIGTERM", code)
	}
	t.Logf("SIGTERM with an event stream open: the server exited after %v", time.Since(start).Round(time.Millisecond))
	select {
	case <-stream.ended:
	case <-time.After(igPushWait):
		t.Fatal("the event stream is open after the server exited")
	}
}
