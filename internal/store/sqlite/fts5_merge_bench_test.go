//go:build unix

package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"postroom/internal/loadgen"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/search"
	"postroom/internal/store"
)

// BenchmarkFTS5MergeSettings compares FTS5 merge settings of the search
// index (issue 21) on the same messages in the same run: one store per
// setting, message i of the load generator's corpus (10 KB, seed 1)
// appended to each store in turn through AppendMessage, so that the
// machine's other load falls on every setting alike. It logs per setting
// the process CPU and wall time per append, the index's segments and size,
// and the time of a search for a Korean and an English word, after the
// fill and after an FTS5 'merge' or 'optimize' (what the hourly Optimize
// could run):
//
//	POSTROOM_BENCH_N=10000 go test -run '^$' -bench FTS5MergeSettings -benchtime 1x ./internal/store/sqlite/
//
// The stores run without fsync (the CPU of a merge does not depend on it).
func BenchmarkFTS5MergeSettings(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("POSTROOM_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	settings := []struct {
		name string
		sql  []string
	}{
		// set explicitly: the store's own setting is the migration's
		{"automerge=4 (default)", []string{`INSERT INTO message_index(message_index, rank) VALUES('automerge', 4)`}},
		{"automerge=8", []string{`INSERT INTO message_index(message_index, rank) VALUES('automerge', 8)`}},
		{"automerge=16", []string{`INSERT INTO message_index(message_index, rank) VALUES('automerge', 16)`}},
		{"automerge=16 crisismerge=64", []string{`INSERT INTO message_index(message_index, rank) VALUES('automerge', 16)`,
			`INSERT INTO message_index(message_index, rank) VALUES('crisismerge', 64)`}},
	}
	if v := os.Getenv("POSTROOM_BENCH_SETTINGS"); v != "" {
		keep := strings.Split(v, ",")
		settings = slices.DeleteFunc(settings, func(s struct {
			name string
			sql  []string
		}) bool {
			return !slices.Contains(keep, strings.TrimSuffix(s.name, " (default)"))
		})
	}
	type bench struct {
		s                   *Store
		account, mailbox    int64
		cpu, wall           time.Duration
		appendCPU           []time.Duration
		mergeCPU, optimCPU  time.Duration
		queryFill, queryMrg []time.Duration
		queryOpt            []time.Duration
		segFill, segMerge   int
		kbFill, kbMerge     int64
		kbOpt               int64
	}
	ctx := context.Background()
	var benches []*bench
	for _, st := range settings {
		s, err := open(filepath.Join(b.TempDir(), "postroom.db"), busyTimeout, "OFF")
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		d := &store.Domain{Name: "example.test", Language: "ko", TimeZone: "Asia/Seoul"}
		if err := s.CreateDomain(ctx, d); err != nil {
			b.Fatal(err)
		}
		a := &store.Account{DomainID: d.ID, LocalPart: "bench", PasswordHash: "x", Enabled: true, ClientAccess: true, Language: "ko", TimeZone: "Asia/Seoul"}
		if err := s.CreateAccount(ctx, a); err != nil {
			b.Fatal(err)
		}
		in, err := s.MailboxByRole(ctx, a.ID, store.RoleInbox)
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range st.sql {
			if _, err := s.db.ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		benches = append(benches, &bench{s: s, account: a.ID, mailbox: in.ID})
	}
	corpus := loadgen.Corpus{Seed: 1, Size: loadgen.Size{Fixed: 10 << 10}}
	start := time.Now()
	for i := range n {
		raw := corpus.Message(i)
		p := message.Parse(raw)
		env := p.Envelope()
		idx := mail.IndexText(p)
		for _, bn := range benches {
			nm := &store.NewMessage{AccountID: bn.account, MailboxID: bn.mailbox, BlobKey: fmt.Sprintf("%064x", i), Size: int64(len(raw)),
				InternalDate: env.Date, Envelope: env, References: p.References(), Preview: p.Preview(mail.PreviewLength),
				HasAttachment: p.HasAttachment(), Index: idx}
			c0, t0 := cpuTime(b), time.Now()
			if _, err := bn.s.AppendMessage(ctx, nm); err != nil {
				b.Fatal(err)
			}
			c := time.Duration(cpuTime(b) - c0)
			bn.cpu += c
			bn.wall += time.Since(t0)
			bn.appendCPU = append(bn.appendCPU, c)
		}
	}
	b.Logf("appended %d messages to %d stores in %v", n, len(benches), time.Since(start).Round(time.Second))
	// Search of each word, then the FTS5 match alone of each.
	queries := []string{"회의", "invoice", "회의", "invoice"}
	// timeQueries times each query of each store in turn, 21 rounds, and
	// keeps the median of each: the machine's other load falls on every
	// store alike.
	timeQueries := func() [][]time.Duration {
		times := make([][][]time.Duration, len(benches))
		for i := range benches {
			times[i] = make([][]time.Duration, len(queries))
		}
		for range 21 {
			for i, bn := range benches {
				for j, q := range queries {
					t0 := time.Now()
					var hits int
					var err error
					if j < len(queries)/2 {
						var res *store.SearchResult
						res, err = bn.s.Search(ctx, bn.account, store.SearchQuery{Text: search.Parse(q), Limit: 50})
						if res != nil {
							hits = res.Total
						}
					} else {
						// the FTS5 part alone: the doclists of the
						// terms, read from every segment
						err = bn.s.db.QueryRowContext(ctx, `SELECT count(*) FROM message_index WHERE message_index MATCH ?`,
							searchFTS(bn.account, q)).Scan(&hits)
					}
					if err != nil {
						b.Fatal(err)
					}
					times[i][j] = append(times[i][j], time.Since(t0))
					if hits == 0 {
						b.Fatalf("no hit for %q", q)
					}
				}
			}
		}
		out := make([][]time.Duration, len(benches))
		for i := range benches {
			for j := range queries {
				slices.Sort(times[i][j])
				out[i] = append(out[i], times[i][j][len(times[i][j])/2])
			}
		}
		return out
	}
	for i, t := range timeQueries() {
		benches[i].queryFill = t
		benches[i].segFill, benches[i].kbFill = indexShape(b, benches[i].s)
	}
	// The hourly 'merge' this would add to Optimize: bounded steps until
	// FTS5 reports no more work (total_changes does not move).
	for _, bn := range benches {
		c0 := cpuTime(b)
		if err := ftsMerge(ctx, bn.s, 500, 1000); err != nil {
			b.Fatal(err)
		}
		bn.mergeCPU = time.Duration(cpuTime(b) - c0)
		bn.segMerge, bn.kbMerge = indexShape(b, bn.s)
	}
	for i, t := range timeQueries() {
		benches[i].queryMrg = t
	}
	for _, bn := range benches {
		c0 := cpuTime(b)
		if _, err := bn.s.db.ExecContext(ctx, `INSERT INTO message_index(message_index) VALUES('optimize')`); err != nil {
			b.Fatal(err)
		}
		bn.optimCPU = time.Duration(cpuTime(b) - c0)
		_, bn.kbOpt = indexShape(b, bn.s)
	}
	for i, t := range timeQueries() {
		benches[i].queryOpt = t
	}
	base := benches[0]
	b.Logf("%d messages; per append: CPU mean, p50, p99; ratio of mean CPU to the first setting; search of %v then their FTS5 match alone, after fill / after merge / after optimize", n, queries[:2])
	for i, bn := range benches {
		slices.Sort(bn.appendCPU)
		pc := func(p float64) time.Duration { return bn.appendCPU[int(p*float64(len(bn.appendCPU)-1))] }
		b.Logf("%-30s append cpu %4dµs p50 %4dµs p99 %5dµs (x%.3f) wall %4dµs | segments %3d, %6d KB | search %v | merge %3d seg %6d KB cpu %v, search %v | optimize cpu %v %6d KB search %v",
			settings[i].name, (bn.cpu / time.Duration(n)).Microseconds(), pc(0.5).Microseconds(), pc(0.99).Microseconds(),
			float64(bn.cpu)/float64(base.cpu), (bn.wall / time.Duration(n)).Microseconds(),
			bn.segFill, bn.kbFill, mss(bn.queryFill),
			bn.segMerge, bn.kbMerge, bn.mergeCPU.Round(time.Millisecond), mss(bn.queryMrg),
			bn.optimCPU.Round(time.Millisecond), bn.kbOpt, mss(bn.queryOpt))
	}
	for b.Loop() {
	}
}

func mss(ds []time.Duration) string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%.2f", float64(d)/1e6))
	}
	return strings.Join(out, "/") + "ms"
}

// searchFTS is the MATCH expression Search gives FTS5 for one word.
func searchFTS(accountID int64, word string) string {
	_, _, args := searchFilter(accountID, store.SearchQuery{Text: search.Parse(word)})
	return args[len(args)-1].(string)
}

// ftsMerge runs FTS5 'merge' steps of pages pages each, at most steps of
// them, until one does no work (FTS5 writes nothing: total_changes moves
// by less than 2).
func ftsMerge(ctx context.Context, s *Store, pages, steps int) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for range steps {
		var before, after int64
		if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO message_index(message_index, rank) VALUES('merge', ?)`, pages); err != nil {
			return err
		}
		if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
			return err
		}
		if after-before < 2 {
			return nil
		}
	}
	return nil
}

// sqliteVarint decodes SQLite's varint (big-endian groups of 7 bits).
func sqliteVarint(p []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(p) && i < 9; i++ {
		if i == 8 {
			return v<<8 | uint64(p[i]), 9
		}
		v = v<<7 | uint64(p[i]&0x7f)
		if p[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return v, len(p)
}

// indexShape is the number of segments in the index's structure record
// and the bytes (KB) of message_index_data.
func indexShape(b *testing.B, s *Store) (int, int64) {
	var blk []byte
	if err := s.db.QueryRow(`SELECT block FROM message_index_data WHERE id = 10`).Scan(&blk); err != nil {
		b.Fatal(err)
	}
	// structure record: cookie(4) [FF 00 00 01 when segments carry their
	// origin, as in a contentless_delete table] nLevel nSegment ...
	blk = blk[4:]
	if len(blk) >= 4 && blk[0] == 0xff && blk[1] == 0 && blk[2] == 0 && blk[3] == 1 {
		blk = blk[4:]
	}
	_, k := sqliteVarint(blk)
	seg, _ := sqliteVarint(blk[k:])
	var size int64
	if err := s.db.QueryRow(`SELECT sum(pgsize) FROM dbstat WHERE name = 'message_index_data'`).Scan(&size); err != nil {
		b.Fatal(err)
	}
	return int(seg), size >> 10
}

// BenchmarkFTS5IndexSize measures where a database's bytes go after
// appending N messages (10 KB, the corpus of BenchmarkFTS5MergeSettings)
// through AppendMessage, beside the message files' bytes, for the search
// index as the schema makes it (contentless, issue 21) and, in a second
// store that gets the same messages in turn, for the index as it was
// before: message_index made again as the previous migrations made it,
// with its content kept and tokenised by unicode61. It logs each table's and index's size (dbstat), the
// whole database file after a checkpoint, and the process CPU per append
// of each store:
//
//	POSTROOM_BENCH_N=2000 go test -v -run '^$' -bench FTS5IndexSize -benchtime 1x ./internal/store/sqlite/
func BenchmarkFTS5IndexSize(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("POSTROOM_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	type variant struct {
		name      string
		s         *Store
		acct, box int64
		cpu       time.Duration
	}
	var vs []*variant
	for _, name := range []string{"contentless", "with content"} {
		s, acct, box := matchStore(b)
		if name == "with content" {
			for _, q := range []string{`DROP TABLE message_index`,
				`CREATE VIRTUAL TABLE message_index USING fts5(subject, from_addr, to_addr, body, acct,
					tokenize = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Z* C*' separators ' '")`,
				`INSERT INTO message_index(message_index, rank) VALUES('automerge', 16)`} {
				if _, err := s.db.ExecContext(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		}
		vs = append(vs, &variant{name: name, s: s, acct: acct, box: box})
	}
	corpus := loadgen.Corpus{Seed: 1, Size: loadgen.Size{Fixed: 10 << 10}}
	var files, terms int64
	for i := range n {
		raw := corpus.Message(i)
		p := message.Parse(raw)
		env := p.Envelope()
		idx := mail.IndexText(p)
		files += int64(len(raw))
		terms += int64(len(idx.Subject) + len(idx.From) + len(idx.To) + len(idx.Body))
		for _, v := range vs {
			before := time.Duration(cpuTime(b))
			if _, err := v.s.AppendMessage(ctx, &store.NewMessage{AccountID: v.acct, MailboxID: v.box, BlobKey: fmt.Sprintf("%064x", i),
				Size: int64(len(raw)), InternalDate: env.Date, Envelope: env, Preview: p.Preview(mail.PreviewLength), Index: idx}); err != nil {
				b.Fatal(err)
			}
			v.cpu += time.Duration(cpuTime(b)) - before
		}
	}
	b.Logf("%d messages: message files %d KB, index terms %d KB", n, files>>10, terms>>10)
	for _, v := range vs {
		if _, err := v.s.db.ExecContext(ctx, `PRAGMA main.wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
		rows, err := v.s.db.QueryContext(ctx, `SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC`)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var name string
			var size int64
			if err := rows.Scan(&name, &size); err != nil {
				b.Fatal(err)
			}
			if size >= 64<<10 || strings.HasPrefix(name, "message_index") {
				b.Logf("%s: %-28s %8d KB  (%.2f of the message files)", v.name, name, size>>10, float64(size)/float64(files))
			}
		}
		rows.Close()
		var pages, pageSize int64
		if err := v.s.db.QueryRowContext(ctx, `SELECT (SELECT page_count FROM pragma_page_count), (SELECT page_size FROM pragma_page_size)`).Scan(&pages, &pageSize); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: whole database %d KB (%.2f of the message files); CPU per append %v", v.name, pages*pageSize>>10,
			float64(pages*pageSize)/float64(files), v.cpu/time.Duration(n))
	}
	for b.Loop() {
	}
}
