package sqlite

import (
	"database/sql"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"postroom/internal/search"
)

// These tests run fts5Query and fts5Tokenizer against a real SQLite FTS5
// (the one this store uses), with search.Tokens stored joined by spaces as
// in store.IndexText, on a bare table docs(subject, body).

// openFTS returns an in-memory database with an FTS5 table docs(subject,
// body) tokenised by tokenize, and fails the test if FTS5 is not built in.
func openFTS(t *testing.T, tokenize string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // every connection to :memory: is a new database
	_, err = db.Exec(`CREATE VIRTUAL TABLE docs USING fts5(subject, body, tokenize = "` + strings.ReplaceAll(tokenize, `"`, `""`) + `")`)
	if err != nil && strings.Contains(err.Error(), "no such module: fts5") {
		t.Fatal("modernc.org/sqlite is built without FTS5, which search needs")
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE VIRTUAL TABLE vocab USING fts5vocab(docs, 'instance')`); err != nil {
		t.Fatal(err)
	}
	return db
}

// ftsInsert stores the documents with rowid = index + 1.
func ftsInsert(t *testing.T, db *sql.DB, subjects, bodies []string) {
	t.Helper()
	for i := range bodies {
		subject := ""
		if subjects != nil {
			subject = subjects[i]
		}
		_, err := db.Exec(`INSERT INTO docs(rowid, subject, body) VALUES (?, ?, ?)`, i+1,
			strings.Join(search.Tokens(subject), " "), strings.Join(search.Tokens(bodies[i]), " "))
		if err != nil {
			t.Fatal(err)
		}
	}
}

// ftsSearch returns the rowids matching q in the given column ("docs" for
// all).
func ftsSearch(t *testing.T, db *sql.DB, column string, q search.Query) []int {
	t.Helper()
	rows, err := db.Query(`SELECT rowid FROM docs WHERE `+column+` MATCH ? ORDER BY rowid`, fts5Query(q))
	if err != nil {
		t.Fatalf("MATCH %s: %v", fts5Query(q), err)
	}
	defer rows.Close()
	ids := []int{}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("MATCH %s: %v", fts5Query(q), err)
	}
	return ids
}

// storedTerms returns the terms FTS5 keeps for the body of a row, in order.
func storedTerms(t *testing.T, db *sql.DB, rowid int) []string {
	t.Helper()
	rows, err := db.Query(`SELECT term FROM vocab WHERE doc = ? AND col = 'body' ORDER BY offset`, rowid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// tokenizerDocs are texts whose terms hold what search.Tokens can make:
// ASCII punctuation inside addresses and URLs, digits, Hangul and Han
// bigrams, other scripts, combining marks, letters whose lower case Go
// and SQLite might see differently, full-width forms, emoji.
var tokenizerDocs = []string{
	"견적서를 보내드립니다",
	"Kim <kim@example.co.kr>, https://example.com/pay?id=42&x=y",
	"東京都に行きます コーヒー 中华人民",
	"हिन्दी ภาษาไทย Café ΟΔΟΣ",
	`"o'brien.kim+tag_1-x"@sub.example.co.kr, 'quoted'@x.kr, first.last!#$%&'*+/=?^_{|}~-@example.test`,
	"https://x.kr/a/b;p?q=1&r[]=2,3#frag:~%20$!*'()@user https://user:pw@host.example:8443/a_b-c.d~e?x=`y` " +
		`https://example.com/"quoted"\back\slash<tag>`,
	"2026-03-01 10:30:00 +0900 3.14159 1,000,000 ①②③ ４２ 0x1F 1e10 v1.2.3-rc.1",
	"ΣΊΣΥΦΟΣ İstanbul ıi STRASSE ẞ Ǆemal ǅ ǆ Ωhm K Å ꭰᏸ ＡＢＣ ﬁle",
	"Привет МИР ЁЛКА Ӂ Ґ 한국어 ㄱㄴ ᄀ 𠀀𠀁 😀👍🏽 ﷺ עברית العربية",
	"control\x01chars\x7fhere tab\there new\nline",
}

func TestFTS5TokenizerStoresExactlyOurTerms(t *testing.T) {
	db := openFTS(t, fts5Tokenizer)
	ftsInsert(t, db, nil, tokenizerDocs)
	for i, doc := range tokenizerDocs {
		if got, want := storedTerms(t, db, i+1), search.Tokens(doc); !slices.Equal(got, want) {
			t.Errorf("FTS5 stores %q for %q, want search.Tokens = %q", got, doc, want)
		}
	}
	// marker terms (of a text indexed only in part, of one whose terms
	// answer exact needles: "!exact") are terms of their own
	terms := search.Terms("견적서 kim@example.co.kr") + " " + search.CutTerm + " !exact"
	if _, err := db.Exec(`INSERT INTO docs(rowid, subject, body) VALUES (1000, '', ?)`, terms); err != nil {
		t.Fatal(err)
	}
	if got, want := storedTerms(t, db, 1000), strings.Split(terms, " "); !slices.Equal(got, want) {
		t.Errorf("FTS5 stores %q, want %q", got, want)
	}
	if got := ftsSearch(t, db, "docs", search.Cut); !slices.Equal(got, []int{1000}) {
		t.Errorf("%s MATCH %s = %v, want the marked row", "docs", fts5Query(search.Cut), got)
	}
}

// Random texts over every ASCII character and letters of many scripts
// (upper and lower case): FTS5 stores exactly search.Tokens' terms, and
// finds each document by each of its terms, through fts5Query's quoting.
func TestFTS5TokenizerStoresExactlyOurTermsOfRandomText(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var alphabet []string
	for c := 1; c < 0x80; c++ {
		alphabet = append(alphabet, string(rune(c)))
	}
	for _, r := range "견적서한국어東京コーヒーΣσςΟΔİıẞßǄǅǆЁёÅåКkﬁＡａ①ि्ภาษา😀\u0301\u00a0\u3000" {
		alphabet = append(alphabet, string(r))
	}
	alphabet = append(alphabet, "@example.co.kr", "https://x.kr/", "kim@", ".", " ", " ", " ")
	var docs []string
	for range 200 {
		var b strings.Builder
		for range 5 + rng.IntN(40) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		docs = append(docs, b.String())
	}
	db := openFTS(t, fts5Tokenizer)
	ftsInsert(t, db, nil, docs)
	for i, doc := range docs {
		want := search.Tokens(doc)
		if got := storedTerms(t, db, i+1); !slices.Equal(got, want) {
			t.Fatalf("FTS5 stores %q for %q, want search.Tokens = %q", got, doc, want)
		}
		for _, term := range want {
			q := search.Query{Terms: []search.Term{{Text: term}}}
			if !slices.Contains(ftsSearch(t, db, "body", q), i+1) {
				t.Fatalf("document %q not found by its term %q (%s)", doc, term, fts5Query(q))
			}
		}
	}
}

// The plain 'unicode61 remove_diacritics 0' keeps Hangul bigrams whole, but
// cuts whole-address terms and words with combining marks: the reason for
// fts5Tokenizer. If this test fails, SQLite changed and the choice should be
// looked at again.
func TestPlainUnicode61KeepsBigramsButSplitsAddresses(t *testing.T) {
	docs := []string{"견적서를 보내드립니다 東京都", "kim@example.co.kr", "हिन्दी"}
	db := openFTS(t, "unicode61 remove_diacritics 0")
	ftsInsert(t, db, nil, docs)
	if got, want := storedTerms(t, db, 1), search.Tokens(docs[0]); !slices.Equal(got, want) {
		t.Errorf("unicode61 stores %q, want the bigrams %q intact", got, want)
	}
	if got := storedTerms(t, db, 2); slices.Contains(got, "kim@example.co.kr") {
		t.Errorf("unicode61 now keeps %q whole: %q", docs[1], got)
	}
	if got := storedTerms(t, db, 3); slices.Equal(got, search.Tokens(docs[2])) {
		t.Errorf("unicode61 now keeps combining marks: %q", got)
	}
}

func TestFTS5FindsDocuments(t *testing.T) {
	subjects := []string{
		"견적서 송부",        // 1
		"회의 안내",         // 2
		"Invoice March", // 3
		"RE: 계약 취소",     // 4
		"개발팀 공지",        // 5
		"주소 확인",         // 6
	}
	bodies := []string{
		"견적서를 보내드립니다. 검토 부탁드립니다.",
		"내일 오전 10시 회의실에서 뵙겠습니다.",
		"Please find the attached invoice for March 2026.",
		"견적 요청은 취소되었습니다.",
		"개발팀 회식은 금요일입니다. 삼성전자 invoice 2026 참고",
		"kim@example.co.kr 로 보내주세요. lee.kim@example.co.kr.evil.test 아님",
	}
	db := openFTS(t, fts5Tokenizer)
	ftsInsert(t, db, subjects, bodies)
	tests := []struct {
		name   string
		column string
		query  string
		want   []int
	}{
		{"two-syllable korean word", "docs", "견적", []int{1, 4}},
		{"two-syllable substring in the middle of a word", "docs", "적서", []int{1}},
		{"three-syllable word", "docs", "견적서", []int{1}},
		{"one-syllable prefix", "docs", "견", []int{1, 4}},
		{"one syllable at the end of a word", "docs", "팀", []int{5}},
		{"substring with a particle", "docs", "회의실", []int{2}},
		{"english prefix, any case", "docs", "INV", []int{3, 5}},
		{"english exact word before the last", "docs", "march inv", []int{3}},
		{"full-width query", "docs", "ｉｎｖｏｉｃｅ", []int{3, 5}},
		{"mixed korean, english, number", "docs", "삼성전자 invoice 2026", []int{5}},
		{"pasted address", "docs", "kim@example.co.kr 보내", []int{6}},
		{"typed address prefix", "docs", "kim@exam", []int{6}},
		{"exclusion", "docs", "견적 -취소", []int{1}},
		{"phrase", "docs", `"attached invoice"`, []int{3}},
		{"phrase out of order", "docs", `"invoice attached"`, []int{}},
		{"operators are words", "docs", "견적 OR 회의", []int{}},
		{"column filter on the subject", "subject", "견적", []int{1}},
		{"column filter on the body", "body", "취소", []int{4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := search.Parse(tt.query)
			if got := ftsSearch(t, db, tt.column, q); !slices.Equal(got, tt.want) {
				t.Fatalf("%s MATCH %s = %v, want %v", tt.column, fts5Query(q), got, tt.want)
			}
		})
	}
}

func TestFTS5AcceptsHostileQueries(t *testing.T) {
	db := openFTS(t, fts5Tokenizer)
	ftsInsert(t, db, nil, []string{`a AND b "quoted" 'single' \back NEAR(x) col:y * 견적`})
	long := strings.Repeat("word ", 2000) + strings.Repeat("-no ", 100) + strings.Repeat("가나다", 500)
	for _, in := range append(slices.Clone(hostileQueries), long) {
		q := search.Parse(in)
		if q.Empty() {
			continue
		}
		ftsSearch(t, db, "docs", q) // fails the test on an FTS5 syntax error
	}
}

// TestFTS5AgreesWithMatch searches random Korean and English texts for
// random pieces of them and checks that FTS5 returns exactly the documents
// search.Match accepts: the index, the tokenizer setting and the rendering
// agree with the reference semantics.
func TestFTS5AgreesWithMatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{
		"견적서", "를", "보내", "드립니다", "견적", "취소", "삼성전자", "의", "회의실", "에서", "팀", "개발",
		"invoice", "Invoice", "march", "report", "annual", "kim@example.co.kr", "lee@test.kr",
		"https://x.kr/a", "2026", "03", "東京", "コーヒー", "ＡＢＣ", "abc",
		" ", " ", " ", " ", ", ", ". ", "-", "(", ")", "\"",
	}
	randText := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	var docs []string
	for range 60 {
		docs = append(docs, randText(4+rng.IntN(12)))
	}
	db := openFTS(t, fts5Tokenizer)
	ftsInsert(t, db, nil, docs)

	checked := 0
	for range 400 {
		var query string
		switch rng.IntN(3) {
		case 0: // a piece of a document
			r := []rune(docs[rng.IntN(len(docs))])
			i := rng.IntN(len(r))
			j := min(len(r), i+1+rng.IntN(8))
			query = string(r[i:j])
		case 1: // words from anywhere
			query = randText(1 + rng.IntN(3))
		default: // with an exclusion
			query = randText(1+rng.IntN(2)) + " -" + randText(1)
		}
		q := search.Parse(query)
		if q.Empty() {
			continue
		}
		checked++
		want := []int{}
		for i, d := range docs {
			if search.Match(d, q) {
				want = append(want, i+1)
			}
		}
		if got := ftsSearch(t, db, "docs", q); !slices.Equal(got, want) {
			t.Fatalf("query %q: FTS5 %s = %v, Match = %v", query, fts5Query(q), got, want)
		}
	}
	if checked < 200 {
		t.Fatalf("only %d queries checked", checked)
	}
	t.Logf("%d queries agree over %d documents", checked, len(docs))
}
