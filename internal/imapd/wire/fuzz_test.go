package wire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += n
	return n, err
}

var fuzzSeeds = []string{
	"a001 login mrc secret\r\n",
	"A101 LIST \"\" \"\"\r\nA102 LIST \"\" \"&\"\r\n",
	"a CREATE p&AOQA5A-\r\n",
	"a CREATE \"abc\r\nb NOOP\r\n",
	"a APPEND INBOX (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" ~{5}\r\nx\x00y\x00z\r\n",
	"a APPEND INBOX {3+}\r\nabc {2+}\r\nde\r\n",
	"a APPEND Drafts CATENATE (URL \"/x\" TEXT {2}\r\nhi)\r\n",
	"a FETCH 1:* (FLAGS BODY.PEEK[1.2.HEADER.FIELDS (DATE FROM)]<0.7> BINARY.PEEK[1]<0.7> BINARY.SIZE[1])\r\n",
	"s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n",
	"a UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR (FROM x NOT SEEN) NOT OR ON 1-Feb-1994 SENTBEFORE \"5-Mar-2000\" UID 1:* $\r\n",
	"a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n",
	"A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\nA284 THREAD REFERENCES UTF-8 SINCE 5-MAR-2000\r\n",
	"a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)\r\n",
	"B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500 15000,22500)))\r\n",
	"a023 ID (\"name\" \"sodr\" \"os\" NIL)\r\na ENABLE UTF8=ACCEPT\r\n",
	"A01 LIST (SUBSCRIBED) \"\" (\"INBOX\" \"%\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n",
	"t1 CREATE \"Everything\" (USE (\\All))\r\nS SETQUOTA \"\" (STORAGE 510)\r\n",
	"a LOGIN {99999999999+}\r\n",
	"a SEARCH ((((((((((((((((SEEN))))))))))))))))\r\n",
	"a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n",
}

// FuzzReadCommand feeds arbitrary bytes to a Reader with small limits: it
// must not panic, must consume input (or stop with an error) on every
// call, and must not allocate more than the limits allow, whatever sizes
// the literals announce.
func FuzzReadCommand(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), false)
	}
	f.Add([]byte("a LOGIN \"ä\" {1}\r\nx\r\n"), true)
	limits := Limits{MaxLine: 256, MaxStringLiteral: 64, MaxLiteral: 512, MaxAppendTotal: 1024,
		MaxCommand: 2048, MaxDepth: 8, MaxSkip: 4096}
	f.Fuzz(func(t *testing.T, data []byte, utf8Mode bool) {
		cr := &countingReader{r: bytes.NewReader(data)}
		br := bufio.NewReaderSize(cr, 512)
		r := NewReader(br, limits)
		r.UTF8 = utf8Mode
		r.Continue = func(string, int64) error { return nil }
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		consumed := 0
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatalf("%d commands from %d octets: no progress", i, len(data))
			}
			cmd, err := r.ReadCommand()
			now := cr.n - br.Buffered()
			var e *Error
			switch {
			case err == nil:
				if cmd.Tag == "" || cmd.Name == "" {
					t.Fatalf("command without tag or name: %+v", cmd)
				}
				checkCommand(t, cmd, utf8Mode)
			case errors.As(err, &e):
				if e.Status != "BAD" && e.Status != "NO" {
					t.Fatalf("error status %q", e.Status)
				}
			}
			if err != nil && (e == nil || e.Fatal) {
				break
			}
			if now <= consumed {
				t.Fatalf("ReadCommand returned %v, %v without consuming input (at %d)", cmd, err, now)
			}
			consumed = now
		}
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20+uint64(64*len(data)) {
			t.Fatalf("allocated %d octets for %d octets of input", grew, len(data))
		}
	})
}

// checkCommand checks what a parsed command promises: names decoded to
// valid UTF-8, literals within the limits.
func checkCommand(t *testing.T, cmd *Command, utf8Mode bool) {
	t.Helper()
	var names []string
	switch a := cmd.Args.(type) {
	case *Select:
		names = append(names, a.Mailbox)
	case *Create:
		names = append(names, a.Mailbox)
	case *List:
		names = append(names, a.Ref)
		names = append(names, a.Patterns...)
		if len(a.Patterns) == 0 {
			t.Fatalf("LIST without pattern: %+v", a)
		}
	case *Append:
		names = append(names, a.Mailbox)
		if len(a.Messages) == 0 {
			t.Fatalf("APPEND without message")
		}
		for _, m := range a.Messages {
			if len(m.Literal) > 512 {
				t.Fatalf("message of %d octets beyond the limit", len(m.Literal))
			}
			if !m.Binary && bytes.IndexByte(m.Literal, 0) >= 0 {
				t.Fatalf("NUL in a non-binary literal")
			}
		}
	case *Search:
		if a.Key == nil {
			t.Fatalf("SEARCH without key")
		}
	}
	for _, n := range names {
		if !utf8.ValidString(n) {
			t.Fatalf("mailbox name %q is not UTF-8", n)
		}
	}
}

// FuzzMailboxName: decoding what EncodeMailbox wrote gives the name back,
// and DecodeMailbox never accepts what it cannot decode to UTF-8.
func FuzzMailboxName(f *testing.F) {
	for _, s := range []string{"INBOX", "p&AOQA5A-", "&", "&-", "~peter/mail/&U,BTFw-/&ZeVnLIqe-", "보낸편지함", "&2D3eAA-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if dec, err := DecodeMailbox(s); err == nil && !utf8.ValidString(dec) {
			t.Fatalf("DecodeMailbox(%q) = %q: not UTF-8", s, dec)
		}
		if !utf8.ValidString(s) {
			return
		}
		enc := EncodeMailbox(s)
		dec, err := DecodeMailbox(enc)
		if err != nil || dec != s {
			t.Fatalf("DecodeMailbox(EncodeMailbox(%q) = %q) = %q, %v", s, enc, dec, err)
		}
	})
}

// Every truncation of the seed commands, cut and closed with CRLF, is read
// without a panic and answered with a command or a non-fatal BAD/NO.
func TestReadCommand_everyPrefix(t *testing.T) {
	for _, s := range fuzzSeeds {
		first := s[:strings.Index(s, "\n")+1]
		if strings.HasSuffix(strings.TrimRight(first, "\r\n"), "}") {
			continue // a literal follows: its truncations are the fuzzer's
		}
		for n := 0; n < len(first)-2; n++ {
			in := first[:n] + "\r\nz NOOP\r\n"
			r := newTestReader(in, Limits{})
			for i := 0; i < 3; i++ {
				cmd, err := r.ReadCommand()
				if err == io.EOF {
					break
				}
				var e *Error
				if err != nil && (!errors.As(err, &e) || e.Fatal) {
					t.Fatalf("%q: %v", in, err)
				}
				if cmd != nil && cmd.Tag == "z" {
					break
				}
				if i == 2 {
					t.Fatalf("%q: z NOOP never read", in)
				}
			}
		}
	}
}
