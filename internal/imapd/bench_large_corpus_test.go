//go:build unix

package imapd

// The messages of the large mailbox (bench_large_test.go): small business
// mail, Korean and English, from a dozen senders over seven years. Every
// message is a pure function of its index, so the benchmarks know what a
// search must find without asking the server.

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime"
	"strings"
	"time"

	"postroom/internal/store"
)

type largeMsg struct {
	raw      string
	subject  string // as decoded
	kim      bool   // From holds "kim", in any case
	tomorrow bool   // the body text holds largeBodyWord
	flags    []string
	date     time.Time // the Date header's instant and the internal date
}

// The MIME shapes of the corpus, by index (largeKind).
const (
	kindPlain = iota
	kindAlternative
	kindAttachment
)

func largeKind(i int) int {
	switch i % 10 {
	case 7, 8:
		return kindAlternative
	case 9:
		return kindAttachment
	}
	return kindPlain
}

// largeSenders: "kim" is in some addresses, in an English name, and
// inside a word (Kimura): SEARCH FROM is a substring match (RFC 3501
// §6.4.4). 김 is Kim in Korean, but a search for "kim" does not find it.
var largeSenders = []struct{ name, addr string }{
	{"김민준", "kim.minjun@hanbit.example"},
	{"이서연", "seoyeon.lee@hanbit.example"},
	{"박지훈", "jhpark@daehan.example"},
	{"최유진", "yujin.choi@daehan.example"},
	{"정하늘", "haneul@saebyeok.example"},
	{"Kim Jisoo", "jisoo@partner.example"},
	{"John Smith", "john.smith@acme.example"},
	{"Emily Clarke", "emily@acme.example"},
	{"강동원", "dw.kang@hanbit.example"},
	{"윤소희", "sohee.yoon@daehan.example"},
	{"Accounts Payable", "ap@vendor.example"},
	{"Hana Kimura", "hkimura@tokyo.example"},
}

// largeMeetings hold 회의 ("meeting"); one subject in twenty is one.
var largeMeetings = []string{"팀 회의 일정", "회의록 공유", "신제품 출시 회의 안건", "월간 전략회의 자료"}

var largeTopics = []string{
	"주간 업무 보고", "견적서 검토 요청", "3분기 매출 자료", "Invoice %d", "Quarterly report",
	"출장 일정 안내", "납품 일정 확인 부탁드립니다", "Meeting notes", "계약서 초안 공유", "휴가 신청",
	"자료 요청", "서버 점검 공지", "Weekly sync", "PO %d confirmation", "교육 신청 안내",
}

var largeWords = []string{"안녕하세요", "요청하신", "자료", "첨부", "드립니다", "확인", "부탁드립니다", "일정", "검토",
	"감사합니다", "내일", "오후", "팀장님", "공유", "please", "find", "attached", "the", "report", "thanks", "by", "Friday"}

// largeBodyWord is the two-syllable Korean word SEARCH BODY looks for
// (내일, "tomorrow"); like every word of largeWords it is in most
// bodies, and inside no other word.
const largeBodyWord = "내일"

var largeZones = []*time.Location{time.FixedZone("", 9*3600), time.FixedZone("", 9*3600), time.FixedZone("", -5*3600), time.UTC}

// largeDate is message i's date: 37 minutes apart plus up to 30 minutes,
// so dates rise with the index, from January 2019 over seven years.
func largeDate(i int) time.Time {
	r := rand.New(rand.NewPCG(uint64(i), 3))
	return time.Date(2019, 1, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*37*time.Minute + time.Duration(r.IntN(1800))*time.Second)
}

func largeBaseSubject(i int) string {
	r := rand.New(rand.NewPCG(uint64(i), 1))
	if r.IntN(20) == 0 {
		return largeMeetings[r.IntN(len(largeMeetings))]
	}
	t := largeTopics[r.IntN(len(largeTopics))]
	if strings.Contains(t, "%d") {
		return fmt.Sprintf(t, 1000+r.IntN(9000))
	}
	return t
}

// largeMessage is message i: one in five a reply to one of the 200 before
// it (In-Reply-To, References, "Re: "), for THREAD; the newest 300 half
// unread, the rest one in fifty.
func largeMessage(i int) largeMsg {
	r := rand.New(rand.NewPCG(uint64(i), 2))
	m := largeMsg{date: largeDate(i), subject: largeBaseSubject(i)}
	s := largeSenders[r.IntN(len(largeSenders))]
	m.kim = strings.Contains(strings.ToLower(s.name+" "+s.addr), "kim")
	parent := -1
	if i > 0 && r.IntN(5) == 0 {
		parent = i - 1 - r.IntN(min(i, 200))
		m.subject = "Re: " + largeBaseSubject(parent)
	}
	if !(i >= largeN-300 && r.IntN(2) == 0) && r.IntN(50) != 0 {
		m.flags = append(m.flags, store.FlagSeen)
	}
	if r.IntN(40) == 0 {
		m.flags = append(m.flags, `\Flagged`)
	}
	if r.IntN(10) == 0 {
		m.flags = append(m.flags, `\Answered`)
	}
	// A quarter of the senders write 8-bit UTF-8 headers (RFC 6532), the
	// rest RFC 2047 encoded words.
	raw8 := r.IntN(4) == 0
	var h strings.Builder
	fmt.Fprintf(&h, "From: %s <%s>\r\n", largeHeaderText(s.name, raw8), s.addr)
	h.WriteString("To: Bob <bob@example.test>\r\n")
	fmt.Fprintf(&h, "Subject: %s\r\n", largeHeaderText(m.subject, raw8))
	fmt.Fprintf(&h, "Date: %s\r\n", m.date.In(largeZones[r.IntN(len(largeZones))]).Format(time.RFC1123Z))
	fmt.Fprintf(&h, "Message-ID: <large.%d@bench.example>\r\n", i)
	if parent >= 0 {
		fmt.Fprintf(&h, "In-Reply-To: <large.%d@bench.example>\r\nReferences: <large.%d@bench.example>\r\n", parent, parent)
	}
	h.WriteString("MIME-Version: 1.0\r\n")
	var text strings.Builder
	for range 3 + r.IntN(4) {
		for range 8 + r.IntN(5) {
			text.WriteString(largeWords[r.IntN(len(largeWords))] + " ")
		}
		text.WriteString("\r\n")
	}
	body := text.String()
	m.tomorrow = strings.Contains(body, largeBodyWord)
	switch largeKind(i) {
	case kindPlain:
		if i%2 == 0 {
			h.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
		} else {
			h.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
			body = wrap76(base64.StdEncoding.EncodeToString([]byte(body)))
		}
		h.WriteString(body)
	case kindAlternative:
		fmt.Fprintf(&h, "Content-Type: multipart/alternative; boundary=\"alt-%d\"\r\n\r\n", i)
		fmt.Fprintf(&h, "--alt-%d\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s", i, body)
		fmt.Fprintf(&h, "--alt-%d\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<p>%s</p>\r\n", i, strings.ReplaceAll(body, "\r\n", "<br>"))
		fmt.Fprintf(&h, "--alt-%d--\r\n", i)
	case kindAttachment:
		pdf := make([]byte, 300)
		for k := range pdf {
			pdf[k] = byte(r.IntN(256))
		}
		fmt.Fprintf(&h, "Content-Type: multipart/mixed; boundary=\"mix-%d\"\r\n\r\n", i)
		fmt.Fprintf(&h, "--mix-%d\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s", i, body)
		fmt.Fprintf(&h, "--mix-%d\r\nContent-Type: application/pdf; name=\"quote-%d.pdf\"\r\nContent-Disposition: attachment; filename=\"quote-%d.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s", i, i, i, wrap76(base64.StdEncoding.EncodeToString(pdf)))
		fmt.Fprintf(&h, "--mix-%d--\r\n", i)
	}
	m.raw = h.String()
	return m
}

// largeHeaderText is s as a header writes it: ASCII as it is, other text
// in 8-bit UTF-8 or as RFC 2047 encoded words.
func largeHeaderText(s string, raw8 bool) string {
	for _, c := range s {
		if c >= 0x80 {
			if raw8 {
				return s
			}
			return mime.BEncoding.Encode("UTF-8", s)
		}
	}
	return s
}
