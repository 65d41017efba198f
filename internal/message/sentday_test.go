package message

import (
	"strings"
	"testing"
)

// RFC 3501 §6.4.4: SENTON and friends compare the date as written,
// disregarding time and zone.
func TestSentDay_asWritten(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"Sun, 25 Mar 2007 00:00:00 +0200", 20070325},
		{"Sat, 24 Mar 2007 23:30:00 -0700", 20070324},
		{"Thu, 15 Feb 2007 01:02:03 +0200 (EET)", 20070215},
		{"2 Jan 2024 23:59 +0900", 20240102},
		{"", 0},
		{"not a date", 0},
	} {
		if got := SentDay(tc.in); got != tc.want {
			t.Errorf("SentDay(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestEnvelope_dateTextAsWritten(t *testing.T) {
	env := Parse([]byte("Date: Thu, 15 Feb 2007\r\n 01:02:03 +0200\r\nSubject: x\r\n\r\nbody")).Envelope()
	if env.DateText != "Thu, 15 Feb 2007 01:02:03 +0200" {
		t.Errorf("DateText = %q", env.DateText)
	}
	long := Parse([]byte("Date: " + strings.Repeat("x", 500) + "\r\n\r\n")).Envelope()
	if len(long.DateText) != 200 {
		t.Errorf("long DateText has %d bytes, want 200", len(long.DateText))
	}
}
