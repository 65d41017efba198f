//go:build unix

package sqlite

import (
	"database/sql"
	"testing"

	"postroom/internal/loadgen"
	"postroom/internal/mail"
	"postroom/internal/message"
)

// BenchmarkFTS5Tokenizer is the cost of FTS5 indexing the same terms
// (those of 200 messages of the load generator's corpus, at 10 KB and
// at 200 KB) with the tokenizer the search index had (unicode61, which
// decodes and classifies every character) and the one it has
// (fts5Tokenizer, ascii), into a contentless table in memory: the
// tokenizer's share of an append's CPU. It reports the process CPU per
// 200 messages beside the wall time (the machine may be shared).
//
//	go test -run '^$' -bench FTS5Tokenizer ./internal/store/sqlite/
func BenchmarkFTS5Tokenizer(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int
	}{{"10KB", 10 << 10}, {"200KB", 200 << 10}} {
		corpus := loadgen.Corpus{Seed: 1, Size: loadgen.Size{Fixed: size.bytes}}
		var bodies []string
		var total int64
		for i := range 200 {
			idx := mail.IndexText(message.Parse(corpus.Message(i)))
			bodies = append(bodies, idx.Body)
			total += int64(len(idx.Body))
		}
		for _, tok := range []struct{ name, option string }{
			{"unicode61", `tokenize = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Z* C*' separators ' '"`},
			{"ascii", fts5Tokenize},
		} {
			b.Run(size.name+"/"+tok.name, func(b *testing.B) {
				db, err := sql.Open("sqlite", ":memory:")
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				db.SetMaxOpenConns(1)
				b.SetBytes(total)
				var cpu int64
				for b.Loop() {
					b.StopTimer()
					for _, q := range []string{`DROP TABLE IF EXISTS docs`,
						`CREATE VIRTUAL TABLE docs USING fts5(body, content='', contentless_delete=1, ` + tok.option + `)`} {
						if _, err := db.Exec(q); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
					c0 := cpuTime(b)
					tx, err := db.Begin()
					if err != nil {
						b.Fatal(err)
					}
					for i, body := range bodies {
						if _, err := tx.Exec(`INSERT INTO docs(rowid, body) VALUES (?, ?)`, i+1, body); err != nil {
							b.Fatal(err)
						}
					}
					if err := tx.Commit(); err != nil {
						b.Fatal(err)
					}
					cpu += cpuTime(b) - c0
				}
				b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
			})
		}
	}
}
