package loadgen

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"text/tabwriter"
	"time"
)

// Percentile is the nearest-rank percentile p (0 < p ≤ 100) of sorted
// samples: the smallest sample that at least p % of them are at or below.
// No interpolation, so it is always a latency that was measured. Zero for
// no samples.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// recorder collects what the workers of one run measured. Workers call it
// concurrently.
type recorder struct {
	mu      sync.Mutex
	order   []string // operations in the order first seen, for the table
	samples map[string][]time.Duration
	errs    map[string]int
	bytes   int64
	first   []string // the first few error messages, for the report
}

func newRecorder() *recorder {
	return &recorder{samples: map[string][]time.Duration{}, errs: map[string]int{}}
}

func (r *recorder) see(op string) {
	if _, ok := r.samples[op]; !ok {
		r.samples[op] = nil
		r.order = append(r.order, op)
	}
}

// ok records one successful op that took d and moved n bytes of mail.
func (r *recorder) ok(op string, d time.Duration, n int) {
	r.mu.Lock()
	r.see(op)
	r.samples[op] = append(r.samples[op], d)
	r.bytes += int64(n)
	r.mu.Unlock()
}

// fail records one failed op.
func (r *recorder) fail(op string, err error) {
	r.mu.Lock()
	r.see(op)
	r.errs[op]++
	if len(r.first) < 5 {
		r.first = append(r.first, fmt.Sprintf("%s: %v", op, err))
	}
	r.mu.Unlock()
}

// time runs fn as op, recording its latency or its error.
func (r *recorder) time(op string, n int, fn func() error) error {
	start := time.Now()
	err := fn()
	if err != nil {
		r.fail(op, err)
		return err
	}
	r.ok(op, time.Since(start), n)
	return nil
}

// timeCtx is time for an operation bound to ctx: one that fails because
// the run's time is up is not counted at all, neither done nor failed.
func (r *recorder) timeCtx(ctx context.Context, op string, n int, fn func() error) error {
	start := time.Now()
	err := fn()
	switch {
	case err != nil && ctx.Err() != nil:
		return err
	case err != nil:
		r.fail(op, err)
		return err
	}
	r.ok(op, time.Since(start), n)
	return nil
}

// Op is the measure of one kind of operation.
type Op struct {
	Name   string        `json:"name"`
	Count  int           `json:"ops"`
	Errors int           `json:"errors"`
	PerSec float64       `json:"per_sec"`
	P50    time.Duration `json:"p50_ns"`
	P95    time.Duration `json:"p95_ns"`
	P99    time.Duration `json:"p99_ns"`
	Max    time.Duration `json:"max_ns"`
}

// Result is one run of a workload.
type Result struct {
	Workload    string        `json:"workload"`
	Target      string        `json:"target"` // host:port
	Concurrency int           `json:"concurrency"`
	Size        string        `json:"size,omitempty"`
	NoDelay     *bool         `json:"nodelay,omitempty"` // for imap-append
	Wall        time.Duration `json:"wall_ns"`
	Ops         []Op          `json:"ops"`
	Errors      int           `json:"errors"`
	MailBytes   int64         `json:"mail_bytes"` // message bytes sent or received
	// TargetCPU is the CPU time (user + system) of the TargetPIDs
	// processes and their descendants during the run, counted in the
	// kernel's ticks of 10 ms per process: short runs of servers that
	// spread work over many processes read low.
	TargetPIDs  []int         `json:"target_pids,omitempty"`
	TargetCPU   time.Duration `json:"target_cpu_ns"`
	FirstErrors []string      `json:"first_errors,omitempty"`
}

// result summarises the recorder over wall time.
func (r *recorder) result(wall time.Duration) *Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := &Result{Wall: wall, MailBytes: r.bytes, FirstErrors: r.first}
	for _, name := range r.order {
		s := slices.Clone(r.samples[name])
		slices.SortFunc(s, cmp.Compare)
		op := Op{Name: name, Count: len(s), Errors: r.errs[name],
			P50: Percentile(s, 50), P95: Percentile(s, 95), P99: Percentile(s, 99), Max: Percentile(s, 100)}
		if wall > 0 {
			op.PerSec = float64(len(s)) / wall.Seconds()
		}
		res.Errors += op.Errors
		res.Ops = append(res.Ops, op)
	}
	return res
}

// Op returns the measure of the named operation (a zero Op if none ran).
func (res *Result) Op(name string) Op {
	for _, o := range res.Ops {
		if o.Name == name {
			return o
		}
	}
	return Op{Name: name}
}

// WriteTable prints the result for people.
func (res *Result) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "%s against %s: %d connection(s)", res.Workload, res.Target, res.Concurrency)
	if res.Size != "" {
		fmt.Fprintf(w, ", size %s", res.Size)
	}
	if res.NoDelay != nil {
		fmt.Fprintf(w, ", TCP_NODELAY %v", *res.NoDelay)
	}
	fmt.Fprintf(w, ", %.2f s wall, %.1f MB of mail\n", res.Wall.Seconds(), float64(res.MailBytes)/1e6)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tops\terrors\tper s\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	for _, o := range res.Ops {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%s\t%s\t%s\t%s\t\n", o.Name, o.Count, o.Errors, o.PerSec, ms(o.P50), ms(o.P95), ms(o.P99), ms(o.Max))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(res.TargetPIDs) > 0 {
		fmt.Fprintf(w, "target CPU: %.2f s", res.TargetCPU.Seconds())
		if main := res.mainOp(); main.Count > 0 {
			fmt.Fprintf(w, " (%.2f ms per %s)", float64(res.TargetCPU.Microseconds())/1000/float64(main.Count), main.Name)
		}
		fmt.Fprintln(w)
	}
	for _, e := range res.FirstErrors {
		fmt.Fprintf(w, "error: %s\n", e)
	}
	return nil
}

// mainOp is the operation that CPU per operation is reckoned against: the
// one each workload exists to measure, else the most frequent.
func (res *Result) mainOp() Op {
	for _, name := range []string{"deliver", "append", "retr"} {
		if o := res.Op(name); o.Count > 0 {
			return o
		}
	}
	var best Op
	for _, o := range res.Ops {
		if o.Count > best.Count {
			best = o
		}
	}
	return best
}

// WriteJSON prints the result as one JSON object.
func (res *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }
