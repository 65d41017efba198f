package interop

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// Issue 19's operations, against the real binary: `log_format = "json"`
// makes every line `serve` logs on stderr a JSON object with its level
// and message (the stdout lines tests read stay as they are), /readyz
// answers a running server, and the hourly sending limit an operator
// sets on a domain with `postroom domain set` refuses the next message
// over SMTP submission with 450 4.7.1 (swaks), at once and without a
// restart, while `-1` lifts it.
func TestOps_jsonLogsReadyzAndHourlyLimit(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"submission", "http"},
		tables: "\n[limits]\nmessages_per_hour = 100\n"})
	// log_format is a top-level key: it goes before the tables the
	// harness writes, and the server starts again with it
	if code, exited := s.Terminate(t, 30*time.Second); !exited || code != 0 {
		t.Fatalf("SIGTERM: exit %d, exited %v", code, exited)
	}
	conf, err := os.ReadFile(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Config, append([]byte("log_format = \"json\"\n"), conf...), 0o644); err != nil {
		t.Fatal(err)
	}
	s.Restart(t)

	t.Run("readyz", func(t *testing.T) {
		resp, err := http.Get("http://" + s.Addr(t, "http") + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "ready" {
			t.Fatalf("/readyz: %d %q", resp.StatusCode, body)
		}
	})

	t.Run("hourly_limit_450_4.7.1", func(t *testing.T) {
		alice, bob := uniqueAddr("ops-alice"), uniqueAddr("ops-bob")
		s.AddUser(t, alice)
		s.AddUser(t, bob)
		if out := s.MustCLI(t, "domain set", "--messages-per-hour", "2", testDomain); !strings.Contains(out, "messages per hour 2") {
			t.Fatalf("domain set: %q", out)
		}
		send := func(n string) (string, int) {
			args := append([]string{"--from", alice, "--to", bob, "--tls", "--auth", "PLAIN",
				"--auth-user", alice, "--auth-password", testPassword}, swaksMessage(uniqueID("ops-"+n), "limit "+n)...)
			return swaks(t, s.Port(t, "submission"), args...)
		}
		for _, n := range []string{"1", "2"} {
			if out, code := send(n); code != 0 {
				t.Fatalf("message %s within the limit: exit %d\n%s", n, code, out)
			}
		}
		out, code := send("3")
		if code == 0 || !strings.Contains(out, "450 4.7.1") || !strings.Contains(out, "limit of 2 messages") {
			t.Fatalf("message 3: exit %d, want 450 4.7.1 naming the limit\n%s", code, out)
		}
		s.MustCLI(t, "domain set", "--messages-per-hour", "-1", testDomain)
		if out, code := send("4"); code != 0 {
			t.Fatalf("with the domain's limit lifted: exit %d\n%s", code, out)
		}
	})
	// the process gone, everything it wrote on stderr has been read
	t.Run("json_logs", func(t *testing.T) {
		if code, exited := s.Terminate(t, 30*time.Second); !exited || code != 0 {
			t.Fatalf("SIGTERM: exit %d, exited %v", code, exited)
		}
		_, second, ok := strings.Cut(s.log.String(), "=== interop: start #2\n")
		if !ok {
			t.Fatal("no second start in the log")
		}
		msgs := map[any]bool{}
		for _, line := range strings.Split(second, "\n") {
			if strings.Contains(line, " level=") {
				t.Fatalf("a text log line with log_format json: %q", line)
			}
			if !strings.HasPrefix(line, "{") { // stdout's lines for people: where to go, listening, ready
				continue
			}
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("a log line that is not JSON: %q (%v)", line, err)
			}
			if rec["level"] == nil || rec["msg"] == nil || rec["time"] == nil {
				t.Fatalf("a JSON log line without time, level or msg: %q", line)
			}
			msgs[rec["msg"]] = true
		}
		// serve's first and last lines: at start, and at SIGTERM
		if !msgs["connections"] || !msgs["shutting down"] || !msgs["stopped"] {
			t.Fatalf("JSON log lines %v, want connections, shutting down, stopped among them:\n%s", msgs, second)
		}
	})
}
