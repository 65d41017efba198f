package interop

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// swaks runs swaks against 127.0.0.1:port with the given options and
// returns its transcript and exit code.
func swaks(t *testing.T, port int, args ...string) (string, int) {
	t.Helper()
	bin := requireTool(t, "swaks", "swaks")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	full := append([]string{"--server", "127.0.0.1", "--port", fmt.Sprint(port),
		"--timeout", "30", "--helo", "swaks.interop.example"}, args...)
	cmd := exec.CommandContext(ctx, bin, full...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	if took := time.Since(start); took > slowCommand {
		t.Logf("slow: swaks took %v", took.Round(time.Millisecond))
	}
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok || ctx.Err() != nil {
			t.Fatalf("swaks %s: %v\n%s", strings.Join(full, " "), err, out.String())
		}
		code = ee.ExitCode()
	}
	return out.String(), code
}

func swaksMessage(id, subject string) []string {
	return []string{"--header", "Message-Id: <" + id + ">", "--header", "Subject: " + subject}
}

// TestSwaksMX delivers to a local user over the MX listener, with and
// without PIPELINING.
func TestSwaksMX(t *testing.T) {
	s := sharedServer(t)
	bob := uniqueAddr("swaks-bob")
	s.AddUser(t, bob)
	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"plain", nil},
		{"pipelining", []string{"--pipeline"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := uniqueID("swaks-mx-" + tc.name)
			args := append([]string{"--from", "sender@remote.example", "--to", bob}, swaksMessage(id, "swaks MX "+tc.name)...)
			args = append(args, tc.extra...)
			out, code := swaks(t, s.Port(t, "smtp"), args...)
			if code != 0 {
				t.Fatalf("swaks exit %d:\n%s", code, out)
			}
			if m := s.RequireMessage(t, bob, "", id); m.Subject != "swaks MX "+tc.name {
				t.Errorf("subject %q", m.Subject)
			}
		})
	}
}

// TestSwaksSubmission authenticates over STARTTLS (PLAIN and LOGIN) on the
// submission port and over implicit TLS on submissions; the message is in
// the recipient's INBOX and the sender's Sent.
func TestSwaksSubmission(t *testing.T) {
	s := sharedServer(t)
	alice, bob := uniqueAddr("swaks-alice"), uniqueAddr("swaks-bob")
	s.AddUser(t, alice)
	s.AddUser(t, bob)
	for _, tc := range []struct {
		name, listener string
		tls            []string
		auth           string
	}{
		{"starttls_plain", "submission", []string{"--tls"}, "PLAIN"},
		{"starttls_login", "submission", []string{"--tls"}, "LOGIN"},
		{"implicit_tls_plain", "submissions", []string{"--tls-on-connect"}, "PLAIN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := uniqueID("swaks-sub-" + tc.name)
			args := append([]string{"--from", alice, "--to", bob, "--auth", tc.auth,
				"--auth-user", alice, "--auth-password", testPassword}, tc.tls...)
			args = append(args, swaksMessage(id, "swaks "+tc.name)...)
			out, code := swaks(t, s.Port(t, tc.listener), args...)
			if code != 0 {
				t.Fatalf("swaks exit %d:\n%s", code, out)
			}
			if !strings.Contains(out, "235 ") {
				t.Errorf("no 235 in the transcript:\n%s", out)
			}
			s.RequireMessage(t, bob, "", id)
			s.RequireMessage(t, alice, "Sent", id)
		})
	}

	t.Run("remote_recipient_queued", func(t *testing.T) {
		// Remote recipients are accepted into the outbound queue; the
		// sender's copy goes to Sent.
		id := uniqueID("swaks-remote")
		args := append([]string{"--from", alice, "--to", "friend@elsewhere.example", "--tls", "--auth", "PLAIN",
			"--auth-user", alice, "--auth-password", testPassword}, swaksMessage(id, "to the outside")...)
		out, code := swaks(t, s.Port(t, "submission"), args...)
		if code != 0 {
			t.Fatalf("swaks exit %d:\n%s", code, out)
		}
		s.RequireMessage(t, alice, "Sent", id)
	})

	t.Run("wrong_password_535_5.7.8", func(t *testing.T) {
		// A server of its own: failed logins slow down every later login
		// from the same address (127.0.0.1), which would slow other tests.
		own := newServer(t, serverOptions{listen: []string{"submission"}})
		carol := uniqueAddr("swaks-carol")
		own.AddUser(t, carol)
		args := append([]string{"--from", carol, "--to", carol, "--tls", "--auth", "PLAIN",
			"--auth-user", carol, "--auth-password", "wrong-password"}, swaksMessage(uniqueID("swaks-wrong"), "x")...)
		out, code := swaks(t, own.Port(t, "submission"), args...)
		if code == 0 {
			t.Fatalf("swaks succeeded with a wrong password:\n%s", out)
		}
		if !strings.Contains(out, "535 5.7.8") {
			t.Errorf("want 535 5.7.8 in the transcript:\n%s", out)
		}
	})
}
