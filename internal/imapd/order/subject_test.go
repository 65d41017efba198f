package order

import (
	"strings"
	"testing"
)

// Cases from the grammar and steps of RFC 5256 §2.1, with the Korean
// subjects Postroom's users write.
func TestBaseSubject(t *testing.T) {
	tests := []struct {
		name, in, base string
		refwd          bool
	}{
		{"plain", "회의 일정", "회의 일정", false},
		{"empty", "", "", false},
		{"only spaces", "  \t ", "", false},
		{"re", "Re: 회의 일정", "회의 일정", true},
		{"RE space colon", "RE : 회의 일정", "회의 일정", true},
		{"re no space", "re:회의", "회의", true},
		{"fw", "FW: 견적서", "견적서", true},
		{"fwd any case", "fWd: 견적서", "견적서", true},
		{"fwd space colon", "Fwd : 견적서", "견적서", true},
		{"re with blob count", "Re[2]: 회의", "회의", true},
		{"re with spaced blob", "Re [2] : 회의", "회의", true},
		{"repeated leaders", "Re: RE: Fwd: re: 회의", "회의", true},
		{"fwd wrapper", "[Fwd: 회의 일정]", "회의 일정", true},
		{"FWD wrapper upper", "[FWD: 회의 일정]", "회의 일정", true},
		{"fwd trailer", "회의 일정 (fwd)", "회의 일정", true},
		{"fwd trailer upper", "회의 일정 (FWD)", "회의 일정", true},
		{"trailers repeated", "회의 (fwd) (fwd)  ", "회의", true},
		{"nested wrappers", "Re: [Fwd: Re: 회의 일정 (fwd)]", "회의 일정", true},
		{"wrapper in wrapper", "[Fwd: [Fwd: 회의]]", "회의", true},
		{"empty wrapper", "[Fwd: ]", "", true},
		{"blob then re", "[공지] Re: 회의", "회의", true},
		{"blobs then re", "[공지][팀] RE: 회의", "회의", true},
		{"blob alone kept", "[공지]", "[공지]", false},
		{"blob removed when text follows", "[공지] 회의", "회의", false},
		{"two blobs keep the last", "[공지] [팀]", "[팀]", false},
		{"wrapper not at end", "[Fwd: a] b", "b", false},
		{"text before wrapper", "a [Fwd: b]", "a [Fwd: b]", false},
		{"Korean markers are not RFC 5256", "회신: 회의", "회신: 회의", false},
		{"AW is not RFC 5256", "AW: Termin", "AW: Termin", false},
		{"reply is a word", "Reply: x", "Reply: x", false},
		{"re is a word", "Regarding: x", "Regarding: x", false},
		{"re without colon", "Re 회의", "Re 회의", false},
		{"only a marker", "Re: ", "", true},
		{"white space folded", "Re:  회의\t 일정\r\n  정리", "회의 일정 정리", true},
		{"ideographic space is text", "Re:\u3000회의", "\u3000회의", true},
		{"unclosed blob", "[공지 Re: 회의", "[공지 Re: 회의", false},
		{"nested brackets are no blob", "[a[b]] x", "[a[b]] x", false},
		// RFC 2047 (step 1).
		{"utf-8 B word", "=?UTF-8?B?UmU6IO2ajOydmCDsnbzsoJU=?=", "회의 일정", true},
		{"euc-kr B word", "Re: =?euc-kr?B?yLjAxyDAz8Gk?=", "회의 일정", true},
		{"euc-kr fwd wrapper", "=?EUC-KR?B?W0Z3ZDogsN/A+7ytILzbus5d?=", "견적서 송부", true},
		{"Q word marker", "=?utf-8?Q?Re=3A_caf=C3=A9?=", "café", true},
		{"words joined", "=?utf-8?B?7ZqM?= =?utf-8?B?7J2Y?=", "회의", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base, refwd := BaseSubject(tc.in)
			if base != tc.base || refwd != tc.refwd {
				t.Errorf("BaseSubject(%q) = %q, %v; want %q, %v", tc.in, base, refwd, tc.base, tc.refwd)
			}
		})
	}
}

// compareCasemap is the i;ascii-casemap ordering as SORT applies it.
func compareCasemap(a, b string) int {
	return strings.Compare(casemapKey(a), casemapKey(b))
}

func TestCasemap(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"abc", "ABC", 0},
		{"alice", "Bob", -1},
		{"Zed", "adam", 1},
		// i;ascii-casemap maps to upper case (RFC 4790 §9.2): "a" is 0x41
		// then, below "_" (0x5F); a lower-casing comparison says otherwise.
		{"abc", "_x", -1},
		{"", "a", -1},
		{"a", "", 1},
		{"ab", "abc", -1},
		// Precomposed Hangul in UTF-8 sorts in dictionary order.
		{"김철수", "박영희", -1},
		{"박영희", "이민호", -1},
		{"이민호", "최지우", -1},
		{"가", "각", -1},
		{"zebra", "가", -1},
		// Only ASCII letters fold.
		{"É", "é", -1},
	}
	for _, tc := range tests {
		if got := compareCasemap(tc.a, tc.b); got != tc.want {
			t.Errorf("compareCasemap(%q, %q) = %d; want %d", tc.a, tc.b, got, tc.want)
		}
		if got := compareCasemap(tc.b, tc.a); got != -tc.want {
			t.Errorf("compareCasemap(%q, %q) = %d; want %d", tc.b, tc.a, got, -tc.want)
		}
		if keys := casemapKeys([]string{tc.a, tc.b}); strings.Compare(keys[0], keys[1]) != tc.want {
			t.Errorf("casemapKeys(%q, %q) = %q; order disagrees", tc.a, tc.b, keys)
		}
	}
}
