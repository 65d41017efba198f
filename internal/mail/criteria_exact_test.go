package mail_test

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/korean"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/search"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// exactCorpus are messages for the SEARCH BODY shortcut (search.ExactTerm,
// issue 21): texts that hold 내일 and texts whose index holds its bigram
// while the text does not, in the forms mail takes.
func exactCorpus(t *testing.T) map[string]string {
	t.Helper()
	euckr, err := korean.EUCKR.NewEncoder().String("내일 봐요, 회의실에서")
	if err != nil {
		t.Fatal(err)
	}
	plain := func(subject, body string) string {
		return "Subject: " + subject + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
	}
	html := func(body string) string {
		return "Subject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body + "\r\n"
	}
	attachment := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("내일 binary ", 100_000)))
	return map[string]string{
		"plain":              plain("a", "내일 회의는 10시입니다."),
		"without":            plain("b", "모레 회의"),
		"reversed":           plain("c", "일내 내 일"),
		"line break":         plain("d", "내\r\n일 보자"),
		"html tag inside":    html("<p>내<b>일</b> 회의</p>"),
		"html block apart":   html("<p>내</p><p>일</p>"),
		"quoted-printable":   "Subject: qp\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=EB=82=B4=\r\n=EC=9D=BC =ED=9A=8C=EC=9D=98\r\n",
		"euc-kr base64":      "Subject: euc\r\nContent-Type: text/plain; charset=euc-kr\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString([]byte(euckr)) + "\r\n",
		"compatibility jamo": plain("e", "ㄴㅐ일 ㅋㅋ"),          // NFKC composes ㄴㅐ into 내
		"conjoining jamo":    plain("f", "내이\u11af 보고"),     // 이 + ㄹ jamo is 일 after NFKC
		"jamo after word":    plain("g", "내일\u11a8 보고"),     // holds 내일; NFKC changes nothing, the rule still refuses it
		"halfwidth":          plain("h", "내일 \uffa1\uffc2"), // halfwidth jamo apart from the word
		"circled":            plain("i", "㉮나 내일"),           // holds 내일; ㉮나 makes the mark go
		"variation":          plain("j", "내\ufe00일"),        // the index skips the selector
		"invoice":            plain("k", "Invoice내일 확인"),    // Latin and Hangul together
		"subject only":       plain("내일", "다른 이야기"),
		"meeting room":       plain("l", "회의실 예약 내일"),
		"rooms apart":        plain("m", "의실 그리고 회의"),
		"kanji":              plain("n", "見積書の決裁をお願いします"),
		"big attachment": "Subject: file\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
			"내일 보낼 파일\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=x.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			attachment + "\r\n--b--\r\n",
		"big html":          html(strings.Repeat(`<div class="spacer"></div>`, search.MaxIndexedText/25) + "<p>내일</p>"),
		"cut, word past":    plain("o", strings.Repeat("회의 자료 ", search.MaxIndexedText/14+1000)+"\r\n내일"),
		"cut, word missing": plain("p", strings.Repeat("회의 자료 ", search.MaxIndexedText/14+1000)),
		"indexed before":    plain("q", "내일 출장"),
		"index lies":        plain("r", "모레 출장"),
	}
}

// TestSearchMailbox_exactBodyAnswersWhatTheMatcherAnswers: with the
// shortcut, SEARCH finds exactly what reading every message finds (the
// reference here is strings.Contains over message.Text, lower-cased, as
// the Go matcher compares), for BODY keys alone and with NOT, OR, TEXT,
// flags, UID sets and header keys, on texts the index does not answer
// exactly (which must lack search.ExactTerm and be read), messages
// indexed before the mark (re-indexed here without it) and one whose
// unmarked index holds 내일 while its text does not (it must be read and
// not found). BODY 내일 alone reads exactly the messages the index cannot
// vouch for.
func TestSearchMailbox_exactBodyAnswersWhatTheMatcherAnswers(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	corpus := exactCorpus(t)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range corpus {
			if !yield(n) {
				return
			}
		}
	})
	texts, headers, bodies := map[uint32]string{}, map[uint32]string{}, map[uint32]string{}
	name := map[uint32]string{}
	seen := map[uint32]bool{}
	for i, n := range names {
		raw := corpus[n]
		m := b.Put(bob.ID, "INBOX", raw)
		p := message.Parse([]byte(raw))
		texts[m.UID] = strings.ToLower(p.Text())
		var h strings.Builder
		for _, f := range p.Header.Fields() {
			h.WriteString(strings.ToLower(f.Name+": "+message.DecodeHeader(f.Value)) + "\n")
		}
		headers[m.UID], name[m.UID] = h.String(), n
		idx := mail.IndexText(p)
		switch n {
		case "indexed before":
			idx.Body = strings.TrimSuffix(idx.Body, " "+search.ExactTerm)
			if err := b.Store.SetIndex(b.Ctx, bob.ID, m.ID, idx); err != nil {
				t.Fatal(err)
			}
		case "index lies":
			idx.Body = search.Terms("모레 내일 출장")
			if err := b.Store.SetIndex(b.Ctx, bob.ID, m.ID, idx); err != nil {
				t.Fatal(err)
			}
		}
		bodies[m.UID] = idx.Body
		if i%3 == 0 {
			seen[m.UID] = true
			if _, err := b.Mail.StoreFlags(b.Ctx, actor.System(bob.ID, "test"), in.ID, []uint32{m.UID}, store.FlagsAdd, []string{store.FlagSeen}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The marks the indexer wrote: the rule of search.ExactText, on mail.
	for u, n := range name {
		terms := strings.Split(bodies[u], " ")
		wantExact := !slices.Contains([]string{"compatibility jamo", "conjoining jamo", "jamo after word", "circled", "variation",
			"big html", "cut, word past", "cut, word missing", "indexed before", "index lies"}, n)
		if slices.Contains(terms, search.ExactTerm) != wantExact {
			t.Errorf("%s: marked exact %v, want %v", n, !wantExact, wantExact)
		}
	}
	// the terms written after the appends are read from the files
	// first (index_later.go): counted are the reads of the search alone
	if _, err := b.Mail.IndexWaiting(b.Ctx, actor.User(bob)); err != nil {
		t.Fatal(err)
	}
	counting := &countingBlobs{Store: b.Blobs}
	b.Mail.Blobs = counting
	uids := allUIDs(t, b, bob, in.ID)

	body := func(needle string) func(uint32) bool {
		return func(u uint32) bool { return strings.Contains(texts[u], strings.ToLower(needle)) }
	}
	text := func(needle string) func(uint32) bool {
		return func(u uint32) bool { return body(needle)(u) || strings.Contains(headers[u], strings.ToLower(needle)) }
	}
	and := func(fs ...func(uint32) bool) func(uint32) bool {
		return func(u uint32) bool {
			for _, f := range fs {
				if !f(u) {
					return false
				}
			}
			return true
		}
	}
	not := func(f func(uint32) bool) func(uint32) bool { return func(u uint32) bool { return !f(u) } }
	isSeen := func(u uint32) bool { return seen[u] }
	part := uids[3 : len(uids)-4]
	inPart := func(u uint32) bool { _, ok := slices.BinarySearch(part, u); return ok }
	for _, tc := range []struct {
		name string
		c    mail.Criteria
		want func(uint32) bool
	}{
		{"BODY 내일", mail.Criteria{Body: []string{"내일"}}, body("내일")},
		{"BODY 내일 BODY 회의", mail.Criteria{Body: []string{"내일", "회의"}}, and(body("내일"), body("회의"))},
		{"BODY 회의실", mail.Criteria{Body: []string{"회의실"}}, body("회의실")},
		{"BODY 決裁", mail.Criteria{Body: []string{"決裁"}}, body("決裁")},
		{"BODY 내일 SEEN", mail.Criteria{Body: []string{"내일"}, Flags: []string{store.FlagSeen}}, and(body("내일"), isSeen)},
		{"BODY 내일 UNSEEN", mail.Criteria{Body: []string{"내일"}, NotFlags: []string{store.FlagSeen}}, and(body("내일"), not(isSeen))},
		{"NOT BODY 내일", mail.Criteria{Not: []mail.Criteria{{Body: []string{"내일"}}}}, not(body("내일"))},
		{"OR BODY 내일 BODY 모레", mail.Criteria{Or: [][2]mail.Criteria{{{Body: []string{"내일"}}, {Body: []string{"모레"}}}}},
			func(u uint32) bool { return body("내일")(u) || body("모레")(u) }},
		{"BODY 내일 NOT BODY 회의", mail.Criteria{Body: []string{"내일"}, Not: []mail.Criteria{{Body: []string{"회의"}}}},
			and(body("내일"), not(body("회의")))},
		{"BODY 내일 회의 (a space)", mail.Criteria{Body: []string{"내일 회의"}}, body("내일 회의")},
		{"BODY INVOICE내일 (Latin, case)", mail.Criteria{Body: []string{"INVOICE내일"}}, body("invoice내일")},
		{"BODY 내일 BODY invoice", mail.Criteria{Body: []string{"내일", "invoice"}}, and(body("내일"), body("invoice"))},
		{"TEXT 내일", mail.Criteria{Text: []string{"내일"}}, text("내일")},
		{"BODY 내일 in a UID set", mail.Criteria{Body: []string{"내일"}, UIDs: [][]uint32{part}}, and(body("내일"), inPart)},
		{"BODY 내일 SUBJECT html", mail.Criteria{Body: []string{"내일"}, Header: []mail.HeaderMatch{{Key: "Subject", Value: "html"}}},
			and(body("내일"), func(u uint32) bool { return strings.Contains(headers[u], "subject: html") })},
		{"BODY 내일 LARGER 10000", mail.Criteria{Body: []string{"내일"}, Larger: 10000},
			and(body("내일"), func(u uint32) bool { return len(corpus[name[u]]) > 10000 })},
	} {
		var want []uint32
		for _, u := range uids {
			if tc.want(u) {
				want = append(want, u)
			}
		}
		counting.opens.Store(0)
		got, err := b.Mail.SearchMailbox(b.Ctx, actor.User(bob), in.ID, uids, &tc.c)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v (%s)", tc.name, labels(name, got), labels(name, want), tc.name)
		}
		if tc.name != "BODY 내일" {
			continue
		}
		// Read: the messages whose index holds the bigram, or is cut,
		// and has no mark.
		var read []string
		for _, u := range uids {
			terms := strings.Split(bodies[u], " ")
			if !slices.Contains(terms, search.ExactTerm) && (slices.Contains(terms, "내일") || slices.Contains(terms, search.CutTerm)) {
				read = append(read, name[u])
			}
		}
		if n := counting.opens.Load(); n != int64(len(read)) {
			t.Errorf("BODY 내일 read %d messages, want the %d the index cannot vouch for: %v", n, len(read), read)
		}
	}
}

// labels lists the corpus names of uids, for failure messages.
func labels(name map[uint32]string, uids []uint32) []string {
	var out []string
	for _, u := range uids {
		out = append(out, fmt.Sprintf("%d:%s", u, name[u]))
	}
	return out
}

// The shortcut is taken: a marked index is trusted without reading the
// file. (A message whose file no longer says what was indexed is found
// by its index: what the mark means.) Unmarked, the same index is read
// and the message is not found.
func TestSearchMailbox_exactBodyTrustsTheMark(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	in := inbox(t, b, bob)
	m := b.Put(bob.ID, "INBOX", "Subject: x\r\n\r\n모레 출장\r\n")
	for _, c := range []struct {
		mark   string
		found  bool
		opened int64
	}{{" " + search.ExactTerm, true, 0}, {"", false, 1}} {
		idx := mail.IndexText(message.Parse([]byte("Subject: x\r\n\r\n내일 출장\r\n")))
		idx.Body = strings.TrimSuffix(idx.Body, " "+search.ExactTerm) + c.mark
		if err := b.Store.SetIndex(b.Ctx, bob.ID, m.ID, idx); err != nil {
			t.Fatal(err)
		}
		counting := &countingBlobs{Store: b.Blobs}
		b.Mail.Blobs = counting
		got, err := b.Mail.SearchMailbox(b.Ctx, actor.User(bob), in.ID, []uint32{m.UID}, &mail.Criteria{Body: []string{"내일"}})
		if err != nil {
			t.Fatal(err)
		}
		if (len(got) == 1) != c.found || counting.opens.Load() != c.opened {
			t.Errorf("index %q: found %v after reading %d files, want found %v after %d", idx.Body, got, counting.opens.Load(), c.found, c.opened)
		}
	}
}
