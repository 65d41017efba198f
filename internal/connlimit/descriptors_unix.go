//go:build unix

package connlimit

import (
	"os"
	"syscall"
)

// DescriptorBudget sizes the connections all listeners may hold from the
// process's open-file limit (RLIMIT_NOFILE): the limit, raised from the
// soft to the hard one (the Go runtime does so at start already), less
// the descriptors open now (the database, the listeners, the logs), less
// a reserve of an eighth of the limit, at least 64 and at most 4096, for
// what the server opens while it works: message files, more database
// connections, outbound SMTP connections. Beyond the budget a listener
// refuses newcomers (or closes a waiting HTTP connection for them), so
// that the sessions already served and /healthz always find descriptors.
// Call it once the listeners are open.
func DescriptorBudget() (b *Budget, limit, reserve int) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return NewBudget(0), 0, 0
	}
	if rl.Cur < rl.Max {
		raised := rl
		raised.Cur = raised.Max
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised) == nil {
			rl = raised
		}
	}
	limit = int(min(rl.Cur, 1<<30))
	reserve = min(max(limit/8, 64), 4096)
	return NewBudget(max(limit-openDescriptors()-reserve, 1)), limit, reserve
}

// openDescriptors counts the process's open file descriptors (0 where
// the system does not list them).
func openDescriptors() int {
	for _, dir := range []string{"/proc/self/fd", "/dev/fd"} {
		if f, err := os.Open(dir); err == nil {
			names, _ := f.Readdirnames(-1)
			f.Close()
			return max(len(names)-1, 0) // less the one reading it
		}
	}
	return 0
}
