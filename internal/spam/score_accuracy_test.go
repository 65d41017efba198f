package spam

import (
	"testing"

	"postroom/internal/message"
)

// The whole score model (header sanity + the learned filter, as delivery
// adds them) on the held-out split, against the classifier alone: the
// header checks must not cost precision (no ham pushed over the
// threshold) and keep the classifier's thresholds. The corpus is mail to
// nurisoft.example: its colleagues' messages come from our own side
// (local delivery, no header checks, as delivery does), the rest from
// the internet without a passing SPF or DKIM (the corpus has no
// signatures); the forged-sender cases are in sanity_test.go.
func TestAccuracy_scoreModelOnHeldOutSplit(t *testing.T) {
	c := trainedOnCorpus(t)
	var model, alone confusion
	fired := map[string]int{}
	for _, msg := range loadSplit(t, "test") {
		m := message.Parse(msg.raw)
		v := Classify(c, tokensOf(msg.raw))
		alone.add(msg.isSpam, v)
		froms := m.Header.Addresses("From")
		from := ""
		if len(froms) > 0 {
			from = froms[0].Addr
		}
		var signals []Signal
		if domainOf(from) == "nurisoft.example" {
			fired["(local)"]++
		} else {
			signals = HeaderSanity(SanityInput{Message: m, MailFrom: from, Ours: func(d string) bool { return d == "nurisoft.example" },
				Auth: &AuthResults{SPF: None, SPFDomain: domainOf(from), SPFScope: ScopeMailFrom, DMARC: None, FromDomain: domainOf(from)}})
		}
		for _, s := range signals {
			fired[s.Reason.Code]++
		}
		a := Assess(append(signals, LearnedSignal(v, 5)...)...)
		// the model's verdict as a Verdict for the confusion counts: spam
		// when the points reach the threshold; ham as the classifier said
		mv := Verdict{Known: true, Score: v.Score}
		if a.IsSpam() {
			mv.Score = 1
		} else if mv.Score >= SpamCutoff {
			mv.Score = LikelyCutoff // not flagged
		}
		model.add(msg.isSpam, mv)
	}
	t.Logf("classifier alone: precision %.4f recall %.4f false positives %d", alone.precision(), alone.recall(), alone.fp)
	t.Logf("score model:      precision %.4f recall %.4f false positives %d; header signals fired %v", model.precision(), model.recall(), model.fp, fired)
	if model.fp > alone.fp {
		t.Errorf("the header checks made %d ham spam (the classifier alone: %d)", model.fp, alone.fp)
	}
	if model.precision() < wantPrecision || model.recall() < wantRecall {
		t.Errorf("score model precision %.4f recall %.4f, want at least %.2f and %.2f", model.precision(), model.recall(), wantPrecision, wantRecall)
	}
}
