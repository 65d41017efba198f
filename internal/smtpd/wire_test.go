package smtpd

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"slices"
	"strings"
	"testing"

	"postroom/internal/store"
)

func TestParsePath(t *testing.T) {
	for _, c := range []struct {
		in      string
		reverse bool
		addr    string
		params  []string
		ok      bool
	}{
		{"<a@b.test>", false, "a@b.test", nil, true},
		{"<a@b.test> SIZE=10 BODY=8BITMIME", true, "a@b.test", []string{"SIZE=10", "BODY=8BITMIME"}, true},
		{" <a@b.test>", false, "a@b.test", nil, true},
		{"a@b.test SIZE=1", true, "a@b.test", []string{"SIZE=1"}, true},
		{"<>", true, "", nil, true},
		{"<> SIZE=5", true, "", []string{"SIZE=5"}, true},
		{"<>", false, "", nil, false},
		{"<@relay.test,@r2.test:a@b.test>", false, "a@b.test", nil, true},
		{`<"john doe"@b.test>`, false, "john doe@b.test", nil, true},
		{`<"a>b"@b.test>`, false, "a>b@b.test", nil, true},
		{`<"a\"b"@b.test>`, false, `a"b@b.test`, nil, true},
		{"<a@b.test", false, "", nil, false},
		{"<a@b.test>SIZE=1", false, "", nil, false},
		{"<ab.test>", false, "", nil, false},
		{"<@b.test>", false, "", nil, false},
		{"<a@>", false, "", nil, false},
		{"<김@예시.test>", false, "김@예시.test", nil, true},
	} {
		addr, params, ok := parsePath(c.in, c.reverse)
		if ok != c.ok || ok && (addr != c.addr || !slices.Equal(params, c.params)) {
			t.Errorf("parsePath(%q, %v) = %q, %q, %v; want %q, %q, %v", c.in, c.reverse, addr, params, ok, c.addr, c.params, c.ok)
		}
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"<a@b>", `<"x\"y"@b> A=1`, "<@a,@b:c@d>", "<>", "a@b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, _, ok := parsePath(s, true)
		if ok && addr != "" && !strings.Contains(addr, "@") {
			t.Fatalf("%q gave %q with no @", s, addr)
		}
	})
}

// BDAT: chunks answered one by one; a message given up for RSET leaves
// nothing; a message past the size limit is refused at its chunk, and the
// chunks pipelined after it are read and refused, not taken as commands.
func TestBDAT_chunksAbandonAndTooBig(t *testing.T) {
	h := start(t, nil)
	s := dialRaw(t, h.addrs[RoleMX])
	s.cmd("EHLO client.test\r\n")
	part1, part2 := "Subject: chunks\r\n\r\nfirst ", "second\r\n"
	for _, c := range []struct{ send, want string }{
		{"MAIL FROM:<a@remote.test>\r\n", "250 "},
		{"RCPT TO:<bob@example.test>\r\n", "250 "},
		{fmt.Sprintf("BDAT %d\r\n%s", len(part1), part1), "250 2.0.0"},
		{fmt.Sprintf("BDAT %d LAST\r\n%s", len(part2), part2), "250 2.0.0"},
		// given up between chunks: RSET answered, nothing stored
		{"MAIL FROM:<a@remote.test>\r\n", "250 "},
		{"RCPT TO:<bob@example.test>\r\n", "250 "},
		{fmt.Sprintf("BDAT %d\r\n%s", len(part1), part1), "250 2.0.0"},
		{"RSET\r\n", "250 2.0.0"},
		// BDAT with no transaction: its bytes are skipped, then refused
		{"BDAT 6 LAST\r\nNOOP\r\n", "503 5.5.1"},
		{"NOOP\r\n", "250 "},
	} {
		if got := s.cmd(c.send); !strings.HasPrefix(got, c.want) {
			t.Fatalf("sent %q: got %q, want %q", c.send, got, c.want)
		}
	}
	big := strings.Repeat("x", 40<<10) + "\r\n"
	s.cmd("MAIL FROM:<a@remote.test>\r\n")
	s.cmd("RCPT TO:<bob@example.test>\r\n")
	// 80 KB in two chunks, both sent before any reply (the limit is 64 KB)
	fmt.Fprintf(s.conn, "BDAT %d\r\n%sBDAT %d LAST\r\n%s", len(big), big, len(big), big)
	if got := s.reply(); !strings.HasPrefix(got, "250 ") {
		t.Fatalf("first chunk: %q", got)
	}
	if got := s.reply(); !strings.HasPrefix(got, "552 5.3.4") {
		t.Fatalf("the chunk past the limit: %q", got)
	}
	if got := s.cmd("NOOP\r\n"); !strings.HasPrefix(got, "250 ") {
		t.Fatalf("after the refused chunk: %q", got)
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 1 {
		t.Fatalf("bob has %d messages, want 1", n)
	}
}

// Pipelined commands (RFC 2920) are all answered, in order; commands out
// of order are refused without ending the session.
func TestPipelining_repliesInOrder(t *testing.T) {
	h := start(t, nil)
	s := dialRaw(t, h.addrs[RoleMX])
	s.cmd("EHLO client.test\r\n")
	fmt.Fprint(s.conn, "RCPT TO:<bob@example.test>\r\nDATA\r\nMAIL FROM:<a@remote.test>\r\nMAIL FROM:<a@remote.test>\r\n"+
		"RCPT TO:<nobody@example.test>\r\nDATA\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
	for i, want := range []string{"503 5.5.1", "503 5.5.1", "250 2.1.0", "503 5.5.1", "550 5.1.1", "503 5.5.1", "250 2.1.5", "250 2.1.5", "354 "} {
		if got := s.reply(); !strings.HasPrefix(got, want) {
			t.Fatalf("reply %d: %q, want %q", i, got, want)
		}
	}
	if got := s.cmd("Subject: piped\r\n\r\nbody\r\n.\r\n"); !strings.HasPrefix(got, "250 ") {
		t.Fatalf("end of data: %q", got)
	}
	if h.count("bob@example.test", store.RoleInbox) != 1 || h.count("alice@example.test", store.RoleInbox) != 1 {
		t.Fatal("the pipelined message did not reach both")
	}
}

// What a client sends in the clear after STARTTLS is dropped, not run
// under TLS (CVE-2011-0411); the session starts again after the handshake.
func TestStartTLS_plaintextAfterItIsDropped(t *testing.T) {
	h := start(t, nil)
	s := dialRaw(t, h.addrs[RoleSubmission])
	s.cmd("EHLO client.test\r\n")
	if got := s.cmd("STARTTLS\r\nRSET\r\n"); !strings.HasPrefix(got, "220 ") {
		t.Fatalf("STARTTLS: %q", got)
	}
	tc := tls.Client(s.conn, insecure)
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(tc)
	fmt.Fprint(tc, "MAIL FROM:<alice@example.test>\r\n")
	line, _ := r.ReadString('\n')
	if !strings.HasPrefix(line, "503 5.5.1") {
		t.Fatalf("first reply under TLS: %q, want MAIL refused before EHLO (not the injected RSET's 250)", line)
	}
	fmt.Fprint(tc, "EHLO client.test\r\n")
	var caps []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		caps = append(caps, strings.TrimSpace(line[4:]))
		if line[3] == ' ' {
			break
		}
	}
	if slices.Contains(caps, "STARTTLS") || !slices.Contains(caps, "AUTH PLAIN LOGIN") {
		t.Fatalf("EHLO under TLS: %q", caps)
	}
}

// A command line past the limit ends the connection; so do many
// commands that are not SMTP.
func TestCommandLimits(t *testing.T) {
	h := start(t, nil)
	s := dialRaw(t, h.addrs[RoleMX])
	if got := s.cmd("EHLO " + strings.Repeat("a", maxCommandLine+10) + "\r\n"); !strings.HasPrefix(got, "500 5.5.2") {
		t.Fatalf("a long line: %q", got)
	}
	if got := s.reply(); got != "EOF" {
		t.Fatalf("after a long line the connection is open: %q", got)
	}
	s = dialRaw(t, h.addrs[RoleMX])
	for i := 1; i <= maxErrors; i++ {
		if got := s.cmd("GET / HTTP/1.1\r\n"); !strings.HasPrefix(got, "500 5.5.2") {
			t.Fatalf("garbage %d: %q", i, got)
		}
	}
	if got := s.reply(); !strings.HasPrefix(got, "421 4.7.0") {
		t.Fatalf("the last garbage: %q", got)
	}
	if got := s.reply(); got != "EOF" {
		t.Fatalf("after too many errors the connection is open: %q", got)
	}
}
