package interop

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestIMAPGoShutdownSaysBye: SIGTERM with one session in IDLE and one
// selected: both get an untagged BYE and are closed, the process exits 0,
// and after a restart the mailbox is as it was.
func TestIMAPGoShutdownSaysBye(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap"}})
	user := igUser(t, s, "imapgo-term")
	id := igMXDeliver(t, s, user, "before SIGTERM")

	idler := igLoginRaw(t, s, "idler", user)
	if r := idler.cmd("SELECT INBOX"); r.Status != "OK" {
		t.Fatalf("SELECT INBOX: %s", r)
	}
	idleTag := idler.nextTag()
	idler.write(idleTag + " IDLE\r\n")
	if line, err := idler.readResp(); err != nil || !strings.HasPrefix(line, "+") {
		t.Fatalf("IDLE: %q %v, want a continuation", line, err)
	}
	selected := igLoginRaw(t, s, "selected", user)
	if r := selected.cmd("SELECT INBOX"); r.Status != "OK" {
		t.Fatalf("SELECT INBOX: %s", r)
	}

	done, err := s.signal(syscall.SIGTERM)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*igRaw{idler, selected} {
		lines, eof := c.drain(5 * time.Second)
		if !igAnyContains(lines, "* BYE") {
			t.Errorf("%s: after SIGTERM got %q, want an untagged BYE", c.name, lines)
		}
		if !eof {
			t.Errorf("%s: the connection is still open 5s after SIGTERM", c.name)
		}
	}
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatalf("postroom serve still running 15s after SIGTERM")
	}
	s.mu.Lock()
	code := s.cmd.ProcessState.ExitCode()
	s.mu.Unlock()
	if code != 0 {
		t.Errorf("exit code after SIGTERM: %d, want 0", code)
	}

	s.Restart(t)
	c := igLogin(t, s, "after-restart", user, nil)
	if d := c.igSelect(t, "INBOX"); d.NumMessages != 1 {
		t.Errorf("INBOX after the restart: %d messages, want 1", d.NumMessages)
	}
	s.RequireMessage(t, user, "", id)
}
