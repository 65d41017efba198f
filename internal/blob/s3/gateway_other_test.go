//go:build !linux

package s3

import "os/exec"

func dieWithParent(*exec.Cmd) {}
