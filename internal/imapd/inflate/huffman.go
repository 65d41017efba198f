package inflate

// Canonical Huffman codes (RFC 1951 §3.2.2) as lookup tables.
//
// Invariants: a table is built only from a complete set of code lengths
// (or the one incomplete set the RFC's own examples allow: a single code
// of one bit), so its size is bounded; decoding never consumes bits, it
// only says how many the symbol took, so that a caller can give up and
// retry later without losing its place.

import "fmt"

const (
	maxCodeBits = 15  // RFC 1951 §3.2.7: code lengths are 0..15
	maxSymbols  = 288 // the largest alphabet: fixed literal/length codes
	rootBits    = 9   // the first lookup covers most literal/length codes
	rootSize    = 1 << rootBits

	entryLenMask = 0x1f   // code length (or subtable width for a link)
	entryLink    = 1 << 5 // the entry points to a subtable
	entrySymbol  = 16     // symbol (or subtable offset) in the high bits
)

// huffman decodes one alphabet. An entry is symbol<<16 | length for a
// code of at most rootBits bits, offset<<16 | entryLink | width for a
// subtable of the codes sharing a rootBits prefix; length 0 marks a bit
// pattern that is no code.
type huffman struct {
	table  []uint32 // rootSize entries, then the subtables
	maxLen uint     // the longest code; 0 for an empty alphabet
}

// build makes the table for the code lengths of symbols 0..len(lengths)-1
// (RFC 1951 §3.2.2). An all-zero set is accepted (a block of literals
// only needs no distance code); decoding from it is an error.
func (h *huffman) build(lengths []uint8) error {
	if len(lengths) > maxSymbols {
		return fmt.Errorf("%d symbols in one alphabet, at most %d", len(lengths), maxSymbols)
	}
	var count [maxCodeBits + 1]int
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	h.maxLen = 0
	for l := maxCodeBits; l > 0; l-- {
		if count[l] > 0 {
			h.maxLen = uint(l)
			break
		}
	}
	// Kraft: the codes of each length must fit in what the shorter ones
	// left free; a set that leaves room is incomplete.
	left := 1
	used := 0
	for l := 1; l <= maxCodeBits; l++ {
		left <<= 1
		left -= count[l]
		used += count[l]
		if left < 0 {
			return fmt.Errorf("over-subscribed code lengths (%d codes of %d bits too many)", -left, l)
		}
	}
	if left > 0 && used > 0 && !(used == 1 && h.maxLen == 1) {
		return fmt.Errorf("incomplete set of code lengths (%d codes for %d symbols)", used, len(lengths))
	}

	// The first code of each length (RFC 1951 §3.2.2, step 2).
	var next [maxCodeBits + 2]uint32
	code := uint32(0)
	for l := 1; l <= maxCodeBits; l++ {
		code = (code + uint32(count[l-1])) << 1
		next[l] = code
	}

	// Subtable widths: the longest code behind each root prefix.
	var subWidth [rootSize]uint8
	var codes [maxSymbols]uint32 // bit-reversed codes, LSB first on the wire
	c := next
	for sym, l := range lengths {
		if l == 0 {
			continue
		}
		rev := reverse(c[l], uint(l))
		c[l]++
		codes[sym] = rev
		if l > rootBits {
			p := rev & (rootSize - 1)
			subWidth[p] = max(subWidth[p], l-rootBits)
		}
	}

	h.table = h.table[:0]
	for range rootSize {
		h.table = append(h.table, 0)
	}
	var subOff [rootSize]uint32
	for p, w := range subWidth {
		if w == 0 {
			continue
		}
		subOff[p] = uint32(len(h.table))
		h.table[p] = subOff[p]<<entrySymbol | entryLink | uint32(w)
		for range 1 << w {
			h.table = append(h.table, 0)
		}
	}

	for sym, l := range lengths {
		if l == 0 {
			continue
		}
		rev := codes[sym]
		if l <= rootBits {
			e := uint32(sym)<<entrySymbol | uint32(l)
			for i := rev; i < rootSize; i += 1 << l {
				h.table[i] = e
			}
			continue
		}
		p := rev & (rootSize - 1)
		w := uint32(subWidth[p])
		e := uint32(sym)<<entrySymbol | uint32(l)
		for i := rev >> rootBits; i < 1<<w; i += 1 << (uint32(l) - rootBits) {
			h.table[subOff[p]+i] = e
		}
	}
	return nil
}

// reverse returns the n low bits of code in the opposite order: Huffman
// codes are packed starting with their most significant bit (RFC 1951
// §3.1.1), the bit reader hands out the least significant first.
func reverse(code uint32, n uint) uint32 {
	var r uint32
	for range n {
		r = r<<1 | code&1
		code >>= 1
	}
	return r
}

// peek decodes the symbol at the start of bits, of which avail are real
// (the rest read as zero). It returns the symbol and its code length;
// n == 0 means avail bits are not enough to know, bad that the bits are
// no code at all.
func (h *huffman) peek(bits uint64, avail uint) (sym, n uint, bad bool) {
	e := h.table[bits&(rootSize-1)]
	if e&entryLink != 0 {
		w := e & entryLenMask
		e = h.table[e>>entrySymbol+uint32(bits>>rootBits)&(1<<w-1)]
	}
	n = uint(e & entryLenMask)
	if n == 0 {
		// a pattern no code uses: certain only once every bit of the
		// longest code is real
		return 0, 0, avail >= h.maxLen
	}
	if n > avail {
		return 0, 0, false
	}
	return uint(e >> entrySymbol), n, false
}
