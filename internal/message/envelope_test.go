package message

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"postroom/internal/store"
)

func TestEnvelope_fields(t *testing.T) {
	raw := crlf(
		"Date: Tue, 2 Jan 2024 15:04:05 +0900 (KST)",
		"Subject: =?ks_c_5601-1987?B?sN/A+7ytIL/kw7s=?=",
		"From: =?ks_c_5601-1987?B?sei5zrz2?= <minsu@example.kr>",
		"To: \"=?utf-8?B?7ZmN6ri464+Z?=\" <gildong@example.kr>, plain@example.com,",
		" "+string(eucKRHello)+" <raw@example.kr>",
		"Cc: undisclosed-recipients:;",
		"Bcc: Team: a@x.kr, \"Lee, J\" <b@x.kr>;",
		"Message-ID: <abc.123@mail.example.kr>",
		"In-Reply-To: <parent@x.kr>",
		"",
		"body",
	)
	env := Parse([]byte(raw)).Envelope()
	want := store.Envelope{
		Date:      time.Date(2024, 1, 2, 6, 4, 5, 0, time.UTC),
		DateText:  "Tue, 2 Jan 2024 15:04:05 +0900 (KST)",
		Subject:   "견적서 요청",
		From:      []store.Address{{Name: "김민수", Addr: "minsu@example.kr"}},
		Sender:    []store.Address{{Name: "김민수", Addr: "minsu@example.kr"}},
		ReplyTo:   []store.Address{{Name: "김민수", Addr: "minsu@example.kr"}},
		To:        []store.Address{{Name: "홍길동", Addr: "gildong@example.kr"}, {Addr: "plain@example.com"}, {Name: "안녕하세요", Addr: "raw@example.kr"}},
		Cc:        []store.Address{{Name: "undisclosed-recipients"}},
		Bcc:       []store.Address{{Addr: "a@x.kr"}, {Name: "Lee, J", Addr: "b@x.kr"}},
		InReplyTo: "parent@x.kr",
		MessageID: "abc.123@mail.example.kr",
	}
	if !reflect.DeepEqual(env, want) {
		t.Errorf("Envelope\n got %+v\nwant %+v", env, want)
	}
}

func TestEnvelope_senderAndReplyToKeptWhenPresent(t *testing.T) {
	env := Parse([]byte(crlf("From: a@x", "Sender: s@x", "Reply-To: r@x", "", ""))).Envelope()
	if env.Sender[0].Addr != "s@x" || env.ReplyTo[0].Addr != "r@x" {
		t.Errorf("%+v", env)
	}
}

func TestParseAddressList_bestEffort(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []store.Address
	}{
		{"addr-spec", "a@b.kr", []store.Address{{Addr: "a@b.kr"}}},
		{"name-addr", "Kim <k@b.kr>", []store.Address{{Name: "Kim", Addr: "k@b.kr"}}},
		{"quoted name with comma", `"Kim, Minsu" <k@b.kr>, x@y`, []store.Address{{Name: "Kim, Minsu", Addr: "k@b.kr"}, {Addr: "x@y"}}},
		{"unquoted name with comma rejoined", `Kim, Minsu <k@b.kr>`, []store.Address{{Name: "Kim, Minsu", Addr: "k@b.kr"}}},
		{"semicolon separator", `a@x; b@y`, []store.Address{{Addr: "a@x"}, {Addr: "b@y"}}},
		{"comment as name", `k@b.kr (Kim Minsu)`, []store.Address{{Name: "Kim Minsu", Addr: "k@b.kr"}}},
		{"Outlook single quotes", `'Kim Minsu' <k@b.kr>`, []store.Address{{Name: "Kim Minsu", Addr: "k@b.kr"}}},
		{"obsolete route dropped", `<@relay.kr:k@b.kr>`, []store.Address{{Addr: "k@b.kr"}}},
		{"quoted local part", `"john smith"@b.kr`, []store.Address{{Addr: `"john smith"@b.kr`}}},
		{"missing closing bracket", `Kim <k@b.kr`, []store.Address{{Name: "Kim", Addr: "k@b.kr"}}},
		{"name without brackets", `Kim Minsu k@b.kr`, []store.Address{{Name: "Kim Minsu", Addr: "k@b.kr"}}},
		{"local part only", `postmaster`, []store.Address{{Addr: "postmaster"}}},
		{"words only", `Kim Minsu`, []store.Address{{Name: "Kim Minsu"}}},
		{"empty group", `undisclosed-recipients:;`, []store.Address{{Name: "undisclosed-recipients"}}},
		{"group with members", `Team: a@x, b@y; c@z`, []store.Address{{Addr: "a@x"}, {Addr: "b@y"}, {Addr: "c@z"}}},
		{"unclosed group", `Team: a@x`, []store.Address{{Addr: "a@x"}}},
		{"encoded word split in name", `=?utf-8?B?6rmA?= =?utf-8?B?66+87IiY?= <k@b.kr>`, []store.Address{{Name: "김민수", Addr: "k@b.kr"}}},
		{"raw CP949 name", string(eucKRHello) + " <k@b.kr>", []store.Address{{Name: "안녕하세요", Addr: "k@b.kr"}}},
		{"whole list as one encoded word", `=?utf-8?b?IuydtOyYge2drCIgPGxlZUBwYXJ0bmVyLmNvLmtyPg==?=`, []store.Address{{Name: "이영희", Addr: "lee@partner.co.kr"}}},
		{"empty", ``, nil},
		{"only commas", ` , ,`, nil},
	}
	for _, tt := range tests {
		got := parseAddressList(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: parseAddressList(%q) = %+v, want %+v", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestReferences_oldestFirstDeduplicated(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   []string
	}{
		{"none", "Subject: x", nil},
		{"references then in-reply-to", "References: <a@x> <b@x>\r\n <c@x>\r\nIn-Reply-To: <c@x>", []string{"a@x", "b@x", "c@x"}},
		{"in-reply-to only, with phrase", "In-Reply-To: <p@x> (Kim's message of Monday)", []string{"p@x"}},
		{"in-reply-to not in references comes last", "In-Reply-To: <d@x>\r\nReferences: <a@x><b@x>", []string{"a@x", "b@x", "d@x"}},
		{"duplicates removed", "References: <a@x> <a@x> <b@x> <a@x>", []string{"a@x", "b@x"}},
		{"ids without brackets", "In-Reply-To: p@x", []string{"p@x"}},
	}
	for _, tt := range tests {
		got := Parse([]byte(tt.header + "\r\n\r\n")).References()
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: References = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestReferences_capped(t *testing.T) {
	h := "References:"
	for i := 0; i < 300; i++ {
		h += fmt.Sprintf(" <id%d@x>", i)
	}
	got := Parse([]byte(h + "\r\n\r\n")).References()
	if len(got) != maxReferences || got[0] != "id0@x" || got[1] != "id201@x" || got[len(got)-1] != "id299@x" {
		t.Errorf("len %d first %q last %q", len(got), got[0], got[len(got)-1])
	}
}

func TestParseDate(t *testing.T) {
	want := time.Date(2024, 1, 2, 6, 4, 5, 0, time.UTC)
	for _, in := range []string{
		"Tue, 2 Jan 2024 15:04:05 +0900",
		"Tue, 02 Jan 2024 15:04:05 +0900 (KST)",
		"2 Jan 2024 15:04:05 +0900",
		"Tue,  2 Jan 2024  15:04:05 +0900",
		"Tue, 2 Jan 2024 15:04:05 GMT+0900",
		"Tue, 2 Jan 2024 15:04:05 +0900 KST",
		"Tue, 2 Jan 2024 06:04:05 GMT",
		"Tue, 2 Jan 2024 15:04:05 +0900 (" + string(eucKRHello) + ")",
		"2024-01-02T15:04:05+09:00",
		"2024-01-02 15:04:05 +0900",
		"Tue Jan  2 06:04:05 2024",
	} {
		if got := ParseDate(in); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseDate(%q) = %v, want %v", in, got, want)
		}
	}
	for _, in := range []string{"", "yesterday", "(comment only)"} {
		if got := ParseDate(in); !got.IsZero() {
			t.Errorf("ParseDate(%q) = %v, want zero", in, got)
		}
	}
}
