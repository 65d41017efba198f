package wire

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// RFC 3501 §5.1.3 and its example "~peter/mail/&U,BTFw-/&ZeVnLIqe-".
func TestDecodeMailbox(t *testing.T) {
	tests := []struct {
		in, want string
		err      string // substring; "" means success
	}{
		{"INBOX", "INBOX", ""},
		{"~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/台北/日本語", ""},
		{"p&AOQA5A-", "pää", ""},
		{"&-", "&", ""},
		{"Tom &- Jerry", "Tom & Jerry", ""},
		{"&vPSwuNO4ycDVaA-", "보낸편지함", ""},
		{"&2D3eAA-", "\U0001F600", ""}, // a surrogate pair
		{"&", "", "not closed"},
		{"a&AOQ", "", "not closed"},
		{"&AOQ-", "ä", ""},                  // 18 bits: one unit and 2 zero bits
		{"&AOQA-", "", "stray bits"},        // a sextet too many
		{"&AOR-", "", "stray bits"},         // padding bits must be zero
		{"&AGE-", "", "must not be base64"}, // "a" encoded
		{"&AOQ/-", "", "not modified base64"},
		{"&2D0-", "", "surrogate"},
		{"&3gA-", "", "surrogate"},
		{"caf\xc3\xa9", "", "modified UTF-7"},
		{"a\tb", "", "modified UTF-7"},
	}
	for _, tt := range tests {
		got, err := DecodeMailbox(tt.in)
		switch {
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("DecodeMailbox(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("DecodeMailbox(%q) = %q, %v; want error ~%q", tt.in, got, err, tt.err)
		}
	}
}

func TestEncodeMailbox_roundTrip(t *testing.T) {
	for _, name := range []string{"", "INBOX", "a&b", "&&", "台北/日本語", "보낸 편지함/2024", "\U0001F600x", "\x7f\x01", "pää"} {
		enc := EncodeMailbox(name)
		for i := 0; i < len(enc); i++ {
			if enc[i] < 0x20 || enc[i] > 0x7e {
				t.Errorf("EncodeMailbox(%q) = %q: not printable ASCII", name, enc)
			}
		}
		dec, err := DecodeMailbox(enc)
		if err != nil || dec != name {
			t.Errorf("DecodeMailbox(EncodeMailbox(%q) = %q) = %q, %v", name, enc, dec, err)
		}
	}
	if got := EncodeMailbox("~peter/mail/台北/日本語"); got != "~peter/mail/&U,BTFw-/&ZeVnLIqe-" {
		t.Errorf("RFC 3501 example encoded as %q", got)
	}
	if got := EncodeMailbox("\xff"); !utf8.ValidString(mustDecode(t, got)) {
		t.Errorf("invalid UTF-8 encoded to %q", got)
	}
}

func mustDecode(t *testing.T, s string) string {
	t.Helper()
	d, err := DecodeMailbox(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseSeqSet(t *testing.T) {
	tests := []struct {
		in      string
		ranges  []SeqRange
		saved   bool
		wantErr bool
	}{
		{"1", []SeqRange{{1, 1}}, false, false},
		{"2:4,7", []SeqRange{{2, 4}, {7, 7}}, false, false},
		{"*", []SeqRange{{Star, Star}}, false, false},
		{"5:*", []SeqRange{{5, Star}}, false, false},
		{"*:4", []SeqRange{{Star, 4}}, false, false},
		{"4294967295", []SeqRange{{4294967295, 4294967295}}, false, false},
		{"$", nil, true, false},
		{"4294967296", nil, false, true},
		{"0", nil, false, true},
		{"1,", nil, false, true},
		{"1:", nil, false, true},
		{"1,$", nil, false, true},
		{"", nil, false, true},
	}
	for _, tt := range tests {
		got, err := ParseSeqSet(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseSeqSet(%q): error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if got.Saved != tt.saved || len(got.Ranges) != len(tt.ranges) {
			t.Errorf("ParseSeqSet(%q) = %+v", tt.in, got)
			continue
		}
		for i := range got.Ranges {
			if got.Ranges[i] != tt.ranges[i] {
				t.Errorf("ParseSeqSet(%q) = %+v, want %+v", tt.in, got.Ranges, tt.ranges)
			}
		}
		if got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
}

func TestSeqSet_Contains(t *testing.T) {
	s := set("2:4,*:10,7")
	for n, want := range map[uint32]bool{1: false, 2: true, 4: true, 5: false, 7: true, 10: true, 12: true, 13: false} {
		if got := s.Contains(n, 12); got != want {
			t.Errorf("%v Contains(%d) with max 12 = %v", s, n, got)
		}
	}
}

// RFC 9051 §9 date and date-time forms.
func TestDates(t *testing.T) {
	dates := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"1-Feb-1994", time.Date(1994, 2, 1, 0, 0, 0, 0, time.UTC), true},
		{"\"01-feb-1994\"", time.Date(1994, 2, 1, 0, 0, 0, 0, time.UTC), true},
		{"29-Feb-2023", time.Time{}, false},
		{"1-Foo-1994", time.Time{}, false},
		{"1-Feb-94", time.Time{}, false},
		{"\"1-Feb-1994", time.Time{}, false},
	}
	for _, tt := range dates {
		p := &parser{r: &Reader{limits: DefaultLimits}, line: []byte(tt.in)}
		got, err := p.date()
		if (err == nil) != tt.ok || (tt.ok && (!got.Equal(tt.want) || !p.atEnd())) {
			t.Errorf("date(%q) = %v, %v", tt.in, got, err)
		}
	}
	dateTimes := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"\"17-Jul-1996 02:44:25 -0700\"", time.Date(1996, 7, 17, 9, 44, 25, 0, time.UTC), true},
		{"\" 7-Feb-1994 21:52:25 +0900\"", time.Date(1994, 2, 7, 12, 52, 25, 0, time.UTC), true},
		{"\"17-Jul-1996 24:00:00 -0700\"", time.Time{}, false},
		{"\"17-Jul-1996 02:44 -0700\"", time.Time{}, false},
		{"\"17-Jul-1996 02:44:25 0700\"", time.Time{}, false},
		{"17-Jul-1996 02:44:25 -0700", time.Time{}, false},
	}
	for _, tt := range dateTimes {
		p := &parser{r: &Reader{limits: DefaultLimits}, line: []byte(tt.in)}
		got, err := p.dateTime()
		if (err == nil) != tt.ok || (tt.ok && (!got.Equal(tt.want) || !p.atEnd())) {
			t.Errorf("dateTime(%q) = %v, %v", tt.in, got, err)
		}
	}
}
