package spam

// The classifier measured on a labelled corpus (issue 18: "accuracy is
// measured, not claimed"). testdata/corpus is synthetic, written by
// testdata/gen with a fixed seed; the figures these tests log are the
// ones docs/spam.md reports.

//go:generate go run ./testdata/gen -out testdata/corpus

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"postroom/internal/message"
	"postroom/internal/search"
)

// corpusMessage is one labelled message of a split.
type corpusMessage struct {
	name   string
	raw    []byte
	isSpam bool
	kind   string // the generator's template (X-Corpus-Kind)
}

// loadSplit reads corpus/<split>/{spam,ham}/*.eml in name order.
func loadSplit(tb testing.TB, split string) []corpusMessage {
	tb.Helper()
	msgs, err := readSplit(split)
	if err != nil {
		tb.Fatal(err)
	}
	return msgs
}

func readSplit(split string) ([]corpusMessage, error) {
	var out []corpusMessage
	for _, class := range []string{"spam", "ham"} {
		dir := filepath.Join("testdata", "corpus", split, class)
		names, err := filepath.Glob(filepath.Join(dir, "*.eml"))
		if err != nil || len(names) == 0 {
			return nil, fmt.Errorf("no corpus in %s (go generate ./internal/spam): %v", dir, err)
		}
		slices.Sort(names)
		for _, n := range names {
			raw, err := os.ReadFile(n)
			if err != nil {
				return nil, err
			}
			kind := message.Parse(raw).Header.Decoded("X-Corpus-Kind")
			out = append(out, corpusMessage{name: filepath.ToSlash(n), raw: raw, isSpam: class == "spam", kind: kind})
		}
	}
	return out, nil
}

// tokensOf is what production learns from and judges: the message as
// the store parses it, its text as long as search indexes it.
func tokensOf(raw []byte) []string {
	return MessageTokens(message.Parse(raw), search.MaxIndexedText)
}

func newMemCounts() *memCounts {
	return &memCounts{spam: map[string]int{}, ham: map[string]int{}}
}

// learnTokens adds one message's tokens to c, as the store's TrainBayes
// does for a message not learned before.
func (m *memCounts) learnTokens(tokens []string, isSpam bool) {
	side, n := m.ham, &m.nham
	if isSpam {
		side, n = m.spam, &m.nspam
	}
	for _, t := range tokens {
		side[t]++
	}
	*n++
}

var (
	trainOnce    sync.Once
	trainedSplit *memCounts
	trainErr     error
)

// trainedOnCorpus is the counts learned from the whole train split,
// made once for the tests and benchmarks of this package; they must
// not be trained further (clone them).
func trainedOnCorpus(tb testing.TB) *memCounts {
	tb.Helper()
	trainOnce.Do(func() {
		msgs, err := readSplit("train")
		if err != nil {
			trainErr = err
			return
		}
		c := newMemCounts()
		for _, m := range msgs {
			c.learnTokens(tokensOf(m.raw), m.isSpam)
		}
		trainedSplit = c
	})
	if trainErr != nil {
		tb.Fatal(trainErr)
	}
	return trainedSplit
}

// confusion counts the verdicts on a split. Spam is "flagged" when its
// score reaches SpamCutoff; an unsure verdict is not flagged (it stays
// in the Inbox), so it counts against recall and never as a false
// positive.
type confusion struct {
	tp, fn, fp, tn int // of spam flagged, spam missed, ham flagged, ham kept
	unsureSpam     int // spam neither flagged nor called ham
	unsureHam      int
	hamAsHam       int // ham scored at most HamCutoff
}

// add counts one verdict.
func (c *confusion) add(isSpam bool, v Verdict) {
	switch {
	case isSpam && v.IsSpam():
		c.tp++
	case isSpam:
		c.fn++
		if !v.IsHam() {
			c.unsureSpam++
		}
	case v.IsSpam():
		c.fp++
	default:
		c.tn++
		if v.IsHam() {
			c.hamAsHam++
		} else {
			c.unsureHam++
		}
	}
}

func (c confusion) precision() float64 { return fraction(c.tp, c.tp+c.fp) }
func (c confusion) recall() float64    { return fraction(c.tp, c.tp+c.fn) }
func (c confusion) fpRate() float64    { return fraction(c.fp, c.fp+c.tn) }
func (c confusion) unsure() float64 {
	return fraction(c.unsureSpam+c.unsureHam, c.tp+c.fn+c.fp+c.tn)
}

func fraction(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Thresholds of the held-out split, set below what the classifier
// measures (docs/spam.md) with room for a change of corpus seed, not
// at it: a regression in tokens or combining shows here.
const (
	wantPrecision = 0.98
	wantRecall    = 0.90
	wantMaxFP     = 0.01
	wantMaxUnsure = 0.10
)

func TestAccuracyOnHeldOutSplit(t *testing.T) {
	c := trainedOnCorpus(t)
	test := loadSplit(t, "test")
	// Kinds the train split never showed stand for a new campaign or a
	// new correspondent: their figures are logged apart, as the
	// familiar kinds flatter any classifier.
	trainedKinds := map[string]bool{}
	for _, m := range loadSplit(t, "train") {
		trainedKinds[m.kind] = true
	}
	var m, unseen confusion
	var missed, flagged, unsure []string
	right, total := map[string]int{}, map[string]int{}
	for _, msg := range test {
		v := Classify(c, tokensOf(msg.raw))
		if !v.Known {
			t.Fatalf("%s: not judged after training on %d+%d", msg.name, c.nspam, c.nham)
		}
		if !trainedKinds[msg.kind] {
			unseen.add(msg.isSpam, v)
		}
		total[msg.kind]++
		if v.IsSpam() == msg.isSpam {
			right[msg.kind]++
		}
		m.add(msg.isSpam, v)
		line := fmt.Sprintf("%s (%s) %.3f %v", msg.name, msg.kind, v.Score, topClues(v, 4))
		switch {
		case msg.isSpam && !v.IsSpam():
			missed = append(missed, line)
		case !msg.isSpam && v.IsSpam():
			flagged = append(flagged, line)
		case !msg.isSpam && !v.IsHam():
			unsure = append(unsure, line)
		}
	}
	t.Logf("trained on %d spam + %d ham; tested on %d spam + %d ham", c.nspam, c.nham, m.tp+m.fn, m.fp+m.tn)
	t.Logf("precision %.4f  recall %.4f  false positives %.4f (%d)  unsure %.4f (spam %d, ham %d)  ham called ham %d/%d",
		m.precision(), m.recall(), m.fpRate(), m.fp, m.unsure(), m.unsureSpam, m.unsureHam, m.hamAsHam, m.fp+m.tn)
	t.Logf("kinds not in the train split: precision %.4f  recall %.4f  false positives %.4f  unsure %.4f (%d spam, %d ham)",
		unseen.precision(), unseen.recall(), unseen.fpRate(), unseen.unsure(), unseen.tp+unseen.fn, unseen.fp+unseen.tn)
	for _, k := range slices.Sorted(maps.Keys(total)) {
		t.Logf("  %-18s %3d/%3d right", k, right[k], total[k])
	}
	for _, s := range missed {
		t.Logf("spam not flagged: %s", s)
	}
	for _, s := range unsure {
		t.Logf("ham unsure: %s", s)
	}
	for _, s := range flagged {
		t.Logf("ham flagged: %s", s)
	}
	if m.precision() < wantPrecision {
		t.Errorf("precision %.4f < %.2f", m.precision(), wantPrecision)
	}
	if m.recall() < wantRecall {
		t.Errorf("recall %.4f < %.2f", m.recall(), wantRecall)
	}
	if m.fpRate() > wantMaxFP {
		t.Errorf("false-positive rate %.4f > %.2f", m.fpRate(), wantMaxFP)
	}
	if m.unsure() > wantMaxUnsure {
		t.Errorf("unsure share %.4f > %.2f", m.unsure(), wantMaxUnsure)
	}
}

func topClues(v Verdict, n int) []string {
	var out []string
	for _, c := range v.Clues[:min(n, len(v.Clues))] {
		out = append(out, fmt.Sprintf("%s=%.2f", c.Token, c.Prob))
	}
	return out
}

// The splits hold what the issue asks: enough of each class, mostly
// Korean with English mixed in, each message with its Date and
// Message-ID as mail from the internet has.
func TestCorpusShape(t *testing.T) {
	for split, want := range map[string]int{"train": 300, "test": 150} {
		var spam, ham, korean int
		msgs := loadSplit(t, split)
		for _, m := range msgs {
			if m.isSpam {
				spam++
			} else {
				ham++
			}
			p := message.Parse(m.raw)
			if p.Header.Decoded("Message-ID") == "" || p.Header.Decoded("Date") == "" {
				t.Errorf("%s lacks Message-ID or Date", m.name)
			}
			if strings.ContainsFunc(p.Header.Decoded("Subject")+p.TextPrefix(4096), isHangulSyllable) {
				korean++
			}
		}
		if spam < want || ham < want {
			t.Errorf("%s: %d spam, %d ham; want at least %d of each", split, spam, ham, want)
		}
		// Mostly Korean, with English mixed in.
		if share := fraction(korean, len(msgs)); share < 0.55 || share > 0.85 {
			t.Errorf("%s: Korean share %.2f", split, share)
		}
	}
}

func isHangulSyllable(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 }

// BenchmarkVerdictsCorpus is incoming mail judged with the corpus's
// counts: each message of the test split parsed, tokenized and
// classified, as delivery does (the store's reads apart).
func BenchmarkVerdictsCorpus(b *testing.B) {
	c := trainedOnCorpus(b)
	test := loadSplit(b, "test")
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		v := Classify(c, tokensOf(test[n%len(test)].raw))
		if !v.Known {
			b.Fatal("not judged")
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "verdicts/s")
}

// BenchmarkTrain is messages learned: parsed, tokenized and counted in
// memory (the store's writes apart).
func BenchmarkTrain(b *testing.B) {
	train := loadSplit(b, "train")
	c := newMemCounts()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		m := train[n%len(train)]
		c.learnTokens(tokensOf(m.raw), m.isSpam)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}

// The measure can fail: a filter taught backwards (every label swapped)
// falls below every threshold the held-out test asserts.
func TestAccuracyMeasureFailsBackwardFilter(t *testing.T) {
	c := newMemCounts()
	for _, m := range loadSplit(t, "train") {
		c.learnTokens(tokensOf(m.raw), !m.isSpam)
	}
	var m confusion
	for _, msg := range loadSplit(t, "test") {
		m.add(msg.isSpam, Classify(c, tokensOf(msg.raw)))
	}
	t.Logf("backwards: precision %.4f  recall %.4f  false positives %.4f", m.precision(), m.recall(), m.fpRate())
	if m.precision() >= wantPrecision || m.recall() >= wantRecall || m.fpRate() <= wantMaxFP {
		t.Errorf("a backwards filter passes a threshold: precision %.4f recall %.4f false positives %.4f", m.precision(), m.recall(), m.fpRate())
	}
}
