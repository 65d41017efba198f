package interop

// Memory under attack (issue 13): the peak resident memory of a `serve`
// child process while an unauthenticated client sends what the issue
// found costly. Memory is not speed: the bounds hold on any machine.

import (
	"bufio"
	"bytes"
	"fmt"
	"net/smtp"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// vmHWM is the process's peak resident set size in bytes (VmHWM in
// /proc/PID/status): the most memory it has held at once since it started.
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("read /proc/%d/status: %v", pid, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			f := strings.Fields(rest)
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil || len(f) != 2 || f[1] != "kB" {
				t.Fatalf("VmHWM line %q", sc.Text())
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

func (s *Server) pid(t *testing.T) int {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil {
		t.Fatal("the server is not running")
	}
	return s.cmd.Process.Pid
}

// koreanText is a text/plain message of about size bytes of Hangul lines.
func koreanText(from, to string, size int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: 대용량 견적서\r\nMIME-Version: 1.0\r\n", from, to)
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	line := strings.Repeat("안녕하세요 견적서를 보내드립니다 검토 부탁드립니다 ", 8) + "\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.Bytes()
}

// sendMX sends raw to the MX listener with Go's net/smtp, without TLS.
func sendMX(t *testing.T, addr, from, to string, raw []byte) {
	t.Helper()
	if err := trySendMX(addr, from, to, raw); err != nil {
		t.Fatal(err)
	}
}

// trySendMX is sendMX for other goroutines than the test's.
func trySendMX(addr, from, to string, raw []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("memory.test"); err != nil {
		return err
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA of %d bytes: %v", len(raw), err)
	}
	return c.Quit()
}

// perMessage is what receiving one message of size bytes may add to the
// peak: the message once, and a constant for the rest (indexing takes at
// most search.MaxIndexedText of text, about 25 bytes a byte while the
// terms are made; parsing, the store; the collector's slack).
func perMessage(size int) int64 { return int64(size) + 64<<20 }

// A 44 MiB Korean text message through the MX costs about its size, not
// ~45 times (indexing used to hold every bigram of it) nor 5 times (the
// DATA buffer doubling, then copies for each header edit).
func TestMemory_largeKoreanTextThroughTheMX(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp"}})
	user := uniqueAddr("memory")
	s.AddUser(t, user)
	addr := s.Addr(t, "smtp")
	sendMX(t, addr, "warm@remote.test", user, koreanText("warm@remote.test", user, 64<<10))
	before := vmHWM(t, s.pid(t))

	const size = 44 << 20
	raw := koreanText("big@remote.test", user, size)
	sendMX(t, addr, "big@remote.test", user, raw)
	after := vmHWM(t, s.pid(t))
	grew := after - before
	t.Logf("peak RSS %d MiB before, %d MiB after one %d MiB message: +%d MiB, %.1f× its size",
		before>>20, after>>20, len(raw)>>20, grew>>20, float64(grew)/float64(len(raw)))
	if limit := perMessage(len(raw)); grew > limit {
		t.Errorf("one %d MiB message raised the peak by %d MiB, more than %d MiB (its size and 64 MiB)", len(raw)>>20, grew>>20, limit>>20)
	}
}

// Three 44 MiB Korean text messages at once through the MX: each costs
// about its size and the constant of indexing it, not several times its
// size (the issue measured 4,609 MiB for three).
func TestMemory_threeLargeKoreanTextsAtOnceThroughTheMX(t *testing.T) {
	sendAtOnce(t, 3, 2)
}

// Eight at once (50 connections per address are allowed): only what two
// messages of the largest size cost is held in memory for delivery at
// once, the others wait in the spool on disk for their turn, so the peak
// does not grow with the number of senders.
func TestMemory_eightLargeMessagesAtOnceWaitTheirTurn(t *testing.T) {
	sendAtOnce(t, 8, 2)
}

// sendAtOnce sends n 44 MiB Korean text messages at once through the MX
// and checks that the peak grew by no more than what the messages held at
// once cost (held: the server's budget), and one more that was delivered
// and that the collector has not taken back yet.
func sendAtOnce(t *testing.T, n, held int) {
	s := newServer(t, serverOptions{listen: []string{"smtp"}})
	user := uniqueAddr("memory")
	s.AddUser(t, user)
	addr := s.Addr(t, "smtp")
	sendMX(t, addr, "warm@remote.test", user, koreanText("warm@remote.test", user, 64<<10))
	before := vmHWM(t, s.pid(t))

	const size = 44 << 20
	raw := koreanText("big@remote.test", user, size)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if err := trySendMX(addr, "big@remote.test", user, raw); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	after := vmHWM(t, s.pid(t))
	grew := after - before
	t.Logf("peak RSS %d MiB before, %d MiB after %d messages of %d MiB at once: +%d MiB, %.1f× one message",
		before>>20, after>>20, n, len(raw)>>20, grew>>20, float64(grew)/float64(len(raw)))
	if limit := int64(min(n, held+1)) * perMessage(len(raw)); grew > limit {
		t.Errorf("%d messages of %d MiB at once raised the peak by %d MiB, more than %d MiB (%d held at once)",
			n, len(raw)>>20, grew>>20, limit>>20, held)
	}
	if got := len(s.Messages(t, user, "INBOX")); got != n+1 {
		t.Errorf("%d messages in INBOX, want %d", got, n+1)
	}
}
