package interop

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const (
	testHostname = "mail.example.test"
	testDomain   = "example.test"
	adminAddr    = "admin@example.test"
	// testPassword is used for every account the tests create; long and
	// mixed so that any password policy accepts it.
	testPassword = "Interop-Test-Pass-42!"

	readyTimeout = 60 * time.Second
	// slowCommand: CLI and client runs taking longer are logged.
	slowCommand = time.Second
	cliTimeout  = 60 * time.Second
)

// listenerNames are the keys of the config's [listen] table.
var listenerNames = []string{"smtp", "submission", "submissions", "imap", "imaps", "pop3", "pop3s", "http", "https"}

// serverOptions shape the config a test server runs with.
type serverOptions struct {
	// listen names the listeners to open on 127.0.0.1:0; every other
	// listener is "" (off). Default: smtp, submission, submissions.
	listen []string
	// maxMessageSize is max_message_size in bytes; 0 leaves it out (the
	// server's default, 50 MiB).
	maxMessageSize int64
	// tables is TOML appended after the generated tables (e.g. [relay]).
	tables string
	// fresh skips `postroom init`: the server starts on an empty data
	// directory, as after the README's first command (no domain, the
	// operator made by serve itself).
	fresh bool
	// nofile, when set, is the open-file limit (`ulimit -n`, soft and
	// hard) the process runs under.
	nofile int
	// dnsServer, when set, is dns_server (a test's DNS server on
	// 127.0.0.1) instead of the loopback port where nothing answers.
	dnsServer string
	// shared, when set, is TOML ([store] and [blob] of a cluster) written
	// to the data directory's postroom.toml before init, so that the
	// command line works on the shared store too, and added to the
	// server's config (cluster_test.go).
	shared string
	// queueLease, when set, is queue_lease: how soon another node sends
	// what a killed one was sending.
	queueLease time.Duration
}

// Server is one data directory and the `postroom serve` process running on
// it (restartable: every start picks new ports).
type Server struct {
	Base   string // temporary directory holding Data and Config
	Data   string // the --data directory made by `postroom init`
	Config string // the TOML file written for the test

	mu      sync.Mutex
	addrs   map[string]string // listener name -> host:port of the running process
	cmd     *exec.Cmd
	done    chan struct{} // closed when the current process has exited
	exitErr error
	log     lockedBuffer // stdout and stderr of every process started
	starts  int
	nofile  int // serverOptions.nofile
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newServer initialises a data directory in a fresh temporary directory,
// writes a config for opts and starts `postroom serve`. The process is
// killed when the test ends.
func newServer(tb testing.TB, opts serverOptions) *Server {
	tb.Helper()
	s, err := setupServer(tb.TempDir(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("server log (%s):\n%s", s.Data, tail(s.log.String(), 80))
		}
		s.stop()
	})
	return s
}

func setupServer(base string, opts serverOptions) (*Server, error) {
	s := &Server{
		Base:   base,
		Data:   filepath.Join(base, "data"),
		Config: filepath.Join(base, "interop.toml"),
		nofile: opts.nofile,
	}
	if opts.shared != "" {
		if err := os.MkdirAll(s.Data, 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(s.Data, "postroom.toml"), []byte(opts.shared), 0o600); err != nil {
			return nil, err
		}
	}
	if !opts.fresh {
		res := runCLI(context.Background(), "init", "--data", s.Data, "--domain", testDomain,
			"--admin", adminAddr, "--password", testPassword)
		if res.err != nil || res.Code != 0 {
			return nil, fmt.Errorf("postroom init: %s", res)
		}
	}
	if err := os.WriteFile(s.Config, []byte(configTOML(s.Data, opts)), 0o644); err != nil {
		return nil, err
	}
	if err := s.start(); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func configTOML(dataDir string, opts serverOptions) string {
	listen := opts.listen
	if listen == nil {
		listen = []string{"smtp", "submission", "submissions"}
	}
	on := map[string]bool{}
	for _, l := range listen {
		on[l] = true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# written by tests/interop\n")
	fmt.Fprintf(&b, "hostname = %q\n", testHostname)
	fmt.Fprintf(&b, "data_dir = %q\n", dataDir)
	fmt.Fprintf(&b, "allow_plaintext_auth = false\n")
	// DNS questions (inbound SPF/DKIM/DMARC, outbound MX) go to a loopback
	// port where nothing answers: tests never send traffic off the machine.
	dns := "127.0.0.1:9"
	if opts.dnsServer != "" {
		dns = opts.dnsServer
	}
	fmt.Fprintf(&b, "dns_server = %q\n", dns)
	if opts.maxMessageSize > 0 {
		fmt.Fprintf(&b, "max_message_size = %d\n", opts.maxMessageSize)
	}
	if opts.queueLease > 0 {
		fmt.Fprintf(&b, "queue_lease = %q\n", opts.queueLease.String())
	}
	fmt.Fprintf(&b, "\n[listen]\n")
	for _, name := range listenerNames {
		addr := ""
		if on[name] {
			addr = "127.0.0.1:0"
		}
		fmt.Fprintf(&b, "%s = %q\n", name, addr)
	}
	if !strings.Contains(opts.tables, "[tls]") { // a test's own [tls] (ACME, files it changes)
		fmt.Fprintf(&b, "\n[tls]\ncert = %q\nkey = %q\n", certFile, keyFile)
	}
	b.WriteString(opts.tables)
	b.WriteString(opts.shared)
	return b.String()
}

// start runs `postroom serve` and waits for its `ready` line, collecting the
// `listening: NAME ADDR` lines before it.
func (s *Server) start() error {
	s.mu.Lock()
	if s.cmd != nil {
		select {
		case <-s.done:
		default:
			s.mu.Unlock()
			return errors.New("server already running")
		}
	}
	s.starts++
	fmt.Fprintf(&s.log, "=== interop: start #%d\n", s.starts)
	cmd := exec.Command(binPath, "serve", "--data", s.Data, "--config", s.Config)
	if s.nofile > 0 { // the shell sets the limit and becomes the server (same pid)
		cmd = exec.Command("bash", "-c", fmt.Sprintf(`ulimit -n %d && exec "$@"`, s.nofile), "bash",
			binPath, "serve", "--data", s.Data, "--config", s.Config)
	}
	cmd.Dir = s.Base
	cmd.Stderr = &s.log
	// If the test binary dies, the server must not outlive it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		s.mu.Unlock()
		return err
	}
	done := make(chan struct{})
	s.cmd, s.done, s.exitErr, s.addrs = cmd, done, nil, nil
	s.mu.Unlock()

	addrs := map[string]string{}
	ready := make(chan struct{})
	var readyOnce sync.Once
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintf(&s.log, "%s\n", line)
			if rest, ok := strings.CutPrefix(line, "listening: "); ok {
				if name, addr, ok := strings.Cut(strings.TrimSpace(rest), " "); ok {
					s.mu.Lock()
					addrs[name] = strings.TrimSpace(addr)
					s.mu.Unlock()
				}
			}
			if strings.TrimSpace(line) == "ready" {
				readyOnce.Do(func() { close(ready) })
			}
		}
		// Keep draining if the scanner gave up on an overlong line.
		_, _ = io.Copy(&s.log, stdout)
	}()
	go func() {
		<-readerDone
		err := cmd.Wait()
		s.mu.Lock()
		s.exitErr = err
		s.mu.Unlock()
		close(done)
	}()

	select {
	case <-ready:
	case <-done:
		return fmt.Errorf("postroom serve exited before ready: %v\n%s", s.exitError(), tail(s.log.String(), 40))
	case <-time.After(readyTimeout):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("postroom serve: no ready line after %v\n%s", readyTimeout, tail(s.log.String(), 40))
	}
	s.mu.Lock()
	s.addrs = addrs
	s.mu.Unlock()
	return nil
}

func (s *Server) exitError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exitErr
}

// Addr returns host:port of a listener of the running process.
func (s *Server) Addr(tb testing.TB, name string) string {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.addrs[name]
	if a == "" {
		tb.Fatalf("server printed no `listening: %s ADDR` line (got %v)", name, s.addrs)
	}
	return a
}

// Port returns the port number of a listener.
func (s *Server) Port(tb testing.TB, name string) int {
	tb.Helper()
	a := s.Addr(tb, name)
	p, err := strconv.Atoi(a[strings.LastIndexByte(a, ':')+1:])
	if err != nil {
		tb.Fatalf("bad listener address %q", a)
	}
	return p
}

// Running reports whether the current process is alive.
func (s *Server) Running() bool {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return false
	default:
		return true
	}
}

func (s *Server) signal(sig syscall.Signal) (chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil, errors.New("server not started")
	}
	return s.done, s.cmd.Process.Signal(sig)
}

// Kill sends SIGKILL and waits for the process to be gone.
func (s *Server) Kill(tb testing.TB) {
	tb.Helper()
	done, err := s.signal(syscall.SIGKILL)
	if err != nil && !errors.Is(err, os.ErrProcessDone) {
		tb.Fatalf("SIGKILL: %v", err)
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		tb.Fatal("server still running 20s after SIGKILL")
	}
}

// Terminate sends SIGTERM and waits up to timeout for the exit; it
// returns the exit code (-1 when killed by a signal) and whether it exited
// in time. A server that has not exited by then is killed.
func (s *Server) Terminate(tb testing.TB, timeout time.Duration) (code int, exited bool) {
	tb.Helper()
	done, err := s.signal(syscall.SIGTERM)
	if err != nil && !errors.Is(err, os.ErrProcessDone) {
		tb.Fatalf("SIGTERM: %v", err)
	}
	return s.waitExit(done, timeout)
}

func (s *Server) waitExit(done chan struct{}, timeout time.Duration) (code int, exited bool) {
	select {
	case <-done:
	case <-time.After(timeout):
		s.stop()
		return -1, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd.ProcessState.ExitCode(), true
}

// Restart starts the process again on the same data directory.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	if err := s.start(); err != nil {
		tb.Fatal(err)
	}
}

// stop kills the process if it is still running.
func (s *Server) stop() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-done:
		return
	default:
	}
	_ = cmd.Process.Kill()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
	}
}

// logOnFailure prints the tail of the server's log when tb fails (useful
// for the shared server, whose own cleanup runs after every test).
func (s *Server) logOnFailure(tb testing.TB) {
	mark := len(s.log.String())
	tb.Cleanup(func() {
		if tb.Failed() {
			all := s.log.String()
			if mark > len(all) {
				mark = 0
			}
			tb.Logf("server output during this test (%s):\n%s", s.Data, tail(all[mark:], 60))
		}
	})
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = append([]string{fmt.Sprintf("... (%d lines before)", len(parts)-lines)}, parts[len(parts)-lines:]...)
	}
	return strings.Join(parts, "\n")
}

// --- the shared server ---------------------------------------------------

// sharedMaxMessageSize is small so that "oversized" is cheap to provoke.
const sharedMaxMessageSize = 256 * 1024

var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// sharedServer returns the server that most tests share (listeners smtp,
// submission, submissions; max_message_size 256 KiB). Tests that share it
// create their own accounts with uniqueAddr and never stop it.
func sharedServer(tb testing.TB) *Server {
	tb.Helper()
	shared.once.Do(func() {
		base, err := os.MkdirTemp(workDir, "shared-")
		if err != nil {
			shared.err = err
			return
		}
		shared.srv, shared.err = setupServer(base, serverOptions{maxMessageSize: sharedMaxMessageSize})
	})
	if shared.err != nil {
		tb.Fatalf("shared server: %v", shared.err)
	}
	shared.srv.logOnFailure(tb)
	if !shared.srv.Running() {
		tb.Fatalf("the shared server is not running (it crashed in an earlier test?):\n%s", tail(shared.srv.log.String(), 60))
	}
	return shared.srv
}

var benchServers sync.Map // name -> *Server

func stopSharedServers() {
	if shared.srv != nil {
		shared.srv.stop()
	}
	benchServers.Range(func(_, v any) bool {
		v.(*Server).stop()
		return true
	})
}

var uniqueCounter atomic.Int64

// uniqueAddr returns a fresh address in example.test, e.g. "py-alice-17@example.test".
func uniqueAddr(prefix string) string {
	return fmt.Sprintf("%s-%d@%s", prefix, uniqueCounter.Add(1), testDomain)
}

// uniqueID returns a fresh Message-ID (without angle brackets).
func uniqueID(prefix string) string {
	return fmt.Sprintf("%s.%d.%d@interop.example", prefix, time.Now().UnixNano(), uniqueCounter.Add(1))
}

// --- the CLI -------------------------------------------------------------

type cliResult struct {
	Args   []string
	Stdout string
	Stderr string
	Code   int
	err    error // set when the binary could not run or timed out
}

func (r cliResult) String() string {
	return fmt.Sprintf("postroom %s: exit %d (err %v)\nstdout: %s\nstderr: %s",
		strings.Join(r.Args, " "), r.Code, r.err, strings.TrimSpace(r.Stdout), strings.TrimSpace(r.Stderr))
}

func runCLI(ctx context.Context, args ...string) cliResult {
	ctx, cancel := context.WithTimeout(ctx, cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{Args: args, Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
		res.Code = exit.ExitCode()
	default:
		res.Code, res.err = -1, err
	}
	return res
}

// CLI runs `postroom SUB... --data DIR ARGS...`; sub is the subcommand
// words ("user add"), flags go before positional arguments.
func (s *Server) CLI(tb testing.TB, sub string, args ...string) cliResult {
	tb.Helper()
	full := append(strings.Fields(sub), "--data", s.Data)
	full = append(full, args...)
	start := time.Now()
	res := runCLI(context.Background(), full...)
	if took := time.Since(start); took > slowCommand {
		tb.Logf("slow: postroom %s took %v", strings.Join(full, " "), took.Round(time.Millisecond))
	}
	return res
}

// MustCLI is CLI that fails the test unless the command exits 0.
func (s *Server) MustCLI(tb testing.TB, sub string, args ...string) string {
	tb.Helper()
	res := s.CLI(tb, sub, args...)
	if res.err != nil || res.Code != 0 {
		tb.Fatalf("%s", res)
	}
	return res.Stdout
}

// AddUser creates an account with testPassword (plus extra flags such as
// "--quota", "4000") while the server runs.
func (s *Server) AddUser(tb testing.TB, addr string, extra ...string) {
	tb.Helper()
	args := append([]string{"--password", testPassword}, extra...)
	args = append(args, addr)
	s.MustCLI(tb, "user add", args...)
}

// listedMessage is one line of `postroom messages`.
type listedMessage struct {
	UID       uint64
	Size      int64
	MessageID string
	Subject   string
}

// Messages lists a mailbox with `postroom messages` (mailbox "" = INBOX).
func (s *Server) Messages(tb testing.TB, addr, mailbox string) []listedMessage {
	tb.Helper()
	args := []string{addr}
	if mailbox != "" {
		args = append(args, mailbox)
	}
	out := s.MustCLI(tb, "messages", args...)
	msgs, err := parseMessages(out)
	if err != nil {
		tb.Fatalf("postroom messages %s %s: %v\n%s", addr, mailbox, err, out)
	}
	return msgs
}

func parseMessages(out string) ([]listedMessage, error) {
	var msgs []listedMessage
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		f := strings.SplitN(line, "\t", 4)
		if len(f) < 3 {
			return nil, fmt.Errorf("line %q: want UID<TAB>SIZE<TAB>MESSAGE-ID<TAB>SUBJECT", line)
		}
		uid, err := strconv.ParseUint(f[0], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("line %q: bad UID: %v", line, err)
		}
		size, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("line %q: bad SIZE: %v", line, err)
		}
		m := listedMessage{UID: uid, Size: size, MessageID: f[2]}
		if len(f) == 4 {
			m.Subject = f[3]
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// FindMessage returns the listed message with this Message-ID, or nil.
func (s *Server) FindMessage(tb testing.TB, addr, mailbox, msgID string) *listedMessage {
	tb.Helper()
	for _, m := range s.Messages(tb, addr, mailbox) {
		if m.MessageID == msgID {
			return &m
		}
	}
	return nil
}

// RequireMessage fails the test unless exactly one message with msgID is
// in the mailbox, and returns it.
func (s *Server) RequireMessage(tb testing.TB, addr, mailbox, msgID string) listedMessage {
	tb.Helper()
	var found []listedMessage
	all := s.Messages(tb, addr, mailbox)
	for _, m := range all {
		if m.MessageID == msgID {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		box := mailbox
		if box == "" {
			box = "INBOX"
		}
		tb.Fatalf("want exactly one message <%s> in %s of %s, found %d; the mailbox lists %d messages: %+v",
			msgID, box, addr, len(found), len(all), all)
	}
	return found[0]
}

// Check runs `postroom check` and returns its result.
func (s *Server) Check(tb testing.TB) cliResult {
	tb.Helper()
	return s.CLI(tb, "check")
}

// RequireConsistent fails unless `postroom check` exits 0 and prints
// `consistent`.
func (s *Server) RequireConsistent(tb testing.TB) {
	tb.Helper()
	res := s.Check(tb)
	if res.err != nil || res.Code != 0 || !hasLine(res.Stdout, "consistent") {
		tb.Fatalf("store not consistent: %s", res)
	}
}

func hasLine(out, want string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) == want {
			return true
		}
	}
	return false
}
