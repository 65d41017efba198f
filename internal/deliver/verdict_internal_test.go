package deliver

import (
	"reflect"
	"testing"

	"postroom/internal/spam"
	"postroom/internal/store"
)

// The learned verdict's reasons: its score, then the clues that point
// the verdict's way as words, without their field marks, once each.
func TestVerdictOf_learnedReasons(t *testing.T) {
	learned := spam.Verdict{Score: 0.97, Known: true, Clues: []spam.Clue{
		{Token: "s:무료", Prob: 0.99}, {Token: "회의", Prob: 0.02}, {Token: "무료", Prob: 0.98},
		{Token: "fd:deals.test", Prob: 0.95}, {Token: "대출", Prob: 0.9},
	}}
	got := verdictOf("learned 0.97", learned)
	want := &store.SpamVerdict{Verdict: "spam", Score: 0.97, Reasons: []string{"learned 0.97", "무료", "deals.test", "대출"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spam: %+v, want %+v", got, want)
	}
	ham := verdictOf("", spam.Verdict{Score: 0.05, Known: true, Clues: []spam.Clue{{Token: "회의", Prob: 0.02}, {Token: "무료", Prob: 0.9}}})
	if want := (&store.SpamVerdict{Verdict: "ham", Score: 0.05, Reasons: []string{"learned 0.05", "회의"}}); !reflect.DeepEqual(ham, want) {
		t.Errorf("ham: %+v, want %+v", ham, want)
	}
	if v := verdictOf("", spam.Verdict{Score: 0.5}); v.Verdict != "ham" || v.Score != 0 || len(v.Reasons) != 0 {
		t.Errorf("nothing applied: %+v", v)
	}
	if f := string(spamField(&store.SpamVerdict{Verdict: "spam", Score: 1, Reasons: []string{"blocked sender \"x\"\r\n@y"}})); f != "X-Postroom-Spam: verdict=spam; score=1.00; reasons=\"blocked sender 'x'@y\"\r\n" {
		t.Errorf("field %q", f)
	}
}
