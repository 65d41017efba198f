package interop

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

// TestIMAPGoBadInput: unknown commands, bad syntax, a sequence number past
// the end of the mailbox, missing folders, DELETE INBOX, MOVE/COPY into a
// missing folder and an APPEND literal over APPENDLIMIT get the standard
// tagged BAD/NO with a response code, and the same connection keeps
// working afterwards. The bytes of a refused LITERAL+ APPEND never run as
// commands. (Parser gaps of go-imap: TestIMAPGoBadInputParser.)
func TestIMAPGoBadInput(t *testing.T) {
	s := igServer(t)
	user := igUser(t, s, "imapgo-bad")
	igMXDeliver(t, s, user, "one")
	igMXDeliver(t, s, user, "two")

	want := func(what string, r igRawResp, status, code string) { t.Helper(); igWantRaw(t, what, r, status, code) }

	// Not authenticated: a command of the wrong state is refused, and LOGIN still works.
	pre := igDialRaw(t, s, "bad-preauth", false)
	want("SELECT before LOGIN", pre.cmd("SELECT INBOX"), "NO/BAD", "")
	want("LOGIN without arguments", pre.cmd("LOGIN"), "BAD", "")
	want("LOGIN after the refusals", pre.cmd("LOGIN "+igQuote(user)+" "+igQuote(testPassword)), "OK", "")

	r := igLoginRaw(t, s, "bad", user)
	// The capability's APPENDLIMIT and STATUS APPENDLIMIT are both the
	// message limit, max_message_size (RFC 7889 §3.1, §3.2); the server
	// still reads every LITERAL+ literal over it (see below).
	caps := r.cmd("CAPABILITY")
	if want := fmt.Sprintf("APPENDLIMIT=%d", igMaxMessageSize); !igAnyContains(caps.Untagged, want) {
		t.Errorf("CAPABILITY lists no %s: %q", want, caps.Untagged)
	}
	limit := int64(-1)
	for _, line := range r.cmd("STATUS INBOX (APPENDLIMIT)").Untagged {
		if _, v, ok := strings.Cut(strings.ToUpper(line), "APPENDLIMIT "); ok {
			limit, _ = strconv.ParseInt(strings.TrimRight(v, ")"), 10, 64)
		}
	}
	if limit != igMaxMessageSize {
		t.Errorf("STATUS INBOX (APPENDLIMIT): %d, want %d", limit, igMaxMessageSize)
	}

	// Authenticated, nothing selected.
	want("unknown command", r.cmd("FROBNICATE now"), "BAD", "")
	want("FETCH without a selected mailbox", r.cmd("FETCH 1 FLAGS"), "NO/BAD", "")
	want("SELECT a missing folder", r.cmd(`SELECT "Nowhere/At/All"`), "NO", "NONEXISTENT")
	want("EXAMINE a missing folder", r.cmd(`EXAMINE "Nowhere"`), "NO", "NONEXISTENT")
	want("DELETE INBOX", r.cmd("DELETE INBOX"), "NO", "")
	want("LIST without arguments", r.cmd("LIST"), "BAD", "")
	want("CREATE without a name", r.cmd("CREATE"), "BAD", "")
	want("RENAME with one name", r.cmd("RENAME Foo"), "BAD", "")
	want("APPEND without a message", r.cmd("APPEND INBOX"), "BAD", "")
	want("STATUS with an unknown item", r.cmd("STATUS INBOX (MESSAGES FROBS)"), "BAD", "")

	// Selected.
	sel := r.cmd("SELECT INBOX")
	want("SELECT INBOX", sel, "OK", "")
	if !slices.Contains(sel.Untagged, "* 2 EXISTS") {
		t.Errorf("SELECT INBOX: no * 2 EXISTS in %q", sel.Untagged)
	}
	want("unknown command while selected", r.cmd("FROBNICATE"), "BAD", "")
	want("UID with an unknown subcommand", r.cmd("UID FROB 1"), "BAD", "")
	want("FETCH with an unclosed list", r.cmd("FETCH 1 (FLAGS"), "BAD", "")
	want("FETCH with an unknown item", r.cmd("FETCH 1 NOSUCHITEM"), "BAD", "")
	big := r.cmd("FETCH 99999 FLAGS")
	want("FETCH 99999 on a 2-message mailbox", big, "NO/BAD", "")
	if len(big.Untagged) != 0 && igAnyContains(big.Untagged, "FETCH") {
		t.Errorf("FETCH 99999 returned data: %q", big.Untagged)
	}
	uidBig := r.cmd("UID FETCH 99999 FLAGS")
	want("UID FETCH of a UID that does not exist", uidBig, "OK", "")
	if igAnyContains(uidBig.Untagged, "FETCH") {
		t.Errorf("UID FETCH 99999 returned data: %q", uidBig.Untagged)
	}
	want("STORE with an unclosed flag list", r.cmd(`STORE 1 +FLAGS (\Seen`), "BAD", "")
	want("STORE with an unknown item", r.cmd(`STORE 1 FROBFLAGS (\Seen)`), "BAD", "")
	want("SEARCH UID without a set", r.cmd("SEARCH UID"), "BAD", "")
	want("UID EXPUNGE without a set", r.cmd("UID EXPUNGE"), "BAD", "")
	want("MOVE into a missing folder", r.cmd(`MOVE 1 "Nowhere"`), "NO", "TRYCREATE")
	want("UID MOVE into a missing folder", r.cmd(`UID MOVE 1:* "Nowhere"`), "NO", "TRYCREATE")
	want("COPY into a missing folder", r.cmd(`COPY 1 "Nowhere"`), "NO", "TRYCREATE")
	want("APPEND to a missing folder", func() igRawResp {
		resp, _ := r.cmdLiteral(`APPEND "Nowhere"`, []byte("Subject: x\r\n\r\nx\r\n"), "")
		return resp
	}(), "NO", "TRYCREATE")

	// Literals over the limits: refused with TOOBIG, read first or not.
	if limit <= 0 {
		t.Errorf("STATUS INBOX (APPENDLIMIT) gives no limit")
	} else {
		resp, _ := r.cmdLiteral("APPEND INBOX", bytes.Repeat([]byte("x"), int(limit)+1), "")
		want("APPEND with a literal over APPENDLIMIT", resp, "NO/BAD", "TOOBIG")
	}
	// The same connection still works, nothing moved or vanished.
	want("NOOP after the bad input", r.cmd("NOOP"), "OK", "")
	f := r.cmd("FETCH 1:* (UID FLAGS)")
	want("FETCH 1:* after the bad input", f, "OK", "")
	if n := len(slices.DeleteFunc(slices.Clone(f.Untagged), func(l string) bool { return !strings.Contains(l, "FETCH") })); n != 2 {
		t.Errorf("FETCH 1:* after the bad input: %d FETCH lines, want 2: %q", n, f.Untagged)
	}
	if msgs := s.Messages(t, user, ""); len(msgs) != 2 {
		t.Errorf("postroom messages INBOX after the bad input: %d messages, want 2", len(msgs))
	}
	if all := igMailboxList(t, s, user); len(all) != 6 {
		t.Errorf("postroom mailbox list after the bad input: %d folders, want the 6 standard ones: %v", len(all), all)
	}

	// What the go-imap client reports for an out-of-range FETCH; the
	// connection survives it.
	c := igLogin(t, s, "bad-client", user, nil)
	c.igSelect(t, "INBOX")
	_, err := c.Fetch(imap.SeqSetNum(99999), &imap.FetchOptions{Flags: true}).Collect()
	if err == nil {
		t.Errorf("go-imap client: FETCH 99999 on a 2-message mailbox succeeded, want NO/BAD")
	} else if igErr(err) == nil {
		t.Errorf("go-imap client: FETCH 99999 failed the connection: %v", err)
	} else {
		t.Logf("go-imap client: FETCH 99999 -> %v", err)
	}
	if err := c.Noop().Wait(); err != nil {
		t.Errorf("go-imap client: NOOP after FETCH 99999: %v", err)
	}
	if msgs := c.igFetch(t, imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true}); len(msgs) != 2 {
		t.Errorf("go-imap client: FETCH 1:* after FETCH 99999: %d messages, want 2", len(msgs))
	}

	// LITERAL+: the bytes of a non-synchronizing APPEND literal over
	// APPENDLIMIT arrive whatever the server answers. They are message
	// text and must never run as commands: the server reads and drops
	// them, or closes the connection.
	if limit > 0 {
		ir := igLoginRaw(t, s, "bad-literal-plus", user)
		const injected = "Injected-By-Literal"
		// A malformed message (stored raw by the rules of the house) whose
		// first lines look like commands.
		body := "inj1 CREATE " + injected + "\r\ninj2 NOOP\r\nSubject: injected\r\n"
		line := strings.Repeat("y", 70) + "\r\n"
		for len(body)+len(line) <= int(limit)+1 {
			body += line
		}
		body += strings.Repeat("z", int(limit)+1-len(body))
		tag := ir.nextTag()
		go ir.conn.Write([]byte(tag + " APPEND INBOX {" + strconv.Itoa(len(body)) + "+}\r\n" + body + "\r\n"))
		fmt.Fprintf(ir.log, "C: %s APPEND INBOX {%d+} <%d bytes with the lines \"inj1 CREATE %s\" and \"inj2 NOOP\">\n", tag, len(body), len(body), injected)
		lines, eof := ir.drain(3 * time.Second)
		var tagged []string
		for _, l := range lines {
			if strings.HasPrefix(l, "inj1 ") || strings.HasPrefix(l, "inj2 ") {
				t.Errorf("APPEND {%d+} over APPENDLIMIT: a line of the message text ran as a command: %q", len(body), l)
			}
			if strings.HasPrefix(l, tag+" ") {
				tagged = append(tagged, l)
			}
		}
		if !eof && (len(tagged) != 1 || !strings.Contains(tagged[0], "TOOBIG")) {
			t.Errorf("APPEND {%d+} over APPENDLIMIT: answers %d lines (%d tagged %q) and keeps the connection; want one tagged NO/BAD [TOOBIG] (or a closed connection)", len(body), len(lines), len(tagged), tagged)
		}
		if _, ok := igMailboxList(t, s, user)[injected]; ok {
			t.Errorf("APPEND {%d+} over APPENDLIMIT: the folder %q named in the message text was created", len(body), injected)
		}
	}

	if !s.Running() {
		t.Fatalf("the server exited")
	}
}

func igWantRaw(t *testing.T, what string, r igRawResp, status, code string) {
	t.Helper()
	okStatus := r.Status == status || (status == "NO/BAD" && (r.Status == "NO" || r.Status == "BAD"))
	if !okStatus || (code != "" && r.Code != code) {
		w := status
		if code != "" {
			w += " [" + code + "]"
		}
		t.Errorf("%s: got %s %s, want %s", what, r.Status, r.Text, w)
	}
}

// TestIMAPGoBadInputParser: malformed command lines that go-imap's
// command parser (internal/imapwire, imapserver.Conn.readCommand)
// mishandles before our session code sees them: a CRLF inside a quoted
// string, sequence sets and dates that do not parse, an oversized literal
// outside APPEND. Each must get a tagged BAD (or NO [TOOBIG]) at once,
// and the session must go on.
func TestIMAPGoBadInputParser(t *testing.T) {
	s := igServer(t)
	user := igUser(t, s, "imapgo-parser")
	igMXDeliver(t, s, user, "one")
	r := igLoginRaw(t, s, "parser", user)

	// go-imap v2 beta.8's parser answers most of these with NO [SERVERBUG]
	// where RFC 9051 wants BAD, reads a CRLF inside a quoted string as part
	// of the string, and never answers a synchronizing literal that is too
	// long outside APPEND; none of that can be changed without forking the
	// library (see the closing note). What must hold is that each is
	// refused and the session goes on.
	tag := r.nextTag()
	r.write(tag + " SELECT \"unterminated\r\n")
	if resp, ok := r.tryUntil(tag, 3*time.Second); ok {
		igWantRaw(t, "SELECT with an unterminated quoted string", resp, "NO/BAD", "")
	} else {
		r.write("\"\r\n") // close the string so that the session can go on
		igWantRaw(t, "SELECT \"unterminated<CRLF>\"<CRLF> (the string closed on the next line)", r.until(tag), "NO/BAD", "")
	}
	igWantRaw(t, "SELECT INBOX", r.cmd("SELECT INBOX"), "OK", "")
	igWantRaw(t, "FETCH with a non-numeric set", r.cmd("FETCH abc FLAGS"), "NO/BAD", "")
	igWantRaw(t, "FETCH 0", r.cmd("FETCH 0 FLAGS"), "NO/BAD", "")
	igWantRaw(t, "FETCH 0:1", r.cmd("FETCH 0:1 FLAGS"), "NO/BAD", "")
	igWantRaw(t, "SEARCH with an unknown key", r.cmd("SEARCH FROBKEY"), "NO/BAD", "")
	igWantRaw(t, "SEARCH with a bad date", r.cmd("SEARCH SINCE 31-Foo-2024"), "NO/BAD", "")
	igWantRaw(t, "NOOP after the bad lines", r.cmd("NOOP"), "OK", "")
	f := r.cmd("FETCH 1 (UID)")
	igWantRaw(t, "FETCH 1 after the bad lines", f, "OK", "")
	if !igAnyContains(f.Untagged, "FETCH") {
		t.Errorf("FETCH 1 after the bad lines returned no data: %q", f.Untagged)
	}

	// A synchronizing literal too long for a mailbox name: refused at once
	// or (the library's gap) left unanswered; never asked for, and nothing
	// created.
	lr := igLoginRaw(t, s, "parser-literal", user)
	tag = lr.nextTag()
	lr.write(tag + " CREATE {70000}\r\n")
	if resp, ok := lr.tryUntil(tag, 3*time.Second); ok {
		igWantRaw(t, "CREATE with a 70000-byte synchronizing literal", resp, "NO/BAD", "TOOBIG")
	} else {
		t.Logf("CREATE {70000}: no answer within 3s (go-imap waits for bytes it did not ask for; known library gap)")
	}
	if n := len(igMailboxList(t, s, user)); n != 6 {
		t.Errorf("after the bad lines the account has %d folders, want the 6 standard ones", n)
	}
}
