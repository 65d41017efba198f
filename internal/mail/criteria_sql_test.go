package mail_test

import (
	"fmt"
	"math/rand/v2"
	"mime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/korean"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// eucKRWord is s as an RFC 2047 encoded word in EUC-KR (B encoding).
func eucKRWord(t *testing.T, s string) string {
	b, err := korean.EUCKR.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return mime.BEncoding.Encode("EUC-KR", b)
}

// TestSearchMailbox_sqlKeysAgreeWithGoMatcher: SUBJECT/FROM/TO/CC/BCC,
// answered in SQL (store.EnvelopeMatch), find exactly what the Go
// matcher finds on the same messages. The Go matcher is reached through
// NOT NOT key, which SearchMailbox never sends to SQL. The mailbox mixes
// 8-bit UTF-8, EUC-KR encoded words, letters strings.ToLower folds into
// ASCII, LIKE's wildcards, quotes, backslashes, angle brackets and
// several addresses per field; the needles are fixed tricky ones and
// random pieces of the header texts in random case.
func TestSearchMailbox_sqlKeysAgreeWithGoMatcher(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	r := rand.New(rand.NewPCG(21, 6))
	subjects := []string{"주간 회의 안내", "월간 전략회의 자료", "100% done_now", `R&D <draft> "quoted" back\slash`,
		"\u0130stanbul trip", "\u212aelvin scale", "GROSSE \u1e9e STRASSE", "Σίσυφος ΣΑΣ", "Invoice 4711", "Re: 회의록 공유"}
	names := []string{"김민준", "Kim Jisoo", "Hana Kimura", "O'Brien, Pat", "이서연", "\u212aELVIN Park", "\u0130lker", "John \"JJ\" Smith", ""}
	addrs := []string{"kim.minjun@hanbit.example", "jisoo@partner.example", "hkimura@tokyo.example", "pat@obrien.example",
		"seoyeon.lee@hanbit.example", "k@example.org", "ilker@example.tr", "john_smith@acme.example", "100%@odd.example"}
	header := func(korean bool) string {
		s := subjects[r.IntN(len(subjects))]
		if korean && r.IntN(2) == 0 && !strings.ContainsAny(s, "\u0130\u212a\u1e9eΣ") {
			return eucKRWord(t, s)
		}
		if r.IntN(3) == 0 {
			return mime.BEncoding.Encode("UTF-8", s)
		}
		return s
	}
	addrList := func(n int) string {
		var parts []string
		for range n {
			i := r.IntN(len(addrs))
			name := names[r.IntN(len(names))]
			switch {
			case name == "":
				parts = append(parts, addrs[i])
			case strings.ContainsAny(name, `,"`):
				parts = append(parts, `"`+strings.ReplaceAll(name, `"`, `\"`)+`" <`+addrs[i]+`>`)
			case r.IntN(3) == 0:
				parts = append(parts, mime.BEncoding.Encode("UTF-8", name)+" <"+addrs[i]+">")
			default:
				parts = append(parts, name+" <"+addrs[i]+">")
			}
		}
		return strings.Join(parts, ", ")
	}
	var all []uint32
	var texts []string // header texts the random needles are cut from
	for i := range 150 {
		var h strings.Builder
		fmt.Fprintf(&h, "From: %s\r\n", addrList(1+r.IntN(2)))
		if r.IntN(5) != 0 {
			fmt.Fprintf(&h, "To: %s\r\n", addrList(1+r.IntN(3)))
		}
		if r.IntN(3) == 0 {
			fmt.Fprintf(&h, "Cc: %s\r\n", addrList(1+r.IntN(2)))
		}
		if r.IntN(6) == 0 {
			fmt.Fprintf(&h, "Bcc: %s\r\n", addrList(1))
		}
		if r.IntN(15) != 0 {
			fmt.Fprintf(&h, "Subject: %s\r\n", header(true))
		}
		fmt.Fprintf(&h, "Message-ID: <%d@sql.test>\r\n\r\nbody %d\r\n", i, i)
		m := b.Put(bob.ID, "INBOX", h.String())
		if r.IntN(4) == 0 {
			_, err := b.Store.StoreFlags(b.Ctx, bob.ID, m.MailboxID, []uint32{m.UID}, store.FlagsAdd, []string{store.FlagSeen})
			if err != nil {
				t.Fatal(err)
			}
		}
		all = append(all, m.UID)
	}
	texts = append(append(append(texts, subjects...), names...), addrs...)
	needles := []string{"회의", "의 안", "KIM", "kim <", "<kim", "> ", "kelvin", "k", "\u212a", "i̇", "\u0130", "istanbul", "%", "_",
		"100%", "e_n", `"`, `\`, "'", "<", ">", "&", ",", "σας", "ß", "\u1e9e", "@", ".example>", "zzz", " ", "o'brien, pat <",
		// across two addresses of one field: never a match
		"example>kim", "example>hana", "example>김", "examplejisoo", "example>o'brien", "examplekim.minjun", "example100%"}
	for range 150 {
		s := []rune(texts[r.IntN(len(texts))])
		if len(s) == 0 {
			continue
		}
		from := r.IntN(len(s))
		n := string(s[from : from+1+r.IntN(min(len(s)-from, 6))])
		if r.IntN(2) == 0 {
			n = strings.ToUpper(n)
		}
		needles = append(needles, n)
	}
	inbox, err := b.Store.MailboxByName(b.Ctx, bob.ID, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	search := func(c *mail.Criteria) []uint32 {
		got, err := b.Mail.SearchMailbox(b.Ctx, actor.User(bob), inbox.ID, all, c)
		if err != nil {
			t.Fatalf("SearchMailbox(%+v): %v", c, err)
		}
		return got
	}
	found := 0
	for _, key := range []string{"Subject", "FROM", "to", "Cc", "BCC"} {
		for _, n := range needles {
			h := []mail.HeaderMatch{{Key: key, Value: n}}
			sql := search(&mail.Criteria{Header: h})
			goOnly := search(&mail.Criteria{Not: []mail.Criteria{{Not: []mail.Criteria{{Header: h}}}}})
			if !slices.Equal(sql, goOnly) {
				t.Errorf("%s %q: SQL found %v, the Go matcher %v", key, n, sql, goOnly)
			}
			found += len(sql)
			// with a key the rows answer, and a UID range
			some := all[10:120]
			c := mail.Criteria{Header: h, NotFlags: []string{store.FlagSeen}, UIDs: [][]uint32{some}}
			g := mail.Criteria{Not: []mail.Criteria{{Not: []mail.Criteria{{Header: h}}}}, NotFlags: []string{store.FlagSeen}, UIDs: [][]uint32{some}}
			if a, b := search(&c), search(&g); !slices.Equal(a, b) {
				t.Errorf("%s %q UNSEEN in a range: SQL found %v, the Go matcher %v", key, n, a, b)
			}
		}
	}
	if found < 1000 {
		t.Errorf("only %d matches in all: the mailbox does not exercise the keys", found)
	}
}
