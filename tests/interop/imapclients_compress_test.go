package interop

// IMAP COMPRESS=DEFLATE (RFC 4978) with real clients: mbsync (isync),
// whose zlib flushes each command with Z_PARTIAL_FLUSH (no stored block:
// the stall internal/imapd/inflate exists for), and a raw Python client
// driving zlib itself, since imaplib has no COMPRESS.
//
//	go test -count=1 -run Compress -v ./tests/interop/

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// compressServer starts a server of its own for the compressed sessions.
func compressServer(t *testing.T) *Server {
	t.Helper()
	return newServer(t, serverOptions{listen: []string{"smtp", "imap", "imaps"}})
}

// mbsyncCompressTrace matches mbsync's protocol trace (-Dn) of the
// COMPRESS command it sent and the server's OK.
var (
	mbsyncSentCompress = regexp.MustCompile(`(?m)^>>> (\d+) COMPRESS DEFLATE\s*$`)
	mbsyncOK           = `(?m)^%s OK`
)

// TestMbsyncCompress: mbsync syncs an account with a Korean folder over a
// compressed link. Before the server had its own inflate this stalled at
// the first command after COMPRESS until mbsync's timeout.
func TestMbsyncCompress(t *testing.T) {
	s := compressServer(t)
	user := uniqueAddr("mbsync-compress")
	s.AddUser(t, user)
	const korean = "견적/2026년"
	c := ipDial(t, s, user)
	if !c.Caps().Has(imap.Cap("COMPRESS=DEFLATE")) {
		t.Fatalf("COMPRESS=DEFLATE is not offered after LOGIN: %v", c.Caps())
	}
	if err := c.Create(korean, nil).Wait(); err != nil {
		t.Fatalf("CREATE %s: %v", korean, err)
	}
	ids := map[string][]string{}
	for i := 1; i <= 3; i++ {
		id := uniqueID("mbsync-compress")
		ids["INBOX"] = append(ids["INBOX"], id)
		ipDeliver(t, s, user, ipMessage("sender@remote.example", user, id, fmt.Sprintf("압축 %d", i),
			strings.Repeat("압축된 연결로 동기화합니다. Synced over COMPRESS=DEFLATE.\n", 40*i)))
	}
	for i, subject := range []string{"견적서 초안", "견적서 최종"} {
		id := uniqueID("mbsync-compress-ko")
		ids[korean] = append(ids[korean], id)
		flags := []imap.Flag{imap.FlagSeen}
		if i == 1 {
			flags = append(flags, imap.FlagFlagged)
		}
		ipAppend(t, c, korean, ipMessage("sender@remote.example", user, id, subject, "본문: "+subject+"\n"), flags...)
	}

	m := newMbsync(t, s, user, "IMAPS")
	trace := mbsyncTraced(t, m, "first")
	tag := mbsyncSentCompress.FindStringSubmatch(trace)
	if tag == nil {
		t.Fatalf("mbsync did not send COMPRESS DEFLATE; its trace:\n%s", tail(trace, 60))
	}
	if !regexp.MustCompile(fmt.Sprintf(mbsyncOK, tag[1])).MatchString(trace) {
		t.Fatalf("no OK for mbsync's COMPRESS (tag %s); its trace:\n%s", tag[1], tail(trace, 60))
	}
	// commands after COMPRESS were answered: the folder list came through
	after := trace[strings.Index(trace, tag[0]):]
	if !strings.Contains(after, "LIST") || !strings.Contains(after, "UID FETCH") {
		t.Errorf("mbsync's trace shows no LIST and UID FETCH after COMPRESS:\n%s", tail(after, 40))
	}

	server := ipServerState(t, c)
	local := readMaildir(t, m.maildir)
	for mailbox, want := range map[string]int{"INBOX": 3, korean: 2} {
		if got := len(local[ipLocalFolder(mailbox)]); got != want {
			t.Errorf("Maildir %s (%s): %d messages, want %d", ipLocalFolder(mailbox), mailbox, got, want)
		}
	}
	requireInSync(t, "after a compressed sync", server, local)
	if f := local[ipLocalFolder(korean)][ids[korean][1]].Flags; f != "FS" {
		t.Errorf("the \\Seen \\Flagged message in %s has Maildir flags %q, want FS", korean, f)
	}

	// a second sync over a new compressed link uploads a Maildir message
	localID := uniqueID("mbsync-compress-up")
	up := strings.ReplaceAll(string(ipMessage(user, "someone@remote.example", localID, "압축 업로드",
		strings.Repeat("올립니다.\n", 500))), "\r\n", "\n")
	path := fmt.Sprintf("%s/%s/new/%d.M1P%d.compress", m.maildir, ipLocalFolder(korean), time.Now().Unix(), os.Getpid())
	if err := os.WriteFile(path, []byte(up), 0o600); err != nil {
		t.Fatal(err)
	}
	trace = mbsyncTraced(t, m, "second")
	if !mbsyncSentCompress.MatchString(trace) {
		t.Errorf("the second sync did not use COMPRESS")
	}
	s.RequireMessage(t, user, korean, localID)
	requireInSync(t, "after the upload", ipServerState(t, c), readMaildir(t, m.maildir))
}

// mbsyncTraced runs `mbsync -Dn -a` (the IMAP protocol trace) with m's
// configuration and fails the test unless it exits 0; it returns the
// trace.
func mbsyncTraced(t *testing.T, m *mbsyncRun, what string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "mbsync", "-Dn", "-c", m.rc, "-a")
	cmd.Env = append(os.Environ(), "HOME="+m.home)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("mbsync -Dn (%s) took %v", what, time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("mbsync (%s): %v\n%s", what, err, tail(string(out), 120))
	}
	return string(out)
}

// compressPy is a raw IMAP client in Python: it logs in, sends COMPRESS
// DEFLATE, and from then on compresses every command with zlib,
// flushing with Z_PARTIAL_FLUSH as mbsync does, and inflates the
// server's answers whatever flush they end in. It reads a JSON request
// on stdin and prints a JSON report of each command's answer.
const compressPy = `
import json, re, socket, sys, zlib

req = json.load(sys.stdin)
sock = socket.create_connection((req["host"], req["port"]), timeout=20)
comp = None      # the client's deflate stream, after COMPRESS
decomp = None    # the server's
buf = b""

def recv_more():
    global buf
    data = sock.recv(65536)
    if not data:
        raise EOFError("connection closed; so far: %r" % buf[-200:])
    buf += decomp.decompress(data) if decomp else data

def read_line():
    global buf
    while b"\r\n" not in buf:
        recv_more()
    line, buf = buf.split(b"\r\n", 1)
    return line

def read_exact(n):
    global buf
    while len(buf) < n:
        recv_more()
    out, buf = buf[:n], buf[n:]
    return out

def read_answer(tag):
    """Untagged lines (literals inline) up to the tagged status."""
    lines = []
    while True:
        line = read_line()
        m = re.search(rb"\{(\d+)\}$", line)
        while m:
            line += b"\r\n" + read_exact(int(m.group(1)))
            more = read_line()
            line += more
            m = re.search(rb"\{(\d+)\}$", more)
        if line.startswith(tag.encode() + b" "):
            return [l.decode("utf-8", "replace") for l in lines], line.decode("utf-8", "replace")
        lines.append(line)

def send(data):
    if comp:
        data = comp.compress(data) + comp.flush(zlib.Z_PARTIAL_FLUSH)
    sock.sendall(data)

def command(tag, text, literal=None):
    if literal is None:
        send(("%s %s\r\n" % (tag, text)).encode())
    else:   # LITERAL+ (RFC 7888): no continuation to wait for
        send(("%s %s {%d+}\r\n" % (tag, text, len(literal))).encode() + literal + b"\r\n")
    untagged, status = read_answer(tag)
    return {"tag": tag, "untagged": untagged, "status": status}

out = {"greeting": read_line().decode(), "results": []}
for i, c in enumerate(req["commands"]):
    tag = "c%d" % i
    lit = c.get("literal")
    r = command(tag, c["cmd"], lit.encode("utf-8") if lit is not None else None)
    out["results"].append(r)
    if c["cmd"].upper() == "COMPRESS DEFLATE" and " OK" in r["status"] and comp is None:
        # RFC 4978 §3: compression starts right after the tagged OK
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        decomp = zlib.decompressobj(-15)
        if buf:
            raise RuntimeError("bytes after the COMPRESS OK before compression: %r" % buf)
sock.close()
print(json.dumps(out))
`

type compressPyResult struct {
	Greeting string `json:"greeting"`
	Results  []struct {
		Tag      string   `json:"tag"`
		Untagged []string `json:"untagged"`
		Status   string   `json:"status"`
	} `json:"results"`
}

// TestPythonCompressPartialFlush: LOGIN, COMPRESS, then SELECT, FETCH,
// a large APPEND and the Korean folder over the compressed link, each
// command flushed with Z_PARTIAL_FLUSH.
func TestPythonCompressPartialFlush(t *testing.T) {
	python := requireTool(t, "python3", "python3")
	s := compressServer(t)
	user := uniqueAddr("py-compress")
	s.AddUser(t, user)
	const korean = "보관함/압축"
	c := ipDial(t, s, user)
	if err := c.Create(korean, nil).Wait(); err != nil {
		t.Fatalf("CREATE %s: %v", korean, err)
	}
	var ids []string
	for i := 1; i <= 2; i++ {
		id := uniqueID("py-compress")
		ids = append(ids, id)
		ipDeliver(t, s, user, ipMessage("sender@remote.example", user, id, fmt.Sprintf("메일 %d", i), "안녕하세요.\n"))
	}
	bigID := uniqueID("py-compress-big")
	big := string(ipMessage(user, user, bigID, "큰 메일", strings.Repeat("압축 APPEND: 0123456789 가나다라마바사\n", 6000)))

	commands := []map[string]any{
		{"cmd": "LOGIN " + igQuote(user) + " " + igQuote(testPassword)},              // 0
		{"cmd": "COMPRESS DEFLATE"},                                                  // 1
		{"cmd": "CAPABILITY"},                                                        // 2
		{"cmd": "SELECT INBOX"},                                                      // 3
		{"cmd": "FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"},           // 4
		{"cmd": "APPEND " + igQuote(igMUTF7(korean)) + " (\\Seen)", "literal": big},  // 5
		{"cmd": "SELECT " + igQuote(igMUTF7(korean))},                                // 6
		{"cmd": "UID FETCH 1:* (RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"}, // 7
		{"cmd": "COMPRESS DEFLATE"},                                                  // 8
		{"cmd": "LOGOUT"},                                                            // 9
	}
	req, _ := json.Marshal(map[string]any{"host": "127.0.0.1", "port": s.Port(t, "imap"), "commands": commands})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c", compressPy)
	cmd.Stdin = strings.NewReader(string(req))
	cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8", "PYTHONDONTWRITEBYTECODE=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3 compress client: %v\nstdout: %s\nstderr: %s", err, stdout, stderr.String())
	}
	var r compressPyResult
	if err := json.Unmarshal(stdout, &r); err != nil {
		t.Fatalf("python3 compress client output: %v\n%s", err, stdout)
	}
	if len(r.Results) != len(commands) {
		t.Fatalf("%d answers for %d commands: %+v", len(r.Results), len(commands), r.Results)
	}
	status := func(i int) string { return r.Results[i].Status }
	untagged := func(i int) string { return strings.Join(r.Results[i].Untagged, "\n") }
	for i := range commands {
		if want := " OK"; i != 8 && !strings.Contains(status(i), want) {
			t.Errorf("%v: %q, want OK", commands[i]["cmd"], status(i))
		}
	}
	if !strings.Contains(status(0), "COMPRESS=DEFLATE") {
		t.Errorf("LOGIN's capabilities do not offer COMPRESS=DEFLATE: %q", status(0))
	}
	if caps := untagged(2); !strings.Contains(caps, "* CAPABILITY") || strings.Contains(caps, "COMPRESS=DEFLATE") {
		t.Errorf("CAPABILITY once compressed: %q; want it without COMPRESS=DEFLATE", caps)
	}
	if !strings.Contains(untagged(3), "* 2 EXISTS") {
		t.Errorf("SELECT INBOX over the compressed link: %q, want 2 EXISTS", untagged(3))
	}
	for _, id := range ids {
		if !strings.Contains(untagged(4), "<"+id+">") {
			t.Errorf("FETCH over the compressed link lacks <%s>:\n%s", id, untagged(4))
		}
	}
	if !strings.Contains(status(5), "APPENDUID") {
		t.Errorf("APPEND of %d bytes: %q, want APPENDUID", len(big), status(5))
	}
	if !strings.Contains(untagged(6), "* 1 EXISTS") {
		t.Errorf("SELECT %s: %q, want 1 EXISTS", korean, untagged(6))
	}
	if f := untagged(7); !strings.Contains(f, "<"+bigID+">") || !strings.Contains(f, fmt.Sprintf("RFC822.SIZE %d", len(big))) {
		t.Errorf("UID FETCH in %s: %q, want <%s> of %d bytes", korean, f, bigID, len(big))
	}
	if !strings.Contains(status(8), "NO [COMPRESSIONACTIVE]") {
		t.Errorf("a second COMPRESS: %q, want NO [COMPRESSIONACTIVE] (RFC 4978 §3)", status(8))
	}
	if !strings.Contains(untagged(9), "* BYE") {
		t.Errorf("LOGOUT: %q, want BYE", untagged(9))
	}
	s.RequireMessage(t, user, korean, bigID)
}
