package order

// The base subject of RFC 5256 §2.1, used by SORT SUBJECT and by both
// THREAD algorithms. It differs from store.BaseSubject (the webmail's
// conversation key) on purpose: the RFC strips "[blob]" prefixes, a
// "(fwd)" trailer and "[fwd: ...]" wrappers, and knows only "re", "fw" and
// "fwd"; the store also strips "AW:", "회신:", "답장:" and "전달:". An IMAP
// client compares our answers with its own RFC 5256 code, so this file
// follows the RFC's grammar and nothing else:
//
//	subj-refwd   = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
//	subj-blob    = "[" *BLOBCHAR "]" *WSP     ; BLOBCHAR: any but "[" "]"
//	subj-fwd-hdr = "[fwd:"
//	subj-fwd-trl = "]"
//	subj-leader  = (*subj-blob subj-refwd) / WSP
//	subj-trailer = "(fwd)" / WSP
//
// Literal strings in ABNF are case-insensitive (RFC 5234 §2.3), so "RE:",
// "Fwd:", "(FWD)" and "[FWD:" count as well.

import (
	"strings"

	"postroom/internal/message"
)

// BaseSubject returns the base subject of the Subject header subject
// (RFC 5256 §2.1) and whether the message is a reply or forward: whether
// the extraction removed a subj-refwd, a "(fwd)" trailer or a "[fwd: ...]"
// wrapper (RFC 5256 §2.1, the definition used by THREAD=REFERENCES step 5).
//
// The case of the text is kept; comparisons of base subjects use
// i;ascii-casemap (casemapKey, casemapKeys).
func BaseSubject(subject string) (base string, replyOrForward bool) {
	// Step 1: RFC 2047 encoded words to UTF-8, through the one decoder of
	// the project (which also reads raw CP949 as Korean mailers send it).
	return baseOfDecoded(message.DecodeHeader(subject))
}

// baseOfDecoded runs steps 1 (white space) to 7 of RFC 5256 §2.1 on a
// subject already decoded to UTF-8. It returns a substring of its
// normalised input, so it allocates only when white space needs folding.
func baseOfDecoded(s string) (string, bool) {
	s = foldWSP(s)
	refwd := false
	for {
		// Step 2: remove subj-trailer ("(fwd)" or WSP) until none is left.
		for {
			if n := len(s); n >= 5 && strings.EqualFold(s[n-5:], "(fwd)") {
				s, refwd = s[:n-5], true
			} else if n > 0 && isWSP(s[n-1]) {
				s = s[:n-1]
			} else {
				break
			}
		}
		// Steps 3-5: remove subj-leader; remove a subj-blob prefix when
		// something is left after it; repeat until neither applies.
		for {
			if n, isRefwd := leaderLen(s); n > 0 {
				s = s[n:]
				refwd = refwd || isRefwd
				continue
			}
			if n := blobLen(s); n > 0 && n < len(s) {
				s = s[n:]
				continue
			}
			break
		}
		// Step 6: a whole "[fwd: ...]" wrapper is removed, and the
		// extraction starts again from step 2 on what it wrapped.
		if len(s) >= 6 && strings.EqualFold(s[:5], "[fwd:") && s[len(s)-1] == ']' {
			s, refwd = s[5:len(s)-1], true
			continue
		}
		// Step 7.
		return s, refwd
	}
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' }

// foldWSP is the rest of step 1: tabs and continuations (CRLF followed by
// white space, or a stray CR or LF) become a space, runs of spaces one
// space. Only WSP counts (RFC 5234 §B.1): a Unicode space such as U+3000
// is text, as the RFC's NONWSP says.
func foldWSP(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\t' || c == '\r' || c == '\n' || (c == ' ' && i > 0 && s[i-1] == ' ') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			if !space {
				b = append(b, ' ')
			}
			space = true
			continue
		}
		b = append(b, c)
		space = false
	}
	return string(b)
}

// leaderLen returns the length of the subj-leader at the start of s, 0 when
// there is none, and whether it was a subj-refwd (not just a WSP).
func leaderLen(s string) (int, bool) {
	if s != "" && isWSP(s[0]) {
		return 1, false
	}
	// *subj-blob subj-refwd. A refwd starts with a letter, never with
	// "[", so taking every blob there is loses no match.
	i := 0
	for {
		n := blobLen(s[i:])
		if n == 0 {
			break
		}
		i += n
	}
	if n := refwdLen(s[i:]); n > 0 {
		return i + n, true
	}
	return 0, false
}

// refwdLen returns the length of the subj-refwd at the start of s, or 0.
func refwdLen(s string) int {
	var i int
	switch {
	case len(s) >= 2 && strings.EqualFold(s[:2], "re"):
		i = 2
	case len(s) >= 3 && strings.EqualFold(s[:3], "fwd"):
		i = 3
	case len(s) >= 2 && strings.EqualFold(s[:2], "fw"):
		i = 2
	default:
		return 0
	}
	for i < len(s) && isWSP(s[i]) {
		i++
	}
	i += blobLen(s[i:])
	if i < len(s) && s[i] == ':' {
		return i + 1
	}
	return 0
}

// blobLen returns the length of the subj-blob at the start of s (with the
// white space after it), or 0.
func blobLen(s string) int {
	if s == "" || s[0] != '[' {
		return 0
	}
	end := strings.IndexAny(s[1:], "[]\x00") // BLOBCHAR excludes NUL too
	if end < 0 || s[1+end] != ']' {
		return 0
	}
	i := 1 + end + 1
	for i < len(s) && isWSP(s[i]) {
		i++
	}
	return i
}
