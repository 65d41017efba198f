package interop

// Python's imaplib against the real binary: the IMAP commands a simple
// script or an old client uses, in each of the three connection modes.
//
//	go test -count=1 -run Imaplib -v ./tests/interop/

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestImaplibLogin logs in with plain LOGIN on loopback, after STARTTLS,
// and on the implicit-TLS listener; every login is in the access log.
func TestImaplibLogin(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imappy-login")
	s.AddUser(t, user)
	before := time.Now().Add(-2 * time.Second)

	for _, mode := range []string{"plain", "starttls", "ssl"} {
		t.Run(mode, func(t *testing.T) {
			r := runImapPy(t, s.imapPyParams(t, mode, user),
				pyOp("cap", "capability"),
				pyOp("noop", "noop"),
				pyOp("sel", "select", "mailbox", "INBOX"),
				pyOp("logout", "logout"))
			requireImapPyOK(t, "login "+mode, r)
			if !strings.HasPrefix(r.Info.Welcome, "* OK") {
				t.Errorf("greeting %q, want * OK", r.Info.Welcome)
			}
			switch mode {
			case "plain":
				if !slices.Contains(r.Info.Caps, "STARTTLS") {
					t.Errorf("the imap listener does not announce STARTTLS before login: %v", r.Info.Caps)
				}
				if slices.Contains(r.Info.Caps, "LOGINDISABLED") {
					t.Errorf("LOGINDISABLED announced on loopback, where LOGIN must work without TLS: %v", r.Info.Caps)
				}
			case "starttls":
				if len(r.Info.StartTLS) == 0 || r.Info.StartTLS[0] != "OK" {
					t.Errorf("STARTTLS: %v", r.Info.StartTLS)
				}
				if slices.Contains(r.Info.CapsTLS, "STARTTLS") {
					t.Errorf("STARTTLS still announced after STARTTLS: %v", r.Info.CapsTLS)
				}
			}
			if mode != "plain" && !strings.HasPrefix(r.Info.TLSVersion, "TLSv1.") {
				t.Errorf("TLS version %q", r.Info.TLSVersion)
			}
			caps := r.ok(t, "cap").Caps
			for _, c := range ipCaps {
				if !slices.ContainsFunc(caps, func(x string) bool { return x == c || strings.HasPrefix(x, c+"=") }) {
					t.Errorf("capability %s missing after login: %v", c, caps)
				}
			}
			r.ok(t, "noop")
			r.ok(t, "sel")
			if o := r.op(t, "logout"); o.Typ != "BYE" && o.Typ != "OK" {
				t.Errorf("LOGOUT: %s", o)
			}
		})
	}

	log := igAccessLog(t, s, user)
	var ok int
	for _, l := range log {
		if l.Time.Before(before) {
			continue
		}
		if l.Result == "ok" && strings.HasPrefix(strings.ToLower(l.Protocol), "imap") && l.IP == "127.0.0.1" {
			ok++
		}
	}
	if ok != 3 {
		t.Errorf("access log: want 3 successful imap logins from 127.0.0.1, found %d in %+v", ok, log)
	}
	for i := 1; i < len(log); i++ {
		if log[i].Time.After(log[i-1].Time) {
			t.Errorf("access log is not newest first: %+v", log)
			break
		}
	}
}

// TestImaplibLoginRefused: a wrong password, a disabled account and an
// account whose "use mail clients" switch is off get NO; each refusal is
// in the access log as failed, and the account logs in again once allowed.
func TestImaplibLoginRefused(t *testing.T) {
	// A server of its own: failed logins may slow the logins that follow.
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "imaps"}})
	user := uniqueAddr("imappy-refused")
	s.AddUser(t, user)

	p := s.imapPyParams(t, "plain", "")
	login := func(password string) imapPyResult {
		return runImapPy(t, p, pyOp("login", "login", "user", user, "password", password), pyOp("sel", "select", "mailbox", "INBOX"))
	}
	// failedLogged checks that the refusal just made is in the access log:
	// one more "failed" line for imap from 127.0.0.1, newest first.
	failed := 0
	failedLogged := func(what string) {
		t.Helper()
		log := igAccessLog(t, s, user)
		n := 0
		for _, l := range log {
			if l.Result == "failed" {
				n++
			}
		}
		if n != failed+1 {
			t.Errorf("%s: the access log has %d failed logins, want %d: %+v", what, n, failed+1, log)
		} else if l := log[0]; l.Result != "failed" || !strings.HasPrefix(strings.ToLower(l.Protocol), "imap") || l.IP != "127.0.0.1" {
			t.Errorf("%s: newest access log line %+v, want imap 127.0.0.1 failed", what, l)
		}
		failed = n
	}

	r := login("wrong-" + testPassword)
	if o := r.op(t, "login"); o.Typ != "ERROR" || !strings.Contains(o.Error, "AUTHENTICATIONFAILED") {
		t.Errorf("LOGIN with a wrong password: %s, want NO [AUTHENTICATIONFAILED]", o)
	}
	if o := r.op(t, "sel"); o.Typ == "OK" {
		t.Errorf("SELECT after a refused login: %s", o)
	}
	failedLogged("wrong password")

	s.MustCLI(t, "user set", "--clients=false", user)
	r = login(testPassword)
	if o := r.op(t, "login"); o.Typ != "ERROR" || o.Error == "" {
		t.Errorf("LOGIN with mail clients switched off: %s, want NO with a reason", o)
	} else {
		t.Logf("clients off: NO %s", o.Error)
	}
	failedLogged("LOGIN with mail clients switched off (user set --clients=false)")
	s.MustCLI(t, "user set", "--clients=true", user)

	s.MustCLI(t, "user disable", user)
	if o := login(testPassword).op(t, "login"); o.Typ != "ERROR" {
		t.Errorf("LOGIN of a disabled account: %s, want NO", o)
	}
	failedLogged("LOGIN of a disabled account (user disable)")
	s.MustCLI(t, "user enable", user)

	r = login(testPassword)
	r.ok(t, "login")
	r.ok(t, "sel")
	if log := igAccessLog(t, s, user); len(log) == 0 || log[0].Result != "ok" || log[0].IP != "127.0.0.1" {
		t.Errorf("access log after a good login: %+v, want ok first", log)
	}
}

// TestImaplibList: LIST shows the special folders with their RFC 6154
// attributes, LIST (SPECIAL-USE) only those, and LIST RETURN (STATUS ...)
// counts messages.
func TestImaplibList(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imappy-list")
	s.AddUser(t, user)
	ipDeliver(t, s, user, buildMessage("sender@remote.example", user, uniqueID("imappy-list"), "one", 0))

	r := runImapPy(t, s.imapPyParams(t, "plain", user),
		pyOp("all", "list", "pattern", "*"),
		pyOp("special", "list", "pattern", "*", "select_opts", []string{"SPECIAL-USE"}),
		pyOp("retspecial", "list", "pattern", "*", "return_opts", []string{"SPECIAL-USE"}),
		pyOp("top", "list", "pattern", "%"),
		pyOp("status", "list", "pattern", "INBOX", "return_opts", []string{"STATUS (MESSAGES UNSEEN)"}),
		pyOp("lsub", "raw", "cmd", "LSUB", "args", []string{`""`, `"*"`}, "untagged", "LSUB"),
	)
	requireImapPyOK(t, "list", r)
	all := r.ok(t, "all")
	if len(all.Mailboxes) != 6 {
		t.Errorf("LIST \"\" *: %d mailboxes, want INBOX and the 5 special folders: %+v", len(all.Mailboxes), all.Mailboxes)
	}
	for _, name := range []string{"INBOX", "Sent", "Drafts", "Trash", "Spam", "Archive"} {
		mb := all.mailbox(name)
		if mb == nil {
			t.Errorf("LIST does not show %s: %+v", name, all.Mailboxes)
			continue
		}
		if mb.Delim != "/" {
			t.Errorf("%s: delimiter %q, want /", name, mb.Delim)
		}
		if attr := ipSpecialUse[name]; attr != "" && !slices.Contains(mb.Flags, attr) {
			t.Errorf("%s: attributes %v, want %s", name, mb.Flags, attr)
		}
		if !slices.Contains(mb.Flags, `\HasNoChildren`) {
			t.Errorf("%s: attributes %v, want \\HasNoChildren (CHILDREN)", name, mb.Flags)
		}
	}
	special := r.ok(t, "special")
	var names []string
	for _, mb := range special.Mailboxes {
		names = append(names, mb.Name)
		if attr := ipSpecialUse[mb.Name]; attr == "" || !slices.Contains(mb.Flags, attr) {
			t.Errorf("LIST (SPECIAL-USE): %s with %v", mb.Name, mb.Flags)
		}
	}
	if len(names) != 5 {
		t.Errorf("LIST (SPECIAL-USE) \"\" *: %v, want the 5 special folders", names)
	}
	if ret := r.ok(t, "retspecial"); ret.mailbox("Spam") == nil || !slices.Contains(ret.mailbox("Spam").Flags, `\Junk`) {
		t.Errorf("LIST \"\" * RETURN (SPECIAL-USE): Spam without \\Junk: %+v", ret.Mailboxes)
	}
	if top := r.ok(t, "top"); len(top.Mailboxes) != 6 {
		t.Errorf("LIST \"\" %%: %+v", top.Mailboxes)
	}
	st := r.ok(t, "status")
	if len(st.Mailboxes) != 1 || st.Mailboxes[0].Name != "INBOX" {
		t.Errorf("LIST \"\" INBOX RETURN (STATUS (MESSAGES UNSEEN)): %+v", st.Mailboxes)
	}
	// The STATUS response of LIST-STATUS is kept by the script as text.
	if raw, _ := ipRawStatus(st); !strings.Contains(raw, "MESSAGES 1") || !strings.Contains(raw, "UNSEEN 1") {
		t.Errorf("LIST RETURN (STATUS (MESSAGES UNSEEN)): STATUS %q, want MESSAGES 1 UNSEEN 1", raw)
	}
	if lsub := r.op(t, "lsub"); lsub.Typ != "OK" {
		t.Errorf("LSUB: %s", lsub)
	}
}

// ipRawStatus returns the STATUS lines a LIST RETURN (STATUS) gave.
func ipRawStatus(o imapPyOp) (string, bool) {
	var lines []string
	if len(o.Status) == 0 {
		return "", false
	}
	if err := json.Unmarshal(o.Status, &lines); err != nil {
		return string(o.Status), false
	}
	return strings.Join(lines, "\n"), true
}

// TestImaplibFetch: FETCH of RFC822, BODY.PEEK[HEADER], FLAGS,
// INTERNALDATE and RFC822.SIZE of delivered mail; the bytes are what was
// sent after the trace headers, PEEK leaves \Seen alone and RFC822 sets it.
func TestImaplibFetch(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imappy-fetch")
	s.AddUser(t, user)
	var sent [][]byte
	before := time.Now()
	for i, subject := range []string{"first fetch", "second fetch"} {
		msg := buildMessage("sender@remote.example", user, uniqueID("imappy-fetch"), subject, 2000*(i+1))
		ipDeliver(t, s, user, msg)
		sent = append(sent, msg)
	}
	delivered := time.Now()

	r := runImapPy(t, s.imapPyParams(t, "plain", user),
		pyOp("sel", "select", "mailbox", "INBOX"),
		pyOp("meta", "fetch", "set", "1:*", "items", "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER])"),
		pyOp("whole", "fetch", "set", "1", "items", "(RFC822)"),
		pyOp("after", "fetch", "set", "1:2", "items", "(FLAGS)"),
		pyOp("uidfetch", "fetch", "uid", true, "set", "1:*", "items", "(RFC822.SIZE)"),
	)
	requireImapPyOK(t, "fetch", r)
	if sel := r.ok(t, "sel"); sel.Exists != 2 || sel.UIDValidity == 0 || sel.UIDNext == 0 {
		t.Errorf("SELECT INBOX: exists %d uidvalidity %d uidnext %d, want 2 and non-zero", sel.Exists, sel.UIDValidity, sel.UIDNext)
	}
	meta := r.ok(t, "meta").Messages
	if len(meta) != 2 {
		t.Fatalf("FETCH 1:*: %d messages, want 2: %+v", len(meta), meta)
	}
	listed := s.Messages(t, user, "")
	for i, m := range meta {
		if m.Seq != uint32(i+1) || m.UID == 0 || (i > 0 && m.UID <= meta[i-1].UID) {
			t.Errorf("message %d: seq %d UID %d: want ascending UIDs", i+1, m.Seq, m.UID)
		}
		if slices.Contains(m.Flags, `\Seen`) {
			t.Errorf("message %d: \\Seen before it was read: %v", i+1, m.Flags)
		}
		date, err := ipParseDateTime(m.InternalDate)
		if err != nil {
			t.Errorf("message %d: INTERNALDATE %q: %v", i+1, m.InternalDate, err)
		} else if date.Before(before.Truncate(time.Second)) || date.After(delivered) {
			t.Errorf("message %d: INTERNALDATE %v, delivered between %v and %v", i+1, date, before, delivered)
		}
		hdr := m.Sections["BODY[HEADER]"]
		if !bytes.HasSuffix(hdr, []byte("\r\n\r\n")) || !bytes.Contains(hdr, []byte("Message-ID: <"+ipMessageID(sent[i])+">")) {
			t.Errorf("message %d: BODY[HEADER] %q: want the header with its Message-ID, ending in an empty line", i+1, hdr)
		}
		if want := int64(len(sent[i])); m.Size < want || m.Size > want+8192 {
			t.Errorf("message %d: RFC822.SIZE %d for %d bytes sent", i+1, m.Size, want)
		}
		for _, l := range listed {
			if uint32(l.UID) == m.UID && l.Size != m.Size {
				t.Errorf("message UID %d: RFC822.SIZE %d, `postroom messages` says %d", m.UID, m.Size, l.Size)
			}
		}
	}
	whole := r.ok(t, "whole").Messages
	if len(whole) != 1 {
		t.Fatalf("FETCH 1 (RFC822): %+v", whole)
	}
	body := whole[0].Sections["RFC822"]
	if !bytes.HasSuffix(body, sent[0]) {
		t.Errorf("RFC822 does not end with the bytes sent:\ngot  %q\nsent %q", body, sent[0])
	}
	if int64(len(body)) != meta[0].Size {
		t.Errorf("RFC822 is %d bytes, RFC822.SIZE said %d", len(body), meta[0].Size)
	}
	if !bytes.HasPrefix(body, meta[0].Sections["BODY[HEADER]"]) {
		t.Errorf("BODY[HEADER] is not the start of RFC822")
	}
	after := r.ok(t, "after").Messages
	if len(after) != 2 || !slices.Contains(after[0].Flags, `\Seen`) || slices.Contains(after[1].Flags, `\Seen`) {
		t.Errorf("FLAGS after FETCH RFC822 of message 1: %+v; want \\Seen on 1 only", after)
	}
	uf := r.ok(t, "uidfetch").Messages
	if len(uf) != 2 || uf[0].UID != meta[0].UID || uf[1].Size != meta[1].Size {
		t.Errorf("UID FETCH 1:* (RFC822.SIZE): %+v; want UIDs and sizes as FETCH gave (UID is implied)", uf)
	}
}

// TestIpParseDateTime_spacePaddedDay: IMAP's INTERNALDATE has a
// space-padded day below 10 (date-day-fixed, RFC 9051 §9); the tests read it
// on every day of the month, in any zone, at a leap day and a year's end.
func TestIpParseDateTime_spacePaddedDay(t *testing.T) {
	kst := time.FixedZone("", 9*3600)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{" 4-Dec-2026 14:09:44 +0000", time.Date(2026, 12, 4, 14, 9, 44, 0, time.UTC)},
		{" 1-Jan-2027 00:00:00 +0900", time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC)},
		{"09-Mar-2026 08:00:00 +0900", time.Date(2026, 3, 9, 8, 0, 0, 0, kst)},
		{"29-Feb-2028 23:59:59 +0900", time.Date(2028, 2, 29, 23, 59, 59, 0, kst)},
		{"31-Dec-2026 23:59:30 +0900", time.Date(2026, 12, 31, 14, 59, 30, 0, time.UTC)},
		{" 1-Jan-2027 01:00:00 +1400", time.Date(2026, 12, 31, 11, 0, 0, 0, time.UTC)},
		{"31-Dec-2026 23:00:00 -1100", time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC)},
		{" 2-Nov-2025 01:30:00 -0330", time.Date(2025, 11, 2, 5, 0, 0, 0, time.UTC)},
	} {
		got, err := ipParseDateTime(tc.in)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ipParseDateTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "2026-12-04 14:09:44", " 4-Dec-2026 14:09:44", "32-Dec-2026 00:00:00 +0000", "29-Feb-2027 00:00:00 +0000"} {
		if got, err := ipParseDateTime(bad); err == nil {
			t.Errorf("ipParseDateTime(%q) = %v, want an error", bad, got)
		}
	}
}

// TestImaplibSearchKorean: mail in EUC-KR (subject as an RFC 2047 EUC-KR
// word, 8-bit EUC-KR body) and in UTF-8 is found by SEARCH CHARSET UTF-8
// with Korean words in SUBJECT, BODY and TEXT (the server decodes
// charsets); a word in neither finds nothing.
func TestImaplibSearchKorean(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imappy-search")
	s.AddUser(t, user)

	send := func(subject, body, charset string) {
		t.Helper()
		p := s.pyParams(t, "smtp", "plain")
		p["from"], p["to"] = "sender@remote.example", []string{user}
		p["mail_options"] = []string{"BODY=8BITMIME"}
		msg := pyMessage("sender@remote.example", user, uniqueID("imappy-search"), subject)
		msg["charset"], msg["body"] = charset, body
		p["message"] = msg
		requirePyOK(t, "send "+charset, runPython(t, "send", p))
	}
	send("plain ascii report", "Nothing Korean in here.\n", "us-ascii")     // 1
	send("한글 제목: 견적서 송부", "안녕하세요.\n요청하신 견적서를 보내 드립니다.\n감사합니다.\n", "euc-kr") // 2
	send("회의 일정 안내", "내일 오전 열 시에 회의실에서 만납시다.\n", "utf-8")                   // 3

	search := func(id, key, word string) map[string]any {
		return pyOp(id, "search", "charset", "UTF-8", "criteria", []string{key}, "literal", word)
	}
	r := runImapPy(t, s.imapPyParams(t, "plain", user),
		pyOp("sel", "select", "mailbox", "INBOX"),
		search("subj", "SUBJECT", "견적서"),
		search("subj2", "SUBJECT", "송부"),
		search("body", "BODY", "요청하신"),
		search("text", "TEXT", "견적서"),
		search("short", "SUBJECT", "회의"),
		search("bodyutf8", "BODY", "회의실"),
		search("none", "BODY", "계약서"),
		search("notsubj", "SUBJECT", "요청하신"),
		pyOp("uid", "search", "uid", true, "charset", "UTF-8", "criteria", []string{"BODY"}, "literal", "견적서"),
		pyOp("uids", "fetch", "set", "1:*", "items", "(UID)"),
		pyOp("ascii", "search", "criteria", []string{"SUBJECT", `"ascii report"`}),
		pyOp("and", "search", "charset", "UTF-8", "criteria", []string{"UNSEEN", "SUBJECT"}, "literal", "일정"),
	)
	requireImapPyOK(t, "search", r)
	if sel := r.ok(t, "sel"); sel.Exists != 3 {
		t.Fatalf("INBOX holds %d messages, want 3", sel.Exists)
	}
	for _, c := range []struct {
		id, what string
		want     []uint32
	}{
		{"subj", "SUBJECT 견적서 (EUC-KR encoded word)", []uint32{2}},
		{"subj2", "SUBJECT 송부", []uint32{2}},
		{"body", "BODY 요청하신 (8-bit EUC-KR body)", []uint32{2}},
		{"text", "TEXT 견적서", []uint32{2}},
		{"short", "SUBJECT 회의 (two-letter word)", []uint32{3}},
		{"bodyutf8", "BODY 회의실 (UTF-8 body)", []uint32{3}},
		{"none", "BODY 계약서 (in no message)", nil},
		{"notsubj", "SUBJECT 요청하신 (only in a body)", nil},
		{"ascii", `SUBJECT "ascii report"`, []uint32{1}},
		{"and", "UNSEEN SUBJECT 일정", []uint32{3}},
	} {
		o := r.op(t, c.id)
		if o.Typ != "OK" {
			t.Errorf("SEARCH CHARSET UTF-8 %s: %s", c.what, o)
			continue
		}
		if !slices.Equal(o.Nums, c.want) {
			t.Errorf("SEARCH CHARSET UTF-8 %s: got %v, want %v", c.what, o.Nums, c.want)
		}
	}
	uids := r.ok(t, "uids").Messages
	if u := r.op(t, "uid"); len(uids) == 3 && (u.Typ != "OK" || !slices.Equal(u.Nums, []uint32{uids[1].UID})) {
		t.Errorf("UID SEARCH CHARSET UTF-8 BODY 견적서: %s %v, want [%d]", u, u.Nums, uids[1].UID)
	}
}

// TestImaplibStoreCopyExpunge: STORE +FLAGS/-FLAGS, COPY with COPYUID,
// MOVE, \Deleted and EXPUNGE, UID EXPUNGE; the CLI sees the result.
func TestImaplibStoreCopyExpunge(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imappy-store")
	s.AddUser(t, user)
	var ids []string
	for _, subject := range []string{"alpha", "bravo", "charlie", "delta"} {
		id := uniqueID("imappy-store-" + subject)
		ids = append(ids, id)
		ipDeliver(t, s, user, buildMessage("sender@remote.example", user, id, subject, 0))
	}

	r := runImapPy(t, s.imapPyParams(t, "plain", user),
		pyOp("sel", "select", "mailbox", "INBOX"),
		pyOp("seen", "store", "set", "1", "cmd", "+FLAGS", "flags", `(\Seen)`),
		pyOp("flag", "store", "set", "2", "cmd", "+FLAGS", "flags", `(\Flagged $Work)`),
		pyOp("unflag", "store", "set", "2", "cmd", "-FLAGS.SILENT", "flags", `($Work)`),
		pyOp("copy", "copy", "set", "1:2", "mailbox", "Archive"),
		pyOp("copymissing", "copy", "set", "1", "mailbox", "No Such Folder"),
		pyOp("move", "move", "set", "4", "mailbox", "Trash"),
		pyOp("del", "store", "set", "3", "cmd", "+FLAGS", "flags", `(\Deleted)`),
		pyOp("expunge", "expunge"),
		pyOp("inbox", "status", "mailbox", "INBOX", "items", []string{"MESSAGES", "UNSEEN"}),
		pyOp("archive", "select", "mailbox", "Archive"),
		pyOp("archflags", "fetch", "set", "1:*", "items", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"),
		pyOp("delall", "store", "set", "1:2", "cmd", "+FLAGS.SILENT", "flags", `(\Deleted)`),
	)
	requireImapPyOK(t, "store/copy/expunge", r)
	if sel := r.ok(t, "sel"); sel.Exists != 4 {
		t.Fatalf("INBOX: %d messages, want 4", sel.Exists)
	}
	if m := r.ok(t, "seen").Messages; len(m) != 1 || !slices.Contains(m[0].Flags, `\Seen`) {
		t.Errorf("STORE 1 +FLAGS (\\Seen): untagged FETCH %+v, want FLAGS with \\Seen", m)
	}
	if m := r.ok(t, "flag").Messages; len(m) != 1 || !slices.Contains(m[0].Flags, `\Flagged`) || !slices.Contains(m[0].Flags, "$Work") {
		t.Errorf("STORE 2 +FLAGS (\\Flagged $Work): untagged FETCH %+v", m)
	}
	r.ok(t, "unflag")
	copyOp := r.ok(t, "copy")
	if cu := copyOp.Codes["COPYUID"]; len(cu) == 0 || len(strings.Fields(cu[0])) != 3 {
		t.Errorf("COPY: no COPYUID response code (UIDPLUS): %v", copyOp.Codes)
	}
	if o := r.op(t, "copymissing"); o.Typ != "NO" || o.Codes["TRYCREATE"] == nil {
		t.Errorf("COPY to a missing folder: %s %v, want NO [TRYCREATE]", o, o.Codes)
	}
	if o := r.ok(t, "move"); !slices.Equal(o.Expunged, []uint32{4}) {
		t.Errorf("MOVE 4 Trash: EXPUNGE responses %v, want [4]", o.Expunged)
	}
	r.ok(t, "del")
	if o := r.ok(t, "expunge"); !slices.Equal(o.Expunged, []uint32{3}) {
		t.Errorf("EXPUNGE: %v, want [3]", o.Expunged)
	}
	if st := r.ok(t, "inbox").statusItems(t); st["MESSAGES"] != 2 || st["UNSEEN"] != 1 {
		t.Errorf("STATUS INBOX: %v, want MESSAGES 2 UNSEEN 1", st)
	}
	if a := r.ok(t, "archive"); a.Exists != 2 {
		t.Errorf("Archive after COPY: %d messages, want 2", a.Exists)
	}
	arch := r.ok(t, "archflags").Messages
	if len(arch) != 2 {
		t.Fatalf("FETCH in Archive: %+v", arch)
	}
	for i, m := range arch {
		hdr := string(m.Sections["BODY[HEADER.FIELDS (MESSAGE-ID)]"])
		if !strings.Contains(hdr, ids[i]) {
			t.Errorf("Archive message %d: BODY[HEADER.FIELDS (MESSAGE-ID)] %q, want the Message-ID %s; sections %v", i+1, hdr, ids[i], m.Sections)
		}
	}
	if !slices.Contains(arch[0].Flags, `\Seen`) || !slices.Contains(arch[1].Flags, `\Flagged`) || slices.Contains(arch[1].Flags, "$Work") {
		t.Errorf("flags in Archive %v / %v: want \\Seen on the first and \\Flagged (no $Work) on the second copy", arch[0].Flags, arch[1].Flags)
	}
	r.ok(t, "delall")

	// UID EXPUNGE of the first copy only: the second, also \Deleted, stays.
	r2 := runImapPy(t, s.imapPyParams(t, "plain", user),
		pyOp("sel", "select", "mailbox", "Archive"),
		pyOp("uidexpunge", "uid_expunge", "set", strconv.FormatUint(uint64(arch[0].UID), 10)),
		pyOp("left", "fetch", "set", "1:*", "items", "(UID FLAGS)"),
	)
	requireImapPyOK(t, "uid expunge", r2)
	if o := r2.ok(t, "uidexpunge"); !slices.Equal(o.Expunged, []uint32{1}) {
		t.Errorf("UID EXPUNGE %d: EXPUNGE responses %v, want [1]", arch[0].UID, o.Expunged)
	}
	if left := r2.ok(t, "left").Messages; len(left) != 1 || left[0].UID != arch[1].UID || !slices.Contains(left[0].Flags, `\Deleted`) {
		t.Errorf("after UID EXPUNGE: %+v, want only UID %d, still \\Deleted", left, arch[1].UID)
	}

	// The CLI sees the same state.
	inbox := s.Messages(t, user, "")
	if len(inbox) != 2 || inbox[0].MessageID != ids[0] || inbox[1].MessageID != ids[1] {
		t.Errorf("postroom messages INBOX: %+v, want %s and %s", inbox, ids[0], ids[1])
	}
	s.RequireMessage(t, user, "Trash", ids[3])
	s.RequireMessage(t, user, "Archive", ids[1])
	boxes := igMailboxList(t, s, user)
	if b := boxes["INBOX"]; b.Messages != 2 || b.Unseen != 1 {
		t.Errorf("postroom mailbox list: INBOX %+v, want 2 messages, 1 unseen", b)
	}
	if b := boxes["Trash"]; b.Messages != 1 {
		t.Errorf("postroom mailbox list: Trash %+v, want 1 message", b)
	}
	s.RequireConsistent(t)
}

// TestImaplibAppend: APPEND with flags and an internal date keeps the
// bytes, the flags and the date; APPENDUID names the new UID; APPEND to a
// missing folder is NO [TRYCREATE].
func TestImaplibAppend(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imappy-append")
	s.AddUser(t, user)
	draftID, plainID := uniqueID("imappy-draft"), uniqueID("imappy-plain")
	draft := ipMessage(user, "someone@remote.example", draftID, "초안: 견적 요청", "견적을 부탁드립니다.\n")
	plain := buildMessage("sender@remote.example", user, plainID, "appended", 5000)
	const date = "14-Jul-2021 02:30:00 +0900"
	// A day below 10 is space-padded (date-day-fixed): the New Year in
	// Seoul, still the last day of the old year in UTC.
	const newYear = " 1-Jan-2027 00:00:00 +0900"
	b64 := base64.StdEncoding.EncodeToString

	r := runImapPy(t, s.imapPyParams(t, "plain", user),
		pyOp("draft", "append", "mailbox", "Drafts", "flags", `(\Draft \Seen)`, "date", date, "message_b64", b64(draft)),
		pyOp("newyear", "append", "mailbox", "Archive", "date", newYear, "message_b64", b64(plain)),
		pyOp("plain", "append", "mailbox", "INBOX", "message_b64", b64(plain)),
		pyOp("missing", "append", "mailbox", "Nowhere", "message_b64", b64(plain)),
		pyOp("sel", "select", "mailbox", "Drafts"),
		pyOp("fetch", "fetch", "set", "1", "items", "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])"),
		pyOp("inbox", "select", "mailbox", "INBOX"),
		pyOp("ifetch", "fetch", "set", "1", "items", "(UID FLAGS BODY.PEEK[])"),
		pyOp("archive", "select", "mailbox", "Archive"),
		pyOp("afetch", "fetch", "set", "1", "items", "(INTERNALDATE)"),
	)
	requireImapPyOK(t, "append", r)
	d := r.ok(t, "draft")
	au := d.Codes["APPENDUID"]
	if len(au) == 0 || len(strings.Fields(au[0])) != 2 {
		t.Fatalf("APPEND: no APPENDUID response code: %v", d.Codes)
	}
	r.ok(t, "plain")
	if o := r.op(t, "missing"); o.Typ != "NO" || o.Codes["TRYCREATE"] == nil {
		t.Errorf("APPEND to a missing folder: %s %v, want NO [TRYCREATE]", o, o.Codes)
	}
	sel := r.ok(t, "sel")
	msgs := r.ok(t, "fetch").Messages
	if len(msgs) != 1 {
		t.Fatalf("FETCH in Drafts: %+v", msgs)
	}
	m := msgs[0]
	if f := strings.Fields(au[0]); f[0] != strconv.FormatUint(uint64(sel.UIDValidity), 10) || f[1] != strconv.FormatUint(uint64(m.UID), 10) {
		t.Errorf("APPENDUID %q, but Drafts has UIDVALIDITY %d and the message UID %d", au[0], sel.UIDValidity, m.UID)
	}
	if !slices.Contains(m.Flags, `\Draft`) || !slices.Contains(m.Flags, `\Seen`) {
		t.Errorf("appended flags %v, want \\Draft \\Seen", m.Flags)
	}
	want, _ := ipParseDateTime(date)
	if got, err := ipParseDateTime(m.InternalDate); err != nil || !got.Equal(want) {
		t.Errorf("INTERNALDATE %q (%v), want the appended %s", m.InternalDate, err, date)
	}
	if got := m.Sections["BODY[]"]; !bytes.Equal(got, draft) {
		t.Errorf("BODY[] of the appended message differs:\ngot  %q\nwant %q", got, draft)
	}
	if m.Size != int64(len(draft)) {
		t.Errorf("RFC822.SIZE %d, appended %d bytes", m.Size, len(draft))
	}
	r.ok(t, "newyear")
	wantNY, _ := ipParseDateTime(newYear)
	if am := r.ok(t, "afetch").Messages; len(am) != 1 {
		t.Errorf("FETCH in Archive: %+v", am)
	} else if got, err := ipParseDateTime(am[0].InternalDate); err != nil || !got.Equal(wantNY) {
		t.Errorf("INTERNALDATE %q (%v), want the appended %q", am[0].InternalDate, err, newYear)
	}
	im := r.ok(t, "ifetch").Messages
	if len(im) != 1 || slices.Contains(im[0].Flags, `\Seen`) || !bytes.Equal(im[0].Sections["BODY[]"], plain) {
		t.Errorf("INBOX after APPEND without flags: %+v", im)
	}
	lm := s.RequireMessage(t, user, "Drafts", draftID)
	if lm.Subject != "초안: 견적 요청" || lm.Size != int64(len(draft)) {
		t.Errorf("postroom messages Drafts: %+v", lm)
	}
	s.RequireMessage(t, user, "", plainID)
}

// TestImaplibKoreanFolders: folders with Korean names made over IMAP in
// modified UTF-7 (by the script's encoder, and as a literal mUTF-7 string)
// are shown by `postroom mailbox list` with their Korean names; a folder
// made with the CLI is listed over IMAP in mUTF-7; RENAME and DELETE work,
// INBOX and special folders cannot be deleted; after ENABLE UTF8=ACCEPT the
// names come as UTF-8.
func TestImaplibKoreanFolders(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imappy-korean")
	s.AddUser(t, user)
	// The Python encoder must agree with this one and with a literal.
	if got := igMUTF7("견적"); got != "&rKzIAQ-" {
		t.Fatalf("igMUTF7(견적) = %q, want &rKzIAQ-", got)
	}
	s.MustCLI(t, "mailbox add", user, "보관/2024")
	msg := ipMessage("sender@remote.example", user, uniqueID("imappy-korean"), "거래처 견적", "본문\n")
	b64 := base64.StdEncoding.EncodeToString(msg)

	r := runImapPy(t, s.imapPyParams(t, "plain", user),
		pyOp("c1", "create", "mailbox", "거래처"),
		pyOp("c2", "create", "mailbox", "거래처/견적서"),
		pyOp("c3", "create", "mailbox", "&rKzIAQ-", "raw_name", true),
		pyOp("c4", "create", "mailbox", "프로젝트/2024/계약"), // parents made as needed
		pyOp("append", "append", "mailbox", "거래처/견적서", "message_b64", b64),
		pyOp("list", "list", "pattern", "*"),
		pyOp("sub", "list", "pattern", "거래처/%"),
		pyOp("sel", "select", "mailbox", "거래처/견적서"),
		pyOp("status", "status", "mailbox", "거래처/견적서", "items", []string{"MESSAGES", "UNSEEN", "SIZE"}),
		pyOp("unsel", "unselect"),
		pyOp("rename", "rename", "mailbox", "견적", "new", "계약서"),
		pyOp("dup", "create", "mailbox", "거래처"),
		pyOp("delinbox", "delete", "mailbox", "INBOX"),
		pyOp("delsent", "delete", "mailbox", "Sent"),
		pyOp("bad", "create", "mailbox", "&Jjo-bad&", "raw_name", true),
	)
	requireImapPyOK(t, "korean folders", r)
	for _, id := range []string{"c1", "c2", "c3", "c4", "append", "rename"} {
		r.ok(t, id)
	}
	list := r.ok(t, "list")
	for _, name := range []string{"거래처", "거래처/견적서", "프로젝트", "프로젝트/2024", "프로젝트/2024/계약", "보관", "보관/2024"} {
		mb := list.mailbox(name)
		if mb == nil {
			t.Errorf("LIST does not show %s: %+v", name, list.Mailboxes)
			continue
		}
		if mb.Raw != igMUTF7(name) {
			t.Errorf("LIST: %s sent as %q, want modified UTF-7 %q", name, mb.Raw, igMUTF7(name))
		}
	}
	if mb := list.mailbox("거래처"); mb != nil && !slices.Contains(mb.Flags, `\HasChildren`) {
		t.Errorf("거래처 has a child but attributes %v lack \\HasChildren", mb.Flags)
	}
	if mb := list.mailbox("견적"); mb == nil || mb.Raw != "&rKzIAQ-" {
		t.Errorf("LIST: folder created as the literal &rKzIAQ- is %+v", mb)
	}
	if sub := r.ok(t, "sub"); len(sub.Mailboxes) != 1 || sub.Mailboxes[0].Name != "거래처/견적서" {
		t.Errorf("LIST \"\" 거래처/%%: %+v, want just 거래처/견적서", sub.Mailboxes)
	}
	if sel := r.ok(t, "sel"); sel.Exists != 1 {
		t.Errorf("SELECT 거래처/견적서: %d messages, want 1", sel.Exists)
	}
	if st := r.ok(t, "status").statusItems(t); st["MESSAGES"] != 1 || st["UNSEEN"] != 1 || st["SIZE"] != int64(len(msg)) {
		t.Errorf("STATUS 거래처/견적서 (MESSAGES UNSEEN SIZE): %v, want 1 1 %d", st, len(msg))
	}
	if o := r.op(t, "dup"); o.Typ == "OK" {
		t.Errorf("CREATE of an existing folder: %s", o)
	}
	for _, id := range []string{"delinbox", "delsent"} {
		if o := r.op(t, id); o.Typ == "OK" {
			t.Errorf("DELETE of a special folder succeeded: %s", o)
		}
	}
	if o := r.op(t, "bad"); o.Typ != "ERROR" || !strings.Contains(o.Error, "BAD") {
		t.Errorf("CREATE \"&Jjo-bad&\" (invalid modified UTF-7): %s, want BAD", o)
	}

	boxes := igMailboxList(t, s, user)
	for name, want := range map[string]int{"거래처": 0, "거래처/견적서": 1, "계약서": 0, "프로젝트/2024/계약": 0, "보관/2024": 0} {
		b, ok := boxes[name]
		if !ok {
			t.Errorf("postroom mailbox list does not show %s: %v", name, boxes)
			continue
		}
		if b.Messages != want || b.Unseen != want {
			t.Errorf("postroom mailbox list: %s %+v, want %d messages, %d unseen", name, b, want, want)
		}
	}
	if _, ok := boxes["견적"]; ok {
		t.Errorf("postroom mailbox list still shows 견적 after RENAME to 계약서: %v", boxes)
	}
	for name := range boxes {
		if strings.Contains(name, "&") {
			t.Errorf("postroom mailbox list shows a modified UTF-7 name %q: want the decoded name", name)
		}
	}
	if l := s.Messages(t, user, "거래처/견적서"); len(l) != 1 || l[0].Subject != "거래처 견적" {
		t.Errorf("postroom messages %s 거래처/견적서: %+v", user, l)
	}

	// DELETE over IMAP is seen by the CLI; a CLI rename is seen over IMAP.
	s.MustCLI(t, "mailbox rename", user, "보관/2024", "보관/2025")
	r = runImapPy(t, s.imapPyParams(t, "plain", user),
		pyOp("del", "delete", "mailbox", "계약서"),
		pyOp("list", "list", "pattern", "보관/*"),
	)
	requireImapPyOK(t, "delete", r)
	r.ok(t, "del")
	if l := r.ok(t, "list"); len(l.Mailboxes) != 1 || l.Mailboxes[0].Name != "보관/2025" {
		t.Errorf("LIST 보관/* after the CLI rename: %+v, want 보관/2025", l.Mailboxes)
	}
	if _, ok := igMailboxList(t, s, user)["계약서"]; ok {
		t.Errorf("postroom mailbox list still shows 계약서 after DELETE over IMAP")
	}

	t.Run("UTF8=ACCEPT", func(t *testing.T) {
		r := runImapPy(t, s.imapPyParams(t, "plain", user),
			pyOp("enable", "enable", "capability", "UTF8=ACCEPT"),
			pyOp("list", "list", "pattern", "거래처/*", "raw_name", true),
			pyOp("sel", "select", "mailbox", "거래처/견적서", "raw_name", true),
		)
		requireImapPyOK(t, "utf8", r)
		if o := r.ok(t, "enable"); !strings.Contains(strings.Join(o.Enabled, " "), "UTF8=ACCEPT") {
			t.Errorf("ENABLE UTF8=ACCEPT: %s %v", o, o.Enabled)
		}
		l := r.ok(t, "list")
		if len(l.Mailboxes) != 1 || l.Mailboxes[0].Raw != "거래처/견적서" {
			t.Errorf("LIST after ENABLE UTF8=ACCEPT: %+v, want the raw name in UTF-8", l.Mailboxes)
		}
		if sel := r.ok(t, "sel"); sel.Exists != 1 {
			t.Errorf("SELECT \"거래처/견적서\" in UTF-8: %d messages", sel.Exists)
		}
	})
}
