package interop

// The table-driven protocol test of issue 17's twelve items: raw command
// lines and the server lines they must bring, written from the RFC text
// (quoted in each case), on a fresh account holding rfcFixture.

import (
	"fmt"
	"strings"
	"testing"
)

// rfcStep is one exchange: send (one or more command lines; literals
// inline) on a connection, then the lines that must come, in order.
type rfcStep struct {
	on   string // connection name; "anon…" ones are not logged in
	send string
	want []rfcMatch
	not  []rfcMatch
}

type rfcCase struct {
	name  string
	rfc   string // the RFC sentence the case checks
	steps []rfcStep
}

var (
	rfcProjectUTF7 = igMUTF7("프로젝트")
	// the NUL-holding message of item 6 (a literal8)
	rfcBinaryMsg = "From: a@example.org\r\nSubject: nul\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\nab\x00cd\r\n"
)

var rfcBaseCases = []rfcCase{
	// item 1
	{name: "list-empty-pattern", rfc: `RFC 3501 §6.3.8: "An empty ("" string) mailbox name argument is a special request to return the hierarchy delimiter and the root name of the name given in the reference."`,
		steps: []rfcStep{
			{on: "A", send: `a1 LIST "" ""`, want: []rfcMatch{rfcIs(`* LIST (\Noselect) "/" ""`), rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 LIST "" "%"`, want: []rfcMatch{rfcRe(`^\* LIST \([^)]*\) "/" "?` + rfcProjectUTF7 + `"?$`), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 LIST "" "` + rfcProjectUTF7 + `/%"`, want: []rfcMatch{rfcRe(`^\* LIST \([^)]*\) "/" "?` + igMUTF7("프로젝트/회의록") + `"?$`), rfcRe(`^a3 OK`)}},
		}},
	// item 2
	{name: "create-mutf7", rfc: `RFC 3501 §5.1.3: "By convention, international mailbox names in IMAP4rev1 are specified using a modified version of the UTF-7 encoding"; §6.3.3 CREATE: "OK - create completed". A LIST pattern full of atom-specials gets an answer, never a server bug.`,
		steps: []rfcStep{
			{on: "A", send: `a1 CREATE "p&AOQA5A-"`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 LIST "" "p&AOQA5A-"`, want: []rfcMatch{rfcRe(`^\* LIST \([^)]*\) "/" "?p&AOQA5A-"?$`), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 LIST "" "a(b)c{d]%"`, want: []rfcMatch{rfcRe(`^a3 (OK|NO|BAD)`)}, not: []rfcMatch{rfcRe(`SERVERBUG`)}},
		}},
	// item 3
	{name: "recent", rfc: `RFC 3501 §2.3.2: "\Recent Message is "recently" arrived in this mailbox. This session is the first session to have been notified about this message; if the session is read-write, subsequent sessions will not see \Recent set for this message."`,
		steps: []rfcStep{
			{on: "A", send: `a1 SELECT INBOX`, want: []rfcMatch{rfcIs(`* 3 EXISTS`), rfcIs(`* 3 RECENT`), rfcRe(`^a1 OK \[READ-WRITE\]`)}},
			// §6.4.4: NEW = "Messages that have the \Recent flag set but not the \Seen flag"
			{on: "A", send: `a2 SEARCH NEW`, want: []rfcMatch{rfcIs(`* SEARCH 2 3`), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 SEARCH OLD`, want: []rfcMatch{rfcIs(`* SEARCH`), rfcRe(`^a3 OK`)}},
			// §6.4.7 COPY into the selected mailbox: the copy is new to this session
			{on: "A", send: "a4 COPY 2 INBOX\r\na5 NOOP", want: []rfcMatch{rfcIs(`* 4 EXISTS`), rfcIs(`* 4 RECENT`), rfcRe(`^a5 OK`)}},
			{on: "B", send: `b1 SELECT INBOX`, want: []rfcMatch{rfcIs(`* 4 EXISTS`), rfcIs(`* 0 RECENT`), rfcRe(`^b1 OK`)}},
			{on: "B", send: `b2 SEARCH NEW`, want: []rfcMatch{rfcIs(`* SEARCH`), rfcRe(`^b2 OK`)}},
			// §6.4.4: OLD = "Messages that do not have the \Recent flag set"
			{on: "B", send: `b3 SEARCH OLD`, want: []rfcMatch{rfcIs(`* SEARCH 1 2 3 4`), rfcRe(`^b3 OK`)}},
			{on: "B", send: `b4 FETCH 4 FLAGS`, want: []rfcMatch{rfcIs(`* 4 FETCH (FLAGS (\Flagged))`), rfcRe(`^b4 OK`)}},
			// RFC 9051 §2.3.2 has no \Recent, and its SELECT (§6.3.2) no RECENT
			// response: a session that enabled IMAP4rev2 gets none.
			{on: "C", send: `c1 ENABLE IMAP4rev2`, want: []rfcMatch{rfcIs(`* ENABLED IMAP4rev2`), rfcRe(`^c1 OK`)}},
			{on: "C", send: `c2 SELECT INBOX`, want: []rfcMatch{rfcIs(`* 4 EXISTS`), rfcRe(`^c2 OK`)}, not: []rfcMatch{rfcRe(`RECENT`)}},
		}},
	// item 4
	{name: "keyword-announced", rfc: `RFC 3501 §7.2.6: "The FLAGS response occurs as a result of a SELECT or EXAMINE command. The flag parameter list identifies the flags (at a minimum, the system-defined flags) that are applicable for this mailbox. ... The update from the FLAGS response MUST be recorded by the client." (a keyword in a FETCH must be in that list first)`,
		steps: []rfcStep{
			{on: "A", send: `a1 SELECT INBOX`, want: []rfcMatch{rfcHas(`^\* FLAGS \(`, `$Work`), rfcRe(`^a1 OK`)}},
			{on: "B", send: `b1 SELECT INBOX`, want: []rfcMatch{rfcRe(`^b1 OK`)}},
			{on: "B", send: `b2 STORE 2 +FLAGS ($Other)`, want: []rfcMatch{rfcHas(`^\* FLAGS \(`, `$Other`), rfcHas(`^\* 2 FETCH \(`, `$Other`), rfcRe(`^b2 OK`)}},
			{on: "A", send: `a2 NOOP`, want: []rfcMatch{rfcHas(`^\* FLAGS \(`, `$Other`), rfcHas(`^\* 2 FETCH \(`, `$Other`), rfcRe(`^a2 OK`)}},
		}},
	// item 5
	{name: "close-after-examine", rfc: `RFC 3501 §6.4.2: "No messages are removed, and no error is given, if the mailbox is selected by an EXAMINE command or is otherwise selected read-only."`,
		steps: []rfcStep{
			{on: "A", send: `a1 SELECT INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 STORE 3 +FLAGS.SILENT (\Deleted)`, want: []rfcMatch{rfcRe(`^a2 OK`)}},
			{on: "B", send: `b1 EXAMINE INBOX`, want: []rfcMatch{rfcRe(`^b1 OK \[READ-ONLY\]`)}},
			{on: "B", send: `b2 CLOSE`, want: []rfcMatch{rfcRe(`^b2 OK`)}},
			{on: "B", send: `b3 STATUS INBOX (MESSAGES)`, want: []rfcMatch{rfcRe(`^\* STATUS "?INBOX"? \(MESSAGES 3\)$`), rfcRe(`^b3 OK`)}},
		}},
	// item 6
	{name: "binary-append", rfc: `RFC 3516 §4.2 extends APPEND so that the message may be a literal8 ("~{N}"), which may hold NUL octets; §4.1: BINARY[section] returns the decoded section, as a literal8 when it holds NUL.`,
		steps: []rfcStep{
			{on: "A", send: fmt.Sprintf("a1 APPEND INBOX ~{%d}\r\n%s", len(rfcBinaryMsg), rfcBinaryMsg), want: []rfcMatch{rfcRe(`^\+`), rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 SELECT INBOX`, want: []rfcMatch{rfcIs(`* 4 EXISTS`), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 FETCH 4 BINARY.PEEK[1]`, want: []rfcMatch{rfcIs("* 4 FETCH (BINARY[1] ~{7}\r\nab\x00cd\r\n)"), rfcRe(`^a3 OK`)}},
			// a plain literal cannot carry NUL (RFC 9051 §4.3): BODY[] keeps
			// the length and shows it as 0x80
			{on: "A", send: `a4 FETCH 4 BODY.PEEK[1]`, want: []rfcMatch{rfcIs("* 4 FETCH (BODY[1] {7}\r\nab\x80cd\r\n)"), rfcRe(`^a4 OK`)}},
		}},
	// item 7
	{name: "binary-partial", rfc: `RFC 3516 §4.1: BINARY[section]<partial> returns part of the decoded section as BODY[section]<partial> does; RFC 3501 §7.4.2 BODY[<section>]<<origin octet>>: "If the origin octet is specified, this string is a substring of the entire body contents, starting at that origin octet."`,
		steps: []rfcStep{
			{on: "A", send: `a2 EXAMINE INBOX`, want: []rfcMatch{rfcRe(`^a2 OK`)}},
			{on: "A", send: `a4 FETCH 1 BINARY.PEEK[1]<0.7>`, want: []rfcMatch{rfcRe(`^\* 1 FETCH \(BINARY\[1\]<0> (~?\{7\}\r\nHello b|"Hello b")\)$`), rfcRe(`^a4 OK`)}},
			{on: "A", send: `a5 FETCH 1 BINARY.PEEK[1]<6.6>`, want: []rfcMatch{rfcRe(`^\* 1 FETCH \(BINARY\[1\]<6> (~?\{6\}\r\nbinary|"binary")\)$`), rfcRe(`^a5 OK`)}},
		}},
	// item 8
	{name: "search-sent-dates", rfc: `RFC 3501 §6.4.4: "SENTON <date> Messages whose [RFC-2822] Date: header (disregarding time and timezone) is within the specified date."`,
		steps: []rfcStep{
			{on: "A", send: `a1 EXAMINE INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 SEARCH SENTON 25-Mar-2007`, want: []rfcMatch{rfcIs(`* SEARCH 2`), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 SEARCH SENTBEFORE 25-Mar-2007`, want: []rfcMatch{rfcIs(`* SEARCH 1`), rfcRe(`^a3 OK`)}},
			{on: "A", send: `a4 SEARCH SENTSINCE 25-Mar-2007`, want: []rfcMatch{rfcIs(`* SEARCH 2 3`), rfcRe(`^a4 OK`)}},
			{on: "A", send: `a5 SEARCH SENTON 15-Feb-2007`, want: []rfcMatch{rfcIs(`* SEARCH 1`), rfcRe(`^a5 OK`)}},
		}},
	{name: "search-from-comments", rfc: `RFC 3501 §6.4.4: "FROM <string> Messages that contain the specified string in the envelope structure's FROM field." (the envelope's address is user-from@domain.org; the comments are not part of it)`,
		steps: []rfcStep{
			{on: "A", send: `a1 EXAMINE INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 SEARCH FROM user-from@domain.org`, want: []rfcMatch{rfcIs(`* SEARCH 2`), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 SEARCH FROM alice`, want: []rfcMatch{rfcIs(`* SEARCH 1`), rfcRe(`^a3 OK`)}},
		}},
	// item 9
	{name: "envelope-date", rfc: `RFC 3501 §7.4.2 ENVELOPE: "The fields of the envelope structure are in the following order: date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, and message-id." The date is the Date header's string as written, not a converted one.`,
		steps: []rfcStep{
			{on: "A", send: `a1 EXAMINE INBOX`, want: []rfcMatch{rfcRe(`^a1 OK`)}},
			{on: "A", send: `a2 FETCH 1 ENVELOPE`, want: []rfcMatch{rfcRe(`^\* 1 FETCH \(ENVELOPE \("Thu, 15 Feb 2007 01:02:03 \+0200" `), rfcRe(`^a2 OK`)}},
			{on: "A", send: `a3 FETCH 2 ENVELOPE`, want: []rfcMatch{rfcRe(`^\* 2 FETCH \(ENVELOPE \("Sun, 25 Mar 2007 00:00:00 \+0200" .*\(\(NIL NIL "user-from" "domain.org"\)\)`), rfcRe(`^a3 OK`)}},
		}},
	// item 10
	{name: "id", rfc: `RFC 2971 §3.1: the ID command is valid in all states; the server answers with an untagged ID response (a parameter list or NIL) and a tagged OK.`,
		steps: []rfcStep{
			{on: "anon", send: `n1 ID ("name" "rfc-test" "version" "1")`, want: []rfcMatch{rfcRe(`^\* ID (NIL|\(.*\))$`), rfcRe(`^n1 OK`)}},
			{on: "A", send: `a1 ID NIL`, want: []rfcMatch{rfcRe(`^\* ID (NIL|\(.*\))$`), rfcRe(`^a1 OK`)}},
		}},
	// item 12
	{name: "unterminated-quote", rfc: `RFC 3501 §6 (result "BAD - command unknown or arguments invalid") and §4.3: a quoted string is "zero or more 7-bit characters, excluding CR and LF, with double quote (<">) characters at each end" — a line without the closing quote is a syntax error, answered at once.`,
		steps: []rfcStep{
			{on: "A", send: `a CREATE "abc`, want: []rfcMatch{rfcRe(`^a BAD`)}},
			{on: "A", send: `b NOOP`, want: []rfcMatch{rfcRe(`^b OK`)}},
		}},
	{name: "unknown-before-login", rfc: `RFC 3501 §7.1.3: "The BAD response indicates an error message from the server. When tagged, it reports a protocol-level error in the client's command; the tag indicates the command that caused the error." (BYE is for closing, §7.1.5)`,
		steps: []rfcStep{
			{on: "anon", send: `x1 FROBNICATE`, want: []rfcMatch{rfcRe(`^x1 BAD`)}, not: []rfcMatch{rfcRe(`^\* BYE`)}},
			{on: "anon", send: `x2 CAPABILITY`, want: []rfcMatch{rfcRe(`^\* CAPABILITY `), rfcRe(`^x2 OK`)}},
		}},
	{name: "list-bad-mutf7", rfc: `RFC 3501 §5.1.3: "&" starts a modified BASE64 run that must end with "-"; "&" alone is not a valid name, which deserves a precise NO or BAD (RFC 5530), not a server bug.`,
		steps: []rfcStep{
			{on: "A", send: `c1 LIST "" "&"`, want: []rfcMatch{rfcRe(`^c1 (NO|BAD) `)}, not: []rfcMatch{rfcRe(`SERVERBUG`)}},
			{on: "A", send: `c2 CREATE "&"`, want: []rfcMatch{rfcRe(`^c2 (NO|BAD) `)}, not: []rfcMatch{rfcRe(`SERVERBUG`)}},
			{on: "A", send: `c3 NOOP`, want: []rfcMatch{rfcRe(`^c3 OK`)}},
		}},
}

// TestIMAPRFC_Base runs rfcBaseCases, each on a fresh fixture account.
func TestIMAPRFC_Base(t *testing.T) {
	s := rfcServer(t)
	for _, tc := range rfcBaseCases {
		t.Run(tc.name, func(t *testing.T) {
			addr := rfcFixture(t, s)
			conns := map[string]*rfcConn{}
			for i, st := range tc.steps {
				c := conns[st.on]
				if c == nil {
					if strings.HasPrefix(st.on, "anon") {
						c = rfcDial(t, s, st.on)
					} else {
						c = rfcLogin(t, s, st.on, addr)
					}
					conns[st.on] = c
				}
				got, err := c.send(st.send)
				if err != nil {
					t.Fatalf("step %d on %s: %q: %v\ngot:\n%s\n%s", i+1, st.on, st.send, err, strings.Join(got, "\n"), tc.rfc)
				}
				if msg := rfcMatchLines(got, st.want, st.not); msg != "" {
					t.Fatalf("step %d on %s: %q: %s\ngot:\n%s\n%s", i+1, st.on, igClip(st.send), msg, strings.Join(got, "\n"), tc.rfc)
				}
			}
		})
	}
}
