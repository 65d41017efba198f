package loadgen

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
	"time"
)

// Workloads are the workloads Run knows, in the order of the usage text.
var Workloads = []string{"smtp", "imap-append", "imap-mixed", "pop3", "web"}

// Options say what to run against which server. Zero values take the
// workload's defaults (Defaults).
type Options struct {
	Host     string
	Port     int
	User     string // login of IMAP, POP3, web and (when set) SMTP AUTH
	Password string
	Rcpt     string // SMTP envelope recipient; User when empty
	From     string // SMTP envelope sender

	Concurrency int           // connections at once
	Messages    int           // messages to send (smtp, imap-append), to RETR at most (pop3)
	Size        Size          // of the corpus
	Duration    time.Duration // how long imap-mixed and web run; a limit for the others
	// Repeat, when set, is how much each connection does instead of
	// running for Duration: imap-mixed's login-to-logout sessions, web's
	// pages opened (a list and a message).
	Repeat int
	// NoDelay is TCP_NODELAY on the client's sockets. Go sets it; a client
	// that leaves Nagle's algorithm on (Python's imaplib) is NoDelay false.
	NoDelay     bool
	TLS         bool // implicit TLS (993, 995, 465, HTTPS)
	InsecureTLS bool // accept any certificate
	PIDs        []int
	Seed        int64  // of the corpus
	Mailbox     string // IMAP mailbox of imap-append and imap-mixed
}

// Defaults fills what o leaves zero for workload w.
func (o *Options) Defaults(w string) {
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	if o.Port == 0 {
		o.Port = map[string]int{"smtp": 2525, "imap-append": 2143, "imap-mixed": 2143, "pop3": 2110, "web": 8080}[w]
	}
	if o.Concurrency == 0 {
		o.Concurrency = map[string]int{"smtp": 10, "imap-append": 1, "imap-mixed": 10, "pop3": 1, "web": 4}[w]
	}
	if o.Messages == 0 && (w == "smtp" || w == "imap-append") {
		o.Messages = 500
	}
	if o.Size == (Size{}) {
		o.Size = Size{Fixed: 10 << 10}
	}
	if o.Duration == 0 && o.Repeat == 0 && (w == "imap-mixed" || w == "web") {
		o.Duration = 20 * time.Second
	}
	if o.Rcpt == "" {
		o.Rcpt = o.User
	}
	if o.From == "" {
		o.From = "loadgen@example.net"
	}
	if o.Mailbox == "" {
		o.Mailbox = "INBOX"
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
}

// Run runs workload w against the server of o and measures it.
func Run(ctx context.Context, w string, o Options) (*Result, error) {
	if !slices.Contains(Workloads, w) {
		return nil, fmt.Errorf("unknown workload %q", w)
	}
	o.Defaults(w)
	switch {
	case w == "smtp" && o.Rcpt == "":
		return nil, errors.New("smtp: a recipient (--rcpt or --user) is needed")
	case w != "smtp" && (o.User == "" || o.Password == ""):
		return nil, fmt.Errorf("%s: --user and --password are needed", w)
	}
	run := &runner{o: o, rec: newRecorder(), corpus: &Corpus{Seed: o.Seed, Size: o.Size, To: o.Rcpt}, runID: rand.Int64()}
	var work func(context.Context) error
	switch w {
	case "smtp":
		work = run.smtp
	case "imap-append":
		work = run.imapAppend
	case "imap-mixed":
		work = run.imapMixed
	case "pop3":
		work = run.pop3
	case "web":
		work = run.web
	}
	// What is not measured (the corpus, seeding a mailbox) happens in
	// setup, before the clock and the CPU reading.
	if err := run.setup(ctx, w); err != nil {
		return nil, err
	}
	cpu0, err := TreeCPU(o.PIDs)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if o.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, start.Add(o.Duration))
		defer cancel()
	}
	err = work(ctx)
	wall := time.Since(start)
	cpu1, cpuErr := TreeCPU(o.PIDs)
	if err != nil {
		return nil, err
	}
	res := run.rec.result(wall)
	res.Workload, res.Target, res.Concurrency = w, run.addr(), o.Concurrency
	if w == "smtp" || w == "imap-append" {
		res.Size = o.Size.String()
	}
	if w == "imap-append" {
		nd := o.NoDelay
		res.NoDelay = &nd
	}
	if cpuErr != nil {
		// The server ended during the run: the measures stand, its CPU is unknown.
		res.FirstErrors = append(res.FirstErrors, "target CPU: "+cpuErr.Error())
	} else {
		res.TargetPIDs, res.TargetCPU = o.PIDs, cpu1-cpu0
	}
	return res, nil
}

// runner is one run's shared state.
type runner struct {
	o      Options
	rec    *recorder
	corpus *Corpus
	runID  int64
	pool   *pool
}

// setup makes the corpus pool before the clock starts.
func (r *runner) setup(ctx context.Context, w string) error {
	switch w {
	case "smtp", "imap-append":
		r.pool = newPool(r.corpus, r.o.Messages, r.runID)
	case "imap-mixed":
		r.pool = newPool(r.corpus, mixedSeed, r.runID)
		return r.seedMailbox(ctx)
	}
	return nil
}

func (r *runner) addr() string { return net.JoinHostPort(r.o.Host, strconv.Itoa(r.o.Port)) }

// dial connects to the server with the run's socket options.
func (r *runner) dial(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: 10 * time.Second}
	c, err := d.DialContext(ctx, "tcp", r.addr())
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		if err := tc.SetNoDelay(r.o.NoDelay); err != nil {
			c.Close()
			return nil, fmt.Errorf("TCP_NODELAY: %w", err)
		}
	}
	if !r.o.TLS {
		return c, nil
	}
	tc := tls.Client(c, r.tlsConfig())
	tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, fmt.Errorf("TLS: %w", err)
	}
	tc.SetDeadline(time.Time{})
	return tc, nil
}

func (r *runner) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: r.o.Host, InsecureSkipVerify: r.o.InsecureTLS}
}

// workers runs fn on Concurrency goroutines and waits for them.
func (r *runner) workers(ctx context.Context, fn func(ctx context.Context, worker int)) {
	done := make(chan struct{})
	for i := range r.o.Concurrency {
		go func() {
			defer func() { done <- struct{}{} }()
			fn(ctx, i)
		}()
	}
	for range r.o.Concurrency {
		<-done
	}
}

// tickets hands out the numbers 0..n-1 to workers, until ctx ends.
func tickets(ctx context.Context, n int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := range n {
			select {
			case ch <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// opTimeout bounds one operation: a server that stops answering is an
// error of that operation, not a hung benchmark.
const opTimeout = 2 * time.Minute

// pool is the corpus's messages made before the clock starts. Message i
// of a run is pool message i mod the pool's length with its own
// Message-ID, so a long run needs neither the memory of all its messages
// nor the time to make them while measuring.
type pool struct {
	seed, run int64
	rest      [][]byte
}

// poolBytes bounds a pool's memory.
const poolBytes = 64 << 20

func newPool(c *Corpus, n int, run int64) *pool {
	p := &pool{seed: c.Seed, run: run}
	total := 0
	for i := 0; i < max(n, 1) && i < 1000 && total < poolBytes; i++ {
		m := c.Rest(i)
		p.rest = append(p.rest, m)
		total += len(m)
	}
	return p
}

// message returns message i: its Message-ID line and the rest.
func (p *pool) message(i int) (id string, rest []byte) {
	return MessageIDLine(p.seed, p.run, i), p.rest[i%len(p.rest)]
}
