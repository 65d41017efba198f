package deliver

import (
	"reflect"
	"testing"

	"postroom/internal/spam"
	"postroom/internal/store"
)

// learnedOnly is Blocked's assessment when only the learned filter spoke.
func learnedOnly(v spam.Verdict) spam.Assessment {
	return spam.Assess(spam.LearnedSignal(v, maxClueReasons)...)
}

// The learned verdict's reasons: its score, then the clues that point
// the verdict's way as words, without their field marks, once each.
func TestVerdictOf_learnedReasons(t *testing.T) {
	learned := spam.Verdict{Score: 0.97, Known: true, Clues: []spam.Clue{
		{Token: "s:무료", Prob: 0.99}, {Token: "회의", Prob: 0.02}, {Token: "무료", Prob: 0.98},
		{Token: "fd:deals.test", Prob: 0.95}, {Token: "대출", Prob: 0.9},
	}}
	got := verdictOf(learnedOnly(learned), learned, false)
	want := &store.SpamVerdict{Verdict: "spam", Score: 0.97, Reasons: []string{"learned:0.97", "clue:무료", "clue:deals.test", "clue:대출"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spam: %+v, want %+v", got, want)
	}
	hamV := spam.Verdict{Score: 0.05, Known: true, Clues: []spam.Clue{{Token: "회의", Prob: 0.02}, {Token: "무료", Prob: 0.9}}}
	ham := verdictOf(learnedOnly(hamV), hamV, false)
	if want := (&store.SpamVerdict{Verdict: "ham", Score: 0.05, Reasons: []string{"learned:0.05", "clue:회의"}}); !reflect.DeepEqual(ham, want) {
		t.Errorf("ham: %+v, want %+v", ham, want)
	}
	if v := verdictOf(learnedOnly(spam.Verdict{Score: 0.5}), spam.Verdict{Score: 0.5}, false); v.Verdict != "ham" || v.Score != 0 || len(v.Reasons) != 0 {
		t.Errorf("nothing applied: %+v", v)
	}
	if f := string(spamField(&store.SpamVerdict{Verdict: "spam", Score: 1, Reasons: []string{"blocked-sender:\"x\"\r\n@y"}})); f != "X-Postroom-Spam: verdict=spam; score=1.00; reasons=\"blocked sender 'x'@y\"\r\n" {
		t.Errorf("field %q", f)
	}
}

// The score model's corners: a forgery of our domain is spam even when
// the learned filter says ham, and its score is then 1 (the checks
// outweighed the filter); weak signs alone are ham, with their reasons
// kept; two weak signs with the filter's "probably" are spam.
func TestVerdictOf_scoreModel(t *testing.T) {
	ham := spam.Verdict{Score: 0.1, Known: true}
	forged := spam.Signal{Reason: spam.Reason{Code: spam.CodeForgedSender, Arg: "example.test"}, Points: spam.PointsForgedSender}
	noDate := spam.Signal{Reason: spam.Reason{Code: spam.CodeNoDate}, Points: spam.PointsNoDate}
	hidden := spam.Signal{Reason: spam.Reason{Code: spam.CodeHiddenText, Arg: "display:none"}, Points: spam.PointsHiddenText}

	a := spam.Assess(append([]spam.Signal{forged}, spam.LearnedSignal(ham, maxClueReasons)...)...)
	if v := verdictOf(a, ham, false); v.Verdict != "spam" || v.Score != 1 || !reflect.DeepEqual(v.Reasons, []string{"forged-sender:example.test", "learned:0.10"}) {
		t.Errorf("forged, learned ham: %+v (points %.1f)", v, a.Points)
	}
	a = spam.Assess(noDate, hidden)
	if v := verdictOf(a, spam.Verdict{}, false); v.Verdict != "ham" || v.Score != 0 || !reflect.DeepEqual(v.Reasons, []string{"no-date", "hidden-text:display:none"}) {
		t.Errorf("weak signs alone: %+v (points %.1f)", v, a.Points)
	}
	likely := spam.Verdict{Score: 0.8, Known: true}
	a = spam.Assess(append([]spam.Signal{noDate, hidden}, spam.LearnedSignal(likely, maxClueReasons)...)...)
	if v := verdictOf(a, likely, false); v.Verdict != "spam" || v.Score != 1 {
		t.Errorf("weak signs and a likely: %+v (points %.1f)", v, a.Points)
	}
	if a.Strongest() != spam.CodeHiddenText {
		t.Errorf("strongest %q, want the hidden text (the first of the 2.5s)", a.Strongest())
	}
}
