package search_test

import (
	"strings"
	"testing"

	"postroom/internal/loadgen"
	"postroom/internal/message"
	"postroom/internal/search"
	"postroom/internal/store"
)

// TestTermsEqualOracleOnCorpus runs the tokenizer and the oracle over the
// texts that delivery indexes (as mail.IndexText takes them: the decoded
// subject, the names and addresses, the body text up to the cap) of the
// load generator's realistic corpus (Korean and English, UTF-8 and EUC-KR,
// plain, alternative and with attachments, 2 KB to 4 MiB), and over more
// than delivery reads: the whole body text, the attachment names and each
// raw message itself (base64, headers, EUC-KR bytes that are not UTF-8).
func TestTermsEqualOracleOnCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("the corpus takes a few seconds")
	}
	corpora := []struct {
		size  loadgen.Size
		count int
	}{
		{loadgen.Size{Mixed: true}, 120},
		{loadgen.Size{Fixed: 10 << 10}, 20},
		{loadgen.Size{Fixed: 200 << 10}, 6},
		{loadgen.Size{Fixed: 2 << 20}, 2},
	}
	for _, c := range corpora {
		corpus := &loadgen.Corpus{Seed: 21, Size: c.size}
		for i := range c.count {
			raw := corpus.Message(i)
			m := message.Parse(raw)
			env := m.Envelope()
			texts := []string{env.Subject, names(env.From, env.Sender), names(env.To, env.Cc, env.Bcc),
				m.TextPrefix(search.MaxIndexedText), m.Text(), string(raw)}
			for _, a := range m.Attachments() {
				texts = append(texts, a.Params["name"], a.DispParams["filename"])
			}
			for k, text := range texts {
				if err := search.SameAsOracle(text); err != nil {
					t.Fatalf("corpus %v message %d text %d: %v", c.size, i, k, err)
				}
			}
		}
	}
}

// names is the From or To text that mail.IndexText indexes.
func names(lists ...[]store.Address) string {
	var b strings.Builder
	for _, l := range lists {
		for _, a := range l {
			b.WriteString(a.Name + " " + a.Addr + " ")
		}
	}
	return b.String()
}
