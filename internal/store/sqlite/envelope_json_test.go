package sqlite

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"postroom/internal/store"
)

var envelopeSamples = []store.Envelope{
	{},
	{Date: time.Date(2007, 3, 24, 22, 0, 0, 0, time.UTC), DateText: "Sun, 25 Mar 2007 00:00:00 +0200", Subject: "견적서 송부"},
	{Date: time.Date(2024, 1, 2, 6, 4, 5, 123456789, time.UTC), Subject: `say "hi" \ <b>&amp;</b>`,
		From:      []store.Address{{Name: "김민수", Addr: "minsu@example.kr"}},
		Sender:    []store.Address{{Name: "김민수", Addr: "minsu@example.kr"}},
		ReplyTo:   []store.Address{{Addr: "r@x.kr"}},
		To:        []store.Address{{Name: "홍길동", Addr: "gildong@example.kr"}, {Addr: "plain@example.com"}, {Name: "Lee, J", Addr: "b@x.kr"}},
		Cc:        []store.Address{{Name: "undisclosed-recipients"}},
		Bcc:       []store.Address{{Name: "brace } { ] [ , : name", Addr: "c@x.kr"}},
		InReplyTo: "parent@x.kr other@x.kr", MessageID: "abc.123@mail.example.kr"},
	{Subject: "tab\there\nline \u2028 \x7f", From: []store.Address{{Name: "} ,\"", Addr: "x"}}},
	{Date: time.Date(2026, 3, 14, 9, 26, 53, 0, time.FixedZone("", 9*3600))},
}

// The plain scan gives exactly what encoding/json gives, for every
// envelope encoding/json writes.
func TestDecodeEnvelope_asEncodingJSON(t *testing.T) {
	for i, env := range envelopeSamples {
		raw, err := json.Marshal(env)
		if err != nil {
			t.Fatal(err)
		}
		checkDecode(t, i, string(raw))
	}
	for i, raw := range []string{`{}`, `{"date":"0001-01-01T00:00:00Z"}`, `{"to":[]}`, `{"subject":null,"from":null}`,
		`{"Subject":"case"}`, `{"subject":"a","subject":"b"}`, `{"other":1}`, `not json`, `{"subject":"\xff"}`, `{"to":[{"name":"a"}]}`,
		`{"subject":"\ud83d\ude00 \ud800 x \u00e9 \ud800\u0041 \/ \b\f"}`, `{"subject":"bad \q escape"}`, `{"subject":"\u12"}`} {
		checkDecode(t, 100+i, raw)
	}
}

func checkDecode(t *testing.T, i int, raw string) {
	t.Helper()
	var want, got store.Envelope
	werr := json.Unmarshal([]byte(raw), &want)
	gerr := decodeEnvelope(raw, &got)
	if (werr == nil) != (gerr == nil) {
		t.Errorf("%d %s: error %v, encoding/json %v", i, raw, gerr, werr)
		return
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Errorf("%d %s:\n got %#v\nwant %#v", i, raw, got, want)
	}
}

func FuzzDecodeEnvelope(f *testing.F) {
	for _, env := range envelopeSamples {
		raw, _ := json.Marshal(env)
		f.Add(string(raw))
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var want, got store.Envelope
		werr := json.Unmarshal([]byte(raw), &want)
		if werr != nil {
			return // the scan may accept what encoding/json refuses only in the form it writes
		}
		if err := decodeEnvelope(raw, &got); err != nil {
			t.Fatalf("%q: %v, encoding/json accepts it", raw, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %#v\nwant %#v", raw, got, want)
		}
	})
}

// BenchmarkDecodeEnvelope compares the plain scan with encoding/json on a
// typical envelope (what scanMessage did for every row before):
//
//	go test -run '^$' -bench DecodeEnvelope ./internal/store/sqlite/
func BenchmarkDecodeEnvelope(b *testing.B) {
	typical := store.Envelope{Date: time.Date(2024, 1, 2, 6, 4, 5, 0, time.UTC), DateText: "Tue, 2 Jan 2024 15:04:05 +0900",
		Subject: "[공지] 주간 회의 자료 송부", From: []store.Address{{Name: "김민수", Addr: "minsu@example.kr"}},
		Sender: []store.Address{{Name: "김민수", Addr: "minsu@example.kr"}}, ReplyTo: []store.Address{{Name: "김민수", Addr: "minsu@example.kr"}},
		To: []store.Address{{Name: "홍길동", Addr: "gildong@example.kr"}, {Addr: "team@example.kr"}}, MessageID: "abc.123@mail.example.kr"}
	raw, err := json.Marshal(typical)
	if err != nil {
		b.Fatal(err)
	}
	s := string(raw)
	b.Run("encoding_json", func(b *testing.B) {
		for b.Loop() {
			var env store.Envelope
			if err := json.Unmarshal([]byte(s), &env); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decodeEnvelope", func(b *testing.B) {
		for b.Loop() {
			var env store.Envelope
			if err := decodeEnvelope(s, &env); err != nil {
				b.Fatal(err)
			}
		}
	})
}
