package s3test

import (
	"os/exec"
	"syscall"
)

// dieWithParent kills the gateway when the test binary dies without
// running its cleanups (a test timeout's panic, a kill).
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
