package loadgen

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is Linux's USER_HZ, the unit of /proc/PID/stat's times: 100 on
// every architecture Linux exposes to user space (and in gVisor).
const clockTick = 10 * time.Millisecond

// procStat is what /proc/PID/stat says about a process's CPU.
type procStat struct {
	zombie     bool
	ppid       int
	self, kids time.Duration // utime+stime; cutime+cstime of waited-for children
}

// readStat reads /proc/PID/stat (proc(5)). The command name, field 2, is
// in parentheses and may hold spaces or parentheses itself: the fields
// are counted from the last ')'.
func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3, the state
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f)+2)
	}
	n := func(field int) int64 { v, _ := strconv.ParseInt(f[field-3], 10, 64); return v }
	return procStat{
		zombie: f[0] == "Z",
		ppid:   int(n(4)),
		self:   time.Duration(n(14)+n(15)) * clockTick,
		kids:   time.Duration(n(16)+n(17)) * clockTick,
	}, nil
}

// TreeCPU is the CPU time spent so far by the processes pids, their live
// descendants and the descendants they have waited for. Servers that fork
// (Dovecot's imap and auth processes, Postfix's smtpd and cleanup) are
// measured whole: a child that exits between two readings moves its time
// from the live sum into its parent's children time, so the difference of
// two readings is the work done between them.
//
// A child that has exited and is not yet reaped (a zombie) may show no
// CPU, so TreeCPU waits, a second at most, for the tree to have no
// zombies. Even so, on the machine of docs/performance.md the CPU of a
// Dovecot imap process that ends with the run is now and then in no
// reading at all, for a reason not found: bench/compare.sh measures each
// server's cgroup instead, and this figure is exact only for a server
// that does not fork per session, as Postroom.
func TreeCPU(pids []int) (time.Duration, error) {
	if len(pids) == 0 {
		return 0, nil
	}
	for try := 0; ; try++ {
		total, zombies, err := treeCPU(pids)
		if err != nil || !zombies || try == 50 {
			return total, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func treeCPU(pids []int) (time.Duration, bool, error) {
	all := map[int]procStat{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false, err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readStat(pid); err == nil { // a process may end while we look
			all[pid] = st
		}
	}
	children := map[int][]int{}
	for pid, st := range all {
		children[st.ppid] = append(children[st.ppid], pid)
	}
	var total time.Duration
	zombies := false
	seen := map[int]bool{}
	var walk func(pid int)
	walk = func(pid int) {
		if seen[pid] {
			return
		}
		seen[pid] = true
		st := all[pid]
		total += st.self + st.kids
		zombies = zombies || st.zombie
		for _, c := range children[pid] {
			walk(c)
		}
	}
	for _, pid := range pids {
		if _, ok := all[pid]; !ok {
			return 0, false, fmt.Errorf("process %d: not running", pid)
		}
		walk(pid)
	}
	return total, zombies, nil
}
