package spam

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"postroom/internal/message"
)

// memCounts is a trained set in memory.
type memCounts struct {
	nspam, nham int
	spam, ham   map[string]int
}

func (m *memCounts) Trained() (int, int) { return m.nspam, m.nham }
func (m *memCounts) Token(t string) (int, int) {
	return m.spam[t], m.ham[t]
}

func (m *memCounts) learn(raw string, isSpam bool) {
	for _, t := range MessageTokens(message.Parse([]byte(raw)), 1<<16) {
		if isSpam {
			m.spam[t]++
		} else {
			m.ham[t]++
		}
	}
	if isSpam {
		m.nspam++
	} else {
		m.nham++
	}
}

func msg(from, subject, body string) string {
	return "From: " + from + "\r\nSubject: " + subject + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
}

func trained() *memCounts {
	c := &memCounts{spam: map[string]int{}, ham: map[string]int{}}
	for i := range 40 {
		c.learn(msg(fmt.Sprintf("promo%d@deals.example", i), "(광고) 무료 대출 상담 "+fmt.Sprint(i),
			"지금 바로 무료 대출 상담! 저금리 대출 승인 보장. 수신거부는 여기를 누르세요. casino bonus free"), true)
		c.learn(msg(fmt.Sprintf("colleague%d@company.kr", i%5), "주간 회의 자료 "+fmt.Sprint(i),
			"안녕하세요, 다음 주 회의 자료와 견적서를 보내드립니다. 검토 부탁드립니다. meeting agenda attached"), false)
	}
	return c
}

func TestClassifyLearnsKoreanAndLatin(t *testing.T) {
	c := trained()
	spam := Classify(c, MessageTokens(message.Parse([]byte(msg("new@other-deals.example", "무료 대출 안내",
		"저금리 대출 승인 보장, 무료 상담 casino"))), 1<<16))
	if !spam.IsSpam() || spam.Score < SpamCutoff {
		t.Errorf("a loan advertisement scored %.3f: %v", spam.Score, spam.Clues[:min(5, len(spam.Clues))])
	}
	ham := Classify(c, MessageTokens(message.Parse([]byte(msg("colleague2@company.kr", "회의 자료 다시 보냅니다",
		"견적서 검토 부탁드립니다. agenda"))), 1<<16))
	if !ham.IsHam() || ham.Score > HamCutoff {
		t.Errorf("a colleague's mail scored %.3f: %v", ham.Score, ham.Clues[:min(5, len(ham.Clues))])
	}
	// The strongest clues explain the verdict: tokens of the spam side.
	top := spam.Clues[0]
	if top.Prob < 0.9 {
		t.Errorf("strongest clue %+v", top)
	}
	var words []string
	for _, cl := range spam.Clues[:5] {
		words = append(words, cl.Token)
	}
	if !slices.ContainsFunc(words, func(w string) bool { return strings.Contains(w, "대출") || strings.Contains(w, "무료") }) {
		t.Errorf("the spam's clues %v name none of its loan words", words)
	}
}

// Until enough of both kinds is learned, nothing is said.
func TestClassifyUntrained(t *testing.T) {
	c := &memCounts{spam: map[string]int{}, ham: map[string]int{}}
	for range MinTrained - 1 {
		c.learn(msg("a@b.example", "무료 대출", "무료 대출"), true)
		c.learn(msg("c@d.example", "회의", "회의"), false)
	}
	v := Classify(c, MessageTokens(message.Parse([]byte(msg("a@b.example", "무료 대출", "무료 대출"))), 1<<16))
	if v.Known || v.IsSpam() || v.Score != 0.5 {
		t.Errorf("with %d of each learned: %+v", MinTrained-1, v)
	}
	// Tokens never seen: known, but undecided.
	v = Classify(trained(), []string{"zzzunseen", "qqqnever"})
	if !v.Known || v.Score != 0.5 || v.IsSpam() || v.IsHam() {
		t.Errorf("unseen tokens: %+v", v)
	}
}

func TestMessageTokensFieldsAndBounds(t *testing.T) {
	m := message.Parse([]byte(msg("\"홍 길동\" <Hong@Example.KR>", "Free 견적서", "free 견적서 body")))
	toks := MessageTokens(m, 1<<16)
	for _, want := range []string{"s:free", "s:견적", "f:hong@example.kr", "fd:example.kr", "fn:길동", "free", "견적", "body"} {
		if !slices.Contains(toks, want) {
			t.Errorf("tokens %q lack %q", toks, want)
		}
	}
	if len(toks) != len(slices.Compact(slices.Sorted(slices.Values(toks)))) {
		t.Errorf("tokens repeat: %q", toks)
	}
	huge := message.Parse([]byte(msg("a@b.example", "x", strings.Repeat("word"+strings.Repeat("x", 3)+" ", 1)+randomWords(10000))))
	if n := len(MessageTokens(huge, 1<<20)); n > maxTokens {
		t.Errorf("%d tokens of one message, at most %d", n, maxTokens)
	}
}

func randomWords(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "w%dx ", i)
	}
	return b.String()
}

// chi2Q against values of the chi-square distribution's upper tail.
func TestChi2Q(t *testing.T) {
	for _, c := range []struct {
		x  float64
		df int
		q  float64
	}{{0, 2, 1}, {2, 2, math.Exp(-1)}, {4, 4, 3 * math.Exp(-2)}, {1000, 10, 0}} {
		if got := chi2Q(c.x, c.df); math.Abs(got-c.q) > 1e-9 {
			t.Errorf("chi2Q(%v, %d) = %v, want %v", c.x, c.df, got, c.q)
		}
	}
}

// BenchmarkVerdict is one incoming message judged: its tokens made and
// classified against a trained set in memory (the store's reads apart).
func BenchmarkVerdict(b *testing.B) {
	c := trained()
	raw := []byte(msg("new@other-deals.example", "무료 대출 안내 (광고)", strings.Repeat("저금리 대출 승인 보장, 무료 상담 casino bonus. 회의 자료 견적서. ", 40)))
	b.ReportAllocs()
	for b.Loop() {
		v := Classify(c, MessageTokens(message.Parse(raw), 1<<16))
		if !v.Known {
			b.Fatal("not judged")
		}
	}
}
