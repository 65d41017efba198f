package interop

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestPOP3UIDLAcrossUpgrade: the UIDLs a POP3 client saw from the version
// before opaque UIDLs are the ones it sees after the upgrade, message by
// message (else every "leave a copy on the server" client downloads the
// whole mailbox again); mail that arrives after the upgrade gets opaque
// UIDLs, which are not the global message id. The version before is built
// from git (the parent of the commit that added messages.pop3_uidl), runs
// on a data directory, takes mail over SMTP and is read with poplib; then
// this version serves the same directory.
func TestPOP3UIDLAcrossUpgrade(t *testing.T) {
	old := buildPreviousVersion(t, "ADD COLUMN pop3_uidl", "internal/store/sqlite/schema.go")
	base := t.TempDir()
	s := &Server{Base: base, Data: filepath.Join(base, "data"), Config: filepath.Join(base, "interop.toml")}
	user := uniqueAddr("upgrade")
	for _, args := range [][]string{
		{"init", "--data", s.Data, "--domain", testDomain, "--admin", adminAddr, "--password", testPassword},
		{"user", "add", "--data", s.Data, user, "--password", testPassword},
	} {
		if out, err := exec.Command(old, args...).CombinedOutput(); err != nil {
			t.Fatalf("previous version: postroom %s: %v\n%s", strings.Join(args[:2], " "), err, out)
		}
	}
	if err := os.WriteFile(s.Config, []byte(configTOML(s.Data, serverOptions{listen: []string{"smtp", "pop3"}})), 0o644); err != nil {
		t.Fatal(err)
	}

	// The version before: three messages, listed by poplib.
	addrs, stop := startBinary(t, old, s.Data, s.Config)
	for i := 1; i <= 3; i++ {
		c, err := dialSMTP(addrs["smtp"])
		if err != nil {
			t.Fatal(err)
		}
		if r, err := c.Ehlo(); err != nil || r.Code != 250 {
			t.Fatalf("previous version: EHLO: %v %v", r, err)
		}
		if r, err := c.Send("sender@remote.example", []string{user}, pop3Message(user, uniqueID("upgrade"), fmt.Sprint("before ", i))); err != nil || r.Code != 250 {
			t.Fatalf("previous version: MX delivery: %v %v", r, err)
		}
		c.Close()
	}
	_, p, _ := strings.Cut(addrs["pop3"], ":")
	port, _ := strconv.Atoi(p)
	params := map[string]any{"host": "127.0.0.1", "port": port, "mode": "plain", "user": user, "password": testPassword, "retry_in_use": 5}
	r := runPop3Py(t, params, pop3Op("uidl", "uidl"), pop3Op("quit", "quit"))
	r.requireLoggedIn(t)
	before := pop3ParseListing(t, "UIDL", r.ok(t, "uidl").Lines)
	stop()
	if len(before) != 3 {
		t.Fatalf("previous version: UIDL %q, want 3 messages", before)
	}

	// This version on the same directory (the store migrates at start).
	if err := s.start(); err != nil {
		t.Fatalf("this version on the previous version's data: %v", err)
	}
	t.Cleanup(s.stop)
	s.logOnFailure(t)
	pop3Deliver(t, s, user, "after the upgrade")
	after := pop3UIDLs(t, s, user)
	if len(after) != 4 || !slices.Equal(after[:3], before) {
		t.Fatalf("UIDL after the upgrade %q, want the 3 from before %q and a new one", after, before)
	}
	pop3CheckUIDLs(t, after)
	if _, err := strconv.ParseInt(after[3], 10, 64); err == nil {
		t.Errorf("UIDL of the message delivered after the upgrade is %q, a number (the global message id?), want an opaque one", after[3])
	}
}

// buildPreviousVersion builds cmd/postroom as it was just before the first
// commit whose change to file adds a line holding marker (git log -S), or
// as it is at HEAD when no commit does yet (the change is not committed).
// It skips the test where the checkout has no git history.
func buildPreviousVersion(t *testing.T, marker, file string) string {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git: cannot build the previous version")
	}
	gitOut := func(args ...string) (string, error) {
		cmd := exec.Command(git, args...)
		cmd.Dir = repoRoot
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err
	}
	rev := "HEAD"
	commits, err := gitOut("log", "--format=%H", "-S", marker, "--", file)
	if err != nil {
		t.Skipf("no git history in %s: cannot build the previous version (%v)", repoRoot, err)
	}
	if commits != "" {
		lines := strings.Split(commits, "\n")
		rev = lines[len(lines)-1] + "^" // the oldest commit adding the marker
	}
	if _, err := gitOut("cat-file", "-e", rev+"^{commit}"); err != nil {
		t.Skipf("git has no commit %s (a shallow clone?): cannot build the previous version", rev)
	}
	src := t.TempDir()
	archive := exec.Command(git, "archive", rev)
	archive.Dir = repoRoot
	tar := exec.Command("tar", "-x", "-C", src)
	var stderr bytes.Buffer
	tar.Stdin, _ = archive.StdoutPipe()
	tar.Stderr, archive.Stderr = &stderr, &stderr
	if err := tar.Start(); err != nil {
		t.Fatal(err)
	}
	if err := archive.Run(); err != nil {
		t.Fatalf("git archive %s: %v %s", rev, err, stderr.String())
	}
	if err := tar.Wait(); err != nil {
		t.Fatalf("tar: %v %s", err, stderr.String())
	}
	bin := filepath.Join(src, "postroom-previous")
	build := exec.Command("go", "build", "-o", bin, "./cmd/postroom")
	build.Dir = src
	start := time.Now()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the previous version (%s): %v\n%s", rev, err, out)
	}
	t.Logf("built the previous version (%s) in %v", rev, time.Since(start).Round(time.Second))
	return bin
}

// startBinary runs `BIN serve` on a data directory until stop (SIGTERM),
// and returns its listeners' addresses once it printed `ready`.
func startBinary(t *testing.T, bin, data, config string) (addrs map[string]string, stop func()) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--data", data, "--config", config)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var log lockedBuffer
	cmd.Stderr = &log
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	stop = func() {
		select {
		case <-exited:
			return
		default:
		}
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}
	t.Cleanup(stop)
	addrs = map[string]string{}
	ready := make(chan struct{})
	var readyOnce sync.Once
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(&log, line)
			if rest, ok := strings.CutPrefix(line, "listening: "); ok {
				if name, addr, ok := strings.Cut(rest, " "); ok {
					addrs[name] = addr
				}
			}
			if line == "ready" {
				readyOnce.Do(func() { close(ready) })
			}
		}
		cmd.Wait()
		close(exited)
	}()
	select {
	case <-ready:
	case <-exited:
		t.Fatalf("%s serve exited before ready:\n%s", bin, tail(log.String(), 40))
	case <-time.After(readyTimeout):
		t.Fatalf("%s serve: no ready line after %v:\n%s", bin, readyTimeout, tail(log.String(), 40))
	}
	return addrs, stop
}
