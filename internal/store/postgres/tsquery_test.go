package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"postroom/internal/search"
	"postroom/internal/store/postgres/pgtest"
)

// queryTerms builds search.Terms from a compact notation: "a" exact, "a*"
// prefix, "+a" adjacent to the previous term.
func queryTerms(spec ...string) []search.Term {
	var out []search.Term
	for _, s := range spec {
		var t search.Term
		s, t.Adjacent = strings.CutPrefix(s, "+")
		t.Text, t.Prefix = strings.CutSuffix(s, "*")
		out = append(out, t)
	}
	return out
}

func TestTSQuery(t *testing.T) {
	tests := []struct {
		name string
		q    search.Query
		want string
	}{
		{"empty query renders nothing", search.Query{}, ""},
		{"only exclusions render nothing", search.Query{Exclude: queryTerms("spam")}, ""},
		{"all terms are ANDed, adjacency dropped", search.Query{Terms: queryTerms("견적", "+적서", "inv*")}, `'견적' & '적서' & 'inv':*`},
		{"exclusions are negated groups", search.Query{Terms: queryTerms("a"), Exclude: queryTerms("b", "+c", "d*")},
			`'a' & !('b' & 'c') & !('d':*)`},
		{"quotes are doubled and backslashes escaped", search.Query{Terms: queryTerms(`o'brien\x`)}, `'o''brien\\x'`},
		{"operators stay lexemes", search.Query{Terms: append(queryTerms("&", "|", "!", "<->"), search.Term{Text: ":*"}, search.Term{Text: "("})},
			`'&' & '|' & '!' & '<->' & ':*' & '('`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tsQuery(tt.q); got != tt.want {
				t.Fatalf("tsQuery() = %s, want %s", got, tt.want)
			}
		})
	}
}

// hostileQueries are inputs full of tsquery's (and FTS5's) own syntax.
var hostileQueries = []string{
	`"`, `""`, `"""`, `'`, `''`, `\`, `\\`, `\"`, `\'`, `*`, `**`, `-`, `--x`, `-"`, `-""`,
	`a AND b OR c NOT d`, `NEAR(a b, 3)`, `NEAR`, `AND`, `OR`, `NOT`, `^a`, `a:b`, `{a b}:c`, `col:"x"`,
	`a & b | !c`, `a <-> b`, `a <2> b`, `'a':*`, `a:*`, `a:AB`, `(a`, `a)`, `((((`, `a*`, `*a`, `+a`,
	`"unclosed`, `'unclosed`, "tab\there", "new\nline", "nul\x00byte", "bad\xffutf8",
	`kim@example.co.kr`, `"kim@example.co.kr"`, `-kim@example.co.kr`, `https://x.kr/a?b=c&d='e'`,
	`견적 AND 적서`, `"견적서" -"취소"`, `＂견적＂`, `－견적`, `“견적”`, `x"y"z`, `a"b c"d`,
}

func TestTSQueryOfHostileInputIsWellFormed(t *testing.T) {
	for _, in := range hostileQueries {
		if err := checkTSQuery(search.Parse(in)); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}

// FuzzTSQuery checks that whatever a user types, the tsquery rendering of
// its query is well-formed and says the query without adjacency.
//
//	go test ./internal/store/postgres -run '^$' -fuzz FuzzTSQuery -fuzztime 30s
func FuzzTSQuery(f *testing.F) {
	for _, s := range hostileQueries {
		f.Add(s)
	}
	for _, s := range []string{"견적서를 보내드립니다", "삼성전자 invoice 2026", "ＡＢＣ", "東京都", "コーヒー", "㈜삼성", "Cafe\u0301", "ΟΔΟΣ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if err := checkTSQuery(search.Parse(in)); err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
	})
}

// checkTSQuery checks that tsQuery(q) is well-formed and says q (its
// required terms without adjacency, its excluded groups as they are), by
// parsing it back with parseTSQuery.
func checkTSQuery(q search.Query) error {
	s := tsQuery(q)
	if q.Empty() {
		if s != "" {
			return fmt.Errorf("empty query renders %q", s)
		}
		return nil
	}
	pos, neg, err := parseTSQuery(s)
	if err != nil {
		return fmt.Errorf("tsquery %s: %v", s, err)
	}
	if !reflect.DeepEqual(pos, apart(q.Terms)) || !reflect.DeepEqual(neg, q.Exclude) {
		return fmt.Errorf("tsquery %s reads back as %+v NOT %+v, want %+v NOT %+v", s, pos, neg, q.Terms, q.Exclude)
	}
	return nil
}

// apart is terms with no term adjacent to the one before.
func apart(terms []search.Term) []search.Term {
	out := slices.Clone(terms)
	for i := range out {
		out[i].Adjacent = false
	}
	return out
}

// parseTSQuery is a validator for the subset of the tsquery syntax that
// tsQuery emits:
//
//	query  = lexeme { " & " lexeme } { " & !(" lexeme { " & " lexeme } ")" }
//	lexeme = "'" { any character but "'" and "\" | "''" | "\" any } "'" [ ":*" ]
//
// It returns the terms read, the required ones apart and those of each
// excluded group with Adjacent set after the first.
func parseTSQuery(s string) (pos, neg []search.Term, err error) {
	p := &tsReader{s: s}
	lexemes := func() ([]search.Term, error) {
		var g []search.Term
		for {
			text, err := p.quoted()
			if err != nil {
				return nil, err
			}
			g = append(g, search.Term{Text: text, Prefix: p.eat(":*"), Adjacent: len(g) > 0})
			if strings.HasPrefix(p.s[p.i:], " & !(") || !p.eat(" & ") {
				return g, nil
			}
		}
	}
	g, err := lexemes()
	if err != nil {
		return nil, nil, err
	}
	pos = apart(g)
	for p.eat(" & !(") {
		g, err := lexemes()
		if err != nil {
			return nil, nil, err
		}
		neg = append(neg, g...)
		if !p.eat(")") {
			return nil, nil, p.fail("want )")
		}
	}
	if !p.done() {
		return nil, nil, p.fail("trailing text")
	}
	return pos, neg, nil
}

type tsReader struct {
	s string
	i int
}

func (p *tsReader) eat(tok string) bool {
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *tsReader) done() bool { return p.i == len(p.s) }

func (p *tsReader) fail(msg string) error { return fmt.Errorf("at %d of %q: %s", p.i, p.s, msg) }

// quoted reads a non-empty tsquery lexeme in single quotes: a quote inside
// doubled, any character escaped by a backslash.
func (p *tsReader) quoted() (string, error) {
	if !p.eat("'") {
		return "", p.fail("want '")
	}
	var b strings.Builder
	for {
		if p.done() {
			return "", p.fail("unterminated string")
		}
		c := p.s[p.i]
		switch {
		case c == '\'' && p.i+1 < len(p.s) && p.s[p.i+1] == '\'':
			b.WriteByte('\'')
			p.i += 2
		case c == '\'':
			p.i++
			if b.Len() == 0 {
				return "", p.fail("empty string")
			}
			return b.String(), nil
		case c == '\\':
			if p.i+1 == len(p.s) {
				return "", p.fail("dangling backslash")
			}
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}

// The tests below run tsQuery against a real PostgreSQL, on vectors made
// as putIndex makes them (tsv over terms joined by spaces).

// tsDocs is a table docs(id, doc) in a schema of its own, doc holding the
// tsvector of each of terms (space-joined index terms) with id = index + 1.
func tsDocs(t *testing.T, terms []string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.SchemaDSN(t, pgtest.Schema(t)))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	if _, err := conn.Exec(ctx, `CREATE TABLE docs (id int PRIMARY KEY, doc tsvector NOT NULL)`); err != nil {
		t.Fatalf("create docs: %v", err)
	}
	for i, s := range terms {
		if _, err := conn.Exec(ctx, `INSERT INTO docs (id, doc) SELECT $1, `+tsv("$2::text"), i+1, s); err != nil {
			t.Fatalf("insert %q: %v", s, err)
		}
	}
	return conn
}

// tsDocsOf stores the index terms of texts, as the store does.
func tsDocsOf(t *testing.T, texts []string) *pgx.Conn {
	t.Helper()
	var terms []string
	for _, s := range texts {
		terms = append(terms, strings.Join(search.Tokens(s), " "))
	}
	return tsDocs(t, terms)
}

// tsSearch returns the ids of the docs matching q's tsquery.
func tsSearch(t *testing.T, conn *pgx.Conn, q search.Query) []int {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT id FROM docs WHERE doc @@ $1::tsquery ORDER BY id`, tsQuery(q))
	if err != nil {
		t.Fatalf("@@ %s: %v", tsQuery(q), err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatalf("@@ %s: %v", tsQuery(q), err)
	}
	return append([]int{}, ids...)
}

// matching returns the ids (index + 1) of the texts match accepts.
func matching(texts []string, q search.Query, match func(string, search.Query) bool) []int {
	ids := []int{}
	for i, s := range texts {
		if match(s, q) {
			ids = append(ids, i+1)
		}
	}
	return ids
}

// tsMatch is what the tsquery of q answers, in terms of search.Match: every
// required term somewhere in the text, and no excluded group with all its
// terms somewhere. It accepts every text Match accepts, and more only when
// a group's terms stand apart.
func tsMatch(text string, q search.Query) bool {
	if !search.Match(text, search.Query{Terms: apart(q.Terms)}) {
		return false
	}
	_, excluded := q.Groups()
	for _, g := range excluded {
		if search.Match(text, search.Query{Terms: apart(g)}) {
			return false
		}
	}
	return true
}

func TestTSQueryFindsDocuments(t *testing.T) {
	texts := []string{
		"견적서를 보내드립니다. 검토 부탁드립니다.",                          // 1
		"견적 요청은 취소되었습니다.",                                  // 2
		"Please find the attached invoice for March 2026.", // 3
		"kim@example.co.kr 로 보내주세요.",                       // 4
		"개발팀 회식은 금요일입니다. 삼성전자 invoice 2026 참고",             // 5
		"적서와 견적", // 6: the bigrams of 견적서, apart
	}
	conn := tsDocsOf(t, texts)
	tests := []struct {
		name  string
		query string
		want  []int
		// wider is set where the tsquery, which drops adjacency, finds
		// more than search.Match (the documents it finds are want).
		wider bool
	}{
		{"two-syllable korean word", "견적", []int{1, 2, 6}, false},
		{"korean bigram phrase", "삼성전자", []int{5}, false},
		{"substring in the middle of a word", "검토 적서", []int{1}, false},
		{"one-syllable prefix", "견", []int{1, 2, 6}, false},
		{"one syllable at the end of a word", "팀", []int{5}, false},
		{"english prefix, any case", "INV", []int{3, 5}, false},
		{"english exact word before the last", "march inv", []int{3}, false},
		{"full-width query", "ｉｎｖｏｉｃｅ", []int{3, 5}, false},
		{"typed address prefix", "kim@exam", []int{4}, false},
		{"pasted address", "kim@example.co.kr 보내", []int{4}, false},
		{"exclusion", "견적 -취소", []int{1, 6}, false},
		{"excluded korean phrase", `invoice -"삼성전자"`, []int{3}, false},
		{"excluded prefix", "견적 -보내", []int{2, 6}, false},
		{"operators are words", "견적 OR 회의", []int{}, false},
		{"bigram phrase apart is found, unlike Match", "견적서", []int{1, 6}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := search.Parse(tt.query)
			got := tsSearch(t, conn, q)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("@@ %s = %v, want %v", tsQuery(q), got, tt.want)
			}
			if want := matching(texts, q, tsMatch); !slices.Equal(got, want) {
				t.Fatalf("@@ %s = %v, tsMatch = %v", tsQuery(q), got, want)
			}
			exact := matching(texts, q, search.Match)
			if same := slices.Equal(got, exact); same == tt.wider {
				t.Fatalf("@@ %s = %v, search.Match = %v (wider %v)", tsQuery(q), got, exact, tt.wider)
			}
		})
	}
}

// Terms holding tsquery's own syntax, quotes and backslashes reach the
// server as the lexemes they are. search.Tokens never makes such terms
// today; the rendering must not depend on that.
func TestTSQueryLexemesAreVerbatim(t *testing.T) {
	conn := tsDocs(t, []string{`o'brien\x a&b :* <-> ( !`, `o brien x`})
	tests := []struct {
		name string
		q    search.Query
		want []int
	}{
		{"quote and backslash", search.Query{Terms: queryTerms(`o'brien\x`)}, []int{1}},
		{"prefix with a quote", search.Query{Terms: queryTerms(`o'bri*`)}, []int{1}},
		{"no partial lexeme", search.Query{Terms: queryTerms(`o'brien`)}, []int{}},
		{"operators", search.Query{Terms: append(queryTerms("a&b", "<->", "(", "!"), search.Term{Text: ":*"})}, []int{1}},
		{"plain words", search.Query{Terms: queryTerms("o", "brien")}, []int{2}},
		{"excluded quote", search.Query{Terms: queryTerms("o*"), Exclude: queryTerms(`o'brien\x`)}, []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tsSearch(t, conn, tt.q); !slices.Equal(got, tt.want) {
				t.Fatalf("@@ %s = %v, want %v", tsQuery(tt.q), got, tt.want)
			}
		})
	}
}

func TestTSQueryAcceptsHostileQueries(t *testing.T) {
	conn := tsDocsOf(t, []string{`a AND b "quoted" 'single' \back NEAR(x) col:y * 견적 & | ! <->`})
	long := strings.Repeat("word ", 2000) + strings.Repeat("-no ", 100) + strings.Repeat("가나다", 500)
	for _, in := range append(slices.Clone(hostileQueries), long) {
		q := search.Parse(in)
		if q.Empty() {
			continue
		}
		tsSearch(t, conn, q) // fails the test on a tsquery syntax error
	}
}

// TestTSQueryAgreesWithMatch searches random Korean and English texts for
// random pieces of them and checks that PostgreSQL returns exactly the
// documents tsMatch (search.Match without adjacency) accepts, and never
// fewer than search.Match.
func TestTSQueryAgreesWithMatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{
		"견적서", "를", "보내", "드립니다", "견적", "취소", "삼성전자", "의", "회의실", "에서", "팀", "개발",
		"invoice", "Invoice", "march", "report", "annual", "kim@example.co.kr", "lee@test.kr",
		"https://x.kr/a", "2026", "03", "東京", "コーヒー", "ＡＢＣ", "abc",
		" ", " ", " ", " ", ", ", ". ", "-", "(", ")", "\"", "'", "\\",
	}
	randText := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	var texts []string
	for range 60 {
		texts = append(texts, randText(4+rng.IntN(12)))
	}
	conn := tsDocsOf(t, texts)

	checked := 0
	for range 400 {
		var query string
		switch rng.IntN(3) {
		case 0: // a piece of a document
			r := []rune(texts[rng.IntN(len(texts))])
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
		got := tsSearch(t, conn, q)
		if want := matching(texts, q, tsMatch); !slices.Equal(got, want) {
			t.Fatalf("query %q: @@ %s = %v, tsMatch = %v", query, tsQuery(q), got, want)
		}
		if len(q.Exclude) == 0 {
			for _, id := range matching(texts, q, search.Match) {
				if !slices.Contains(got, id) {
					t.Fatalf("query %q: @@ %s = %v misses %d, which search.Match finds", query, tsQuery(q), got, id)
				}
			}
		}
	}
	if checked < 200 {
		t.Fatalf("only %d queries checked", checked)
	}
	t.Logf("%d queries agree over %d documents", checked, len(texts))
}
