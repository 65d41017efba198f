package store

import "strings"

// replyPrefixes are the reply and forward markers BaseSubject strips, compared
// case-insensitively: the English ones every client writes, the German "AW"
// (Outlook in German), and the Korean ones of Outlook (회신, 전달) and of
// Korean webmail services (답장).
var replyPrefixes = []string{"re", "fw", "fwd", "aw", "회신", "답장", "전달"}

// BaseSubject returns the subject a thread is recognised by when References
// find nothing (a reply from a client that drops them, a reply filed from
// another system): subject without its leading reply and forward markers
// ("Re:", "FW:", "Fwd:", "AW:", "회신:", "답장:", "전달:", any case, repeated,
// with or without a space before the colon), its white space collapsed to
// single spaces. prefixed reports whether a marker was stripped.
//
// It is deliberately simpler than RFC 5256 §2.1's base subject: "[tags]"
// (mailing-list names) and trailing "(fwd)" stay, so "[list] Re: x" and
// "[list] x" are different subjects, and the case of the text is kept.
func BaseSubject(subject string) (base string, prefixed bool) {
	s := strings.Join(strings.Fields(subject), " ")
	for {
		rest, ok := cutReplyPrefix(s)
		if !ok {
			return s, prefixed
		}
		s, prefixed = rest, true
	}
}

// cutReplyPrefix removes one leading marker and the spaces after it.
func cutReplyPrefix(s string) (string, bool) {
	word, rest, ok := strings.Cut(s, ":")
	if !ok {
		return s, false
	}
	word = strings.TrimSuffix(word, " ") // "RE :" (whitespace is collapsed already)
	for _, p := range replyPrefixes {
		if strings.EqualFold(word, p) {
			return strings.TrimPrefix(rest, " "), true
		}
	}
	return s, false
}
