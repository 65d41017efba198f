package store

import "testing"

func TestBaseSubject(t *testing.T) {
	for _, c := range []struct {
		in, base string
		prefixed bool
	}{
		{"Lunch on Friday", "Lunch on Friday", false},
		{"Re: Lunch on Friday", "Lunch on Friday", true},
		{"RE: re: Fwd: FW: Lunch", "Lunch", true},
		{"fwd:Lunch", "Lunch", true},
		{"RE : Lunch", "Lunch", true},
		{"AW: Termin", "Termin", true},
		{"회신: 견적서 송부", "견적서 송부", true},
		{"답장: 전달: 회신: 견적서", "견적서", true},
		{"  Re:   many \t spaces\r\n here ", "many spaces here", true},
		{"Re:", "", true},
		{"", "", false},
		// Tags stay: a mailing list's tag is part of the subject.
		{"[dev] Re: build", "[dev] Re: build", false},
		{"Re: [dev] build", "[dev] build", true},
		// Only whole markers: "Rex:" and "Ref: 12" are subjects of their own.
		{"Rex: the dog", "Rex: the dog", false},
		{"Ref: 12", "Ref: 12", false},
		{"Meeting: Re: plan", "Meeting: Re: plan", false},
		{"Re: Meeting: plan", "Meeting: plan", true},
	} {
		base, prefixed := BaseSubject(c.in)
		if base != c.base || prefixed != c.prefixed {
			t.Errorf("BaseSubject(%q) = %q, %v; want %q, %v", c.in, base, prefixed, c.base, c.prefixed)
		}
	}
}

func FuzzBaseSubject(f *testing.F) {
	for _, s := range []string{"Re: x", "회신: 전달: y", "RE :  z", ":::", "Re:Re:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		base, _ := BaseSubject(s)
		if again, prefixed := BaseSubject(base); prefixed || again != base {
			t.Fatalf("BaseSubject(%q) = %q is not a fixed point (%q, %v)", s, base, again, prefixed)
		}
	})
}
