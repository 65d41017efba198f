package search_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"postroom/internal/loadgen"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/search"
	"postroom/internal/store"
)

// benchSizes are the message sizes of issue 21's measurements. Message 5
// of the seed-1 corpus is Korean UTF-8 text/plain at every size, the most
// text a message of that size has to index (the 2 MB one up to the cap);
// messages with an attachment index only their short text.
var benchSizes = []struct {
	name  string
	bytes int
}{{"10KB", 10 << 10}, {"200KB", 200 << 10}, {"2MB", 2 << 20}}

func benchMessage(bytes int) *message.Message {
	c := &loadgen.Corpus{Seed: 1, Size: loadgen.Size{Fixed: bytes}}
	return message.Parse(c.Message(5))
}

// BenchmarkIndexText measures the delivery path's index terms
// (mail.IndexText: the decoded subject, names and addresses, the body text
// up to the cap, and their terms), "new" as it is and "old" with the
// tokenizer as it was, in the same run:
//
//	go test ./internal/search -run '^$' -bench 'IndexText|Terms' -benchmem -count 5
func BenchmarkIndexText(b *testing.B) {
	for _, size := range benchSizes {
		m := benchMessage(size.bytes)
		for _, impl := range []struct {
			name  string
			index func(*message.Message) store.IndexText
		}{{"old", oldIndexText}, {"new", mail.IndexText}} {
			b.Run(size.name+"/"+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					impl.index(m)
				}
			})
		}
	}
}

// BenchmarkTerms measures the tokenizer alone on the body text of the same
// messages.
func BenchmarkTerms(b *testing.B) {
	for _, size := range benchSizes {
		text := benchMessage(size.bytes).TextPrefix(search.MaxIndexedText)
		for _, impl := range []struct {
			name  string
			terms func(string) string
		}{{"old", oldTerms}, {"new", search.Terms}} {
			b.Run(size.name+"/"+impl.name, func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					impl.terms(text)
				}
			})
		}
	}
}

func oldTerms(text string) string { return strings.Join(search.OracleTokens(text), " ") }

// oldIndexText is mail.IndexText as it was before issue 21's change.
func oldIndexText(m *message.Message) store.IndexText {
	env := m.Envelope()
	body := m.TextPrefix(search.MaxIndexedText)
	terms := oldTerms(body)
	if len(body) > search.MaxIndexedText-utf8.UTFMax {
		terms += " " + search.CutTerm
	}
	return store.IndexText{
		Subject:       oldTerms(env.Subject),
		From:          oldTerms(names(env.From, env.Sender)),
		To:            oldTerms(names(env.To, env.Cc, env.Bcc)),
		Body:          terms,
		HasAttachment: m.HasAttachment(),
	}
}

// TestOldIndexTextIsIndexText keeps the benchmark's baseline honest: it
// makes what mail.IndexText makes, but for the mark of a text indexed
// exactly (search.ExactTerm), which came later and is made in the same
// pass as the terms.
func TestOldIndexTextIsIndexText(t *testing.T) {
	for _, size := range benchSizes {
		m := benchMessage(size.bytes)
		want := oldIndexText(m)
		if body := m.Text(); len(body) <= search.MaxIndexedText-utf8.UTFMax && search.ExactText(body) {
			want.Body += " " + search.ExactTerm
		}
		if got := mail.IndexText(m); got != want {
			t.Fatalf("%s: IndexText and the old one differ", size.name)
		}
	}
}
