package interop

// A password change or a suspension made with the command line while the
// server runs ends the account's logins (issue 13, item 6): every web
// session at once (curl: the next request is 401, the event stream ends
// without a request), and IMAP, POP3 and SMTP sessions at their next
// command (the go-imap client; Python's poplib and smtplib), an IMAP
// session in IDLE without one.

import (
	"bufio"
	"encoding/json"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// lpPy is a Python client script run step by step: it prints one JSON
// line per step and waits for a line on its stdin between steps, so that
// the test can change the account while the client stays connected.
type lpPy struct {
	t     *testing.T
	stdin io.WriteCloser
	lines chan string
}

func lpPython(t *testing.T, script string, args ...string) *lpPy {
	t.Helper()
	python := requireTool(t, "python3", "python3")
	cmd := exec.Command(python, append([]string{"-c", script}, args...)...)
	cmd.Env = append(cmd.Environ(), "PYTHONIOENCODING=utf-8", "PYTHONDONTWRITEBYTECODE=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &lpPy{t: t, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() && stderr.String() != "" {
			t.Logf("python stderr:\n%s", stderr.String())
		}
	})
	return p
}

// next decodes the script's next step; steps run on loopback and take
// milliseconds: the wait is for a script that hangs.
func (p *lpPy) next(want string) map[string]any {
	p.t.Helper()
	select {
	case l, ok := <-p.lines:
		if !ok {
			p.t.Fatalf("the python client ended before step %q", want)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			p.t.Fatalf("python client: %q: %v", l, err)
		}
		if m["step"] != want {
			p.t.Fatalf("python client: step %v, want %q: %s", m["step"], want, l)
		}
		return m
	case <-time.After(2 * time.Minute):
		p.t.Fatalf("python client: no step %q", want)
	}
	return nil
}

// proceed lets the script run its next step.
func (p *lpPy) proceed() { io.WriteString(p.stdin, "go\n") }

// After `postroom user disable` and `user passwd` the next command of an
// IMAP session is answered with BYE and the connection closed, not with
// the mail; a session in IDLE is sent BYE without a command of its own.
func TestLoginEnds_IMAPNextCommandAndIDLE(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap"}})
	user := uniqueAddr("ends-imap")
	s.AddUser(t, user)
	igMXDeliver(t, s, user, "a message the session must not read any more")

	reader := igLogin(t, s, "reader", user, nil)
	reader.igSelect(t, "INBOX")
	reader.igFetch(t, imap.SeqSetNum(1), &imap.FetchOptions{Envelope: true})
	idler := igLogin(t, s, "idler", user, nil)
	idler.igSelect(t, "INBOX")
	idle, err := idler.Idle()
	if err != nil {
		t.Fatalf("IDLE: %v", err)
	}
	defer idle.Close()

	s.MustCLI(t, "user disable", user)
	start := time.Now()
	select {
	case <-idler.Closed():
		t.Logf("postroom user disable → BYE to the session in IDLE: %v after the command exited", time.Since(start).Round(time.Millisecond))
	case <-time.After(igPushWait):
		t.Errorf("a session in IDLE was still open %v after its account was suspended", igPushWait)
	}
	if !strings.Contains(idler.log.String(), "* BYE") {
		t.Errorf("the session in IDLE was not told BYE:\n%s", tail(idler.log.String(), 10))
	}
	msgs, err := reader.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{Envelope: true}).Collect()
	if err == nil {
		t.Fatalf("FETCH after the account was suspended answered %d messages", len(msgs))
	}
	if !strings.Contains(reader.log.String(), "* BYE") {
		t.Errorf("FETCH after the suspension: %v, and no BYE:\n%s", err, tail(reader.log.String(), 10))
	}
	select {
	case <-reader.Closed():
	case <-time.After(igPushWait):
		t.Error("the connection stayed open after the BYE")
	}

	// a new password: the next command of a session opened with the old
	// one ends it; the new password logs in, the old one no more
	s.MustCLI(t, "user enable", user)
	old := igLogin(t, s, "old-password", user, nil)
	if _, err := old.Status("INBOX", &imap.StatusOptions{NumMessages: true}).Wait(); err != nil {
		t.Fatalf("STATUS before the new password: %v", err)
	}
	const newPassword = "A-New-Password-2026!"
	s.MustCLI(t, "user passwd", user, "--password", newPassword)
	if _, err := old.Status("INBOX", &imap.StatusOptions{NumMessages: true}).Wait(); err == nil {
		t.Fatal("STATUS after the password changed: OK")
	}
	if !strings.Contains(old.log.String(), "* BYE") {
		t.Errorf("no BYE after the password changed:\n%s", tail(old.log.String(), 10))
	}
	again := igDial(t, s, "again", igPlain, nil)
	igWantErr(t, "LOGIN with the old password", again.Login(user, testPassword).Wait(), imap.StatusResponseTypeNo, imap.ResponseCodeAuthenticationFailed)
	if err := again.Login(user, newPassword).Wait(); err != nil {
		t.Fatalf("LOGIN with the new password: %v", err)
	}
}

// poplib: after `postroom user disable` the next command (STAT) is
// refused with -ERR [AUTH] and the session ends without UPDATE: the
// message it marked deleted is still there.
func TestLoginEnds_POP3NextCommandWithoutUpdate(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "pop3"}})
	user := uniqueAddr("ends-pop3")
	s.AddUser(t, user)
	pop3Deliver(t, s, user, "kept")
	const script = `
import json, poplib, sys
host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def out(**kw): print(json.dumps(kw), flush=True)
p = poplib.POP3(host, port, timeout=60)
p.user(user); p.pass_(password)
n, _ = p.stat()
p.dele(1)
out(step="logged-in", count=n)
sys.stdin.readline()
for step, call in (("stat", p.stat), ("quit", p.quit)):
    try:
        out(step=step, ok=True, resp=str(call()))
    except poplib.error_proto as e:
        r = e.args[0]
        out(step=step, ok=False, resp=r.decode() if isinstance(r, bytes) else r)
    except Exception as e:
        out(step=step, ok=False, resp="connection: " + repr(e))
`
	py := lpPython(t, script, "127.0.0.1", strconv.Itoa(s.Port(t, "pop3")), user, testPassword)
	if m := py.next("logged-in"); m["count"] != 1.0 {
		t.Fatalf("STAT at login: %v", m)
	}
	s.MustCLI(t, "user disable", user)
	py.proceed()
	stat := py.next("stat")
	if stat["ok"] == true || !strings.HasPrefix(stat["resp"].(string), "-ERR [AUTH]") {
		t.Fatalf("STAT after the account was suspended: %v, want -ERR [AUTH]", stat)
	}
	quit := py.next("quit")
	if quit["ok"] == true {
		t.Fatalf("QUIT after the session ended: %v", quit)
	}
	t.Logf("STAT: %v; then QUIT: %v", stat["resp"], quit["resp"])
	s.MustCLI(t, "user enable", user)
	if n := len(pop3UIDLs(t, s, user)); n != 1 {
		t.Errorf("after the ended session %d messages, want 1: its DELE was applied", n)
	}
}

// smtplib: after `postroom user passwd` the next MAIL of a submission
// session logged in with the old password is 421 4.7.0, and nothing is
// sent.
func TestLoginEnds_SMTPNextCommand(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "submission"}})
	user := uniqueAddr("ends-smtp")
	s.AddUser(t, user)
	const script = `
import json, smtplib, sys
host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def out(**kw): print(json.dumps(kw), flush=True)
s = smtplib.SMTP(host, port, timeout=60)
s.ehlo(); s.login(user, password)
out(step="logged-in")
sys.stdin.readline()
msg = "From: %s\r\nTo: %s\r\nSubject: after the new password\r\n\r\nbody\r\n" % (user, user)
try:
    s.sendmail(user, [user], msg); out(step="send", ok=True, code=250)
except smtplib.SMTPSenderRefused as e:
    out(step="send", ok=False, code=e.smtp_code, resp=e.smtp_error.decode())
except smtplib.SMTPServerDisconnected as e:
    out(step="send", ok=False, code=0, resp=str(e))
`
	py := lpPython(t, script, "127.0.0.1", strconv.Itoa(s.Port(t, "submission")), user, testPassword)
	py.next("logged-in")
	s.MustCLI(t, "user passwd", user, "--password", "A-New-Password-2026!")
	py.proceed()
	send := py.next("send")
	if send["code"] != 421.0 || !strings.HasPrefix(send["resp"].(string), "4.7.0") {
		t.Fatalf("MAIL after the password changed: %v, want 421 4.7.0", send)
	}
	if got := s.Messages(t, user, ""); len(got) != 0 {
		t.Errorf("a message was delivered after the login ended: %v", got)
	}
}

// curl: after `postroom user passwd` the webmail's cookie no longer
// works (401), and its event stream ends at once, without a request.
func TestLoginEnds_webSessionAndEventStream(t *testing.T) {
	curl := requireTool(t, "curl", "curl")
	s := newServer(t, serverOptions{listen: []string{"smtp", "http"}})
	user := uniqueAddr("ends-web")
	s.AddUser(t, user)
	base := "http://" + s.Addr(t, "http")
	jar := curlLogin(t, curl, base, user)
	status := func() string {
		out, err := exec.Command(curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-b", jar, base+"/api/v1/mailboxes").Output()
		if err != nil {
			t.Fatalf("curl: %v", err)
		}
		return string(out)
	}
	if got := status(); got != "200" {
		t.Fatalf("GET /api/v1/mailboxes before: %s", got)
	}
	stream := curlStream(t, curl, base, curlLogin(t, curl, base, user))
	s.MustCLI(t, "user passwd", user, "--password", "A-New-Password-2026!")
	start := time.Now()
	select {
	case <-stream.ended:
		t.Logf("postroom user passwd → the event stream ended %v after the command exited", time.Since(start).Round(time.Millisecond))
	case <-time.After(igPushWait):
		t.Errorf("the event stream was still open %v after the password changed", igPushWait)
	}
	if got := status(); got != "401" {
		t.Errorf("GET /api/v1/mailboxes with the old session after the password changed: %s, want 401", got)
	}
}
