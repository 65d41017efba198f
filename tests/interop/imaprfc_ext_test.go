package interop

// The extensions issue 17 asks for, each exercised with raw commands on a
// fresh fixture account (rfcFixture: INBOX UIDs 1-3, two Korean folders).

import (
	"fmt"
	"strings"
	"testing"
)

// rfcQuotaBytes is the quota of the extension tests' account: 10 MiB.
const rfcQuotaBytes = 10 << 20

func TestIMAPRFC_Capabilities(t *testing.T) {
	s := rfcServer(t)
	addr := rfcFixture(t, s)
	c := rfcLogin(t, s, "A", addr)
	got := c.must(t, "CAPABILITY", rfcRe(`^\* CAPABILITY `), rfcRe(`^\S+ OK`))
	caps := map[string]bool{}
	for _, l := range got {
		if rest, ok := strings.CutPrefix(l, "* CAPABILITY "); ok {
			for _, f := range strings.Fields(rest) {
				caps[strings.ToUpper(f)] = true
			}
		}
	}
	// RFC 9051 §7.2.2: the capability list names every extension offered.
	for _, want := range []string{"IMAP4REV1", "IMAP4REV2", "ID", "ENABLE", "IDLE", "UNSELECT", "LIST-STATUS", "SPECIAL-USE",
		"CREATE-SPECIAL-USE", "QUOTA", "QUOTA=RES-STORAGE", "CONDSTORE", "QRESYNC", "SORT", "THREAD=REFERENCES", "ESEARCH",
		"ESORT", "CONTEXT=SEARCH", "SEARCHRES", "MULTIAPPEND", "CATENATE", "SAVEDATE", "OBJECTID", "COMPRESS=DEFLATE",
		"BINARY", "UIDPLUS", "MOVE", "LITERAL+"} {
		if !caps[want] {
			t.Errorf("CAPABILITY lacks %s: %s", want, strings.Join(got, " | "))
		}
	}
}

// rfcExtCases are the extensions' exchanges; rfcExtRun runs each on a
// fresh fixture account with a 10 MiB quota.
var rfcExtCases = []rfcCase{
	{name: "quota", rfc: `RFC 9208 §4.3.2: GETQUOTAROOT answers "* QUOTAROOT <mailbox> <root>..." and a QUOTA response per root; §5.1: STORAGE is "the physical space estimate, in units of 1024 octets".`,
		steps: []rfcStep{
			{on: "A", send: `a1 GETQUOTAROOT INBOX`, want: []rfcMatch{rfcRe(`^\* QUOTAROOT "?INBOX"? \S+`), rfcRe(`^\* QUOTA \S+ \(STORAGE [1-9]\d* 10240\)$`), rfcRe(`^a1 OK`)}},
		}},
	{name: "sort", rfc: `RFC 5256 §3: "SORT (REVERSE DATE) UTF-8 ALL"; DATE is the sent date (the Date header, normalised to UTC), SUBJECT the base subject (§2.1, "Re:" removed) compared with i;unicode-casemap/i;ascii-casemap; ties by sequence number.`,
		steps: []rfcStep{
			{on: "A", send: `a1 EXAMINE INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 SORT (REVERSE DATE) UTF-8 ALL`, want: []rfcMatch{rfcIs(`* SORT 3 2 1`), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 SORT (SUBJECT) UTF-8 ALL`, want: []rfcMatch{rfcIs(`* SORT 1 3 2`), rfcRe(`^a3 OK`)}},
			{on: "A", send: `a4 SORT (ARRIVAL) UTF-8 ALL`, want: []rfcMatch{rfcIs(`* SORT 1 2 3`), rfcRe(`^a4 OK`)}},
			{on: "A", send: `a5 UID SORT (REVERSE SUBJECT) UTF-8 FROM example.org`, want: []rfcMatch{rfcIs(`* SORT 1 3`), rfcRe(`^a5 OK`)}},
			{on: "A", send: `a6 SORT RETURN (MIN MAX COUNT) (DATE) UTF-8 ALL`, want: []rfcMatch{rfcHas(`^\* ESEARCH \(TAG "a6"\)`, " MIN 1", " MAX 3", " COUNT 3"), rfcRe(`^a6 OK`)}},
		}},
	{name: "thread", rfc: `RFC 5256 §3 THREAD=REFERENCES: "(1 3)(2)" — message 3 refers to message 1 (References/In-Reply-To); threads are sorted by the sent date of their first message.`,
		steps: []rfcStep{
			{on: "A", send: `a1 EXAMINE INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 THREAD REFERENCES UTF-8 ALL`, want: []rfcMatch{rfcIs(`* THREAD (1 3)(2)`), rfcRe(`^a2 OK`)}},
		}},
	{name: "esearch-searchres", rfc: `RFC 4731 §3.1: "SEARCH RETURN (MIN MAX COUNT ALL)" answers "* ESEARCH (TAG ...) MIN ... MAX ... COUNT ... ALL <sequence-set>"; RFC 5182 §2: RETURN (SAVE) keeps the result for "$".`,
		steps: []rfcStep{
			{on: "A", send: `a1 EXAMINE INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 SEARCH RETURN (MIN MAX COUNT ALL) ALL`, want: []rfcMatch{rfcHas(`^\* ESEARCH \(TAG "a2"\)`, " MIN 1", " MAX 3", " COUNT 3", " ALL 1:3"), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 UID SEARCH RETURN (COUNT) UNSEEN`, want: []rfcMatch{rfcIs(`* ESEARCH (TAG "a3") UID COUNT 2`), rfcRe(`^a3 OK`)}},
			{on: "A", send: `a4 SEARCH RETURN (SAVE) FROM bob`, want: []rfcMatch{rfcRe(`^a4 OK`)}, not: []rfcMatch{rfcRe(`^\* (E?SEARCH)`)}},
			{on: "A", send: `a5 FETCH $ (UID)`, want: []rfcMatch{rfcIs(`* 3 FETCH (UID 3)`), rfcRe(`^a5 OK`)}},
		}},
	{name: "context-search", rfc: `RFC 5267 §4.3: "The search return option UPDATE ... causes the server to issue unsolicited notifications containing updates to the results that would be returned by an unmodified searching command": ESEARCH ADDTO after the EXISTS (§4.3.3) and REMOVEFROM before the EXPUNGE (§4.3.4), here for another session's APPEND, STORE and EXPUNGE; §4.3.5: CANCELUPDATE ends them.`,
		steps: []rfcStep{
			{on: "A", send: `a1 SELECT INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 UID SEARCH RETURN (UPDATE) UNSEEN`, want: []rfcMatch{rfcIs(`* ESEARCH (TAG "a2") UID ALL 2:3`), rfcRe(`^a2 OK`)}},
			{on: "B", send: "b1 APPEND INBOX () " + rfcLit("Subject: new\r\n\r\nnew\r\n"), want: []rfcMatch{rfcRe(`^b1 OK \[APPENDUID \d+ 4\]`)}},
			{on: "A", send: `a3 NOOP`, want: []rfcMatch{rfcIs(`* 4 EXISTS`), rfcIs(`* ESEARCH (TAG "a2") UID ADDTO (0 4)`), rfcRe(`^a3 OK`)}},
			{on: "B", send: `b2 SELECT INBOX`, want: []rfcMatch{rfcRe(`^b2 OK`)}},
			{on: "B", send: `b3 UID STORE 3 +FLAGS.SILENT (\Seen)`, want: []rfcMatch{rfcRe(`^b3 OK`)}},
			{on: "A", send: `a4 NOOP`, want: []rfcMatch{rfcRe(`^\* 3 FETCH \(FLAGS \(\\Seen`), rfcIs(`* ESEARCH (TAG "a2") UID REMOVEFROM (0 3)`), rfcRe(`^a4 OK`)}},
			{on: "B", send: `b4 UID STORE 2 +FLAGS.SILENT (\Deleted)`, want: []rfcMatch{rfcRe(`^b4 OK`)}},
			{on: "B", send: `b5 EXPUNGE`, want: []rfcMatch{rfcIs(`* 2 EXPUNGE`), rfcRe(`^b5 OK`)}},
			{on: "A", send: `a5 NOOP`, want: []rfcMatch{rfcIs(`* ESEARCH (TAG "a2") UID REMOVEFROM (0 2)`), rfcIs(`* 2 EXPUNGE`), rfcRe(`^a5 OK`)}},
			{on: "A", send: `a6 CANCELUPDATE "a2"`, want: []rfcMatch{rfcRe(`^a6 OK`)}},
			{on: "B", send: "b6 APPEND INBOX () " + rfcLit("Subject: newer\r\n\r\nnewer\r\n"), want: []rfcMatch{rfcRe(`^b6 OK`)}},
			{on: "A", send: `a7 NOOP`, want: []rfcMatch{rfcIs(`* 4 EXISTS`), rfcRe(`^a7 OK`)}, not: []rfcMatch{rfcRe(`ESEARCH`)}},
			{on: "A", send: `a8 CANCELUPDATE "a2"`, want: []rfcMatch{rfcRe(`^a8 BAD`)}},
		}},
	{name: "context-partial", rfc: `RFC 5267 §4.4, RFC 9394 §3.1: "PARTIAL 1:500" returns the first 500 results, "-1" is the last; the range comes back as given, NIL where no result falls in it.`,
		steps: []rfcStep{
			{on: "A", send: `a1 EXAMINE INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 UID SEARCH RETURN (PARTIAL -1:-2) ALL`, want: []rfcMatch{rfcIs(`* ESEARCH (TAG "a2") UID PARTIAL (-1:-2 2:3)`), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 SEARCH RETURN (PARTIAL 4:10) ALL`, want: []rfcMatch{rfcIs(`* ESEARCH (TAG "a3") PARTIAL (4:10 NIL)`), rfcRe(`^a3 OK`)}},
			{on: "A", send: `a4 UID SORT RETURN (PARTIAL 1:1) (REVERSE DATE) UTF-8 ALL`, want: []rfcMatch{rfcIs(`* ESEARCH (TAG "a4") UID PARTIAL (1:1 3)`), rfcRe(`^a4 OK`)}},
		}},
	{name: "multiappend", rfc: `RFC 3502 §6.3.11: APPEND takes several messages in one command; "If the server returns a tagged OK, all messages were appended" (RFC 4315: APPENDUID names them all).`,
		steps: []rfcStep{
			{on: "A", send: "a1 APPEND " + rfcProjectUTF7 + " (\\Seen) " + rfcLit("Subject: m-one\r\n\r\none\r\n") + " (\\Flagged) " + rfcLit("Subject: m-two\r\n\r\ntwo\r\n"),
				want: []rfcMatch{rfcRe(`^a1 OK \[APPENDUID \d+ 1:2\]`)}},
			{on: "A", send: "a2 STATUS " + rfcProjectUTF7 + " (MESSAGES UNSEEN)", want: []rfcMatch{rfcRe(`^\* STATUS "?` + rfcProjectUTF7 + `"? \(MESSAGES 2 UNSEEN 1\)$`), rfcRe(`^a2 OK`)}},
		}},
	{name: "catenate", rfc: `RFC 4469 §5: "APPEND INBOX CATENATE (URL "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER" TEXT {...})" builds the message from an existing part and new text.`,
		steps: []rfcStep{
			{on: "A", send: "a1 APPEND INBOX CATENATE (URL \"/INBOX/;UID=1/;SECTION=HEADER\" TEXT " + rfcLit("new text\r\n") + ")",
				want: []rfcMatch{rfcRe(`^a1 OK \[APPENDUID \d+ 4\]`)}},
			{on: "A", send: `a2 EXAMINE INBOX`, want: []rfcMatch{rfcIs(`* 4 EXISTS`), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 FETCH 4 (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)] BODY.PEEK[TEXT])`,
				want: []rfcMatch{rfcHas(`^\* 4 FETCH \(`, "Message-ID: <m1@rfc.example>", "BODY[TEXT] {10}\r\nnew text\r\n"), rfcRe(`^a3 OK`)}},
		}},
	{name: "unselect", rfc: `RFC 3691 §2: "UNSELECT ... frees server's resources associated with the selected mailbox and returns the server to the authenticated state ... without expunging any messages".`,
		steps: []rfcStep{
			{on: "A", send: `a1 SELECT INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 STORE 1 +FLAGS.SILENT (\Deleted)`, want: []rfcMatch{rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 UNSELECT`, want: []rfcMatch{rfcRe(`^a3 OK`)}},
			{on: "A", send: `a4 FETCH 1 FLAGS`, want: []rfcMatch{rfcRe(`^a4 BAD`)}},
			{on: "A", send: `a5 STATUS INBOX (MESSAGES)`, want: []rfcMatch{rfcRe(`^\* STATUS "?INBOX"? \(MESSAGES 3\)$`), rfcRe(`^a5 OK`)}},
		}},
	{name: "list-status", rfc: `RFC 5819 §2: "LIST "" % RETURN (STATUS (MESSAGES UNSEEN))" — a STATUS response follows the LIST response of each selectable mailbox.`,
		steps: []rfcStep{
			{on: "A", send: `a1 LIST "" "%" RETURN (STATUS (MESSAGES UNSEEN))`, want: []rfcMatch{
				rfcRe(`^\* LIST \([^)]*\) "/" "?INBOX"?$`), rfcRe(`^\* STATUS "?INBOX"? \(MESSAGES 3 UNSEEN 2\)$`), rfcRe(`^a1 OK`)}},
		}},
	{name: "create-special-use", rfc: `RFC 6154 §3: "CREATE MyArchive (USE (\Archive))" creates the mailbox with the special-use attribute, which LIST then shows.`,
		steps: []rfcStep{
			{on: "A", send: `a1 CREATE "` + igMUTF7("보관함2") + `" (USE (\Archive))`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 LIST "" "` + igMUTF7("보관함2") + `"`, want: []rfcMatch{rfcRe(`^\* LIST \([^)]*\\Archive[^)]*\) "/" "?` + igMUTF7("보관함2") + `"?$`), rfcRe(`^a2 OK`)}},
		}},
	{name: "savedate", rfc: `RFC 8514 §4: "FETCH ... SAVEDATE" returns the date and time the message was saved in the mailbox, as a date-time; SAVEDSINCE searches on it.`,
		steps: []rfcStep{
			{on: "A", send: `a1 EXAMINE INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 FETCH 1 (SAVEDATE)`, want: []rfcMatch{rfcRe(`^\* 1 FETCH \(SAVEDATE "[ \d]\d-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"\)$`), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 SEARCH SAVEDSINCE 1-Jan-2020`, want: []rfcMatch{rfcIs(`* SEARCH 1 2 3`), rfcRe(`^a3 OK`)}},
		}},
	{name: "objectid-fetch", rfc: `RFC 8474 §5.1: "FETCH ... (EMAILID THREADID)"; a reply in the same thread shares its THREADID (§5.2).`,
		steps: []rfcStep{
			{on: "A", send: `a1 EXAMINE INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 FETCH 1:3 (EMAILID THREADID)`, want: []rfcMatch{
				rfcRe(`^\* 1 FETCH \(EMAILID \([A-Za-z0-9_-]{1,255}\) THREADID (\([A-Za-z0-9_-]{1,255}\)|NIL)\)$`),
				rfcRe(`^\* 2 FETCH \(EMAILID \(`), rfcRe(`^\* 3 FETCH \(EMAILID \(`), rfcRe(`^a2 OK`)}},
		}},
}

// rfcLit is s as a non-synchronising literal (RFC 7888).
func rfcLit(s string) string { return fmt.Sprintf("{%d+}\r\n%s", len(s), s) }

func TestIMAPRFC_Extensions(t *testing.T) {
	s := rfcServer(t)
	for _, tc := range rfcExtCases {
		t.Run(tc.name, func(t *testing.T) {
			addr := rfcFixture(t, s)
			s.MustCLI(t, "user set", "--quota", fmt.Sprint(rfcQuotaBytes), addr)
			conns := map[string]*rfcConn{}
			for i, st := range tc.steps {
				c := conns[st.on]
				if c == nil {
					c = rfcLogin(t, s, st.on, addr)
					conns[st.on] = c
				}
				got, err := c.send(st.send)
				if err != nil {
					t.Fatalf("step %d: %q: %v\ngot:\n%s\n%s", i+1, igClip(st.send), err, strings.Join(got, "\n"), tc.rfc)
				}
				if msg := rfcMatchLines(got, st.want, st.not); msg != "" {
					t.Fatalf("step %d: %q: %s\ngot:\n%s\n%s", i+1, igClip(st.send), msg, strings.Join(got, "\n"), tc.rfc)
				}
			}
		})
	}
}

// TestIMAPRFC_ObjectIDRename: RFC 8474 §4.1: "The MAILBOXID ... MUST NOT
// change if the mailbox is renamed".
func TestIMAPRFC_ObjectIDRename(t *testing.T) {
	s := rfcServer(t)
	addr := rfcFixture(t, s)
	c := rfcLogin(t, s, "A", addr)
	old, renamed := igMUTF7("옛이름"), igMUTF7("새이름")
	got := c.must(t, "CREATE "+igQuote(old), rfcRe(`^\S+ OK \[MAILBOXID \([A-Za-z0-9_-]+\)\]`))
	created := rfcMailboxID(t, got, `\[MAILBOXID \(([A-Za-z0-9_-]+)\)\]`)
	got = c.must(t, "STATUS "+igQuote(old)+" (MAILBOXID)", rfcRe(`^\* STATUS .*\(MAILBOXID \(`), rfcRe(`^\S+ OK`))
	if id := rfcMailboxID(t, got, `MAILBOXID \(([A-Za-z0-9_-]+)\)`); id != created {
		t.Errorf("STATUS MAILBOXID %q, CREATE said %q", id, created)
	}
	c.must(t, "RENAME "+igQuote(old)+" "+igQuote(renamed), rfcRe(`^\S+ OK`))
	got = c.must(t, "STATUS "+igQuote(renamed)+" (MAILBOXID)", rfcRe(`^\* STATUS .*\(MAILBOXID \(`), rfcRe(`^\S+ OK`))
	if id := rfcMailboxID(t, got, `MAILBOXID \(([A-Za-z0-9_-]+)\)`); id != created {
		t.Errorf("MAILBOXID %q after RENAME, %q before", id, created)
	}
	got = c.must(t, "SELECT "+igQuote(renamed), rfcRe(`^\* OK \[MAILBOXID \(`), rfcRe(`^\S+ OK`))
	if id := rfcMailboxID(t, got, `\[MAILBOXID \(([A-Za-z0-9_-]+)\)\]`); id != created {
		t.Errorf("SELECT's MAILBOXID %q, CREATE said %q", id, created)
	}
}

func rfcMailboxID(t *testing.T, lines []string, expr string) string {
	t.Helper()
	for _, l := range lines {
		if m := rfcRe(expr).re.FindStringSubmatch(l); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no MAILBOXID (%s) in:\n%s", expr, strings.Join(lines, "\n"))
	return ""
}

// TestIMAPRFC_Compress: RFC 4978 §3: after the tagged OK of COMPRESS
// DEFLATE both directions are raw DEFLATE (RFC 1951). Go's compress/flate
// is the client side here (Flush is a sync flush). The client asks before
// LOGIN, so that LOGIN too goes through the compressed stream; a server
// that takes COMPRESS only once authenticated is asked again after a
// plain LOGIN.
func TestIMAPRFC_Compress(t *testing.T) {
	s := rfcServer(t)
	addr := rfcFixture(t, s)
	c := rfcDial(t, s, "Z")
	login := "LOGIN " + igQuote(addr) + " " + igQuote(testPassword)
	if got, err := c.compress(); err != nil {
		t.Logf("COMPRESS before LOGIN refused (%v, %q): compressing after LOGIN", err, got)
		c.must(t, login, rfcRe(`^\S+ OK`))
		if got, err := c.compress(); err != nil {
			t.Fatalf("COMPRESS DEFLATE after LOGIN: %v (%q)", err, got)
		}
	} else {
		c.must(t, login, rfcRe(`^\S+ OK`))
	}
	c.must(t, "SELECT INBOX", rfcIs(`* 3 EXISTS`), rfcRe(`^\S+ OK \[READ-WRITE\]`))
	c.must(t, "FETCH 1 (BODY.PEEK[TEXT])", rfcIs("* 1 FETCH (BODY[TEXT] {20}\r\nHello binary world\r\n)"), rfcRe(`^\S+ OK`))
	// RFC 4978 §3/§4: a second COMPRESS is refused with COMPRESSIONACTIVE.
	c.must(t, "COMPRESS DEFLATE", rfcRe(`^\S+ NO \[COMPRESSIONACTIVE\]`))
	c.must(t, "LOGOUT", rfcRe(`^\* BYE`), rfcRe(`^\S+ OK`))
}
