package loadgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Size is how big the corpus's messages are: a fixed size in bytes, or
// Mixed, a distribution like an office mailbox's.
type Size struct {
	Fixed int  // bytes, when not Mixed
	Mixed bool // log-normal sizes, median 12 KB, mean about 35 KB, 2 KB to 4 MiB
}

// The mixed distribution. The realistic corpus (issue 21) averaged
// 40 KB a message (394 MiB for 10,000): mostly short mail, a tail of
// attachments. A log-normal with these parameters has that shape.
const (
	mixedMedian = 12_000
	mixedSigma  = 1.4
	mixedMin    = 2_000
	mixedMax    = 4 << 20
)

// ParseSize reads "10k", "200k", "2m", "1500" (bytes) or "mixed". k and m
// are powers of 1024, as mail clients count attachment sizes.
func ParseSize(s string) (Size, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "mixed" {
		return Size{Mixed: true}, nil
	}
	mult := 1.0
	switch {
	case strings.HasSuffix(t, "k"):
		mult, t = 1024, strings.TrimSuffix(t, "k")
	case strings.HasSuffix(t, "m"):
		mult, t = 1024*1024, strings.TrimSuffix(t, "m")
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 || f*mult > 1<<30 {
		return Size{}, fmt.Errorf("size %q: want 10k, 200k, 2m, a number of bytes or mixed", s)
	}
	n := int(math.Round(f * mult))
	if n < 1024 {
		// Below this the headers alone are the message; no size can be kept.
		return Size{}, fmt.Errorf("size %q: at least 1k", s)
	}
	return Size{Fixed: n}, nil
}

func (s Size) String() string {
	switch {
	case s.Mixed:
		return "mixed"
	case s.Fixed >= 1<<20 && s.Fixed%(1<<20) == 0:
		return fmt.Sprintf("%dm", s.Fixed>>20)
	case s.Fixed >= 1<<10 && s.Fixed%(1<<10) == 0:
		return fmt.Sprintf("%dk", s.Fixed>>10)
	}
	return strconv.Itoa(s.Fixed)
}

// target is the size of one message, drawn from rng when Mixed.
func (s Size) target(rng *rand.Rand) int {
	if !s.Mixed {
		return s.Fixed
	}
	n := math.Exp(math.Log(mixedMedian) + mixedSigma*rng.NormFloat64())
	return int(min(max(n, mixedMin), mixedMax))
}
