package interop

// Settings (issue 14): a password changed in the webmail's API holds at
// once for mail clients (Python's imaplib and smtplib: the old password
// is refused right after, the new one logs in), the account's other web
// sessions end and this one stays (S7); "forgot password" mails a link to
// the recovery address through the real outbound queue, read back over
// IMAP, and the link sets the password once (S1).

import (
	"encoding/json"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// spLogins tries each password over IMAP (plain, loopback) and SMTP
// submission (STARTTLS), with imaplib and smtplib.
const spLogins = `
import imaplib, json, smtplib, ssl, sys
host, imap_port, smtp_port, user = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
out = {}
for pw in sys.argv[5:]:
    r = {}
    try:
        m = imaplib.IMAP4(host, imap_port, timeout=30)
        m.login(user, pw)
        m.logout()
        r["imap"] = "ok"
    except imaplib.IMAP4.error as e:
        r["imap"] = "refused: " + str(e)
    try:
        s = smtplib.SMTP(host, smtp_port, timeout=30)
        s.starttls(context=ssl._create_unverified_context())
        s.login(user, pw)
        s.quit()
        r["smtp"] = "ok"
    except smtplib.SMTPAuthenticationError as e:
        r["smtp"] = "refused: %d %s" % (e.smtp_code, e.smtp_error.decode())
    out[pw] = r
print(json.dumps(out))
`

func spPython(t *testing.T, script string, args ...string) map[string]map[string]string {
	t.Helper()
	python := requireTool(t, "python3", "python3")
	cmd := exec.Command(python, append([]string{"-c", script}, args...)...)
	cmd.Env = append(cmd.Environ(), "PYTHONIOENCODING=utf-8", "PYTHONDONTWRITEBYTECODE=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	raw, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("python: %v\n%s", err, stderr)
	}
	var out map[string]map[string]string
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("python printed %q: %v", raw, err)
	}
	return out
}

func spLoginResults(t *testing.T, s *Server, user string, passwords ...string) map[string]map[string]string {
	t.Helper()
	args := append([]string{"127.0.0.1", strconv.Itoa(s.Port(t, "imap")), strconv.Itoa(s.Port(t, "submission")), user}, passwords...)
	return spPython(t, spLogins, args...)
}

func TestSettingsPassword_changeRefusesTheOldPasswordOnIMAPAndSMTPAtOnce(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "submission", "imap", "http"}})
	user := uniqueAddr("pw-change")
	s.AddUser(t, user)
	const fresh = "Changed-In-Settings-7!"
	if r := spLoginResults(t, s, user, testPassword)[testPassword]; r["imap"] != "ok" || r["smtp"] != "ok" {
		t.Fatalf("before the change: %v", r)
	}
	c := newCurlWeb(t, s)
	c.login(user)
	other := newCurlWeb(t, s)
	other.login(user)
	if code := c.do("POST", "/api/v1/account/password", map[string]string{"current": testPassword, "new": fresh}, nil); code != 204 {
		t.Fatalf("POST /api/v1/account/password: %d", code)
	}
	got := spLoginResults(t, s, user, testPassword, fresh)
	t.Logf("after the change: %v", got)
	if old := got[testPassword]; !strings.HasPrefix(old["imap"], "refused") || !strings.HasPrefix(old["smtp"], "refused: 535") {
		t.Errorf("the old password right after the change: %v", old)
	}
	if now := got[fresh]; now["imap"] != "ok" || now["smtp"] != "ok" {
		t.Errorf("the new password: %v", now)
	}
	if code := c.do("GET", "/api/v1/settings", nil, nil); code != 200 {
		t.Errorf("the session that changed the password: %d", code)
	}
	if code := other.do("GET", "/api/v1/settings", nil, nil); code != 401 {
		t.Errorf("the account's other session: %d, want 401", code)
	}
}

// spResetMail waits (IMAP, polling SEARCH until a deadline) for the reset
// mail in the mailbox and prints its text.
const spResetMail = `
import email, imaplib, json, sys, time
host, port, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
m = imaplib.IMAP4(host, port, timeout=30)
m.login(user, pw)
deadline = time.monotonic() + 60
while True:
    m.select("INBOX")
    typ, data = m.search(None, "ALL")
    if data[0].split() or time.monotonic() > deadline:
        break
    time.sleep(0.1)
nums = data[0].split()
out = {"mail": {"count": str(len(nums))}}
if nums:
    typ, d = m.fetch(nums[-1], "(RFC822)")
    msg = email.message_from_bytes(d[0][1])
    out["mail"].update({"from": msg["From"], "auto": msg["Auto-Submitted"] or "",
        "subject": str(email.header.make_header(email.header.decode_header(msg["Subject"]))),
        "text": msg.get_payload(decode=True).decode()})
m.logout()
print(json.dumps(out))
`

var spLinkRE = regexp.MustCompile(`/#/reset/([A-Za-z0-9_-]+)`)

func TestSettingsPasswordReset_theLinkArrivesOverTheQueueAndWorksOnce(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "submission", "imap", "http"}})
	user, rescue := uniqueAddr("reset"), uniqueAddr("rescue")
	s.AddUser(t, user)
	s.AddUser(t, rescue)
	c := newCurlWeb(t, s)
	c.login(user)
	if code := c.do("PATCH", "/api/v1/settings", map[string]any{"recovery_email": rescue}, nil); code != 200 {
		t.Fatalf("recovery address: %d", code)
	}
	anon := newCurlWeb(t, s) // the login page: no session
	for _, addr := range []string{user, uniqueAddr("nobody")} {
		if code := anon.do("POST", "/api/v1/password-reset", map[string]string{"email": addr}, nil); code != 202 {
			t.Fatalf("reset for %s: %d", addr, code)
		}
	}
	mail := spPython(t, spResetMail, "127.0.0.1", strconv.Itoa(s.Port(t, "imap")), rescue, testPassword)["mail"]
	if mail["count"] != "1" || mail["auto"] != "auto-generated" || !strings.Contains(mail["text"], user) {
		t.Fatalf("the recovery mailbox: %v", mail)
	}
	t.Logf("reset mail: %s / %s", mail["from"], mail["subject"])
	m := spLinkRE.FindStringSubmatch(mail["text"])
	if m == nil {
		t.Fatalf("no link in %q", mail["text"])
	}
	const fresh = "Reset-By-Link-2026!"
	if code := anon.do("POST", "/api/v1/password-reset/confirm", map[string]string{"token": m[1], "new": fresh}, nil); code != 204 {
		t.Fatalf("confirm: %d", code)
	}
	if code := anon.do("POST", "/api/v1/password-reset/confirm", map[string]string{"token": m[1], "new": "Again-By-Link-2026!"}, nil); code != 400 {
		t.Errorf("the link a second time: %d", code)
	}
	if code := c.do("GET", "/api/v1/settings", nil, nil); code != 401 {
		t.Errorf("a session from before the reset: %d", code)
	}
	got := spLoginResults(t, s, user, testPassword, fresh)
	if old := got[testPassword]; !strings.HasPrefix(old["imap"], "refused") || !strings.HasPrefix(old["smtp"], "refused") {
		t.Errorf("the old password after the reset: %v", old)
	}
	if now := got[fresh]; now["imap"] != "ok" || now["smtp"] != "ok" {
		t.Errorf("the reset password: %v", now)
	}
}
