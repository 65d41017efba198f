package order

import (
	"errors"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

// sortMsgs is a mailbox for SORT: UID = 100 + sequence number.
func sortMsgs() []Msg {
	return []Msg{
		{Seq: 1, UID: 101, Arrival: at(50), Date: at(3), Size: 300, Subject: "Re: 회의 일정",
			From: AddressOf("박영희", "young@example.kr"), To: AddressOf("", "zed@example.com")},
		{Seq: 2, UID: 102, Arrival: at(40), Date: at(1), Size: 100, Subject: "견적서",
			From: AddressOf("=?euc-kr?B?sejDtrz2?=", "cs.kim@example.kr"), To: AddressOf("Team", "all@example.kr"),
			Cc: AddressOf("", "boss@example.kr")},
		// No Date header: the sent date is the arrival (RFC 5256 §2.2).
		{Seq: 3, UID: 103, Arrival: at(2), Size: 200, Subject: "[Fwd: agenda]",
			From: AddressOf("", "Alice@example.com"), To: AddressOf("이민호", "lee@example.kr")},
		{Seq: 4, UID: 104, Arrival: at(10), Date: at(3), Size: 100, Subject: "AGENDA",
			From: AddressOf("Bob", "bob@example.com"), Cc: AddressOf("", "Able@example.com")},
	}
}

func TestSort(t *testing.T) {
	tests := []struct {
		name  string
		crit  []string
		byUID bool
		want  []uint32
	}{
		{"arrival", []string{"ARRIVAL"}, false, []uint32{3, 4, 2, 1}},
		{"reverse arrival", []string{"REVERSE", "ARRIVAL"}, false, []uint32{1, 2, 4, 3}},
		// 1 and 4 share a sent date: sequence order breaks the tie.
		{"date, missing Date uses arrival, tie by sequence", []string{"DATE"}, false, []uint32{2, 3, 1, 4}},
		{"reverse date keeps ascending tie-break", []string{"REVERSE", "DATE"}, false, []uint32{1, 4, 3, 2}},
		{"date then reverse subject", []string{"DATE", "REVERSE", "SUBJECT"}, false, []uint32{2, 3, 1, 4}},
		{"date then subject by UID", []string{"date", "subject"}, true, []uint32{102, 103, 104, 101}},
		// 2 and 4 share a size.
		{"size", []string{"SIZE"}, false, []uint32{2, 4, 3, 1}},
		{"reverse size, ties still ascending", []string{"REVERSE", "SIZE"}, false, []uint32{1, 3, 2, 4}},
		{"size then reverse arrival", []string{"SIZE", "REVERSE", "ARRIVAL"}, false, []uint32{2, 4, 3, 1}},
		// Base subjects: "회의 일정", "견적서", "agenda", "AGENDA": the
		// last two equal under i;ascii-casemap, so sequence order; Hangul
		// after ASCII, 견 (U+ACAC) before 회 (U+D68C).
		{"subject", []string{"SUBJECT"}, false, []uint32{3, 4, 2, 1}},
		{"reverse subject", []string{"REVERSE", "SUBJECT"}, false, []uint32{1, 2, 3, 4}},
		// addr-mailbox only: "young", "cs.kim", "Alice", "bob".
		{"from", []string{"FROM"}, false, []uint32{3, 4, 2, 1}},
		// Missing To sorts as the empty string, first.
		{"to", []string{"TO"}, false, []uint32{4, 2, 3, 1}},
		{"cc", []string{"CC"}, false, []uint32{1, 3, 4, 2}},
		// Display names: "박영희", "김철수" (EUC-KR word), "Alice@example.com"
		// (no name: the address), "Bob".
		{"displayfrom", []string{"DISPLAYFROM"}, false, []uint32{3, 4, 2, 1}},
		// "zed@example.com", "Team", "이민호", "" (no To).
		{"displayto", []string{"DISPLAYTO"}, false, []uint32{4, 2, 1, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			crit, err := ParseCriteria(tc.crit)
			if err != nil {
				t.Fatal(err)
			}
			msgs := sortMsgs()
			if got := Sort(msgs, crit, tc.byUID); !slices.Equal(got, tc.want) {
				t.Errorf("Sort %v = %v; want %v", tc.crit, got, tc.want)
			}
			// The input order does not matter.
			slices.Reverse(msgs)
			if got := Sort(msgs, crit, tc.byUID); !slices.Equal(got, tc.want) {
				t.Errorf("Sort %v of reversed input = %v; want %v", tc.crit, got, tc.want)
			}
		})
	}
}

func TestSort_allTie_sequenceOrder(t *testing.T) {
	var msgs []Msg
	for _, seq := range []uint32{7, 3, 9, 1, 5} {
		msgs = append(msgs, Msg{Seq: seq, UID: seq * 10, Arrival: t0, Subject: "Re: same", Size: 1})
	}
	for _, crit := range [][]Criterion{
		{{Key: Subject}},
		{{Key: Subject, Reverse: true}, {Key: Size, Reverse: true}},
		{{Key: Date, Reverse: true}},
		{{Key: From}, {Key: DisplayTo, Reverse: true}},
	} {
		if got, want := Sort(msgs, crit, false), []uint32{1, 3, 5, 7, 9}; !slices.Equal(got, want) {
			t.Errorf("Sort %v = %v; want %v", crit, got, want)
		}
	}
}

func TestParseCriteria(t *testing.T) {
	tests := []struct {
		in   []string
		want []Criterion
		err  bool
	}{
		{in: []string{"reverse", "Date", "SUBJECT"}, want: []Criterion{{Date, true}, {Subject, false}}},
		{in: []string{"DISPLAYFROM", "REVERSE", "DISPLAYTO"}, want: []Criterion{{DisplayFrom, false}, {DisplayTo, true}}},
		{in: nil, err: true},
		{in: []string{"REVERSE"}, err: true},
		{in: []string{"DATE", "REVERSE"}, err: true},
		{in: []string{"REVERSE", "REVERSE", "DATE"}, err: true},
		{in: []string{"MODSEQ"}, err: true},
	}
	for _, tc := range tests {
		got, err := ParseCriteria(tc.in)
		if tc.err {
			if !errors.Is(err, ErrCriteria) {
				t.Errorf("ParseCriteria(%q) = %v, %v; want ErrCriteria", tc.in, got, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseCriteria(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestPartial(t *testing.T) {
	sorted := []uint32{40, 10, 30, 20, 50}
	tests := []struct {
		first, last uint32
		want        []uint32
	}{
		{1, 2, []uint32{40, 10}},
		{2, 4, []uint32{10, 30, 20}},
		{4, 2, []uint32{10, 30, 20}},
		{5, 5, []uint32{50}},
		{4, 100, []uint32{20, 50}},
		{6, 9, nil},
	}
	for _, tc := range tests {
		if got := Partial(sorted, tc.first, tc.last); !slices.Equal(got, tc.want) {
			t.Errorf("Partial(%d:%d) = %v; want %v", tc.first, tc.last, got, tc.want)
		}
	}
}
