package mail_test

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// exportFixture is a folder of awkward messages: Korean and long
// subjects, characters Windows forbids, a device name, two alike in the
// same minute, none at all, "From " lines to quote, LF line ends.
func exportFixture(t *testing.T) (*testbed.Bed, *store.Account, int64, [][]byte) {
	b := testbed.New(t)
	alice := b.Account("alice", func(a *store.Account) { a.TimeZone = "Asia/Seoul" })
	b.Account("bob", nil)
	date := "Date: Fri, 04 Dec 2026 15:30:00 +0900\r\n"
	raws := []string{
		"From: 김철수 <kim@remote.test>\r\n" + date + "Subject: " + mime.BEncoding.Encode("UTF-8", "2분기 견적서") + "\r\n\r\n안녕하세요\r\n",
		date + "Subject: a/b\\c:d*e?f\"g<h>i|j. \r\n\r\nx\r\n",
		date + "Subject: CON\r\n\r\nx\r\n",
		date + "Subject: same\r\n\r\none\r\n",
		date + "Subject: SAME\r\n\r\ntwo\r\n",
		"Subject: \r\n\r\nno date, no subject\r\n",
		date + "Subject: " + strings.Repeat("긴제목", 60) + "\r\n\r\nx\r\n",
		date + "Subject: from lines\r\n\r\nFrom here\r\n>From there\r\n>>From afar\r\nFrom\r\n From not\r\nend without newline",
		"From: lf@remote.test\nSubject: lf\n\nFrom lf\nline\n",
	}
	var out [][]byte
	var mb int64
	for i, r := range raws {
		m := putAt(t, b, alice.ID, "INBOX", r, time.Date(2026, 12, 4, 6, 30, i, 0, time.UTC))
		mb = m.MailboxID
		out = append(out, []byte(r))
	}
	return b, alice, mb, out
}

// The .zip holds one .eml per message, byte for byte as stored, under
// names every system can create, unique, Korean in UTF-8 with the flag.
func TestExport_zipOfEmlFilesIdenticalToTheStoredMessages(t *testing.T) {
	b, alice, mb, raws := exportFixture(t)
	var buf bytes.Buffer
	if err := b.Mail.Export(b.Ctx, actor.User(alice), mb, mail.ExportZip, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(raws) {
		t.Fatalf("%d entries, want %d", len(zr.File), len(raws))
	}
	seen := map[string]bool{}
	for i, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, raws[i]) {
			t.Errorf("entry %d %q differs from the stored message:\n%q\n%q", i, f.Name, got, raws[i])
		}
		name := f.Name
		if !strings.HasSuffix(name, ".eml") || strings.ContainsAny(name, "\\/:*?\"<>|") || !utf8.ValidString(name) ||
			utf8.RuneCountInString(name) > 110 || strings.HasSuffix(strings.TrimSuffix(name, ".eml"), ".") {
			t.Errorf("unsafe name %q", name)
		}
		if utf8.RuneCountInString(name) != len(name) && f.Flags&0x800 == 0 {
			t.Errorf("%q: non-ASCII name without the UTF-8 flag", name)
		}
		if seen[strings.ToLower(name)] {
			t.Errorf("name %q twice (ignoring case)", name)
		}
		seen[strings.ToLower(name)] = true
		if !f.Modified.Equal(time.Date(2026, 12, 4, 6, 30, i, 0, time.UTC)) {
			t.Errorf("%q modified %v", name, f.Modified)
		}
	}
	want := map[int]string{
		0: "2026-12-04 1530 2분기 견적서.eml", // the Date field's time in Seoul
		1: "2026-12-04 1530 a_b_c_d_e_f_g_h_i_j.eml",
		2: "2026-12-04 1530 _CON.eml",
		3: "2026-12-04 1530 same.eml",
		4: "2026-12-04 1530 SAME (2).eml",
		5: "2026-12-04 1530.eml", // no Date field: the arrival, in Seoul
	}
	for i, w := range want {
		if zr.File[i].Name != w {
			t.Errorf("entry %d named %q, want %q", i, zr.File[i].Name, w)
		}
	}

	// another account's folder: not found, nothing written
	var none bytes.Buffer
	bob, _ := b.Store.AccountByAddress(b.Ctx, "bob@example.test")
	if err := b.Mail.Export(b.Ctx, actor.User(bob), mb, mail.ExportZip, &none); !errors.Is(err, store.ErrNotFound) || none.Len() != 0 {
		t.Fatalf("bob exporting alice's inbox: %v, %d bytes", err, none.Len())
	}
	if err := b.Mail.Export(b.Ctx, actor.User(alice), mb, "tar", &none); !errors.Is(err, mail.ErrExportFormat) {
		t.Fatalf("tar: %v", err)
	}
}

// splitMboxrd reads an mboxrd file back into its messages: a message
// starts at a "From " line, ends before the empty line that precedes the
// next one (or the end), and loses one ">" of each ">+From " line.
func splitMboxrd(t *testing.T, data []byte) [][]byte {
	var msgs [][]byte
	var cur *bytes.Buffer
	lines := bytes.SplitAfter(data, []byte("\n"))
	for _, line := range lines {
		if len(line) == 0 {
			continue
		}
		if bytes.HasPrefix(line, []byte("From ")) {
			if cur != nil {
				msgs = append(msgs, trimSeparator(cur.Bytes()))
			}
			cur = &bytes.Buffer{}
			continue
		}
		if cur == nil {
			t.Fatalf("mbox does not start with a From_ line: %q", line)
		}
		if bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")) {
			line = line[1:]
		}
		cur.Write(line)
	}
	if cur != nil {
		msgs = append(msgs, trimSeparator(cur.Bytes()))
	}
	return msgs
}

func trimSeparator(b []byte) []byte {
	for _, eol := range []string{"\r\n", "\n"} {
		if bytes.HasSuffix(b, []byte(eol)) {
			return bytes.Clone(b[:len(b)-len(eol)])
		}
	}
	return bytes.Clone(b)
}

// The mbox splits back into the stored messages (one that did not end
// with a line end gets one); Python's mailbox module, a real reader,
// finds every message with its subject.
func TestExport_mboxrdSplitsBackIntoTheMessages(t *testing.T) {
	b, alice, mb, raws := exportFixture(t)
	var buf bytes.Buffer
	if err := b.Mail.Export(b.Ctx, actor.User(alice), mb, mail.ExportMbox, &buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("From kim@remote.test Fri Dec  4 06:30:00 2026\r\n")) {
		t.Fatalf("first From_ line: %q", buf.Bytes()[:60])
	}
	got := splitMboxrd(t, buf.Bytes())
	if len(got) != len(raws) {
		t.Fatalf("%d messages back, want %d", len(got), len(raws))
	}
	for i := range raws {
		want := raws[i]
		if !bytes.HasSuffix(want, []byte("\n")) {
			want = append(bytes.Clone(want), "\r\n"...)
		}
		if !bytes.Equal(got[i], want) {
			t.Errorf("message %d:\n got %q\nwant %q", i, got[i], want)
		}
	}

	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is needed under CI")
		}
		t.Skip("python3 not installed: the mbox was checked by the Go reader only")
	}
	path := filepath.Join(t.TempDir(), "INBOX.mbox")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "-c", `import mailbox, sys
for m in mailbox.mbox(sys.argv[1]):
    print(repr(m["Subject"]))`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("python mailbox: %v\n%s", err, out)
	}
	subjects := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(subjects) != len(raws) || subjects[3] != "'same'" || subjects[8] != "'lf'" || subjects[7] != "'from lines'" {
		t.Fatalf("python read %d messages: %q", len(subjects), subjects)
	}
}

// heapProbe is a writer that measures the live heap (after a collection)
// every step bytes written: what an export holds while it streams.
type heapProbe struct {
	step, written, next int64
	base, peak          uint64
}

func (p *heapProbe) Write(b []byte) (int, error) {
	p.written += int64(len(b))
	if p.written >= p.next {
		p.next = p.written + p.step
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		p.peak = max(p.peak, ms.HeapAlloc)
	}
	return len(b), nil
}

// An export's memory stays flat: exporting four times as many messages
// holds no more live heap (a page of message rows, the copy buffers, a
// hash per .zip name), far less than the folder's size.
func TestExport_streamsWithFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 1,000 messages")
	}
	b := testbed.New(t)
	alice := b.Account("alice", nil)
	body := make([]byte, 16<<10)
	var mb int64
	growth := map[int]map[mail.ExportFormat]int64{}
	for _, n := range []int{250, 1000} {
		for i := len(growth) * 250; i < n; i++ {
			rand.Read(body)
			raw := fmt.Sprintf("Subject: m%d\r\n\r\n%s\r\n", i, base64.StdEncoding.EncodeToString(body))
			mb = putAt(t, b, alice.ID, "INBOX", raw, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute)).MailboxID
		}
		growth[n] = map[mail.ExportFormat]int64{}
		for _, f := range []mail.ExportFormat{mail.ExportZip, mail.ExportMbox} {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			p := &heapProbe{step: 1 << 20, base: ms.HeapAlloc}
			if err := b.Mail.Export(b.Ctx, actor.User(alice), mb, f, p); err != nil {
				t.Fatal(err)
			}
			g := int64(p.peak) - int64(p.base)
			growth[n][f] = g
			t.Logf("%s of %d messages (%d MiB written): live heap +%d KiB", f, n, p.written>>20, g>>10)
			if g > 6<<20 {
				t.Errorf("%s of %d messages held %d KiB of %d KiB written", f, n, g>>10, p.written>>10)
			}
		}
	}
	for _, f := range []mail.ExportFormat{mail.ExportZip, mail.ExportMbox} {
		if growth[1000][f] > growth[250][f]+2<<20 {
			t.Errorf("%s: live heap grows with the folder: +%d KiB for 250, +%d KiB for 1000", f, growth[250][f]>>10, growth[1000][f]>>10)
		}
	}
}
