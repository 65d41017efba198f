package spam

// The score model of the system's verdict (issue 18), in one place: each
// check that fires gives a Signal worth some points, the points add up,
// and a message at or above Threshold is spam. The weights are ours
// (SpamAssassin-like in spirit, not its values) and chosen so that:
//
//   - a certain rule (a block list, DMARC fail with quarantine/reject) is
//     spam alone, whatever else is said (PointsCertain);
//   - a forged sender in one of our own domains from the internet is spam
//     alone, even when the learned filter thinks the text is ham (a
//     phisher copies a colleague's words): 8 - 2.5 >= 5;
//   - the learned filter's spam verdict is spam alone, as before the model
//     existed (PointsLearnedSpam = Threshold);
//   - a weak sign (no Date, no Message-ID, hidden text, one DNS block
//     list) is never spam alone: it takes two or three of them, or one
//     with the learned filter's "probably" (0.7 ... 0.9);
//   - the learned filter's ham verdict takes back some points of the
//     weak signs, never of the strong ones.
//
// The sum is deterministic: signals are added in a fixed order and the
// reasons are listed in the order they were found (strongest kinds first,
// see Assess).

import (
	"fmt"
	"strconv"
	"strings"
)

// Points of each signal and the threshold.
const (
	Threshold = 5.0

	PointsCertain       = 100.0
	PointsForgedSender  = 8.0
	PointsNoDate        = 1.0
	PointsNoMessageID   = 1.0
	PointsHiddenText    = 2.5
	PointsDNSBL         = 3.0 // each list that names the connecting IP
	PointsLearnedSpam   = 5.0 // score >= SpamCutoff
	PointsLearnedLikely = 2.5 // score >= LikelyCutoff
	PointsLearnedHam    = -2.5
	// LikelyCutoff is where the learned filter's "unsure" starts to lean
	// to spam enough to count.
	LikelyCutoff = 0.7
)

// Reason codes: what the store keeps and the webmail translates (a code,
// then ":" and one argument for some). The X-Postroom-Spam field shows
// them in English (Reason.English).
const (
	CodeBlockedSender       = "blocked-sender"        // arg: the list entry
	CodeDomainBlockedSender = "domain-blocked-sender" // arg: the list entry
	CodeBlockedPhrase       = "blocked-phrase"
	CodeDomainBlockedPhrase = "domain-blocked-phrase"
	CodeDMARC               = "dmarc"         // arg: the author domain
	CodeForgedSender        = "forged-sender" // arg: our domain it claims
	CodeNoDate              = "no-date"
	CodeNoMessageID         = "no-message-id"
	CodeHiddenText          = "hidden-text" // arg: how it is hidden
	CodeDNSBL               = "dnsbl"       // arg: the list's zone
	CodeLearned             = "learned"     // arg: the score, "0.97"
	CodeClue                = "clue"        // arg: a word that weighed
)

// Reason is one "why" of a verdict: a code and its argument.
type Reason struct {
	Code string
	Arg  string
}

// String is the stored form: "code" or "code:arg".
func (r Reason) String() string {
	if r.Arg == "" {
		return r.Code
	}
	return r.Code + ":" + r.Arg
}

// ParseReason reads a stored reason. A reason stored before codes
// existed ("learned 0.97") comes back as a code of its own, which the
// webmail shows as it is.
func ParseReason(s string) Reason {
	code, arg, _ := strings.Cut(s, ":")
	return Reason{Code: code, Arg: arg}
}

// English is the reason as the X-Postroom-Spam field writes it.
func (r Reason) English() string {
	var s string
	switch r.Code {
	case CodeBlockedSender:
		s = "blocked sender"
	case CodeDomainBlockedSender:
		s = "domain blocked sender"
	case CodeBlockedPhrase:
		s = "blocked phrase"
	case CodeDomainBlockedPhrase:
		s = "domain blocked phrase"
	case CodeDMARC:
		s = "dmarc fail"
	case CodeForgedSender:
		s = "forged sender of our domain"
	case CodeNoDate:
		s = "no Date"
	case CodeNoMessageID:
		s = "no Message-ID"
	case CodeHiddenText:
		s = "hidden text"
	case CodeDNSBL:
		s = "listed in"
	case CodeLearned:
		s = "learned"
	case CodeClue:
		return r.Arg
	default:
		return r.String()
	}
	if r.Arg != "" {
		s += " " + r.Arg
	}
	return s
}

// Signal is a reason and what it weighs.
type Signal struct {
	Reason Reason
	Points float64
}

// LearnedSignal is the learned filter's part: its points by its score
// (none when it did not judge, or judged 0.2 ... 0.7), and its strongest
// clues that point the same way, at 0 points (they explain, the score
// already counted them).
func LearnedSignal(v Verdict, maxClues int) []Signal {
	if !v.Known {
		return nil
	}
	var pts float64
	switch {
	case v.Score >= SpamCutoff:
		pts = PointsLearnedSpam
	case v.Score >= LikelyCutoff:
		pts = PointsLearnedLikely
	case v.Score <= HamCutoff:
		pts = PointsLearnedHam
	}
	out := []Signal{{Reason{CodeLearned, strconv.FormatFloat(v.Score, 'f', 2, 64)}, pts}}
	spammy := v.Score > 0.5
	seen := map[string]bool{}
	for _, c := range v.Clues {
		if len(out) > maxClues {
			break
		}
		if (c.Prob > 0.5) != spammy {
			continue
		}
		w := clueWord(c.Token)
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, Signal{Reason{CodeClue, w}, 0})
		}
	}
	return out
}

// clueWord is a classifier token as the user reads it: without the mark
// of its field ("s:" subject, "f:" sender ... see MessageTokens).
func clueWord(tok string) string {
	for _, mark := range []string{"s:", "fd:", "fn:", "f:"} {
		if strings.HasPrefix(tok, mark) {
			return tok[len(mark):]
		}
	}
	return tok
}

// Assessment is the signals of a message added up.
type Assessment struct {
	Signals []Signal
	Points  float64
}

// Assess adds the signals up, in the order given.
func Assess(signals ...Signal) Assessment {
	a := Assessment{Signals: signals}
	for _, s := range signals {
		a.Points += s.Points
	}
	return a
}

// IsSpam is the verdict: the points reach the threshold.
func (a Assessment) IsSpam() bool { return a.Points >= Threshold }

// Reasons are the stored reasons, in order.
func (a Assessment) Reasons() []string {
	out := make([]string, 0, len(a.Signals))
	for _, s := range a.Signals {
		out = append(out, s.Reason.String())
	}
	return out
}

// Strongest is the code of the signal with the most points (the first
// of equals), for the metrics; "" when none weighs.
func (a Assessment) Strongest() string {
	best, code := 0.0, ""
	for _, s := range a.Signals {
		if s.Points > best {
			best, code = s.Points, s.Reason.Code
		}
	}
	return code
}

// PointsText is the sum as the X-Postroom-Spam field writes it.
func (a Assessment) PointsText() string { return fmt.Sprintf("%.1f/%.1f", a.Points, Threshold) }
