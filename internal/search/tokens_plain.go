package search

// The index form's fast path (issue 21). Most of a Korean or English
// mail body is ASCII and precomposed Hangul syllables: text that NFKC
// leaves as it is, in which nothing combines, and whose only folding is
// ASCII's upper case. Its terms can be written straight from its UTF-8,
// without decoding it to runes, classifying each and encoding the terms
// back: ASCII words are copied lower-cased, and each bigram of a Hangul
// run is six bytes of the text as they are. writeTerms takes such stretches
// this way and gives the rest, from the first other character to the next
// place a chunk may end, to the scanner; the oracle tests hold both to the
// same terms (terms_equal_test.go).

// plainEnd returns where the stretch of plain text that starts at pos
// ends, and stop, how far plain text goes from pos. A stretch is plain
// when all of it is ASCII or Hangul syllables (plainAt) and no address
// can start in it: it holds no '@' and no "://" (findAddresses looks
// nowhere else). It ends where a chunk may (chunkEnd): just after an
// ASCII space, tab or line end that a plain character follows, the first
// such place at least size bytes on, or the end of text. end is pos when
// no such stretch starts at pos.
func plainEnd(text string, pos, size int) (end, stop int) {
	limit := pos + max(size, 1)
	end = pos
	i := pos
	for i < len(text) {
		c, n := text[i], 1
		if c >= 0x80 {
			if _, n = plainAt(text, i); n == 0 {
				break
			}
		} else if c == '@' || c == ':' && i+2 < len(text) && text[i+1] == '/' && text[i+2] == '/' {
			break
		}
		if i > pos && isCutSpace(text[i-1]) {
			// a plain character after the space: nothing here combines
			// with what is before, so a chunk may end before it
			if end = i; end >= limit {
				return end, i
			}
		}
		i += n
	}
	if i == len(text) {
		end = i
	}
	return end, i
}

// isCutSpace reports the ASCII whitespace after which a chunk may end
// (chunkEnd, plainEnd).
func isCutSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// writePlain writes the terms of t, a stretch that plainEnd found, as
// scanChunk would write those of its runes.
func (s *scanner) writePlain(t string) {
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case isASCIIWord(c):
			j := i + 1
			for j < len(t) && isASCIIWord(t[j]) {
				j++
			}
			s.open()
			for _, c := range []byte(t[i:min(j, i+maxWordRunes)]) {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				s.out = append(s.out, c)
			}
			i = j
		case c >= 0x80:
			// A run of Hangul syllables, three bytes each: its bigrams,
			// then its last syllable alone.
			j := i + 3
			for j < len(t) && t[j] >= 0x80 {
				j += 3
			}
			for k := i; k+3 < j; k += 3 {
				s.open()
				s.out = append(s.out, t[k:k+6]...)
			}
			s.open()
			s.out = append(s.out, t[j-3:j]...)
			i = j
		default:
			i++ // a separator
		}
	}
}

// isASCIIWord reports the ASCII bytes that classOf makes part of a word
// (before or after folding).
func isASCIIWord(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
