package quickack

import "syscall"

func ackNow(raw syscall.RawConn) {
	raw.Control(func(fd uintptr) {
		// an error leaves the kernel's default, which is only slower
		syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
