package pop3d

// RETR's fast path (dotstuff.go, mail.POP3Open, retrieved.go) against
// what it replaced: the same bytes as the line-by-line copy, the stored
// message back after un-stuffing (by hand and by Python's poplib), the
// message found wherever it went during the session, and \Seen set for
// what was retrieved however the session ends.

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
	"testing/iotest"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/store"
)

// tricky are messages whose lines start with dots, end in bare LF or CR,
// or have no line ending at the end; big200k is a 200 KB attachment.
func tricky() map[string]string {
	var att strings.Builder
	att.WriteString("Subject: attachment\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" +
		"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	rng := rand.New(rand.NewPCG(21, 1))
	raw := make([]byte, 150<<10)
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(raw)
	for len(enc) > 0 {
		n := min(76, len(enc))
		att.WriteString(enc[:n] + "\r\n")
		enc = enc[n:]
	}
	att.WriteString("--b--\r\n.\r\n..\r\n.end\r\n")
	// a "\n." pair that straddles the 64 KB block boundary, and a line
	// longer than a block
	straddle := "Subject: s\r\n\r\n" + strings.Repeat("x", copyBlock-len("Subject: s\r\n\r\n")-1) + "\n.dot after the boundary\r\n"
	long := "Subject: l\r\n\r\n" + strings.Repeat("y", 3*copyBlock+7) + "\r\n.\r\n"
	return map[string]string{
		"dots":          "Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nmid.dle\r\n. \r\n...\r\n",
		"startsWithDot": ".Subject: odd\r\n\r\nbody\r\n",
		"bareLF":        "Subject: lf\n\nline one\n.dotted after LF\nlast\n",
		"bareCR":        "Subject: cr\r\n\r\na\rb\r\n.\rc\r\n",
		"noFinalEOL":    "Subject: x\r\n\r\nno line ending at the end\r\n.last",
		"endsInCR":      "Subject: x\r\n\r\nends in CR\r",
		"empty":         "",
		"onlyDot":       ".",
		"big200k":       att.String(),
		"straddle":      straddle,
		"longLine":      long,
	}
}

func TestWriteStuffed_sameBytesAsLineByLine(t *testing.T) {
	cases := tricky()
	rng := rand.New(rand.NewPCG(21, 2))
	alphabet := []byte(".\r\nab")
	for i := range 300 {
		b := make([]byte, rng.IntN(200))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		cases[fmt.Sprintf("random%d", i)] = string(b)
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":   func(r io.Reader) io.Reader { return r },
		"oneByte": iotest.OneByteReader,
		"half":    iotest.HalfReader,
		"dataErr": iotest.DataErrReader,
	}
	for name, msg := range cases {
		var want bytes.Buffer
		c := &conn{w: bufio.NewWriter(&want)}
		if err := c.writeDotStuffed(strings.NewReader(msg), -1); err != nil {
			t.Fatal(err)
		}
		c.w.Flush()
		for rname, wrap := range readers {
			var got bytes.Buffer
			if err := writeStuffed(&got, wrap(strings.NewReader(msg))); err != nil {
				t.Fatalf("%s %s: %v", name, rname, err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("%s read %s: block copy differs from the line-by-line copy\ngot  %.200q\nwant %.200q", name, rname, got.Bytes(), want.Bytes())
			}
		}
		if back := unstuff(t, want.Bytes()); back != withFinalCRLF(msg) {
			t.Fatalf("%s: un-stuffed %.200q, want %.200q", name, back, withFinalCRLF(msg))
		}
	}
}

// unstuff undoes RFC 1939 §3 on a multi-line answer (without its status
// line): it must end in a line ending then "." CRLF, and every line
// starting with "." loses it.
func unstuff(t *testing.T, wire []byte) string {
	t.Helper()
	s := string(wire)
	if s == ".\r\n" {
		return ""
	}
	body, ok := strings.CutSuffix(s, "\n.\r\n")
	if !ok {
		t.Fatalf("answer does not end in a line ending and .CRLF: %.100q", s[max(0, len(s)-100):])
	}
	lines := strings.SplitAfter(body+"\n", "\n")
	var out strings.Builder
	for _, l := range lines {
		out.WriteString(strings.TrimPrefix(l, "."))
	}
	return out.String()
}

func withFinalCRLF(msg string) string {
	if msg == "" || strings.HasSuffix(msg, "\n") {
		return msg
	}
	return msg + "\r\n"
}

// retrRaw sends RETR n and returns the status line and the raw answer up
// to and including the terminating ".\r\n".
func (c *client) retrRaw(n int) (string, []byte) {
	c.t.Helper()
	status := c.cmd("RETR %d", n)
	if !strings.HasPrefix(status, "+OK") {
		return status, nil
	}
	var body []byte
	for {
		l, err := c.r.ReadSlice('\n')
		body = append(body, l...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			c.t.Fatalf("RETR %d: %v after %d bytes", n, err, len(body))
		}
		if bytes.HasSuffix(body, []byte("\n.\r\n")) || string(body) == ".\r\n" {
			return status, body
		}
	}
}

func TestRETR_givesTheStoredBytesBack(t *testing.T) {
	h := start(t)
	cases := tricky()
	var names []string // message n is names[n-1]
	for name, msg := range cases {
		if msg == "" {
			continue // the store takes no empty message
		}
		names = append(names, name)
		h.deliver(msg)
	}
	c := h.dial()
	c.login()
	for n, name := range names {
		status, wire := c.retrRaw(n + 1)
		msg := cases[name]
		if want := fmt.Sprintf("+OK %d octets", len(msg)); status != want {
			t.Fatalf("%s: %q, want %q", name, status, want)
		}
		if got := unstuff(t, wire); got != withFinalCRLF(msg) {
			t.Fatalf("%s: RETR un-stuffed is %d bytes %.200q, want the stored %d bytes %.200q", name, len(got), got, len(msg), msg)
		}
	}
	expect(t, c.cmd("QUIT"), "+OK")
}

// TestRETR_poplib: what Python's poplib receives (its lines un-stuffed,
// joined with CRLF) is the stored message with every line ending made
// CRLF, the 200 KB attachment included.
func TestRETR_poplib(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	h := start(t)
	cases := tricky()
	names := []string{"dots", "startsWithDot", "bareLF", "noFinalEOL", "big200k", "straddle", "longLine"}
	for _, name := range names {
		h.deliver(cases[name])
	}
	host, port, _ := strings.Cut(h.addr, ":")
	script := `
import base64, json, poplib, sys
poplib._MAXLINE = 1 << 20  # the long line is longer than poplib's default limit
p = poplib.POP3(sys.argv[1], int(sys.argv[2]))
p.user("bob@example.test"); p.pass_("pw")
out = []
for i in range(1, int(sys.argv[3]) + 1):
    resp, lines, octets = p.retr(i)
    out.append(base64.b64encode(b"\r\n".join(lines) + b"\r\n").decode())
p.quit()
print(json.dumps(out))
`
	cmd := exec.Command(py, "-c", script, host, port, fmt.Sprint(len(names)))
	outb, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("poplib: %v\n%s", err, outb)
	}
	var got []string
	if err := json.Unmarshal(outb, &got); err != nil || len(got) != len(names) {
		t.Fatalf("poplib printed %.300q (%v)", outb, err)
	}
	for i, name := range names {
		b, _ := base64.StdEncoding.DecodeString(got[i])
		want := strings.ReplaceAll(strings.ReplaceAll(withFinalCRLF(cases[name]), "\r\n", "\n"), "\n", "\r\n")
		if string(b) != want {
			t.Errorf("%s: poplib got %d bytes %.200q, want %d bytes %.200q", name, len(b), b, len(want), want)
		}
	}
}

func (h *harness) seen(id int64) bool {
	h.t.Helper()
	m, err := h.st.Message(h.ctx, h.acct.ID, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return m.HasFlag(store.FlagSeen)
}

// RETR marks read, TOP does not; the marks are set by QUIT's +OK and,
// when the client drops the connection, by the time its account is free
// for the next session.
func TestRETR_marksReadByTheEndOfTheSession(t *testing.T) {
	h := start(t)
	a := h.deliver("Subject: a\r\n\r\na\r\n")
	b := h.deliver("Subject: b\r\n\r\nb\r\n")
	c := h.dial()
	c.login()
	c.retrRaw(1)
	expect(t, c.cmd("TOP 2 0"), "+OK")
	c.multi()
	expect(t, c.cmd("QUIT"), "+OK")
	if !h.seen(a.ID) || h.seen(b.ID) {
		t.Fatalf("after RETR 1, TOP 2 and QUIT: seen %v %v, want true false", h.seen(a.ID), h.seen(b.ID))
	}

	d := h.deliver("Subject: d\r\n\r\nd\r\n")
	c = h.dial()
	c.login()
	c.retrRaw(3)
	c.conn.Close()
	h.loginAfterInUse()
	if !h.seen(d.ID) {
		t.Fatal("a message retrieved by a session that was dropped is not read")
	}
}

// A message moved out of INBOX during the session is still retrieved (and
// marked read where it is now); one expunged is refused; and once the
// session may have missed an event (Overflow), every message is looked up.
func TestRETR_followsChangesDuringTheSession(t *testing.T) {
	h := start(t)
	var msgs []*store.Message
	for i := range 4 {
		msgs = append(msgs, h.deliver(fmt.Sprintf("Subject: %d\r\n\r\nbody %d\r\n", i, i)))
	}
	c := h.dial()
	c.login()
	in, _ := h.st.MailboxByRole(h.ctx, h.acct.ID, store.RoleInbox)
	arch, _ := h.st.MailboxByRole(h.ctx, h.acct.ID, store.RoleArchive)
	if _, _, err := h.Mail.Move(h.ctx, actor.User(h.acct), in.ID, arch.ID, []uint32{msgs[0].UID}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Mail.Expunge(h.ctx, actor.User(h.acct), in.ID, []uint32{msgs[1].UID}); err != nil {
		t.Fatal(err)
	}
	status, wire := c.retrRaw(1)
	if !strings.HasPrefix(status, "+OK") || unstuff(t, wire) != "Subject: 0\r\n\r\nbody 0\r\n" {
		t.Fatalf("RETR of the moved message: %q %q", status, wire)
	}
	expect(t, c.cmd("RETR 2"), "-ERR")
	// An expunge the session cannot have heard of: the store's alone,
	// after the bus told the session it missed events.
	h.Mail.Events.Publish(events.Event{Kind: events.Overflow, AccountID: h.acct.ID})
	if _, err := h.st.Expunge(h.ctx, h.acct.ID, in.ID, []uint32{msgs[2].UID}); err != nil {
		t.Fatal(err)
	}
	expect(t, c.cmd("RETR 3"), "-ERR")
	if _, wire := c.retrRaw(4); unstuff(t, wire) != "Subject: 3\r\n\r\nbody 3\r\n" {
		t.Fatalf("RETR 4 after the overflow: %q", wire)
	}
	expect(t, c.cmd("QUIT"), "+OK")
	if !h.seen(msgs[0].ID) || !h.seen(msgs[3].ID) {
		t.Fatalf("retrieved messages not read: moved %v, last %v", h.seen(msgs[0].ID), h.seen(msgs[3].ID))
	}
}
