package main

// Made-up people, companies and addresses. Names are random pairings of
// common syllables; every domain is under .example (RFC 2606), so no
// address here can reach anyone.

import (
	"fmt"
	"strings"
)

var (
	koSurnames = []string{"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍"}
	koGiven    = []string{"민", "서", "준", "지", "현", "우", "예", "도", "하", "윤", "수", "영", "진", "호", "성", "은", "혜", "경", "태", "동", "재", "유", "소", "승"}
	koRomaji   = map[string]string{"김": "kim", "이": "lee", "박": "park", "최": "choi", "정": "jung", "강": "kang", "조": "cho", "윤": "yoon", "장": "jang", "임": "lim", "한": "han", "오": "oh", "서": "seo", "신": "shin", "권": "kwon", "황": "hwang", "안": "ahn", "송": "song", "류": "ryu", "홍": "hong"}
	koTitles   = []string{"사원", "주임", "대리", "과장", "차장", "부장", "팀장", "이사"}
	koTeams    = []string{"영업팀", "구매팀", "재무팀", "개발팀", "인사팀", "총무팀", "기획팀", "품질관리팀", "해외사업팀"}

	enFirst = []string{"Alex", "Jordan", "Morgan", "Taylor", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Parker", "Rowan", "Hayden", "Emerson", "Dana", "Robin", "Sasha"}
	enLast  = []string{"Hartley", "Penrose", "Calder", "Whitmore", "Ashby", "Fenwick", "Lowell", "Marsh", "Tennant", "Bramley", "Okafor", "Lindqvist", "Moreau", "Castell"}

	// our is the company whose users receive the corpus.
	ourDomain = "nurisoft.example"
	ourName   = "누리소프트"
)

// company is a business partner that writes to us again and again.
type company struct {
	name, domain string
	english      bool
}

var partners = []company{
	{"한빛테크", "hanbit-tech.example", false},
	{"대양무역", "daeyang-trade.example", false},
	{"세진정밀", "sejin-precision.example", false},
	{"푸른물류", "pureun-logis.example", false},
	{"미래회계법인", "mirae-cpa.example", false},
	{"청솔인쇄", "chungsol-print.example", false},
	{"다온건설", "daon-const.example", false},
	{"Northwind Components", "northwind-parts.example", true},
	{"Bluefin Logistics", "bluefin-logistics.example", true},
	{"Kestrel Systems", "kestrel-sys.example", true},
	{"Alder & Grey LLP", "aldergrey.example", true},
}

// freemail is used by spammers and by real people alike: its domain
// token must not decide.
const freemail = "mailbox.example"

type person struct {
	name, addr string
	korean     bool
}

func (g *gen) koName() string {
	return g.pick(koSurnames) + g.pick(koGiven) + g.pick(koGiven)
}

func (g *gen) koPerson(domain string) person {
	s := g.pick(koSurnames)
	given := g.pick(koGiven) + g.pick(koGiven)
	local := fmt.Sprintf("%s.%s%d", koRomaji[s], romanGiven(given), g.r.IntN(90)+10)
	return person{s + given, strings.ToLower(local) + "@" + domain, true}
}

func (g *gen) enPerson(domain string) person {
	f, l := g.pick(enFirst), g.pick(enLast)
	return person{f + " " + l, strings.ToLower(f[:1]+l) + "@" + domain, false}
}

// romanGiven spells a given name in Latin letters, roughly.
func romanGiven(s string) string {
	roman := map[rune]string{'민': "min", '서': "seo", '준': "jun", '지': "ji", '현': "hyun", '우': "woo", '예': "ye", '도': "do", '하': "ha", '윤': "yun", '수': "su", '영': "young", '진': "jin", '호': "ho", '성': "sung", '은': "eun", '혜': "hye", '경': "kyung", '태': "tae", '동': "dong", '재': "jae", '유': "yu", '소': "so", '승': "seung"}
	var b strings.Builder
	for _, r := range s {
		b.WriteString(roman[r])
	}
	return b.String()
}

// us is one of our users, the recipient.
func (g *gen) us() person { return g.koPerson(ourDomain) }

func addrLine(p person) string {
	if p.name == "" {
		return "<" + p.addr + ">"
	}
	return encodeWord(p.name, true) + " <" + p.addr + ">"
}

// spamDomain is a throwaway sending domain: random letters and a
// salesy word, never the same twice.
func (g *gen) spamDomain() string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b strings.Builder
	for range 4 + g.r.IntN(5) {
		b.WriteByte(letters[g.r.IntN(len(letters))])
	}
	words := []string{"mail", "send", "notice", "promo", "info", "center", "service", "news", "biz", "go"}
	return b.String() + "-" + g.pick(words) + ".example"
}

func (g *gen) num(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func (g *gen) won() string {
	n := g.num(12, 980) * 10000
	return commas(n) + "원"
}

func commas(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func (g *gen) phone() string {
	return fmt.Sprintf("010-%04d-%04d", g.num(1000, 9999), g.num(1000, 9999))
}

func (g *gen) koDate() string {
	return fmt.Sprintf("%d월 %d일", g.num(3, 6), g.num(1, 28))
}

func (g *gen) enDate() string {
	months := []string{"March", "April", "May", "June"}
	return fmt.Sprintf("%s %d", g.pick(months), g.num(1, 28))
}

// link is a URL under a domain with a random path.
func (g *gen) link(domain string) string {
	paths := []string{"event", "view", "login", "verify", "track", "promo", "notice", "board", "article", "go", "c", "r"}
	return fmt.Sprintf("https://%s/%s/%d", domain, g.pick(paths), g.num(1000, 99999))
}
