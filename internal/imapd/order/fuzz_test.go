package order

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzBaseSubject checks that base-subject extraction never panics, gives
// valid UTF-8, and is idempotent: the base subject of a base subject is
// itself and is not a reply or forward (RFC 5256 §2.1's loop runs until
// nothing more can be removed).
//
// Idempotence is checked on the extraction after RFC 2047 decoding
// (baseOfDecoded), and on BaseSubject itself when the result holds no
// "=?": decoding twice is not idempotent by nature ("=?utf-8?q?=3D=3F...?="
// decodes to text that spells another encoded word), and RFC 5256 decodes
// once.
func FuzzBaseSubject(f *testing.F) {
	for _, s := range []string{
		"", "Re: 회의 일정", "RE : x", "[Fwd: Re: 회의 (fwd)]", "[공지] Re[2]: x",
		"=?UTF-8?B?UmU6IO2ajOydmCDsnbzsoJU=?=", "=?euc-kr?B?yLjAxyDAz8Gk?=",
		"x (fwd) (FWD)", "[a][b]", "[fwd:]", "\t re:\r\n fw: y ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		base, _ := BaseSubject(s)
		if !utf8.ValidString(base) {
			t.Fatalf("BaseSubject(%q) = %q: not UTF-8", s, base)
		}
		again, refwd := baseOfDecoded(base)
		if again != base || refwd {
			t.Fatalf("BaseSubject(%q) = %q, but its own base is %q (reply or forward %v)", s, base, again, refwd)
		}
		if !strings.Contains(base, "=?") {
			if again, refwd := BaseSubject(base); again != base || refwd {
				t.Fatalf("BaseSubject(%q) = %q, but BaseSubject of that is %q, %v", s, base, again, refwd)
			}
		}
	})
}
