package wire

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

func newTestReader(input string, limits Limits) *Reader {
	return NewReader(bufio.NewReader(strings.NewReader(input)), limits)
}

func u64(n uint64) *uint64 { return &n }

func set(s string) SeqSet {
	ss, err := ParseSeqSet(s)
	if err != nil {
		panic(err)
	}
	return ss
}

func setp(s string) *SeqSet { ss := set(s); return &ss }

// Commands from the examples of RFC 9051, RFC 3501 and the extension RFCs,
// each with the value the Reader must produce.
func TestReadCommand_rfcExamples(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Command
	}{
		{"RFC 3501 §6.2.3 LOGIN", "a001 login mrc secret\r\n",
			&Command{"a001", "LOGIN", &Login{"mrc", "secret"}}},
		{"LOGIN quoted and literal", "a LOGIN \"fred foo\" {6}\r\nsec\"et\r\n",
			&Command{"a", "LOGIN", &Login{"fred foo", "sec\"et"}}},
		{"RFC 9051 §6.1.1 CAPABILITY", "abcd CAPABILITY\r\n", &Command{"abcd", "CAPABILITY", nil}},
		{"bare LF accepted", "a2 NOOP\n", &Command{"a2", "NOOP", nil}},
		{"RFC 9051 §6.2.2 AUTHENTICATE", "A001 AUTHENTICATE GSSAPI\r\n",
			&Command{"A001", "AUTHENTICATE", &Authenticate{Mechanism: "GSSAPI"}}},
		{"RFC 4959 SASL-IR", "a AUTHENTICATE plain dGVzdAB0ZXN0AHRlc3Q=\r\n",
			&Command{"a", "AUTHENTICATE", &Authenticate{"PLAIN", "dGVzdAB0ZXN0AHRlc3Q=", true}}},
		{"RFC 4959 empty initial response", "a AUTHENTICATE EXTERNAL =\r\n",
			&Command{"a", "AUTHENTICATE", &Authenticate{"EXTERNAL", "=", true}}},
		{"RFC 9051 §6.3.2 SELECT", "A142 SELECT INBOX\r\n",
			&Command{"A142", "SELECT", &Select{Mailbox: "INBOX"}}},
		{"INBOX is case-insensitive", "A142 SELECT inBox\r\n",
			&Command{"A142", "SELECT", &Select{Mailbox: "INBOX"}}},
		{"RFC 9051 §6.3.3 EXAMINE", "A932 EXAMINE blurdybloop\r\n",
			&Command{"A932", "EXAMINE", &Select{Mailbox: "blurdybloop", ReadOnly: true}}},
		{"RFC 7162 §3.1.8 SELECT CONDSTORE", "a SELECT INBOX (CONDSTORE)\r\n",
			&Command{"a", "SELECT", &Select{Mailbox: "INBOX", CondStore: true}}},
		{"RFC 7162 §3.2.5 QRESYNC", "A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n",
			&Command{"A02", "SELECT", &Select{Mailbox: "INBOX", QResync: &QResync{
				UIDValidity: 67890007, ModSeq: 20050715194045000, KnownUIDs: setp("41,43:211,214:541")}}}},
		{"RFC 7162 §3.2.5 QRESYNC seq-match-data",
			"B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500 15000,22500)))\r\n",
			&Command{"B04", "SELECT", &Select{Mailbox: "INBOX", QResync: &QResync{
				UIDValidity: 67890007, ModSeq: 90060115194045000, KnownUIDs: setp("1:29997"),
				KnownSeqs: setp("5000,7500"), KnownSeqUIDs: setp("15000,22500")}}}},
		{"RFC 9051 §6.3.4 CREATE", "A003 CREATE owatagusiam/\r\n",
			&Command{"A003", "CREATE", &Create{Mailbox: "owatagusiam/"}}},
		{"issue 17 item 2: modified UTF-7 CREATE", "a CREATE p&AOQA5A-\r\n",
			&Command{"a", "CREATE", &Create{Mailbox: "pää"}}},
		{"RFC 3501 §5.1.3 modified UTF-7 example", "a CREATE ~peter/mail/&U,BTFw-/&ZeVnLIqe-\r\n",
			&Command{"a", "CREATE", &Create{Mailbox: "~peter/mail/台北/日本語"}}},
		{"RFC 6154 §5.2 CREATE USE", "t1 CREATE \"Everything\" (USE (\\All))\r\n",
			&Command{"t1", "CREATE", &Create{Mailbox: "Everything", SpecialUse: []string{`\All`}}}},
		{"RFC 9051 §6.3.5 DELETE", "A683 DELETE blurdybloop\r\n",
			&Command{"A683", "DELETE", &Mailbox{"blurdybloop"}}},
		{"RFC 9051 §6.3.6 RENAME", "A683 RENAME blurdybloop sarasoop\r\n",
			&Command{"A683", "RENAME", &Rename{"blurdybloop", "sarasoop"}}},
		{"RFC 9051 §6.3.7 SUBSCRIBE", "A002 SUBSCRIBE #news.comp.mail.mime\r\n",
			&Command{"A002", "SUBSCRIBE", &Mailbox{"#news.comp.mail.mime"}}},
		{"issue 17 item 1: LIST \"\" \"\"", "A101 LIST \"\" \"\"\r\n",
			&Command{"A101", "LIST", &List{Ref: "", Patterns: []string{""}}}},
		{"RFC 9051 §6.3.9 LIST ref and empty pattern", "A102 LIST #news.comp.mail.misc \"\"\r\n",
			&Command{"A102", "LIST", &List{Ref: "#news.comp.mail.misc", Patterns: []string{""}}}},
		{"RFC 9051 §6.3.9 LIST wildcards", "A202 LIST ~/Mail/ %\r\n",
			&Command{"A202", "LIST", &List{Ref: "~/Mail/", Patterns: []string{"%"}}}},
		{"RFC 5258 selection and return options",
			"A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)\r\n",
			&Command{"A02", "LIST", &List{Patterns: []string{"%"}, Selection: []string{"SUBSCRIBED", "RECURSIVEMATCH"},
				Return: []string{"CHILDREN"}, Extended: true}}},
		{"RFC 5258 several patterns", "A01 LIST \"\" (\"INBOX\" \"Drafts\" \"Sent/%\" \"\")\r\n",
			&Command{"A01", "LIST", &List{Patterns: []string{"INBOX", "Drafts", "Sent/%", ""}, Extended: true}}},
		{"RFC 5819 LIST-STATUS", "A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))\r\n",
			&Command{"A01", "LIST", &List{Patterns: []string{"%"}, Return: []string{"STATUS"},
				StatusItems: []string{"MESSAGES", "UNSEEN"}, Extended: true}}},
		{"issue 17 item 2: pattern full of atom-specials", "a LIST \"\" \"a(b)c{d}%\\\"e\\\\f]*\"\r\n",
			&Command{"a", "LIST", &List{Patterns: []string{`a(b)c{d}%"e\f]*`}}}},
		{"LIST pattern as a literal", "a LIST {0}\r\n {3}\r\n%/%\r\n",
			&Command{"a", "LIST", &List{Patterns: []string{"%/%"}}}},
		{"RFC 3501 §6.3.9 LSUB", "A002 LSUB \"#news.\" \"comp.mail.*\"\r\n",
			&Command{"A002", "LSUB", &List{Ref: "#news.", Patterns: []string{"comp.mail.*"}, Lsub: true}}},
		{"RFC 9051 §6.3.11 STATUS", "A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n",
			&Command{"A042", "STATUS", &Status{"blurdybloop", []string{"UIDNEXT", "MESSAGES"}}}},
		{"RFC 9051 §6.3.12 APPEND", "A003 APPEND saved-messages (\\Seen) {13}\r\nFrom: a\r\n\r\nhi\r\n",
			&Command{"A003", "APPEND", &Append{"saved-messages", []AppendMessage{
				{Flags: []string{`\Seen`}, Literal: []byte("From: a\r\n\r\nhi")}}}}},
		{"APPEND date-time and LITERAL+", "a APPEND INBOX () \" 7-Feb-1994 21:52:25 -0800\" {2+}\r\nhi\r\n",
			&Command{"a", "APPEND", &Append{"INBOX", []AppendMessage{{Flags: []string{},
				Date: time.Date(1994, 2, 7, 21, 52, 25, 0, time.FixedZone("", -8*3600)), Literal: []byte("hi")}}}}},
		{"RFC 3502 MULTIAPPEND", "A003 APPEND saved {1}\r\na (\\Seen) {1+}\r\nb\r\n",
			&Command{"A003", "APPEND", &Append{"saved", []AppendMessage{{Literal: []byte("a")},
				{Flags: []string{`\Seen`}, Literal: []byte("b")}}}}},
		{"issue 17 item 6: literal8 with NUL", "a APPEND INBOX ~{5}\r\nx\x00y\x00z\r\n",
			&Command{"a", "APPEND", &Append{"INBOX", []AppendMessage{{Literal: []byte("x\x00y\x00z"), Binary: true}}}}},
		{"RFC 4469 CATENATE", "A003 APPEND Drafts CATENATE (URL \"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER\" TEXT {4}\r\n\r\nhi URL \"/x\")\r\n",
			&Command{"A003", "APPEND", &Append{"Drafts", []AppendMessage{{Parts: []CatenatePart{
				{URL: "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER"}, {Text: []byte("\r\nhi")}, {URL: "/x"}}}}}}},
		{"RFC 6855 APPEND UTF8", "a APPEND INBOX UTF8 (~{2}\r\nhi)\r\n",
			&Command{"a", "APPEND", &Append{"INBOX", []AppendMessage{{Literal: []byte("hi"), Binary: true, UTF8: true}}}}},
		{"RFC 9051 §6.4.3 EXPUNGE", "A202 EXPUNGE\r\n", &Command{"A202", "EXPUNGE", nil}},
		{"RFC 4315 UID EXPUNGE", "A003 UID EXPUNGE 3000:3002\r\n",
			&Command{"A003", "UID EXPUNGE", &Expunge{UIDs: setp("3000:3002")}}},
		{"RFC 9051 §6.4.6 STORE", "A003 STORE 2:4 +FLAGS (\\Deleted)\r\n",
			&Command{"A003", "STORE", &Store{Set: set("2:4"), Op: StoreAdd, Flags: []string{`\Deleted`}}}},
		{"STORE flags without parentheses", "a STORE 1 -FLAGS.SILENT \\Seen $Junk\r\n",
			&Command{"a", "STORE", &Store{Set: set("1"), Op: StoreRemove, Silent: true, Flags: []string{`\Seen`, "$Junk"}}}},
		{"RFC 7162 §3.1.3 UNCHANGEDSINCE", "a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)\r\n",
			&Command{"a103", "UID STORE", &Store{UID: true, Set: set("6,4,8"), Op: StoreAdd, Silent: true,
				Flags: []string{`\Deleted`}, UnchangedSince: u64(12121230045)}}},
		{"RFC 9051 §6.4.7 COPY", "A003 COPY 2:4 MEETING\r\n",
			&Command{"A003", "COPY", &Copy{Set: set("2:4"), Mailbox: "MEETING"}}},
		{"RFC 6851 UID MOVE", "a UID MOVE 42:69 foo\r\n",
			&Command{"a", "UID MOVE", &Copy{UID: true, Set: set("42:69"), Mailbox: "foo"}}},
		{"RFC 5182 SEARCHRES", "a UID COPY $ foo\r\n",
			&Command{"a", "UID COPY", &Copy{UID: true, Set: SeqSet{Saved: true}, Mailbox: "foo"}}},
		{"RFC 9051 §6.4.5 FETCH macro FAST", "a FETCH 1:* FAST\r\n",
			&Command{"a", "FETCH", &Fetch{Set: SeqSet{Ranges: []SeqRange{{1, Star}}},
				Items: macroItems("FLAGS", "INTERNALDATE", "RFC822.SIZE")}}},
		{"RFC 9051 §6.4.5 FETCH header fields", "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n",
			&Command{"A654", "FETCH", &Fetch{Set: set("2:4"), Items: []FetchItem{{Name: "FLAGS"},
				{Name: "BODY", Section: &Section{Specifier: "HEADER.FIELDS", Fields: []string{"DATE", "FROM"}}}}}}},
		{"UID FETCH single item", "A999 UID FETCH 4827313:4828442 FLAGS\r\n",
			&Command{"A999", "UID FETCH", &Fetch{UID: true, Set: set("4827313:4828442"), Items: []FetchItem{{Name: "FLAGS"}}}}},
		{"BODY.PEEK partial and parts", "a FETCH 1 (BODY.PEEK[1.2.MIME] BODY[]<0.2048> body[3.text])\r\n",
			&Command{"a", "FETCH", &Fetch{Set: set("1"), Items: []FetchItem{
				{Name: "BODY", Peek: true, Section: &Section{Part: []uint32{1, 2}, Specifier: "MIME"}},
				{Name: "BODY", Section: &Section{}, Partial: &Partial{0, 2048}},
				{Name: "BODY", Section: &Section{Part: []uint32{3}, Specifier: "TEXT"}}}}}},
		{"issue 17 item 7: BINARY.PEEK partial", "a FETCH 1 (BINARY.PEEK[1]<0.7> BINARY.SIZE[1] BODYSTRUCTURE)\r\n",
			&Command{"a", "FETCH", &Fetch{Set: set("1"), Items: []FetchItem{
				{Name: "BINARY", Peek: true, Section: &Section{Part: []uint32{1}}, Partial: &Partial{0, 7}},
				{Name: "BINARY.SIZE", Section: &Section{Part: []uint32{1}}},
				{Name: "BODYSTRUCTURE"}}}}},
		{"RFC 7162 §3.2.6 CHANGEDSINCE VANISHED", "s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n",
			&Command{"s100", "UID FETCH", &Fetch{UID: true, Set: set("300:500"), Items: []FetchItem{{Name: "FLAGS"}},
				ChangedSince: u64(12345), Vanished: true}}},
		{"RFC 9051 §6.4.4 SEARCH", "A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n",
			&Command{"A282", "SEARCH", &Search{Return: []string{"MIN", "COUNT"}, Key: &SearchKey{Op: "AND", Args: []*SearchKey{
				{Op: "FLAGGED"}, {Op: "SINCE", Date: time.Date(1994, 2, 1, 0, 0, 0, 0, time.UTC)},
				{Op: "NOT", Args: []*SearchKey{{Op: "FROM", Value: "Smith"}}}}}}}},
		{"RFC 3501 §6.4.4 SEARCH CHARSET literal", "A284 SEARCH CHARSET UTF-8 TEXT {12}\r\nотпуск\r\n",
			&Command{"A284", "SEARCH", &Search{Charset: "UTF-8", Key: &SearchKey{Op: "TEXT", Value: "отпуск"}}}},
		{"RFC 4731 RETURN () and RFC 9394 PARTIAL", "a UID SEARCH RETURN () ALL\r\n",
			&Command{"a", "UID SEARCH", &Search{UID: true, Return: []string{}, Key: &SearchKey{Op: "ALL"}}}},
		{"RFC 9394 PARTIAL", "a UID SEARCH RETURN (PARTIAL -1:-100 COUNT) UNDELETED\r\n",
			&Command{"a", "UID SEARCH", &Search{UID: true, Return: []string{"PARTIAL", "COUNT"}, Partial: "-1:-100",
				Key: &SearchKey{Op: "UNDELETED"}}}},
		{"RFC 5267 §4.3 UPDATE and §4.2 CONTEXT", "B01 UID SEARCH RETURN (UPDATE CONTEXT COUNT) DELETED\r\n",
			&Command{"B01", "UID SEARCH", &Search{UID: true, Return: []string{"UPDATE", "CONTEXT", "COUNT"}, Key: &SearchKey{Op: "DELETED"}}}},
		{"RFC 5267 §4.3.5 CANCELUPDATE", "B04 CANCELUPDATE \"B01\" \"B02\"\r\n",
			&Command{"B04", "CANCELUPDATE", &CancelUpdate{Tags: []string{"B01", "B02"}}}},
		{"RFC 5032 YOUNGER, RFC 8514 SAVEDON, KEYWORD", "a SEARCH YOUNGER 3600 SAVEDON 4-Dec-2026 KEYWORD $Junk LARGER 4294967296\r\n",
			&Command{"a", "SEARCH", &Search{Key: &SearchKey{Op: "AND", Args: []*SearchKey{
				{Op: "YOUNGER", Number: 3600}, {Op: "SAVEDON", Date: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)},
				{Op: "KEYWORD", Value: "$Junk"}, {Op: "LARGER", Number: 4294967296}}}}}},
		{"RFC 7162 §3.1.5 SEARCH MODSEQ", "a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n",
			&Command{"a", "SEARCH", &Search{Key: &SearchKey{Op: "MODSEQ", EntryName: `/flags/\draft`, EntryType: "ALL", Number: 620162338}}}},
		{"RFC 5256 SORT", "A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\n",
			&Command{"A283", "SORT", &Sort{Criteria: []SortCriterion{{"SUBJECT", false}, {"DATE", true}},
				Charset: "UTF-8", Key: &SearchKey{Op: "ALL"}}}},
		{"RFC 5267 ESORT", "a UID SORT RETURN (COUNT) (ARRIVAL) US-ASCII UNSEEN\r\n",
			&Command{"a", "UID SORT", &Sort{UID: true, Return: []string{"COUNT"}, Criteria: []SortCriterion{{"ARRIVAL", false}},
				Charset: "US-ASCII", Key: &SearchKey{Op: "UNSEEN"}}}},
		{"RFC 5256 THREAD", "A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n",
			&Command{"A283", "THREAD", &Thread{Algorithm: "ORDEREDSUBJECT", Charset: "UTF-8",
				Key: &SearchKey{Op: "SINCE", Date: time.Date(2000, 3, 5, 0, 0, 0, 0, time.UTC)}}}},
		{"RFC 2971 ID", "a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"os\" NIL)\r\n",
			&Command{"a023", "ID", &ID{Params: [][2]string{{"name", "sodr"}, {"version", "19.34"}, {"os", ""}}}}},
		{"RFC 2971 ID NIL", "a024 ID NIL\r\n", &Command{"a024", "ID", &ID{Nil: true}}},
		{"RFC 5161 ENABLE", "t2 ENABLE CONDSTORE utf8=accept\r\n",
			&Command{"t2", "ENABLE", &Enable{[]string{"CONDSTORE", "UTF8=ACCEPT"}}}},
		{"RFC 9208 GETQUOTA", "G0001 GETQUOTA \"!partition/sda4\"\r\n",
			&Command{"G0001", "GETQUOTA", &Quota{"!partition/sda4"}}},
		{"RFC 9208 GETQUOTAROOT", "A003 GETQUOTAROOT INBOX\r\n",
			&Command{"A003", "GETQUOTAROOT", &Mailbox{"INBOX"}}},
		{"RFC 9208 SETQUOTA", "S0000 SETQUOTA \"#user/alice\" (STORAGE 510)\r\n",
			&Command{"S0000", "SETQUOTA", &SetQuota{"#user/alice", []QuotaLimit{{"STORAGE", 510}}}}},
		{"RFC 4978 COMPRESS", "a COMPRESS DEFLATE\r\n", &Command{"a", "COMPRESS", &Compress{"DEFLATE"}}},
		{"IDLE", "a IDLE\r\n", &Command{"a", "IDLE", nil}},
		{"NAMESPACE", "A001 NAMESPACE\r\n", &Command{"A001", "NAMESPACE", nil}},
		{"UNSELECT", "a unselect\r\n", &Command{"a", "UNSELECT", nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestReader(tt.in, Limits{})
			got, err := r.ReadCommand()
			if err != nil {
				t.Fatalf("ReadCommand(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ReadCommand(%q)\n got %s\nwant %s", tt.in, dump(got), dump(tt.want))
			}
			if _, err := r.ReadCommand(); err != io.EOF {
				t.Errorf("after the command: %v, want io.EOF (all input consumed)", err)
			}
		})
	}
}

func dump(c *Command) string {
	s := fmt.Sprintf("%s %s %+v", c.Tag, c.Name, c.Args)
	if k, ok := c.Args.(*Search); ok {
		s += " key=" + dumpKey(k.Key)
	}
	return s
}

func dumpKey(k *SearchKey) string {
	if k == nil {
		return "nil"
	}
	s := fmt.Sprintf("{%s %q %q %d %s %v", k.Op, k.Field, k.Value, k.Number, k.Date.Format("2006-01-02"), k.Set)
	for _, a := range k.Args {
		s += " " + dumpKey(a)
	}
	return s + "}"
}

// Issue 17: SEARCH with nested OR/NOT, parenthesised lists, sets and dates
// (RFC 9051 §6.4.4).
func TestReadCommand_searchNested(t *testing.T) {
	in := "a UID SEARCH OR (FROM x NOT SEEN) NOT OR ON 29-Feb-2024 SENTBEFORE \"5-Mar-2000\" UID 1:* 2,4:7 HEADER Message-ID <a@b>\r\n"
	cmd, err := newTestReader(in, Limits{}).ReadCommand()
	if err != nil {
		t.Fatal(err)
	}
	got := dumpKey(cmd.Args.(*Search).Key)
	want := dumpKey(&SearchKey{Op: "AND", Args: []*SearchKey{
		{Op: "OR", Args: []*SearchKey{
			{Op: "AND", Args: []*SearchKey{{Op: "FROM", Value: "x"}, {Op: "NOT", Args: []*SearchKey{{Op: "SEEN"}}}}},
			{Op: "NOT", Args: []*SearchKey{{Op: "OR", Args: []*SearchKey{
				{Op: "ON", Date: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
				{Op: "SENTBEFORE", Date: time.Date(2000, 3, 5, 0, 0, 0, 0, time.UTC)}}}}}}},
		{Op: "UID", Set: set("1:*")},
		{Op: "SEQSET", Set: set("2,4:7")},
		{Op: "HEADER", Field: "Message-ID", Value: "<a@b>"},
	}})
	if got != want {
		t.Errorf("search key\n got %s\nwant %s", got, want)
	}
}

func TestReadCommand_utf8Accept(t *testing.T) {
	r := newTestReader("a CREATE \"p&ä\"\r\nb LIST \"\" \"&\"\r\n", Limits{})
	r.UTF8 = true
	for _, want := range []string{"p&ä", "&"} {
		cmd, err := r.ReadCommand()
		if err != nil {
			t.Fatal(err)
		}
		var got string
		switch a := cmd.Args.(type) {
		case *Create:
			got = a.Mailbox
		case *List:
			got = a.Patterns[0]
		}
		if got != want {
			t.Errorf("name %q, want %q (UTF8=ACCEPT names are not modified UTF-7)", got, want)
		}
	}
}

// errorCase is a command the Reader must refuse, then read "z NOOP" after it.
type errorCase struct {
	name   string
	in     string
	limits Limits
	minus  bool
	tag    string
	status string
	code   string
	text   string // a substring of the error text
	fatal  bool
}

func TestReadCommand_errors(t *testing.T) {
	small := Limits{MaxLine: 40, MaxStringLiteral: 10, MaxLiteral: 20, MaxAppendTotal: 30, MaxCommand: 200, MaxDepth: 4, MaxSkip: 100}
	tests := []errorCase{
		{name: "issue 17 item 12: unterminated quote", in: "a CREATE \"abc\r\n", tag: "a", status: "BAD", text: "unterminated quoted string"},
		{name: "issue 17 item 12: invalid modified UTF-7", in: "a LIST \"\" \"&\"\r\n", tag: "a", status: "BAD", text: "not closed"},
		{name: "modified UTF-7 for printable ASCII", in: "a CREATE &AGEAYgBj-\r\n", tag: "a", status: "BAD", text: "must not be base64"},
		{name: "raw 8-bit name mixed with modified UTF-7 in rev1", in: "a CREATE \"ä&AOQ-\"\r\n", tag: "a", status: "BAD", text: "modified UTF-7"},
		{name: "raw 8-bit name that is not UTF-8 in rev1", in: "a CREATE \"\xe4\"\r\n", tag: "a", status: "BAD"},
		{name: "unknown command", in: "a FROB x\r\n", tag: "a", status: "BAD", text: "unknown command"},
		{name: "missing tag", in: "+ NOOP\r\n", status: "BAD", text: "tag"},
		{name: "tag without command", in: "a\r\n", tag: "a", status: "BAD"},
		{name: "argument after NOOP", in: "a NOOP x\r\n", tag: "a", status: "BAD"},
		{name: "two spaces", in: "a LOGIN  x y\r\n", tag: "a", status: "BAD"},
		{name: "bad escape", in: "a LOGIN \"\\a\" y\r\n", tag: "a", status: "BAD"},
		{name: "sequence zero", in: "a FETCH 0 FLAGS\r\n", tag: "a", status: "BAD", text: "zero"},
		{name: "$ inside a set", in: "a UID SEARCH UID 1:*,$\r\n", tag: "a", status: "BAD"},
		{name: "no such date", in: "a SEARCH ON 30-Feb-2024\r\n", tag: "a", status: "BAD", text: "no such date"},
		{name: "unknown search key", in: "a SEARCH FOO\r\n", tag: "a", status: "BAD", text: "unknown search key"},
		{name: "OR with one key", in: "a SEARCH OR SEEN\r\n", tag: "a", status: "BAD"},
		{name: "unknown fetch item", in: "a FETCH 1 (FLAGS FOO)\r\n", tag: "a", status: "BAD"},
		{name: "BODY.PEEK without section", in: "a FETCH 1 BODY.PEEK\r\n", tag: "a", status: "BAD"},
		{name: "zero partial", in: "a FETCH 1 BODY[]<0.0>\r\n", tag: "a", status: "BAD"},
		{name: "VANISHED without UID", in: "a FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)\r\n", tag: "a", status: "BAD"},
		{name: "unknown status item", in: "a STATUS INBOX (FOO)\r\n", tag: "a", status: "BAD"},
		{name: "NUL in a literal", in: "a LOGIN {3}\r\na\x00b x\r\n", tag: "a", status: "BAD", text: "NUL"},
		{name: "literal8 outside APPEND", in: "a LOGIN ~{3}\r\n", tag: "a", status: "BAD", text: "literal8"},
		{name: "literal not at end of line", in: "a LOGIN {3} x\r\n", tag: "a", status: "BAD"},
		{name: "line too long", in: "a LOGIN " + strings.Repeat("x", 100) + "\r\n", limits: small, tag: "a", status: "BAD", text: "line longer"},
		{name: "line too long, no tag", in: strings.Repeat("x", 100) + "\r\n", limits: small, status: "BAD", text: "line longer"},
		{name: "line too long ending in LITERAL+", in: "a LOGIN " + strings.Repeat("x", 100) + " {3+}\r\nabc\r\n", limits: small, tag: "a", status: "BAD"},
		{name: "nesting too deep", in: "a SEARCH ((((SEEN))))\r\n", limits: small, tag: "a", status: "BAD", text: "nesting"},
		{name: "NOT chain too deep", in: "a SEARCH NOT NOT NOT NOT SEEN\r\n", limits: small, tag: "a", status: "BAD", text: "nesting"},
		{name: "synchronising message too big", in: "a APPEND INBOX {21}\r\n", limits: small, tag: "a", status: "NO", code: "TOOBIG"},
		{name: "MULTIAPPEND total too big", in: "a APPEND INBOX {20+}\r\n" + strings.Repeat("m", 20) + " {20+}\r\n" + strings.Repeat("m", 20) + "\r\n",
			limits: small, tag: "a", status: "NO", code: "TOOBIG"},
		{name: "string literal too big, LITERAL+ skipped", in: "a LOGIN {11+}\r\nxxxxxxxxxxx y\r\n", limits: small, tag: "a", status: "BAD", code: "TOOBIG"},
		{name: "LITERAL+ then bad, next literal skipped", in: "a LOGIN {1+}\r\nx (}{3+}\r\nabc\r\n", tag: "a", status: "BAD"},
		{name: "LITERAL- above 4096", in: "a APPEND INBOX {5000+}\r\n" + strings.Repeat("m", 5000) + "\r\n", minus: true, tag: "a", status: "BAD", code: "TOOBIG"},
		{name: "unskippable literal", in: "a APPEND INBOX {1000+}\r\n", limits: small, tag: "a", status: "NO", code: "TOOBIG", fatal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestReader(tt.in+"z NOOP\r\n", tt.limits)
			r.LiteralMinus = tt.minus
			cmd, err := r.ReadCommand()
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ReadCommand(%q) = %+v, %v; want *Error", tt.in, cmd, err)
			}
			if e.Tag != tt.tag || e.Status != tt.status || e.Code != tt.code || e.Fatal != tt.fatal || !strings.Contains(e.Text, tt.text) {
				t.Errorf("error %+v, want tag %q status %s code %q fatal %v text ~%q", e, tt.tag, tt.status, tt.code, tt.fatal, tt.text)
			}
			if tt.fatal {
				return
			}
			next, err := r.ReadCommand()
			if err != nil || next.Tag != "z" || next.Name != "NOOP" {
				t.Errorf("command after the error: %+v, %v; want z NOOP (resynchronised)", next, err)
			}
		})
	}
}

// A refused synchronising literal must not get a continuation request; an
// accepted one must, before its octets are read; the session may refuse it.
func TestReadCommand_continuation(t *testing.T) {
	small := Limits{MaxLiteral: 20}
	r := newTestReader("a APPEND INBOX {21}\r\nb APPEND INBOX {3}\r\nabc\r\nc LOGIN {1+}\r\nx {1}\r\ny\r\n"+
		"d APPEND INBOX {10}\r\ne NOOP\r\n", small)
	var conts []string
	r.Continue = func(command string, size int64) error {
		conts = append(conts, fmt.Sprint(command, " ", size))
		if size == 10 {
			return &Error{Status: "NO", Code: "OVERQUOTA", Text: "mailbox full"}
		}
		return nil
	}
	if _, err := r.ReadCommand(); err == nil {
		t.Fatal("oversized APPEND accepted")
	}
	if len(conts) != 0 {
		t.Fatalf("continuation sent for a refused literal")
	}
	cmd, err := r.ReadCommand()
	if err != nil || string(cmd.Args.(*Append).Messages[0].Literal) != "abc" {
		t.Fatalf("b: %+v %v", cmd, err)
	}
	cmd, err = r.ReadCommand()
	if err != nil || *cmd.Args.(*Login) != (Login{"x", "y"}) {
		t.Fatalf("c: %+v %v", cmd, err)
	}
	_, err = r.ReadCommand()
	var e *Error
	if !errors.As(err, &e) || e.Tag != "d" || e.Status != "NO" || e.Code != "OVERQUOTA" {
		t.Fatalf("d refused by the session: %v", err)
	}
	cmd, err = r.ReadCommand()
	if err != nil || cmd.Tag != "e" {
		t.Fatalf("e after a refused literal: %+v %v", cmd, err)
	}
	// One continuation per synchronising literal, none for LITERAL+.
	if want := []string{"APPEND 3", "LOGIN 1", "APPEND 10"}; fmt.Sprint(conts) != fmt.Sprint(want) {
		t.Errorf("continuations %q, want %q", conts, want)
	}
	// Any other error from Continue is the connection's: returned as is.
	boom := errors.New("boom")
	r = newTestReader("a LOGIN {1}\r\nx y\r\n", Limits{})
	r.Continue = func(string, int64) error { return boom }
	if _, err := r.ReadCommand(); err != boom {
		t.Fatalf("Continue error: got %v", err)
	}
}

// After STARTTLS the session must see what the client pipelined behind it.
func TestReader_bufferedAfterStartTLS(t *testing.T) {
	r := newTestReader("a STARTTLS\r\nb LOGIN x y\r\n", Limits{})
	if cmd, err := r.ReadCommand(); err != nil || cmd.Name != "STARTTLS" {
		t.Fatalf("%+v %v", cmd, err)
	}
	if n := r.Buffered(); n != len("b LOGIN x y\r\n") {
		t.Errorf("Buffered() = %d: the injected command must be visible", n)
	}
	r.Reset(bufio.NewReader(strings.NewReader("c NOOP\r\n")))
	if cmd, err := r.ReadCommand(); err != nil || cmd.Tag != "c" {
		t.Fatalf("after Reset: %+v %v", cmd, err)
	}
}

func TestError_string(t *testing.T) {
	e := &Error{Tag: "a", Status: "NO", Code: "TOOBIG", Text: "too big"}
	if got := e.Error(); got != "imap wire: a NO [TOOBIG] too big" {
		t.Errorf("Error() = %q", got)
	}
	e = &Error{Status: "BAD", Text: "missing tag"}
	if got := e.Error(); got != "imap wire: * BAD missing tag" {
		t.Errorf("Error() = %q", got)
	}
}

func TestReadDoneAndSASL(t *testing.T) {
	r := newTestReader("done\r\nnope\r\ndGVzdA==\r\n*\r\n", Limits{})
	if err := r.ReadDone(); err != nil {
		t.Errorf("DONE: %v", err)
	}
	if err := r.ReadDone(); err != ErrIdleNotDone {
		t.Errorf("nope: %v, want ErrIdleNotDone", err)
	}
	if resp, c, err := r.ReadSASLResponse(); resp != "dGVzdA==" || c || err != nil {
		t.Errorf("SASL response: %q %v %v", resp, c, err)
	}
	if _, c, err := r.ReadSASLResponse(); !c || err != nil {
		t.Errorf("SASL cancel: %v %v", c, err)
	}
}

// With ReadRefused, a synchronising APPEND literal over the limit gets its
// continuation, is read and dropped, and the command is refused with
// NO [TOOBIG]; the next command is read in step (MULTIAPPEND's further
// messages, sent non-synchronising, are skipped too).
func TestReadCommand_readRefused(t *testing.T) {
	r := newTestReader("a APPEND INBOX {21}\r\n"+strings.Repeat("x", 21)+" {2+}\r\nyy\r\nb NOOP\r\n", Limits{MaxLiteral: 20})
	r.ReadRefused = true
	var conts []int64
	r.Continue = func(_ string, size int64) error { conts = append(conts, size); return nil }
	_, err := r.ReadCommand()
	var e *Error
	if !errors.As(err, &e) || e.Tag != "a" || e.Status != "NO" || e.Code != "TOOBIG" || e.Fatal {
		t.Fatalf("oversized APPEND: %v, want NO [TOOBIG]", err)
	}
	if fmt.Sprint(conts) != "[21]" {
		t.Errorf("continuations %v, want one for the 21 octets", conts)
	}
	if cmd, err := r.ReadCommand(); err != nil || cmd.Tag != "b" || cmd.Name != "NOOP" {
		t.Fatalf("after the refused APPEND: %+v %v, want b NOOP", cmd, err)
	}
}
