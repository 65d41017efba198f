package order

// The "i;ascii-casemap" collation (RFC 4790 §9.2), which RFC 5256 requires
// of SORT and THREAD at I18NLEVEL=1 (RFC 5255 §4.2): map the ASCII letters
// a-z to upper case, then compare octet by octet.
//
// On Korean text: the strings here are UTF-8, and UTF-8 octet order is
// Unicode code point order. Precomposed Hangul syllables (U+AC00-U+D7A3)
// are laid out in Unicode in dictionary order (initial consonant, then
// vowel, then final consonant: 가 < 각 < 나 < 다 ... < 힣), so names and
// subjects written in precomposed Hangul sort among themselves as a Korean
// reader expects (김 < 박 < 이 < 최), all after ASCII and Latin text. What
// it does not do: Hangul written as conjoining jamo (U+1100-U+11FF, rare in
// mail, produced by NFD normalisation) sorts apart from the same syllables
// precomposed, and Hanja (漢字) names sort by code point, not by reading.
// A locale-aware order is I18NLEVEL=2 (RFC 5255 §4.3) and is not done here.

// upper maps an ASCII lower-case letter to upper case and leaves every
// other octet, including each octet of a multi-byte UTF-8 sequence, as is.
func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// casemapKey returns s mapped under i;ascii-casemap, for use as a map key
// where subjects that compare equal must meet (the subject tables of
// THREAD). It returns s itself when no letter needs mapping.
func casemapKey(s string) string {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = upper(b[j])
			}
			return string(b)
		}
	}
	return s
}

// casemapKeys maps every string of vals under i;ascii-casemap, in place,
// and returns vals. The results share one backing string, so that the
// keys of a whole mailbox cost one allocation, not one each, and compare
// afterwards with plain octet comparison (strings.Compare).
func casemapKeys(vals []string) []string {
	n := 0
	for _, v := range vals {
		n += len(v)
	}
	arena := make([]byte, 0, n)
	for _, v := range vals {
		for j := 0; j < len(v); j++ {
			arena = append(arena, upper(v[j]))
		}
	}
	all := string(arena)
	start := 0
	for i, v := range vals {
		vals[i] = all[start : start+len(v)]
		start += len(v)
	}
	return vals
}
