package interop

// POP3 interop with Python's poplib (py/pop3_client.py) against the real
// binary: STLS and implicit TLS, CAPA, STAT/LIST/UIDL/TOP/RETR (an 8-bit
// EUC-KR message byte-identical to what was delivered), the three DELE
// behaviours, RSET, UIDL stability across IMAP moves, the login snapshot,
// bad input, refused logins and [IN-USE].

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// TestPOP3PoplibRetrieve: poplib over STLS (pop3) and over implicit TLS
// (pop3s) lists, tops and retrieves three messages delivered over SMTP;
// every message retrieved is the delivered bytes after the trace header
// fields, LIST sizes are exact, UIDLs are the same in both sessions.
func TestPOP3PoplibRetrieve(t *testing.T) {
	s := pop3Server(t)
	user := pop3User(t, s, "retr")

	// 1: an 8-bit EUC-KR message with a Korean RFC 2047 subject, sent
	// with smtplib (BODY=8BITMIME).
	const subject = "한글 제목: 견적서 송부"
	eucID := uniqueID("pop3-euckr")
	p := s.pyParams(t, "smtp", "plain")
	p["from"], p["to"] = "sender@remote.example", []string{user}
	p["mail_options"] = []string{"BODY=8BITMIME"}
	msg := pyMessage("sender@remote.example", user, eucID, subject)
	msg["charset"] = "euc-kr"
	msg["body"] = "안녕하세요.\n요청하신 견적서를 보내 드립니다.\n감사합니다.\n셋째 줄 다음 줄\n"
	p["message"] = msg
	sent := runPython(t, "send", p)
	requirePyOK(t, "EUC-KR delivery", sent)
	if !bytes.Contains(sent.Sent, []byte{0xbe, 0xc8, 0xb3, 0xe7}) { // 안녕 in EUC-KR
		t.Fatalf("smtp_client.py did not send an 8-bit EUC-KR body:\n%q", sent.Sent)
	}
	// 2: lines starting with dots (dot-stuffing both ways).
	dotID, dotMsg := pop3Deliver(t, s, user, "dots", ".", ".leading dot", "..two dots", "...", "last line")
	// 3: a plain one.
	plainID, plainMsg := pop3Deliver(t, s, user, "plain ascii")
	want := map[string][]byte{eucID: sent.Sent, dotID: dotMsg, plainID: plainMsg}
	order := []string{eucID, dotID, plainID}

	listed := map[string]int64{}
	for _, m := range s.Messages(t, user, "") {
		listed[m.MessageID] = m.Size
	}

	var firstUIDLs []string
	for _, mode := range []string{"stls", "ssl"} {
		t.Run(mode, func(t *testing.T) {
			ops := []map[string]any{
				pop3Op("capa", "capa"), pop3Op("stat", "stat"), pop3Op("list", "list"), pop3Op("uidl", "uidl"),
			}
			for i := 1; i <= 3; i++ {
				ops = append(ops,
					pop3Op(fmt.Sprintf("top%d.0", i), "top", "which", i, "lines", 0),
					pop3Op(fmt.Sprintf("top%d.2", i), "top", "which", i, "lines", 2),
					pop3Op(fmt.Sprintf("retr%d", i), "retr", "which", i),
					pop3Op(fmt.Sprintf("list%d", i), "list", "which", i),
					pop3Op(fmt.Sprintf("uidl%d", i), "uidl", "which", i))
			}
			r := runPop3Py(t, s.pop3PyParams(t, mode, user), ops...)
			r.requireLoggedIn(t)
			if !strings.HasPrefix(r.Info.Welcome, "+OK") {
				t.Errorf("greeting %q", r.Info.Welcome)
			}
			if !strings.HasPrefix(r.Info.TLSVersion, "TLSv1.") {
				t.Errorf("TLS version %q", r.Info.TLSVersion)
			}
			// CAPA: before STLS it must offer STLS; after TLS not.
			if mode == "stls" {
				pop3CheckCaps(t, "CAPA before STLS", r.Info.Capa, true)
				pop3CheckCaps(t, "CAPA after STLS", r.Info.CapaTLS, false)
			} else {
				pop3CheckCaps(t, "CAPA on pop3s", r.Info.Capa, false)
			}
			afterLogin := r.ok(t, "capa").Caps
			if _, ok := afterLogin["STLS"]; ok {
				t.Errorf("CAPA after TLS and login lists STLS: %v", afterLogin)
			}

			st := r.ok(t, "stat")
			sizes := pop3ParseListing(t, "LIST", r.ok(t, "list").Lines)
			uidls := pop3ParseListing(t, "UIDL", r.ok(t, "uidl").Lines)
			if st.Count != 3 || len(sizes) != 3 || len(uidls) != 3 {
				t.Fatalf("STAT %d messages, LIST %d, UIDL %d; want 3 (LIST %q)", st.Count, len(sizes), len(uidls), sizes)
			}
			var total int64
			for i := 1; i <= 3; i++ {
				n, err := strconv.ParseInt(sizes[i-1], 10, 64)
				if err != nil {
					t.Fatalf("LIST size %q", sizes[i-1])
				}
				total += n
				retr := r.ok(t, fmt.Sprintf("retr%d", i))
				id := ipMessageID(retr.Data)
				if id != order[i-1] {
					t.Errorf("message %d is <%s>, want <%s> (delivery order)", i, id, order[i-1])
				}
				if int64(len(retr.Data)) != n {
					t.Errorf("message %d: LIST says %d octets, RETR gave %d", i, n, len(retr.Data))
				}
				if l, ok := listed[id]; ok && l != n {
					t.Errorf("message %d: LIST says %d octets, `postroom messages` %d", i, n, l)
				}
				trace, rest := pop3StripTrace(retr.Data)
				if !bytes.Equal(rest, want[id]) {
					t.Errorf("message %d <%s>: RETR after the trace fields is not the bytes delivered:\ntrace: %q\ngot:  %q\nwant: %q",
						i, id, trace, rest, want[id])
				}
				if !bytes.Contains(trace, []byte("Received:")) {
					t.Errorf("message %d: no Received: trace field at the top: %q", i, trace)
				}
				head, body, ok := bytes.Cut(retr.Data, []byte("\r\n\r\n"))
				if !ok {
					t.Fatalf("message %d has no header/body separator", i)
				}
				head = append(head, "\r\n\r\n"...)
				if top := r.ok(t, fmt.Sprintf("top%d.0", i)); !bytes.Equal(top.Data, head) {
					t.Errorf("TOP %d 0:\ngot:  %q\nwant: %q", i, top.Data, head)
				}
				lines := bytes.SplitAfter(body, []byte("\r\n"))
				want2 := append(slices.Clip(head), bytes.Join(lines[:min(2, len(lines))], nil)...)
				if top := r.ok(t, fmt.Sprintf("top%d.2", i)); !bytes.Equal(top.Data, want2) {
					t.Errorf("TOP %d 2:\ngot:  %q\nwant: %q", i, top.Data, want2)
				}
				if one := r.ok(t, fmt.Sprintf("list%d", i)).Resp; one != fmt.Sprintf("+OK %d %d", i, n) {
					t.Errorf("LIST %d: %q, want \"+OK %d %d\"", i, one, i, n)
				}
				if one := r.ok(t, fmt.Sprintf("uidl%d", i)).Resp; one != fmt.Sprintf("+OK %d %s", i, uidls[i-1]) {
					t.Errorf("UIDL %d: %q, want \"+OK %d %s\"", i, one, i, uidls[i-1])
				}
			}
			if st.Size != total {
				t.Errorf("STAT size %d, LIST sizes add up to %d", st.Size, total)
			}
			pop3CheckUIDLs(t, uidls)
			if firstUIDLs == nil {
				firstUIDLs = uidls
			} else if !slices.Equal(uidls, firstUIDLs) {
				t.Errorf("UIDL changed between sessions: %q then %q", firstUIDLs, uidls)
			}
		})
	}

	// Every login is in the access log as pop3 from 127.0.0.1.
	var oks int
	for _, l := range pop3AccessLog(t, s, user) {
		if l[1] == "pop3" && l[2] == "127.0.0.1" && l[3] == "ok" {
			oks++
		}
	}
	if oks < 2 {
		t.Errorf("`postroom user log %s` shows %d successful pop3 logins from 127.0.0.1, want 2:\n%s", user, oks, s.MustCLI(t, "user log", user))
	}
}

// pop3CheckCaps checks a CAPA listing: every capability of pop3Caps, SASL
// with PLAIN, and STLS exactly when stls.
func pop3CheckCaps(t *testing.T, what string, caps map[string][]string, stls bool) {
	t.Helper()
	if caps == nil {
		t.Errorf("%s: no CAPA answer", what)
		return
	}
	for _, c := range pop3Caps {
		if _, ok := caps[c]; !ok {
			t.Errorf("%s lacks %s: %v", what, c, caps)
		}
	}
	if !slices.Contains(caps["SASL"], "PLAIN") {
		t.Errorf("%s: SASL %v, want PLAIN among them", what, caps["SASL"])
	}
	if _, ok := caps["STLS"]; ok != stls {
		t.Errorf("%s: STLS listed = %v, want %v (%v)", what, ok, stls, caps)
	}
}

// pop3CheckUIDLs checks RFC 1939's rules: unique, 1 to 70 characters in
// 0x21..0x7E.
func pop3CheckUIDLs(t *testing.T, uidls []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, u := range uidls {
		if seen[u] {
			t.Errorf("UIDL %q twice in %q", u, uidls)
		}
		seen[u] = true
		if len(u) < 1 || len(u) > 70 {
			t.Errorf("UIDL %q: length %d, want 1..70", u, len(u))
		}
		for _, c := range []byte(u) {
			if c < 0x21 || c > 0x7e {
				t.Errorf("UIDL %q: character %#x outside 0x21..0x7E", u, c)
				break
			}
		}
	}
}

// pop3AccessLog returns the lines of `postroom user log` split on tabs
// (TIME, PROTOCOL, IP, ok|failed).
func pop3AccessLog(t *testing.T, s *Server, addr string) [][]string {
	t.Helper()
	var out [][]string
	for _, line := range strings.Split(strings.TrimSpace(s.MustCLI(t, "user log", addr)), "\n") {
		if line == "" {
			continue
		}
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(f) != 4 {
			t.Fatalf("postroom user log: line %q: want TIME<TAB>PROTOCOL<TAB>IP<TAB>ok|failed", line)
		}
		out = append(out, f)
	}
	return out
}

// TestPOP3PoplibAuthPlain: USER/PASS without TLS from loopback, AUTH PLAIN
// with an initial response and after a continuation.
func TestPOP3PoplibAuthPlain(t *testing.T) {
	s := pop3Server(t)
	user := pop3User(t, s, "plain")
	pop3Deliver(t, s, user, "one")
	for _, how := range []string{"user", "plain", "plain_cont"} {
		t.Run(how, func(t *testing.T) {
			p := s.pop3PyParams(t, "plain", user)
			p["login"] = how
			r := runPop3Py(t, p, pop3Op("stat", "stat"))
			r.requireLoggedIn(t)
			if st := r.ok(t, "stat"); st.Count != 1 {
				t.Errorf("STAT %d messages, want 1", st.Count)
			}
			// The plain listener on loopback: STLS and USER offered.
			pop3CheckCaps(t, "CAPA on pop3 (loopback, no TLS)", r.Info.Capa, true)
		})
	}
}

// TestPOP3PoplibDele: DELE, RSET and QUIT under each --pop3-delete
// setting, and a connection dropped without QUIT, checked with
// `postroom messages`, IMAP and a new POP3 session.
func TestPOP3PoplibDele(t *testing.T) {
	s := pop3Server(t)
	for _, mode := range []string{"default", "keep", "trash", "delete"} {
		t.Run(mode, func(t *testing.T) {
			user := pop3User(t, s, "dele-"+mode)
			if mode != "default" {
				pop3SetDelete(t, s, user, mode)
			}
			id1, _ := pop3Deliver(t, s, user, "first")
			id2, _ := pop3Deliver(t, s, user, "second")
			id3, _ := pop3Deliver(t, s, user, "third")
			before := pop3UIDLs(t, s, user)
			if len(before) != 3 {
				t.Fatalf("UIDL lists %d messages, want 3", len(before))
			}

			// DELE everything, then drop the connection without QUIT:
			// nothing may change.
			r := runPop3Py(t, s.pop3PyParams(t, "plain", user),
				pop3Op("d1", "dele", "which", 1), pop3Op("d2", "dele", "which", 2), pop3Op("d3", "dele", "which", 3),
				pop3Op("stat", "stat"), pop3Op("drop", "drop"))
			r.requireLoggedIn(t)
			r.ok(t, "d3")
			if st := r.ok(t, "stat"); st.Count != 0 || st.Size != 0 {
				t.Errorf("STAT after DELE of all: %d messages %d octets, want 0 0", st.Count, st.Size)
			}
			if got := pop3UIDLs(t, s, user); !slices.Equal(got, before) {
				t.Fatalf("after DELE and a dropped connection, UIDL is %q, want %q unchanged", got, before)
			}
			if n := len(s.Messages(t, user, "")); n != 3 {
				t.Fatalf("after DELE and a dropped connection, INBOX has %d messages, want 3", n)
			}

			// DELE 1, DELE 2, RSET, DELE 2, QUIT: only message 2 goes.
			r = runPop3Py(t, s.pop3PyParams(t, "plain", user),
				pop3Op("stat0", "stat"),
				pop3Op("d1", "dele", "which", 1), pop3Op("d2", "dele", "which", 2),
				pop3Op("rset", "rset"), pop3Op("stat1", "stat"),
				pop3Op("d2again", "dele", "which", 2), pop3Op("stat2", "stat"),
				pop3Op("retr2", "retr", "which", 2), pop3Op("top2", "top", "which", 2, "lines", 0),
				pop3Op("list2", "list", "which", 2), pop3Op("uidl2", "uidl", "which", 2),
				pop3Op("dele2", "dele", "which", 2),
				pop3Op("list", "list"), pop3Op("uidl", "uidl"), pop3Op("retr3", "retr", "which", 3),
				pop3Op("quit", "quit"))
			r.requireLoggedIn(t)
			st0 := r.ok(t, "stat0")
			if st := r.ok(t, "stat1"); st.Count != st0.Count || st.Size != st0.Size {
				t.Errorf("STAT after RSET %d/%d, want %d/%d as before the DELEs", st.Count, st.Size, st0.Count, st0.Size)
			}
			r.ok(t, "d2again")
			st2 := r.ok(t, "stat2")
			if st2.Count != 2 || st2.Size >= st0.Size {
				t.Errorf("STAT after DELE 2: %d messages %d octets (before: %d %d), want 2 and fewer octets", st2.Count, st2.Size, st0.Count, st0.Size)
			}
			for _, id := range []string{"retr2", "top2", "list2", "uidl2", "dele2"} {
				r.wantErr(t, id)
			}
			if l := r.ok(t, "list").Lines; len(l) != 2 || !strings.HasPrefix(l[0], "1 ") || !strings.HasPrefix(l[1], "3 ") {
				t.Errorf("LIST after DELE 2: %q, want messages 1 and 3", l)
			}
			if l := r.ok(t, "uidl").Lines; !slices.Equal(l, []string{"1 " + before[0], "3 " + before[2]}) {
				t.Errorf("UIDL after DELE 2: %q, want [1 %s, 3 %s]", l, before[0], before[2])
			}
			if id := ipMessageID(r.ok(t, "retr3").Data); id != id3 {
				t.Errorf("RETR 3 after DELE 2 gave <%s>, want <%s>", id, id3)
			}
			if q := r.ok(t, "quit"); !strings.HasPrefix(q.Resp, "+OK") {
				t.Errorf("QUIT: %q", q.Resp)
			}

			// The next POP3 session no longer sees message 2, whatever
			// the setting.
			if got := pop3UIDLs(t, s, user); !slices.Equal(got, []string{before[0], before[2]}) {
				t.Errorf("next session's UIDL %q, want %q", got, []string{before[0], before[2]})
			}

			inbox := map[string]bool{}
			for _, m := range s.Messages(t, user, "") {
				inbox[m.MessageID] = true
			}
			trash := map[string]bool{}
			for _, m := range s.Messages(t, user, "Trash") {
				trash[m.MessageID] = true
			}
			c := ipDial(t, s, user)
			imapInbox := pop3IMAPIDs(t, c, "INBOX")
			imapTrash := pop3IMAPIDs(t, c, "Trash")
			if !inbox[id1] || !inbox[id3] {
				t.Errorf("INBOX lost a message not deleted: %v", inbox)
			}
			_, imapHas2 := imapInbox[id2]
			_, imapTrash2 := imapTrash[id2]
			switch mode {
			case "default", "keep":
				if !inbox[id2] || !imapHas2 || trash[id2] {
					t.Errorf("keep: message 2 in INBOX (postroom messages %v, IMAP %v), in Trash %v; want in INBOX only",
						inbox[id2], imapHas2, trash[id2])
				}
			case "trash":
				if inbox[id2] || imapHas2 || !trash[id2] || !imapTrash2 {
					t.Errorf("trash: message 2 in INBOX (postroom messages %v, IMAP %v), in Trash (%v, IMAP %v); want in Trash only",
						inbox[id2], imapHas2, trash[id2], imapTrash2)
				}
			case "delete":
				if inbox[id2] || imapHas2 || trash[id2] || imapTrash2 {
					t.Errorf("delete: message 2 in INBOX (postroom messages %v, IMAP %v), in Trash (%v, IMAP %v); want gone",
						inbox[id2], imapHas2, trash[id2], imapTrash2)
				}
			}
		})
	}
}

// TestPOP3PoplibUIDLStable: a message moved out of INBOX with IMAP leaves
// the POP3 listing and, moved back, returns with the same UIDL.
func TestPOP3PoplibUIDLStable(t *testing.T) {
	s := pop3Server(t)
	user := pop3User(t, s, "uidl")
	id1, _ := pop3Deliver(t, s, user, "first")
	id2, _ := pop3Deliver(t, s, user, "second")
	id3, _ := pop3Deliver(t, s, user, "third")
	before := pop3UIDLByID(t, s, user)
	if len(before) != 3 {
		t.Fatalf("UIDL by Message-ID: %v, want 3 messages", before)
	}

	c := ipDial(t, s, user)
	pop3IMAPMove(t, c, "INBOX", "Archive", id1)
	mid := pop3UIDLByID(t, s, user)
	if len(mid) != 2 || mid[id2] != before[id2] || mid[id3] != before[id3] {
		t.Errorf("with <%s> in Archive, UIDL by Message-ID is %v, want the other two of %v", id1, mid, before)
	}
	pop3IMAPMove(t, c, "Archive", "INBOX", id1)
	after := pop3UIDLByID(t, s, user)
	for _, id := range []string{id1, id2, id3} {
		if after[id] != before[id] {
			t.Errorf("<%s>: UIDL %q before the move out and back, %q after", id, before[id], after[id])
		}
	}
	if len(after) != 3 {
		t.Errorf("after moving back: %v, want 3 messages", after)
	}
}

// pop3UIDLByID returns Message-ID -> UIDL of a POP3 session's listing.
func pop3UIDLByID(t *testing.T, s *Server, user string) map[string]string {
	t.Helper()
	uidls := pop3UIDLs(t, s, user)
	ops := []map[string]any{pop3Op("uidl", "uidl")}
	for i := range uidls {
		ops = append(ops, pop3Op(fmt.Sprintf("top%d", i+1), "top", "which", i+1, "lines", 0))
	}
	r := runPop3Py(t, s.pop3PyParams(t, "plain", user), ops...)
	r.requireLoggedIn(t)
	uidls = pop3ParseListing(t, "UIDL", r.ok(t, "uidl").Lines)
	out := map[string]string{}
	for i, u := range uidls {
		id := ipMessageID(r.ok(t, fmt.Sprintf("top%d", i+1)).Data)
		if _, dup := out[id]; dup {
			t.Fatalf("Message-ID <%s> twice in one POP3 listing", id)
		}
		out[id] = u
	}
	return out
}

// TestPOP3PoplibSnapshot: a message delivered during a session is not
// part of it; the next session has it.
func TestPOP3PoplibSnapshot(t *testing.T) {
	s := pop3Server(t)
	user := pop3User(t, s, "snap")
	pop3Deliver(t, s, user, "before")
	c, err := pop3Login(s.Addr(t, "pop3"), "plain", user)
	if err != nil {
		t.Fatalf("POP3 login: %v", err)
	}
	defer c.Close()
	stat1, err := c.cmd("STAT")
	if err != nil {
		t.Fatalf("STAT: %v", err)
	}
	newID, _ := pop3Deliver(t, s, user, "during")
	s.RequireMessage(t, user, "", newID)
	stat2, err := c.cmd("STAT")
	if err != nil {
		t.Fatalf("STAT: %v", err)
	}
	_, list, err := c.multi("LIST")
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	if stat1 != stat2 || !strings.HasPrefix(stat1, "+OK 1 ") || strings.Count(string(list), "\n") != 1 {
		t.Errorf("STAT %q at login, %q after a delivery, LIST %q: want the login snapshot of 1 message", stat1, stat2, list)
	}
	if line, err := c.cmd("RETR 2"); err == nil {
		t.Errorf("RETR 2 of a message delivered during the session: %q, want -ERR", line)
		_, _ = c.readData(nil)
	}
	if _, err := c.cmd("QUIT"); err != nil {
		t.Errorf("QUIT: %v", err)
	}
	if got := pop3UIDLs(t, s, user); len(got) != 2 {
		t.Errorf("the next session lists %d messages, want 2", len(got))
	}
}

// TestPOP3PoplibBadInput: commands before login, unknown commands, message
// numbers that do not exist or are deleted, overlong lines: each gets
// -ERR and the session goes on.
func TestPOP3PoplibBadInput(t *testing.T) {
	s := pop3Server(t)
	user := pop3User(t, s, "bad")
	pop3Deliver(t, s, user, "one")
	pop3Deliver(t, s, user, "two")

	p := s.pop3PyParams(t, "plain", "")
	r := runPop3Py(t, p,
		pop3Op("stat", "raw", "line", "STAT"),
		pop3Op("list", "raw", "line", "LIST"),
		pop3Op("retr", "raw", "line", "RETR 1"),
		pop3Op("dele", "raw", "line", "DELE 1"),
		pop3Op("uidl", "raw", "line", "UIDL"),
		pop3Op("pass-first", "raw", "line", "PASS "+testPassword),
		pop3Op("user", "user", "name", user),
		pop3Op("pass", "pass", "password", testPassword),
		pop3Op("unknown", "raw", "line", "FROBNICATE 1 2"),
		pop3Op("user-again", "raw", "line", "USER "+user),
		pop3Op("stls-late", "raw", "line", "STLS"),
		pop3Op("retr0", "raw", "line", "RETR 0"),
		pop3Op("retr999", "raw", "line", "RETR 999"),
		pop3Op("retr-x", "raw", "line", "RETR x"),
		pop3Op("retr-none", "raw", "line", "RETR"),
		pop3Op("list0", "raw", "line", "LIST 0"),
		pop3Op("top-noarg", "raw", "line", "TOP 1"),
		pop3Op("top-neg", "raw", "line", "TOP 1 -1"),
		pop3Op("dele1", "dele", "which", 1),
		pop3Op("retr-deleted", "raw", "line", "RETR 1"),
		pop3Op("dele-deleted", "raw", "line", "DELE 1"),
		pop3Op("long300", "raw", "line", "NOOP "+strings.Repeat("x", 300)),
		pop3Op("long-retr", "raw", "line", "RETR 2 "+strings.Repeat("9", 260)),
		pop3Op("long10k", "raw", "line", "NOOP "+strings.Repeat("y", 10000)),
		pop3Op("noop", "noop"),
		pop3Op("stat-after", "stat"),
		pop3Op("retr2", "retr", "which", 2),
		pop3Op("rset", "rset"),
		pop3Op("quit", "quit"),
	)
	if !r.OK {
		t.Fatalf("pop3_client.py: %s (results %v)", r.Error, r.Results)
	}
	for _, id := range []string{"stat", "list", "retr", "dele", "uidl", "pass-first"} {
		r.wantErr(t, id)
	}
	r.ok(t, "user")
	r.ok(t, "pass")
	for _, id := range []string{"unknown", "user-again", "stls-late", "retr0", "retr999", "retr-x", "retr-none",
		"list0", "top-noarg", "top-neg", "retr-deleted", "dele-deleted", "long300", "long-retr", "long10k"} {
		r.wantErr(t, id)
	}
	r.ok(t, "noop")
	if st := r.ok(t, "stat-after"); st.Count != 1 {
		t.Errorf("STAT after DELE 1 and the bad commands: %d messages, want 1", st.Count)
	}
	if id := ipMessageID(r.ok(t, "retr2").Data); id == "" {
		t.Errorf("RETR 2 after the bad commands gave no message")
	}
	r.ok(t, "rset")
	r.ok(t, "quit")
	if n := len(pop3UIDLs(t, s, user)); n != 2 {
		t.Errorf("after RSET and QUIT the next session lists %d messages, want 2", n)
	}
}

// TestPOP3PoplibInUse: a second session of an account that has one open
// is refused with [IN-USE]; the first goes on.
func TestPOP3PoplibInUse(t *testing.T) {
	s := pop3Server(t)
	user := pop3User(t, s, "inuse")
	pop3Deliver(t, s, user, "one")
	r := runPop3Py(t, s.pop3PyParams(t, "stls", user),
		pop3Op("second", "second_login"),
		pop3Op("second-plain", "second_login", "login", "plain"),
		pop3Op("stat", "stat"),
		pop3Op("quit", "quit"))
	r.requireLoggedIn(t)
	r.wantErr(t, "second", "[IN-USE]")
	r.wantErr(t, "second-plain", "[IN-USE]")
	if st := r.ok(t, "stat"); st.Count != 1 {
		t.Errorf("STAT in the first session after the refused second: %d, want 1", st.Count)
	}
	r.ok(t, "quit")
	if n := len(pop3UIDLs(t, s, user)); n != 1 {
		t.Errorf("after the first session's QUIT a new session lists %d messages, want 1", n)
	}
}

// TestPOP3PoplibLoginRefused: a wrong password, an account with "use mail
// clients" off and a disabled account get -ERR [AUTH] (USER/PASS and AUTH
// PLAIN); the failures and successes are in the access log. At most two
// wrong passwords from 127.0.0.1 (the throttle delays from the fourth).
func TestPOP3PoplibLoginRefused(t *testing.T) {
	s := pop3Server(t)
	login := func(t *testing.T, user, pass, how string) pop3PyResult {
		t.Helper()
		p := s.pop3PyParams(t, "stls", user)
		p["password"], p["login"] = pass, how
		return runPop3Py(t, p, pop3Op("stat", "stat"))
	}
	wantAuthErr := func(t *testing.T, what string, r pop3PyResult) string {
		t.Helper()
		switch {
		case r.Info.Login == nil:
			t.Errorf("%s: no login answer (error %q)", what, r.Error)
		case r.Info.Login.OK:
			t.Errorf("%s: login accepted, want -ERR [AUTH]", what)
		case !strings.HasPrefix(r.Info.Login.Resp, "-ERR [AUTH]"):
			t.Errorf("%s: %q, want -ERR [AUTH] ...", what, r.Info.Login.Resp)
		default:
			return strings.TrimSpace(strings.TrimPrefix(r.Info.Login.Resp, "-ERR [AUTH]"))
		}
		return ""
	}

	var wrongText string
	t.Run("wrong-password", func(t *testing.T) {
		user := pop3User(t, s, "wrongpw")
		wrongText = wantAuthErr(t, "USER/PASS with a wrong password", login(t, user, "not-"+testPassword, "user"))
		wantAuthErr(t, "AUTH PLAIN with a wrong password", login(t, user, "not-"+testPassword, "plain"))
		login(t, user, testPassword, "user").requireLoggedIn(t)
		var failed, ok int
		for _, l := range pop3AccessLog(t, s, user) {
			if l[1] == "pop3" && l[2] == "127.0.0.1" {
				switch l[3] {
				case "failed":
					failed++
				case "ok":
					ok++
				}
			}
		}
		if failed != 2 || ok != 1 {
			t.Errorf("access log: %d failed and %d ok pop3 logins, want 2 and 1:\n%s", failed, ok, s.MustCLI(t, "user log", user))
		}
	})

	for _, tc := range []struct {
		name     string
		off, on  []string // CLI commands (sub, args...) turning the account off and on again
		wantWord string   // a word the reason should contain
	}{
		{"clients-off", []string{"user set", "--clients=false"}, []string{"user set", "--clients=true"}, "client"},
		{"disabled", []string{"user disable"}, []string{"user enable"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user := pop3User(t, s, tc.name)
			s.MustCLI(t, tc.off[0], append(tc.off[1:], user)...)
			for _, how := range []string{"user", "plain"} {
				reason := wantAuthErr(t, tc.name+" "+how, login(t, user, testPassword, how))
				t.Logf("%s, %s: reason %q", tc.name, how, reason)
				if reason == "" || (wrongText != "" && reason == wrongText) {
					t.Errorf("%s, %s: reason %q does not say why (a wrong password says %q)", tc.name, how, reason, wrongText)
				}
				if tc.wantWord != "" && !strings.Contains(strings.ToLower(reason), tc.wantWord) {
					t.Errorf("%s, %s: reason %q does not mention %q", tc.name, how, reason, tc.wantWord)
				}
			}
			s.MustCLI(t, tc.on[0], append(tc.on[1:], user)...)
			login(t, user, testPassword, "user").requireLoggedIn(t)
		})
	}
}

// TestPOP3PoplibUIDLNotReused: a message delivered after the newest one
// was deleted (by POP3 with --pop3-delete delete, or expunged over IMAP)
// gets a UIDL of its own. A reused UIDL means a "leave a copy on the
// server" client that downloaded the deleted message never downloads the
// new one.
func TestPOP3PoplibUIDLNotReused(t *testing.T) {
	s := pop3Server(t)
	for _, how := range []string{"pop3-delete", "imap-expunge"} {
		t.Run(how, func(t *testing.T) {
			user := pop3User(t, s, "reuse-"+how)
			pop3Deliver(t, s, user, "first")
			id2, _ := pop3Deliver(t, s, user, "second, then deleted")
			before := pop3UIDLByID(t, s, user)
			switch how {
			case "pop3-delete":
				pop3SetDelete(t, s, user, "delete")
				r := runPop3Py(t, s.pop3PyParams(t, "plain", user), pop3Op("dele", "dele", "which", 2), pop3Op("quit", "quit"))
				r.requireLoggedIn(t)
				r.ok(t, "dele")
				r.ok(t, "quit")
			case "imap-expunge":
				c := ipDial(t, s, user)
				uid, ok := pop3IMAPIDs(t, c, "INBOX")[id2]
				if !ok {
					t.Fatalf("IMAP: no <%s> in INBOX", id2)
				}
				if _, err := c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Collect(); err != nil {
					t.Fatalf("IMAP STORE \\Deleted: %v", err)
				}
				if _, err := c.Expunge().Collect(); err != nil {
					t.Fatalf("IMAP EXPUNGE: %v", err)
				}
				c.Close()
			}
			if s.FindMessage(t, user, "", id2) != nil {
				t.Fatalf("<%s> still in INBOX after %s", id2, how)
			}
			id3, _ := pop3Deliver(t, s, user, "third, after the deletion")
			after := pop3UIDLByID(t, s, user)
			if after[id3] == "" {
				t.Fatalf("the new message <%s> is not listed: %v", id3, after)
			}
			if after[id3] == before[id2] {
				t.Errorf("the message delivered after <%s> was deleted (%s) got its UIDL %q: a keep-on-server client that has the deleted message never downloads the new one (UIDLs before %v, after %v)",
					id2, how, before[id2], before, after)
			}
		})
	}
}

// TestPOP3PoplibRetrLarge: a 3 MB message with 998-octet lines and lines
// starting with dots is retrieved byte-identical, with an exact LIST size.
func TestPOP3PoplibRetrLarge(t *testing.T) {
	s := pop3Server(t)
	user := pop3User(t, s, "large")
	long := strings.Repeat("0123456789abcdef", 63)[:998]
	var body []string
	for i := 0; len(body)*1000 < 3<<20; i++ {
		switch i % 50 {
		case 0:
			body = append(body, "."+long[1:])
		case 1:
			body = append(body, ".")
		default:
			body = append(body, long)
		}
	}
	id, msg := pop3Deliver(t, s, user, "large", body...)
	r := runPop3Py(t, s.pop3PyParams(t, "ssl", user), pop3Op("list", "list", "which", 1), pop3Op("retr", "retr", "which", 1))
	r.requireLoggedIn(t)
	retr := r.ok(t, "retr")
	if got := r.ok(t, "list").Resp; got != fmt.Sprintf("+OK 1 %d", len(retr.Data)) {
		t.Errorf("LIST 1: %q, RETR gave %d octets", got, len(retr.Data))
	}
	if _, rest := pop3StripTrace(retr.Data); !bytes.Equal(rest, msg) {
		t.Errorf("RETR of <%s> (%d octets sent) is not the bytes delivered after the trace fields (got %d octets after them)", id, len(msg), len(rest))
	}
}

// TestPOP3UIDLAfterRestart: UIDLs, and what a keep-mode DELE hid, survive
// a restart of the server.
func TestPOP3UIDLAfterRestart(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "pop3"}})
	user := pop3User(t, s, "restart")
	for i := 1; i <= 3; i++ {
		pop3Deliver(t, s, user, fmt.Sprintf("restart %d", i))
	}
	before := pop3UIDLs(t, s, user)
	r := runPop3Py(t, s.pop3PyParams(t, "plain", user), pop3Op("dele", "dele", "which", 2), pop3Op("quit", "quit"))
	r.requireLoggedIn(t)
	r.ok(t, "quit")
	if code, exited := s.Terminate(t, 20*time.Second); !exited || code != 0 {
		t.Fatalf("SIGTERM: exit %d, exited %v", code, exited)
	}
	s.Restart(t)
	if got, want := pop3UIDLs(t, s, user), []string{before[0], before[2]}; !slices.Equal(got, want) {
		t.Errorf("UIDL after a restart %q, want %q (before: %q, message 2 deleted in keep mode)", got, want, before)
	}
}
