package spam

// Training moves a verdict (issue 18): a message of a campaign the
// corpus never showed is unsure, and after the user reports a few like
// it, the next one is spam; a correspondent's mail the filter doubted is
// ham after a few "not spam" reports.

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
)

// clone is a copy of c to train further without touching the shared
// corpus counts.
func (m *memCounts) clone() *memCounts {
	return &memCounts{nspam: m.nspam, nham: m.nham, spam: maps.Clone(m.spam), ham: maps.Clone(m.ham)}
}

// campaignMessages writes messages of one kind: each a few sentences of lines,
// from a sender of its own.
func campaignMessages(r *rand.Rand, n int, from func(i int) string, subjects, lines []string) []string {
	out := make([]string, n)
	for i := range out {
		var body []string
		for _, j := range r.Perm(len(lines))[:3+r.IntN(len(lines)-2)] {
			body = append(body, lines[j])
		}
		out[i] = msg(from(i), subjects[r.IntN(len(subjects))], strings.Join(body, "\r\n\r\n"))
	}
	return out
}

// Lines of a "solar farm investment" campaign and of a trade fair's
// mail: neither is in the generated corpus.
var (
	solarSubjects = []string{"태양광 발전소 분양 안내", "월 수익 보장 태양광 투자", "(광고) 노후 대비 태양광 분양"}
	solarLines    = []string{
		"태양광 발전소 분양으로 매달 안정적인 수익을 받으세요.",
		"한국전력 장기 계약으로 20년 수익이 보장됩니다.",
		"소액 투자도 가능하며 분양 상담은 무료입니다.",
		"분양 설명회 자리가 얼마 남지 않았습니다.",
		"지금 신청하시면 현장 답사 교통비를 지원합니다.",
		"투자 수익률 연 12% 확정, 원금 보장형 상품입니다.",
	}
	fairSubjects = []string{"Hall plan for the Busan Marine Expo", "Exhibitor manual: Busan Marine Expo", "Your stand at the Busan Marine Expo"}
	fairLines    = []string{
		"The hall plan with your stand number is attached.",
		"Stand construction starts two days before opening.",
		"Please send the names of your staff for badges.",
		"Electricity and internet for your stand can be ordered in the exhibitor portal.",
		"Forklift service for heavy exhibits must be booked in advance.",
		"We look forward to welcoming your company to the expo.",
	}
)

func TestTrainingMovesVerdict(t *testing.T) {
	base := trainedOnCorpus(t)
	r := rand.New(rand.NewPCG(18, 1))
	spamFrom := func(i int) string { return fmt.Sprintf("sales%d@solar-%d.example", i, i) }
	hamFrom := func(i int) string { return fmt.Sprintf("staff%d@busan-expo.example", i%3) }

	for _, c := range []struct {
		name          string
		isSpam        bool
		from          func(int) string
		subjects      []string
		lines         []string
		before, after func(Verdict) bool
	}{
		{"reported spam", true, spamFrom, solarSubjects, solarLines,
			func(v Verdict) bool { return !v.IsSpam() }, Verdict.IsSpam},
		{"reported not spam", false, hamFrom, fairSubjects, fairLines,
			func(v Verdict) bool { return !v.IsHam() }, Verdict.IsHam},
	} {
		t.Run(c.name, func(t *testing.T) {
			// The judged message and the ones reported are different
			// messages of the same campaign.
			msgs := campaignMessages(r, 11, c.from, c.subjects, c.lines)
			judged, reported := tokensOf([]byte(msgs[0])), msgs[1:]
			before := Classify(base, judged)
			if !c.before(before) {
				t.Fatalf("before training: score %.3f %v; the case must start undecided", before.Score, topClues(before, 5))
			}
			counts := base.clone()
			var after Verdict
			moved := 0
			for i, raw := range reported {
				counts.learnTokens(tokensOf([]byte(raw)), c.isSpam)
				after = Classify(counts, judged)
				if moved == 0 && c.after(after) {
					moved = i + 1
				}
			}
			t.Logf("score %.3f before, %.3f after %d reports; verdict moved after %d", before.Score, after.Score, len(reported), moved)
			if !c.after(after) {
				t.Errorf("after %d reports: score %.3f %v", len(reported), after.Score, topClues(after, 5))
			}
			// What was learned before is untouched: training is per
			// counts, and the corpus counts are shared.
			if again := Classify(base, judged); again.Score != before.Score {
				t.Errorf("the shared counts changed: %.3f then %.3f", before.Score, again.Score)
			}
		})
	}
}
