package spam

// The Bayesian classifier of issue 18, pure: what it learns from (a
// message's tokens) and how it judges (Robinson's token probabilities
// combined with Fisher's chi-square method, as SpamBayes and
// bogofilter do). Where the counts live — per domain and per user, in
// the store — is the caller's; a Counts answers them.

import (
	"math"
	"sort"
	"strings"

	"postroom/internal/message"
	"postroom/internal/search"
)

// Classifier tuning. Robinson's s and x (the strength and value of the
// prior for a token seen rarely), the least distance from 0.5 a token
// needs to count, and how many of the most telling tokens are combined.
const (
	bayesS        = 1.0
	bayesX        = 0.5
	minDeviation  = 0.1
	maxClues      = 150
	maxTokens     = 3000 // distinct tokens kept of one message
	maxTokenBytes = 40
	// SpamCutoff and HamCutoff split the score: above SpamCutoff spam,
	// below HamCutoff ham, between them unsure (neither moved nor
	// trusted).
	SpamCutoff = 0.9
	HamCutoff  = 0.2
	// MinTrained: below this many trained messages of each kind the
	// classifier says nothing (a score from ten messages is noise).
	MinTrained = 20
)

// MessageTokens are the distinct tokens of a message the classifier
// learns from and judges: the words (and Hangul/CJK bigrams, as search
// indexes them) of the subject, the text and the sender's name and
// address, each subject and address token marked with its field so
// that "free" in a subject and in a body count apart; plus a few
// header facts (HTML only, attachments, the sending domain).
func MessageTokens(m *message.Message, textLimit int) []string {
	seen := map[string]bool{}
	var out []string
	add := func(tok string) {
		if len(out) >= maxTokens || tok == "" || len(tok) > maxTokenBytes || seen[tok] {
			return
		}
		seen[tok] = true
		out = append(out, tok)
	}
	for _, t := range search.Tokens(m.Header.Decoded("Subject")) {
		add("s:" + t)
	}
	for _, a := range m.Header.Addresses("From") {
		addr := strings.ToLower(a.Addr)
		add("f:" + addr)
		if at := strings.LastIndexByte(addr, '@'); at >= 0 {
			add("fd:" + addr[at+1:])
		}
		for _, t := range search.Tokens(a.Name) {
			add("fn:" + t)
		}
	}
	for _, t := range search.Tokens(m.TextPrefix(textLimit)) {
		add(t)
	}
	return out
}

// Counts is what the classifier has learned.
type Counts interface {
	// Trained is how many spam and ham messages were learned.
	Trained() (spam, ham int)
	// Token is how many of the learned spam and ham messages held tok.
	Token(tok string) (spam, ham int)
}

// Verdict is the classifier's judgement of one message.
type Verdict struct {
	Score float64 // 0 (ham) to 1 (spam)
	// Known is false when too little was learned to judge: Score is 0.5.
	Known bool
	// Clues are the tokens that weighed most, strongest first, with
	// their probability: the "why" line.
	Clues []Clue
}

// Clue is one token's weight.
type Clue struct {
	Token string
	Prob  float64
}

// IsSpam and IsHam read the score with the cutoffs.
func (v Verdict) IsSpam() bool { return v.Known && v.Score >= SpamCutoff }
func (v Verdict) IsHam() bool  { return v.Known && v.Score <= HamCutoff }

// Classify judges a message's tokens with what c learned.
func Classify(c Counts, tokens []string) Verdict {
	nspam, nham := c.Trained()
	if nspam < MinTrained || nham < MinTrained {
		return Verdict{Score: 0.5}
	}
	var clues []Clue
	for _, tok := range tokens {
		s, h := c.Token(tok)
		if s+h == 0 {
			continue
		}
		p := tokenProb(s, h, nspam, nham)
		if math.Abs(p-0.5) >= minDeviation {
			clues = append(clues, Clue{Token: tok, Prob: p})
		}
	}
	sort.Slice(clues, func(i, j int) bool {
		di, dj := math.Abs(clues[i].Prob-0.5), math.Abs(clues[j].Prob-0.5)
		if di != dj {
			return di > dj
		}
		return clues[i].Token < clues[j].Token
	})
	if len(clues) > maxClues {
		clues = clues[:maxClues]
	}
	if len(clues) == 0 {
		return Verdict{Score: 0.5, Known: true}
	}
	return Verdict{Score: fisher(clues), Known: true, Clues: clues}
}

// tokenProb is Robinson's f(w): the token's spam probability from its
// counts, pulled toward x when it was seen rarely.
func tokenProb(s, h, nspam, nham int) float64 {
	spamRatio := float64(s) / float64(nspam)
	hamRatio := float64(h) / float64(nham)
	p := spamRatio / (spamRatio + hamRatio)
	n := float64(s + h)
	f := (bayesS*bayesX + n*p) / (bayesS + n)
	// never quite 0 or 1: one token must not decide alone
	return math.Min(math.Max(f, 0.0001), 0.9999)
}

// fisher combines the clues' probabilities (Fisher's method, as
// Robinson proposed): the evidence of spamminess and of hamminess, each
// a chi-square test, and their difference mapped to 0..1.
func fisher(clues []Clue) float64 {
	var lnSpam, lnHam float64
	for _, c := range clues {
		lnSpam += math.Log(1 - c.Prob)
		lnHam += math.Log(c.Prob)
	}
	n := len(clues)
	s := 1 - chi2Q(-2*lnSpam, 2*n)
	h := 1 - chi2Q(-2*lnHam, 2*n)
	return (1 + s - h) / 2
}

// chi2Q is the probability that a chi-square variable with df (even)
// degrees of freedom is at least x2.
func chi2Q(x2 float64, df int) float64 {
	m := x2 / 2
	sum := math.Exp(-m)
	term := sum
	for i := 1; i < df/2; i++ {
		term *= m / float64(i)
		sum += term
	}
	return math.Min(sum, 1)
}
