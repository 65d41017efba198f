package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// proxyClient is a Python client that reaches Postroom through HAProxy from
// a chosen source address: it sends one message over SMTP (smtplib), then
// logs in over IMAP and IMAPS (imaplib) and prints the message's header
// as fetched each way.
const proxyClient = `
import imaplib, json, smtplib, socket, ssl, sys
p = json.loads(sys.argv[1])
src = (p["src"], 0)
msg = ("From: sender@remote.example\r\nTo: %s\r\nMessage-Id: <%s>\r\n"
       "Subject: through the balancer\r\n\r\nhello\r\n") % (p["user"], p["msgid"])
s = smtplib.SMTP("127.0.0.1", p["smtp"], timeout=30, source_address=src)
s.sendmail("sender@remote.example", [p["user"]], msg)
s.quit()

def source_socket(host, port, timeout):
    return socket.create_connection((host, port), timeout, source_address=src)

class IMAP(imaplib.IMAP4):
    def _create_socket(self, timeout):
        return source_socket(self.host, self.port, timeout)

class IMAPS(imaplib.IMAP4_SSL):
    def _create_socket(self, timeout):
        return self.ssl_context.wrap_socket(source_socket(self.host, self.port, timeout), server_hostname=self.host)

ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
out = {}
for name, c in (("imap", IMAP("127.0.0.1", p["imap"], timeout=30)),
                ("imaps", IMAPS("127.0.0.1", p["imaps"], ssl_context=ctx, timeout=30))):
    c.login(p["user"], p["password"])
    c.select("INBOX")
    typ, data = c.uid("SEARCH", None, "HEADER", "Message-Id", p["msgid"])
    uids = data[0].split()
    if len(uids) != 1:
        raise SystemExit("%s: want one message <%s>, found %r" % (name, p["msgid"], uids))
    typ, data = c.uid("FETCH", uids[0], "(BODY.PEEK[HEADER])")
    out[name] = data[0][1].decode("utf-8", "replace")
    c.logout()
print(json.dumps(out))
`

// TestProxyProtocol_HAProxy puts a real HAProxy in front of Postroom's SMTP,
// IMAP and IMAPS listeners, sending the PROXY header in version 1
// (send-proxy) and version 2 (send-proxy-v2). HAProxy connects from
// 127.0.0.1, the only trusted balancer; the client connects to HAProxy
// from another loopback address, and Postroom must name that one: in the
// Received line of the message delivered over SMTP, and in the account's
// access log for the IMAP logins. A connection from 127.0.0.1 that skips
// HAProxy (trusted, so it owes a header) is closed.
func TestProxyProtocol_HAProxy(t *testing.T) {
	haproxy := "/usr/sbin/haproxy" // Debian's, outside a user's PATH
	if _, err := os.Stat(haproxy); err != nil {
		haproxy = requireTool(t, "haproxy", "haproxy")
	}
	python := requireTool(t, "python3", "python3")
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "imaps"}})
	// [listen] is written by the helper: add the key and start again
	if code, exited := s.Terminate(t, 30*time.Second); !exited || code != 0 {
		t.Fatalf("postroom serve: exit %d, exited %v", code, exited)
	}
	conf, err := os.ReadFile(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	conf = bytes.Replace(conf, []byte("\n[listen]\n"), []byte("\n[listen]\nproxy_protocol = [\"127.0.0.1/32\"]\n"), 1)
	if err := os.WriteFile(s.Config, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	s.Restart(t)

	t.Run("no header from a trusted peer", func(t *testing.T) {
		c, err := net.DialTimeout("tcp", s.Addr(t, "smtp"), 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte("EHLO direct.example\r\n"))
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		b, err := io.ReadAll(c)
		var ne net.Error
		if len(b) != 0 || errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("a trusted peer without a header read %q (%v); want the connection closed unanswered", b, err)
		}
	})

	for _, tc := range []struct {
		version, option, src string
	}{
		{"v1", "send-proxy", "127.0.0.2"},
		{"v2", "send-proxy-v2", "127.0.0.3"},
	} {
		t.Run(tc.version, func(t *testing.T) {
			front := startHAProxy(t, haproxy, tc.option, map[string]string{
				"smtp": s.Addr(t, "smtp"), "imap": s.Addr(t, "imap"), "imaps": s.Addr(t, "imaps")})
			user := uniqueAddr("proxy-" + tc.version)
			s.AddUser(t, user)
			msgID := uniqueID("proxy-" + tc.version)
			params := fmt.Sprintf(`{"src":%q,"smtp":%d,"imap":%d,"imaps":%d,"user":%q,"password":%q,"msgid":%q}`,
				tc.src, front["smtp"], front["imap"], front["imaps"], user, testPassword, msgID)
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, python, "-c", proxyClient, params)
			cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8", "PYTHONDONTWRITEBYTECODE=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("python client: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
			}
			// the Received line Postroom wrote names the client, not HAProxy
			var headers map[string]string
			if err := json.Unmarshal(stdout.Bytes(), &headers); err != nil {
				t.Fatalf("python client's report: %v\n%s", err, stdout.String())
			}
			for _, name := range []string{"imap", "imaps"} {
				_, received, ok := strings.Cut(headers[name], "Received: from ")
				received, _, _ = strings.Cut(received, "\r\n")
				if !ok || !strings.Contains(received, "(["+tc.src+"])") {
					t.Errorf("%s: the Received line %q does not name the client [%s]:\n%s", name, received, tc.src, headers[name])
				}
			}
			// both IMAP logins are in the access log with the client's address
			log := s.MustCLI(t, "user log", user)
			var imapOK int
			for _, line := range strings.Split(log, "\n") {
				f := strings.Split(strings.TrimSpace(line), "\t")
				if len(f) == 4 && f[1] == "imap" && f[3] == "ok" {
					if f[2] != tc.src {
						t.Errorf("access log line %q: IP %s, want the client's %s", line, f[2], tc.src)
					}
					imapOK++
				}
			}
			if imapOK != 2 {
				t.Errorf("access log has %d successful IMAP logins, want 2 (imap, imaps):\n%s", imapOK, log)
			}
		})
	}
}

// startHAProxy runs haproxy in the foreground with one TCP frontend on a
// free loopback port for each backend address, each backend server given
// option (send-proxy, send-proxy-v2) and the source address 127.0.0.1. It
// returns the frontends' ports once each one accepts connections.
func startHAProxy(t *testing.T, bin, option string, backends map[string]string) map[string]int {
	t.Helper()
	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString("global\n  maxconn 100\n\ndefaults\n  mode tcp\n  timeout connect 10s\n  timeout client 60s\n  timeout server 60s\n")
	ports := map[string]int{}
	for name, addr := range backends {
		ports[name] = freePort(t)
		fmt.Fprintf(&cfg, "\nfrontend %s_in\n  bind 127.0.0.1:%d\n  default_backend %s_out\n", name, ports[name], name)
		fmt.Fprintf(&cfg, "\nbackend %s_out\n  server postroom %s %s source 127.0.0.1\n", name, addr, option)
	}
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-c", "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s\n%s", err, out, cfg.String())
	}
	var log lockedBuffer
	cmd := exec.Command(bin, "-db", "-f", path)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("haproxy output:\n%s", log.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for name, port := range ports {
		for {
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-exited:
				t.Fatalf("haproxy exited: %s", log.String())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("haproxy's %s frontend on port %d does not accept connections: %v\n%s", name, port, err, log.String())
			}
		}
	}
	return ports
}
