package inflate

// The block decoder (RFC 1951 §3.2.3-§3.2.7) as a machine of small steps.
//
// Invariant: a step either finishes a unit of work and consumes its bits,
// or returns errNeedInput having consumed nothing. A unit is never larger
// than 48 bits (a length code, its extra bits, a distance code and its
// extra bits), so the 64-bit buffer always has room for it. That is what
// lets the Reader stop at any point to hand out what it has decoded,
// instead of waiting on the socket for the rest of a block.

import "io"

// state is where the decoder is in the stream.
type state uint8

const (
	stHeader       state = iota // BFINAL and BTYPE
	stStoredHeader              // LEN and NLEN
	stStored                    // the bytes of a stored block
	stDynCounts                 // HLIT, HDIST, HCLEN
	stDynCodeLens               // the code length code's lengths
	stDynLens                   // the literal/length and distance code lengths
	stData                      // Huffman-coded literals and back-references
	stDone                      // after the final block
)

func (s state) String() string {
	switch s {
	case stHeader:
		return "block header"
	case stStoredHeader:
		return "stored block header"
	case stStored:
		return "stored block"
	case stDynCounts, stDynCodeLens, stDynLens:
		return "dynamic Huffman block header"
	case stData:
		return "Huffman-coded data"
	default:
		return "end of stream"
	}
}

// dynHeader is the part of a dynamic block header read so far.
type dynHeader struct {
	nlit, ndist, nclen int
	i                  int // the next length to read
	clens              [19]uint8
	lens               [maxLitLen + maxDist]uint8
	codeLen            huffman
}

const (
	maxLitLen = 286 // RFC 1951 §3.2.5: literal/length symbols 0..285
	maxDist   = 30  // distance symbols 0..29
)

// clenOrder is the order of the code length code's lengths (RFC 1951
// §3.2.7).
var clenOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// baseExtra is a length or distance symbol's base value and extra bits.
type baseExtra struct {
	base  uint16
	extra uint8
}

// lengthCodes (symbols 257..285) and distCodes (0..29), RFC 1951 §3.2.5.
var (
	lengthCodes [maxLitLen - 257]baseExtra
	distCodes   [maxDist]baseExtra
	fixedLit    huffman
	fixedDist   huffman
)

func init() {
	base := uint16(3)
	for i := range lengthCodes {
		extra := uint8(0)
		if i >= 8 {
			extra = uint8((i - 4) / 4)
		}
		lengthCodes[i] = baseExtra{base, extra}
		base += 1 << extra
	}
	lengthCodes[len(lengthCodes)-1] = baseExtra{258, 0} // 284's range stops at 257; 285 is 258
	base = 1
	for i := range distCodes {
		extra := uint8(0)
		if i >= 2 {
			extra = uint8(i/2 - 1)
		}
		distCodes[i] = baseExtra{base, extra}
		base += 1 << extra
	}

	// RFC 1951 §3.2.6: the fixed codes, with the two literal/length and
	// two distance symbols that are never used.
	var lit [288]uint8
	for i := range lit {
		switch {
		case i < 144:
			lit[i] = 8
		case i < 256:
			lit[i] = 9
		case i < 280:
			lit[i] = 7
		default:
			lit[i] = 8
		}
	}
	var dist [32]uint8
	for i := range dist {
		dist[i] = 5
	}
	if err := fixedLit.build(lit[:]); err != nil {
		panic("inflate: fixed literal/length code: " + err.Error()) // the RFC's table, not input
	}
	if err := fixedDist.build(dist[:]); err != nil {
		panic("inflate: fixed distance code: " + err.Error())
	}
}

// step runs one step of the machine.
func (z *Reader) step() error {
	switch z.state {
	case stHeader: // RFC 1951 §3.2.3
		if z.nbits < 3 {
			return errNeedInput
		}
		z.final = z.bits&1 == 1
		typ := z.bits >> 1 & 3
		switch typ {
		case 0:
			z.state = stStoredHeader
		case 1:
			z.litLen, z.dist = &fixedLit, &fixedDist
			z.state = stData
		case 2:
			z.state = stDynCounts
		default:
			return z.corrupt("block type 3 is reserved")
		}
		z.consume(3)
	case stStoredHeader: // RFC 1951 §3.2.4
		z.consume(z.nbits % 8) // the rest of the byte the header ended in
		if z.nbits < 32 {
			return errNeedInput
		}
		n, nn := z.bits&0xffff, z.bits>>16&0xffff
		if n != ^nn&0xffff {
			return z.corrupt("length %d does not match its complement %d", n, nn)
		}
		z.consume(32)
		z.stored = int(n)
		z.state = stStored
	case stStored:
		return z.copyStored()
	case stDynCounts: // RFC 1951 §3.2.7
		if z.nbits < 14 {
			return errNeedInput
		}
		d := &z.dyn
		d.nlit = int(z.bits&31) + 257
		d.ndist = int(z.bits>>5&31) + 1
		d.nclen = int(z.bits>>10&15) + 4
		if d.nlit > maxLitLen {
			return z.corrupt("%d literal/length codes, at most %d", d.nlit, maxLitLen)
		}
		if d.ndist > maxDist {
			return z.corrupt("%d distance codes, at most %d", d.ndist, maxDist)
		}
		z.consume(14)
		d.i = 0
		d.clens = [19]uint8{}
		z.state = stDynCodeLens
	case stDynCodeLens:
		d := &z.dyn
		for ; d.i < d.nclen; d.i++ {
			if z.nbits < 3 {
				return errNeedInput
			}
			d.clens[clenOrder[d.i]] = uint8(z.bits & 7)
			z.consume(3)
		}
		if err := d.codeLen.build(d.clens[:]); err != nil {
			return z.corrupt("code length code: %v", err)
		}
		d.i = 0
		z.state = stDynLens
	case stDynLens:
		return z.readLengths()
	case stData:
		return z.decodeData()
	case stDone:
		return io.EOF
	}
	return nil
}

// readLengths reads the code lengths of both alphabets, one symbol (and
// its repeat count) at a time, then builds their tables.
func (z *Reader) readLengths() error {
	d := &z.dyn
	total := d.nlit + d.ndist
	for d.i < total {
		sym, n, bad := d.codeLen.peek(z.bits, z.nbits)
		if bad {
			return z.corrupt("invalid code length code")
		}
		if n == 0 {
			return errNeedInput
		}
		if sym < 16 {
			d.lens[d.i] = uint8(sym)
			d.i++
			z.consume(n)
			continue
		}
		var extra, repeat uint
		var value uint8
		switch sym {
		case 16: // the previous length, 3..6 times
			if d.i == 0 {
				return z.corrupt("repeat of the previous code length before the first")
			}
			extra, repeat, value = 2, 3, d.lens[d.i-1]
		case 17: // zero, 3..10 times
			extra, repeat = 3, 3
		default: // 18: zero, 11..138 times
			extra, repeat = 7, 11
		}
		if z.nbits < n+extra {
			return errNeedInput
		}
		repeat += uint(z.bits>>n) & (1<<extra - 1)
		if d.i+int(repeat) > total {
			return z.corrupt("code lengths repeated past the last symbol (%d + %d > %d)", d.i, repeat, total)
		}
		z.consume(n + extra)
		for range repeat {
			d.lens[d.i] = value
			d.i++
		}
	}
	if d.lens[256] == 0 {
		return z.corrupt("no end-of-block code")
	}
	if err := z.dynLit.build(d.lens[:d.nlit]); err != nil {
		return z.corrupt("literal/length code: %v", err)
	}
	if err := z.dynDist.build(d.lens[d.nlit:total]); err != nil {
		return z.corrupt("distance code: %v", err)
	}
	z.litLen, z.dist = &z.dynLit, &z.dynDist
	z.state = stData
	return nil
}

// endBlock moves on after a block: to the next header, or to the end.
func (z *Reader) endBlock() error {
	if z.final {
		z.state = stDone
		return io.EOF
	}
	z.state = stHeader
	return nil
}

// copyStored copies a stored block's bytes into the window: first those
// already in the bit buffer, then those buffered from the input.
func (z *Reader) copyStored() error {
	for z.stored > 0 {
		room := maxPending - int(z.wpos-z.rpos)
		if room <= 0 {
			return nil // the caller reads first
		}
		if z.nbits >= 8 {
			z.window[z.wpos&windowMask] = byte(z.bits)
			z.consume(8)
			z.wpos++
			z.stored--
			continue
		}
		dst := int(z.wpos & windowMask)
		n := min(z.stored, room, windowSize-dst)
		if b := z.src.Buffered(); b > 0 {
			n = min(n, b) // does not block
		} else if z.wpos > z.rpos {
			return errNeedInput // the caller first
		}
		// with nothing for the caller a read may wait; a large one goes
		// straight from the connection into the window
		c, err := z.src.Read(z.window[dst : dst+n])
		z.consumed += int64(c)
		z.wpos += int64(c)
		z.stored -= c
		if err != nil && c == 0 {
			return z.inputError(err)
		}
	}
	return z.endBlock()
}

// decodeData decodes literals and back-references until the block ends,
// the window is full of unread bytes, or the input runs out.
func (z *Reader) decodeData() error {
	for z.wpos-z.rpos <= maxPending-maxMatch {
		if z.nbits < 48 {
			z.refill()
		}
		sym, n, bad := z.litLen.peek(z.bits, z.nbits)
		if bad {
			return z.corrupt("invalid literal/length code")
		}
		if n == 0 {
			return errNeedInput
		}
		if sym < 256 {
			z.window[z.wpos&windowMask] = byte(sym)
			z.wpos++
			z.consume(n)
			continue
		}
		if sym == 256 {
			z.consume(n)
			return z.endBlock()
		}
		if sym >= maxLitLen {
			return z.corrupt("literal/length symbol %d is reserved", sym)
		}
		lc := lengthCodes[sym-257]
		used := n + uint(lc.extra)
		if z.nbits < used {
			return errNeedInput
		}
		length := int(lc.base) + int(z.bits>>n&(1<<lc.extra-1))
		dsym, dn, bad := z.dist.peek(z.bits>>used, z.nbits-used)
		if bad {
			return z.corrupt("invalid distance code")
		}
		if dn == 0 {
			return errNeedInput
		}
		if dsym >= maxDist {
			return z.corrupt("distance symbol %d is reserved", dsym)
		}
		dc := distCodes[dsym]
		if z.nbits < used+dn+uint(dc.extra) {
			return errNeedInput
		}
		dist := int64(dc.base) + int64(z.bits>>(used+dn)&(1<<dc.extra-1))
		if dist > z.wpos {
			return z.corrupt("distance %d reaches before the start of the output (%d bytes)", dist, z.wpos)
		}
		z.consume(used + dn + uint(dc.extra))
		z.copyBack(int(dist), length)
	}
	return nil
}

// copyBack appends length bytes starting dist bytes back (RFC 1951
// §3.2.3): a source that overlaps the destination repeats itself.
func (z *Reader) copyBack(dist, length int) {
	w := &z.window
	dst := int(z.wpos & windowMask)
	src := int((z.wpos - int64(dist)) & windowMask)
	z.wpos += int64(length)
	switch {
	case dst+length > windowSize || src+length > windowSize:
		// wraps around the window: byte by byte
		for i := range length {
			w[(dst+i)&windowMask] = w[(src+i)&windowMask]
		}
		return
	case src > dst || dist >= length:
		// apart (a source after the destination is a whole window
		// minus dist ahead, more than any length)
		copy(w[dst:dst+length], w[src:src+length])
		return
	}
	// overlapping: each copy doubles the stretch it can copy from
	for done := 0; done < length; {
		done += copy(w[dst+done:dst+length], w[src:dst+done])
	}
}
