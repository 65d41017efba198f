package wire

import (
	"bufio"
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func TestWriter_responses(t *testing.T) {
	tests := []struct {
		name  string
		utf8  bool
		write func(w *Writer) error
		want  string
	}{
		{"RFC 9051 §7.1.1 OK with code", false, func(w *Writer) error {
			return w.Status("", "OK", CodeUIDValidity(3857529045), "UIDs valid")
		}, "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"},
		{"tagged NO TRYCREATE", false, func(w *Writer) error {
			return w.Status("A003", "NO", CodeTryCreate, "no such mailbox")
		}, "A003 NO [TRYCREATE] no such mailbox\r\n"},
		{"RFC 4315 APPENDUID", false, func(w *Writer) error {
			return w.Status("A003", "OK", CodeAppendUID(38505, set("3955")), "APPEND completed")
		}, "A003 OK [APPENDUID 38505 3955] APPEND completed\r\n"},
		{"RFC 4315 COPYUID", false, func(w *Writer) error {
			return w.Status("A004", "OK", CodeCopyUID(38505, set("304,319:320"), set("3956:3958")), "Done")
		}, "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n"},
		{"CAPABILITY code", false, func(w *Writer) error {
			return w.Status("", "OK", CodeCapability("IMAP4rev1", "IMAP4rev2", "LITERAL+"), "Postroom ready")
		}, "* OK [CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+] Postroom ready\r\n"},
		{"RFC 7162 MODIFIED", false, func(w *Writer) error {
			return w.Status("d105", "OK", CodeModified(set("7,9")), "Conditional STORE failed")
		}, "d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n"},
		{"HIGHESTMODSEQ", false, func(w *Writer) error {
			return w.Status("", "OK", CodeHighestModSeq(715194045007), "Highest")
		}, "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n"},
		{"PERMANENTFLAGS", false, func(w *Writer) error {
			return w.Status("", "OK", CodePermanentFlags([]string{`\Deleted`, `\Seen`, `\*`}), "Limited")
		}, "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"},
		{"text with CRLF and empty text", false, func(w *Writer) error {
			w.Status("a", "BAD", Code{}, "bad\r\nthing")
			return w.Status("b", "OK", Code{}, "")
		}, "a BAD bad  thing\r\nb OK done\r\n"},
		{"Refused without tag", false, func(w *Writer) error {
			return w.Refused(&Error{Status: "BAD", Text: "missing tag"})
		}, "* BAD missing tag\r\n"},
		{"Refused TOOBIG", false, func(w *Writer) error {
			return w.Refused(&Error{Tag: "a", Status: "NO", Code: "TOOBIG", Text: "too big"})
		}, "a NO [TOOBIG] too big\r\n"},
		{"RFC 9051 §7.2.2 CAPABILITY", false, func(w *Writer) error {
			return w.Capability("IMAP4rev2", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED")
		}, "* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n"},
		{"RFC 3501 §7.1 SELECT codes", false, func(w *Writer) error {
			w.Status("", "OK", CodeUnseen(12), "Message 12 is first unseen")
			w.Status("", "OK", CodeUIDNext(4392), "Predicted next UID")
			w.Status("", "NO", CodeBadCharset([]string{"UTF-8", "US-ASCII"}), "unknown charset")
			return w.Status("A142", "OK", CodeReadWrite, "SELECT completed")
		}, "* OK [UNSEEN 12] Message 12 is first unseen\r\n* OK [UIDNEXT 4392] Predicted next UID\r\n" +
			"* NO [BADCHARSET (UTF-8 US-ASCII)] unknown charset\r\nA142 OK [READ-WRITE] SELECT completed\r\n"},
		{"RFC 8474 MAILBOXID", false, func(w *Writer) error {
			return w.Status("3", "OK", CodeMailboxID("F2212ea87-6097-4256-9d51-71338625"), "Completed")
		}, "3 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Completed\r\n"},
		{"SASL challenge", false, func(w *Writer) error { return w.ContinueBase64("YGgGCSqGSIb3EgECAgIBAAD/////") },
			"+ YGgGCSqGSIb3EgECAgIBAAD/////\r\n"},
		{"continuation", false, func(w *Writer) error { return w.Continue("Ready for literal data") },
			"+ Ready for literal data\r\n"},
		{"empty SASL challenge", false, func(w *Writer) error { return w.ContinueBase64("") }, "+ \r\n"},
		{"EXISTS", false, func(w *Writer) error { return w.Count(23, "EXISTS") }, "* 23 EXISTS\r\n"},
		{"FLAGS", false, func(w *Writer) error { return w.Flags([]string{`\Answered`, `\Seen`, "$Forwarded"}) },
			"* FLAGS (\\Answered \\Seen $Forwarded)\r\n"},
		{"issue 17 item 1: LIST delimiter", false, func(w *Writer) error {
			return w.ListItem(false, []string{`\Noselect`}, '/', "")
		}, "* LIST (\\Noselect) \"/\" \"\"\r\n"},
		{"LIST modified UTF-7 in rev1", false, func(w *Writer) error {
			return w.ListItem(false, []string{`\HasNoChildren`}, '/', "보낸편지함")
		}, "* LIST (\\HasNoChildren) \"/\" &vPSwuNO4ycDVaA-\r\n"},
		{"LIST UTF-8 when enabled", true, func(w *Writer) error {
			return w.ListItem(false, nil, '/', "보낸 편지함")
		}, "* LIST () \"/\" \"보낸 편지함\"\r\n"},
		{"LIST NIL delimiter, inbox", false, func(w *Writer) error {
			return w.ListItem(true, nil, 0, "inbox")
		}, "* LSUB () NIL INBOX\r\n"},
		{"STATUS", false, func(w *Writer) error {
			return w.MailboxStatus("blurdybloop", []StatusItem{{"MESSAGES", 231}, {"UIDNEXT", 44292}})
		}, "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n"},
		{"SEARCH with MODSEQ", false, func(w *Writer) error { return w.SearchResult([]uint32{2, 5, 6}, 917162500) },
			"* SEARCH 2 5 6 (MODSEQ 917162500)\r\n"},
		{"empty SEARCH", false, func(w *Writer) error { return w.SearchResult(nil, 7) }, "* SEARCH\r\n"},
		{"RFC 4731 ESEARCH", false, func(w *Writer) error {
			return w.ESearch("A282", true, []ESearchResult{{Name: "MIN", Value: 2}, {Name: "ALL", Set: setp("2,10:11")}})
		}, "* ESEARCH (TAG \"A282\") UID MIN 2 ALL 2,10:11\r\n"},
		{"RFC 5267 §4.3.3 ADDTO, §4.3.4 REMOVEFROM", false, func(w *Writer) error {
			return w.ESearch("C01", true, []ESearchResult{{Name: "REMOVEFROM", Updates: []ContextUpdate{{0, set("32768")}}},
				{Name: "ADDTO", Updates: []ContextUpdate{{1, set("2733")}, {1, set("2731:2732")}}}})
		}, "* ESEARCH (TAG \"C01\") UID REMOVEFROM (0 32768) ADDTO (1 2733 1 2731:2732)\r\n"},
		{"RFC 9394 §3.1 PARTIAL with results and NIL", false, func(w *Writer) error {
			w.ESearch("A01", true, []ESearchResult{{Name: "PARTIAL", Range: "-1:-100", Set: setp("200:250,23764")}})
			return w.ESearch("A04", true, []ESearchResult{{Name: "PARTIAL", Range: "24000:24500"}})
		}, "* ESEARCH (TAG \"A01\") UID PARTIAL (-1:-100 200:250,23764)\r\n* ESEARCH (TAG \"A04\") UID PARTIAL (24000:24500 NIL)\r\n"},
		{"RFC 5267 §4.3.1 NOUPDATE", false, func(w *Writer) error {
			return w.Status("", "NO", CodeNoUpdate("B02"), "Too many contexts")
		}, "* NO [NOUPDATE \"B02\"] Too many contexts\r\n"},
		{"VANISHED EARLIER", false, func(w *Writer) error { return w.Vanished(set("41,43:116"), true) },
			"* VANISHED (EARLIER) 41,43:116\r\n"},
		{"ENABLED", false, func(w *Writer) error { return w.Enabled([]string{"CONDSTORE"}) }, "* ENABLED CONDSTORE\r\n"},
		{"RFC 2971 ID", false, func(w *Writer) error {
			return w.IDResponse([][2]string{{"name", "Postroom"}, {"vendor", "Postroom"}})
		}, "* ID (\"name\" \"Postroom\" \"vendor\" \"Postroom\")\r\n"},
		{"ID NIL", false, func(w *Writer) error { return w.IDResponse(nil) }, "* ID NIL\r\n"},
		{"RFC 9208 QUOTA", false, func(w *Writer) error {
			return w.QuotaResponse("", []QuotaResource{{"STORAGE", 10, 512}})
		}, "* QUOTA \"\" (STORAGE 10 512)\r\n"},
		{"QUOTAROOT", false, func(w *Writer) error { return w.QuotaRoot("INBOX", []string{""}) }, "* QUOTAROOT INBOX \"\"\r\n"},
		{"RFC 9051 §7.3.1 NAMESPACE", false, func(w *Writer) error {
			return w.NamespaceResponse([]Namespace{{"", '/'}}, nil, nil)
		}, "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n"},
		{"strings: atom, quoted, literal, NIL", false, func(w *Writer) error {
			w.Start("*").Atom("X").AString("abc").AString("nil").AString("").AString("a b").
				String("say \"hi\"").String("a\r\nb").String("ä").NString("", false).String("a\x00b")
			return w.End()
		}, "* X abc \"nil\" \"\" \"a b\" {8}\r\nsay \"hi\" {4}\r\na\r\nb {2}\r\nä NIL \"ab\"\r\n"},
		{"UTF-8 quoted when enabled", true, func(w *Writer) error {
			return w.Start("*").String("ä").String("\xff").End()
		}, "* \"ä\" {1}\r\n\xff\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf)
			w.UTF8 = tt.utf8
			if err := tt.write(w); err != nil {
				t.Fatal(err)
			}
			if buf.Len() != 0 {
				t.Errorf("written before Flush")
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// FETCH responses are built item by item, with bodies streamed.
func TestWriter_fetch(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	it := FetchItem{Name: "BINARY", Peek: true, Section: &Section{Part: []uint32{1}}, Partial: &Partial{0, 7}}
	body := "\x00binary"
	w.BeginFetch(12).Atom("UID").Number(4827313).Atom("FLAGS").List([]string{`\Seen`}).
		Atom(it.ResponseName()).Literal8(int64(len(body)), iotest.OneByteReader(strings.NewReader(body))).
		Atom("BODY[HEADER.FIELDS (DATE FROM)]").Literal(5, strings.NewReader("a\r\n\r\n")).
		Atom("BODY[]<0>").Nil()
	if err := w.EndFetch(); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	want := "* 12 FETCH (UID 4827313 FLAGS (\\Seen) BINARY[1]<0> ~{7}\r\n\x00binary BODY[HEADER.FIELDS (DATE FROM)] {5}\r\na\r\n\r\n BODY[]<0> NIL)\r\n"
	if buf.String() != want {
		t.Errorf("got  %q\nwant %q", buf.String(), want)
	}
}

func TestWriter_shortLiteralSticks(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.BeginFetch(1).Atom("BODY[]").Literal(10, strings.NewReader("short"))
	if err := w.EndFetch(); err == nil {
		t.Fatal("a short body must be an error: the response is broken")
	}
	if err := w.Flush(); err == nil {
		t.Fatal("the error must stick")
	}
}

func TestFetchItem_ResponseName(t *testing.T) {
	tests := []struct {
		cmd  string
		want []string
	}{
		{"a FETCH 1 (BODY.PEEK[1.2.HEADER.FIELDS.NOT (x-a b)]<5.10> BINARY.PEEK[1]<0.7> BINARY.SIZE[2] BODY[] RFC822.SIZE)",
			[]string{"BODY[1.2.HEADER.FIELDS.NOT (X-A B)]<5>", "BINARY[1]<0>", "BINARY.SIZE[2]", "BODY[]", "RFC822.SIZE"}},
		{"a FETCH 1 (BODY[TEXT] BODY[1] BODY[1.MIME] BINARY[])", []string{"BODY[TEXT]", "BODY[1]", "BODY[1.MIME]", "BINARY[]"}},
	}
	for _, tt := range tests {
		cmd, err := newTestReader(tt.cmd+"\r\n", Limits{}).ReadCommand()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range cmd.Args.(*Fetch).Items {
			got = append(got, it.ResponseName())
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: got %q, want %q", tt.cmd, got, tt.want)
		}
	}
}

// What the Writer writes as a string, the Reader reads back unchanged.
func TestWriter_stringRoundTrip(t *testing.T) {
	values := []string{"", "abc", "NIL", "a b", `"`, `\`, "a\r\nb", "ä", "보낸편지함", "]", "{3}", "(x)", strings.Repeat("z", 2000)}
	for _, utf8 := range []bool{false, true} {
		for _, v := range values {
			var buf bytes.Buffer
			w := NewWriter(&buf)
			w.UTF8 = utf8
			w.Start("t").Atom("LOGIN").AString(v).String(v)
			w.End()
			w.Flush()
			cmd, err := NewReader(bufio.NewReader(&buf), Limits{}).ReadCommand()
			if err != nil {
				t.Errorf("utf8=%v %q: %v", utf8, v, err)
				continue
			}
			if got := *cmd.Args.(*Login); got.User != v || got.Password != v {
				t.Errorf("utf8=%v: wrote %q, read %q", utf8, v, got)
			}
		}
	}
}

func TestWriter_errWriter(t *testing.T) {
	w := NewWriter(failWriter{})
	w.Status("a", "OK", Code{}, "x")
	if err := w.Flush(); err == nil || !errors.Is(err, errFail) {
		t.Fatalf("Flush = %v, want the writer's error", err)
	}
}

var errFail = errors.New("fail")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFail }
