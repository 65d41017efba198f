package loadgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestPercentile_nearestRank(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var d []time.Duration
		for _, n := range ns {
			d = append(d, time.Duration(n)*time.Millisecond)
		}
		return d
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"none", nil, 50, 0},
		{"one sample is every percentile", ms(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", ms(hundred...), 50, 50 * time.Millisecond},
		{"p95 of 1..100", ms(hundred...), 95, 95 * time.Millisecond},
		{"p99 of 1..100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p100 is the max", ms(hundred...), 100, 100 * time.Millisecond},
		{"p50 of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p51 of four is the third", ms(1, 2, 3, 4), 51, 3 * time.Millisecond},
		{"p99 of ten is the tenth: a rare slow one shows", ms(1, 1, 1, 1, 1, 1, 1, 1, 1, 500), 99, 500 * time.Millisecond},
		{"p90 of ten is the ninth", ms(1, 1, 1, 1, 1, 1, 1, 1, 2, 500), 90, 2 * time.Millisecond},
	} {
		if got := Percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("%s: Percentile(p%v) = %v, want %v", tc.name, tc.p, got, tc.want)
		}
	}
}

func TestRecorder_resultSortsCountsAndRates(t *testing.T) {
	r := newRecorder()
	// Out of order, so that the result must sort them.
	for _, d := range []int{30, 10, 20, 40} {
		r.ok("append", time.Duration(d)*time.Millisecond, 100)
	}
	r.fail("append", errors.New("NO [OVERQUOTA]"))
	r.ok("login", 5*time.Millisecond, 0)
	res := r.result(2 * time.Second)
	a := res.Op("append")
	if a.Count != 4 || a.Errors != 1 || a.PerSec != 2 || a.P50 != 20*time.Millisecond || a.Max != 40*time.Millisecond {
		t.Fatalf("append: %+v", a)
	}
	if res.Errors != 1 || res.MailBytes != 400 || len(res.Ops) != 2 || res.Ops[0].Name != "append" {
		t.Fatalf("result: %+v", res)
	}
	if len(res.FirstErrors) != 1 || !strings.Contains(res.FirstErrors[0], "OVERQUOTA") {
		t.Fatalf("first errors: %q", res.FirstErrors)
	}
	var table, js bytes.Buffer
	res.Workload, res.Target = "imap-append", "127.0.0.1:2143"
	if err := res.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "append") || !strings.Contains(table.String(), "20.00") {
		t.Fatalf("table:\n%s", table.String())
	}
	if err := res.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Op("append").P50 != 20*time.Millisecond {
		t.Fatalf("JSON does not read back (%v): %s", err, js.String())
	}
}

func TestTreeCPU_ownProcess(t *testing.T) {
	// Spend some CPU, then our own process must show at least some.
	x := 0
	for i := range 50_000_000 {
		x += i % 7
	}
	_ = x
	d, err := TreeCPU([]int{os.Getpid()})
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if d <= 0 {
		t.Fatalf("TreeCPU of this busy process = %v", d)
	}
	if _, err := TreeCPU([]int{1 << 30}); err == nil {
		t.Fatal("TreeCPU of a process that does not exist is no error")
	}
}

// A child that has ended and been waited for still counts: its time is in
// its parent's children time (the servers that fork a process per session
// depend on it).
func TestTreeCPU_countsChildrenWaitedFor(t *testing.T) {
	if os.Getenv("LOADGEN_BUSY_CHILD") == "1" {
		spin(300 * time.Millisecond)
		os.Exit(0)
	}
	before, err := TreeCPU([]int{os.Getpid()})
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTreeCPU_countsChildrenWaitedFor$")
	cmd.Env = append(os.Environ(), "LOADGEN_BUSY_CHILD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	child := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	after, err := TreeCPU([]int{os.Getpid()})
	if err != nil {
		t.Fatal(err)
	}
	// The kernel counts in ticks of 10 ms: allow two of them.
	if got := after - before; got < child-20*time.Millisecond {
		t.Fatalf("TreeCPU grew by %v across a child that used %v", got, child)
	}
}

// spin uses about d of CPU (not of wall time: the machine may be busy).
func spin(d time.Duration) {
	start := cpuNow()
	x := 0
	for cpuNow()-start < d {
		for i := range 100_000 {
			x += i % 7
		}
	}
	_ = x
}

func cpuNow() time.Duration {
	st, _ := readStat(os.Getpid())
	return st.self
}
