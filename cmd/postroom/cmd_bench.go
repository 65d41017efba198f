package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"

	"postroom/internal/loadgen"
)

// cmdBench is `postroom bench WORKLOAD`: load on any SMTP, IMAP, POP3
// server (or Postroom's web API) by host and port, so that one run
// measures Postroom, Dovecot and Postfix alike (issue 21; bench/compare.sh,
// docs/performance.md). It opens no data directory: the server under test
// may be anyone's. A run with errors prints its result and exits 1.
func cmdBench(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	host := fs.String("host", "127.0.0.1", "server address")
	port := fs.Int("port", 0, "server port (default: Postroom's listener for the workload: 2525, 2143, 2110, 8080)")
	user := fs.String("user", "", "login (SMTP: AUTH PLAIN when set)")
	password := fs.String("password", "", "password")
	rcpt := fs.String("rcpt", "", "SMTP envelope recipient (default --user)")
	concurrency := fs.Int("concurrency", 0, "connections at once (default smtp 10, imap-append 1, imap-mixed 10, pop3 1, web 4)")
	messages := fs.Int("messages", 0, "messages to send (default 500), or at most to RETR")
	size := fs.String("size", "10k", "message size: 10k, 200k, 2m, any size, or mixed")
	duration := fs.Duration("duration", 0, "how long imap-mixed and web run (default 20s); a limit for the others")
	nodelay := fs.Bool("nodelay", true, "TCP_NODELAY on the client socket; false is a client with Nagle's algorithm on (Python's imaplib)")
	useTLS := fs.Bool("tls", false, "implicit TLS (993, 995, 465, HTTPS)")
	insecure := fs.Bool("insecure-tls", false, "accept any certificate")
	pids := fs.String("pid", "", "process ids of the server (comma-separated): their CPU, children included, is reported")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || !slices.Contains(loadgen.Workloads, pos[0]) {
		return fmt.Errorf("%w: bench %s", errUsage, strings.Join(loadgen.Workloads, "|"))
	}
	o := loadgen.Options{Host: *host, Port: *port, User: *user, Password: *password, Rcpt: *rcpt,
		Concurrency: *concurrency, Messages: *messages, Duration: *duration, NoDelay: *nodelay,
		TLS: *useTLS, InsecureTLS: *insecure}
	if o.Size, err = loadgen.ParseSize(*size); err != nil {
		return fmt.Errorf("%w: --size: %v", errUsage, err)
	}
	if *pids != "" {
		for _, p := range strings.Split(*pids, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || n <= 0 {
				return fmt.Errorf("%w: --pid %q is not a process id", errUsage, p)
			}
			o.PIDs = append(o.PIDs, n)
		}
	}
	if *concurrency < 0 || *messages < 0 || *duration < 0 || *port < 0 || *port > 65535 {
		return fmt.Errorf("%w: --concurrency, --messages, --duration and --port are not negative", errUsage)
	}
	// Ctrl-C ends a run early; the result so far is still printed.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	start := time.Now()
	res, err := loadgen.Run(ctx, pos[0], o)
	if err != nil {
		return fmt.Errorf("%s after %v: %w", pos[0], time.Since(start).Round(time.Millisecond), err)
	}
	if *asJSON {
		err = res.WriteJSON(out)
	} else {
		err = res.WriteTable(out)
	}
	if err != nil {
		return err
	}
	if res.Errors > 0 {
		return errProblems
	}
	return nil
}
