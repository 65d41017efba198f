package web_test

// BenchmarkWebAPI100k measures the latency of the JSON API's list and
// search routes (issue 6) on a generated mailbox of 100,000 INBOX messages,
// over real HTTP. Not run by the test suite; run it with:
//
//	nice -n 10 go test -run '^$' -bench WebAPI100k -benchtime 1x -timeout 60m ./internal/web/
//
// The mailboxes (bench_mailbox_test.go) are generated through the real
// delivery path on the first run and cached in $POSTROOM_BENCH_DIR (default
// os.TempDir()/postroom-bench); the directory and the generation time are
// printed on stderr. The first run spends about 5 minutes generating on a
// 2-core machine (about 400 appends/s, each fsynced) and keeps about 1.1 GB
// on disk; later runs reuse it and take about 8 to 12 minutes in all.
//
// What is measured: web.Server.Handler() served by httptest on 127.0.0.1,
// one browser-like client per account (cookie jar, logged in with POST
// /api/v1/session, keep-alive), requests one after another. A sample is
// the time from sending a request to having read the whole answer; the
// JSON is decoded outside the timing, to check the answer. Each case warms
// up with 3 requests, then takes POSTROOM_BENCH_WEB_SAMPLES samples
// (default 200), or at least 20 and as many as fit in 30 seconds.
//
// Reported per case: p50-ms, p99-ms (nearest rank), mean-ms, hits (the
// answer's total), and p50 as ratios against two baselines measured in the
// same run: GET /healthz on the same server (p50-x-healthz) and the same
// case on the smallest mailbox (p50-x-10k by default). ns/op is suppressed:
// an iteration is a whole series of samples. A table of every case is
// printed on stderr at the end.
//
//	POSTROOM_BENCH_WEB_SIZES=10000,100000  INBOX sizes; the smallest is the baseline
//	POSTROOM_BENCH_WEB_SAMPLES=200         samples per case
//	POSTROOM_BENCH_DIR=/path               where generated mailboxes are kept
//
// Cases: the folder list; the INBOX's first page, a page in the middle
// (page 1000 of 2000 for 100k), the last page, the first page of unread
// only and the first page of threads (thread=1), 50 per page; quick search
// for an English word and a Korean two-syllable word (each in about a
// quarter of the mail), a rare sender's address and an English prefix
// (type-ahead); advanced search (from one sender, one year); search for
// messages with attachments; GET /api/v1/session (the bootstrap: folders
// and the first INBOX page) when the route exists, skipped otherwise. The
// neighbour-1k cases search as a second account of 1,000 messages in the
// same database.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"postroom/internal/auth"
	"postroom/internal/events"
	"postroom/internal/mail"
	"postroom/internal/testbed"
	"postroom/internal/web"
)

// The search terms and filters of the cases. The hit counts they give are
// reported with the latencies.
const (
	webBenchWordEn   = "invoice"
	webBenchWordKo   = "견적"
	webBenchPrefixEn = "deliv"
	webBenchSince    = "2024-01-01"
	webBenchBefore   = "2024-12-31"
)

var (
	// webBenchFrom is the sender of the advanced search: a frequent one
	// (about 4% of the mail).
	webBenchFrom = benchSenders[3].Addr
	// webBenchRare is an address in the long tail (under 0.1% of the mail),
	// searched as typed into the quick search.
	webBenchRare = benchSenders[200].Addr
)

func webBenchSizes(b *testing.B) []int {
	v := os.Getenv("POSTROOM_BENCH_WEB_SIZES")
	if v == "" {
		v = "10000,100000"
	}
	var sizes []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 {
			b.Fatalf("POSTROOM_BENCH_WEB_SIZES=%q: want numbers of at least 100 separated by commas", v)
		}
		sizes = append(sizes, n)
	}
	slices.Sort(sizes)
	return slices.Compact(sizes)
}

func webBenchSamples() int {
	if n, err := strconv.Atoi(os.Getenv("POSTROOM_BENCH_WEB_SAMPLES")); err == nil && n > 0 {
		return n
	}
	return 200
}

const (
	webBenchMinSamples = 20
	webBenchBudget     = 30 * time.Second
	webBenchWarmup     = 3
)

// webBenchTarget is one generated mailbox behind its own server.
type webBenchTarget struct {
	n        int
	mb       *benchMailbox
	ts       *httptest.Server
	kim, lee *webBenchClient
	inbox    int64 // kim's INBOX
}

// webBenchClient is a browser: cookie jar and CSRF token, keep-alive.
type webBenchClient struct {
	base string
	http *http.Client
	csrf string
}

func newWebBenchTarget(b *testing.B, n int) *webBenchTarget {
	mb, err := openBenchMailbox(context.Background(), n, os.Stderr)
	if err != nil {
		b.Fatalf("mailbox of %d: %v", n, err)
	}
	b.Cleanup(func() { mb.store.Close() })
	bus := events.NewLocal()
	srv := &web.Server{Mail: &mail.Service{Store: mb.store, Blobs: mb.blobs, Events: bus},
		Sessions: &auth.Sessions{Store: mb.store, Auth: auth.NewAuthenticator(mb.store, false), Events: bus}, Events: bus, Log: testbed.Quiet(),
		Ready: func(ctx context.Context) error { _, err := mb.store.Domains(ctx); return err }}
	t := &webBenchTarget{n: n, mb: mb, ts: httptest.NewServer(srv.Handler())}
	b.Cleanup(t.ts.Close)
	t.kim = t.login(b, "kim@"+benchDomain)
	t.lee = t.login(b, "lee@"+benchDomain)
	var mbs struct {
		Mailboxes []struct {
			ID    int64
			Name  string
			Total int
		}
	}
	t.kim.getJSON(b, "/api/v1/mailboxes", &mbs)
	for _, m := range mbs.Mailboxes {
		if m.Name == "INBOX" {
			t.inbox = m.ID
			if m.Total != n {
				b.Fatalf("%s: INBOX holds %d messages, want %d", mb.dir, m.Total, n)
			}
		}
	}
	if t.inbox == 0 {
		b.Fatalf("%s: no INBOX in %+v", mb.dir, mbs)
	}
	return t
}

func (t *webBenchTarget) login(b *testing.B, email string) *webBenchClient {
	jar, _ := cookiejar.New(nil)
	c := &webBenchClient{base: t.ts.URL, http: &http.Client{Jar: jar}}
	body, _ := json.Marshal(map[string]string{"email": email, "password": testbed.Password})
	req, _ := http.NewRequest("POST", c.base+"/api/v1/session", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ CSRF string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.CSRF == "" {
		b.Fatalf("login %s: %d %v", email, resp.StatusCode, err)
	}
	c.csrf = out.CSRF
	return c
}

// get sends one GET as web/ui/api.js does (the CSRF token goes only on
// state-changing requests) and reads the whole answer; took is the latency.
func (c *webBenchClient) get(path string) (resp *http.Response, body []byte, took time.Duration, err error) {
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		return nil, nil, 0, err
	}
	start := time.Now()
	resp, err = c.http.Do(req)
	if err != nil {
		return nil, nil, 0, err
	}
	body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body, time.Since(start), err
}

func (c *webBenchClient) getJSON(b *testing.B, path string, out any) {
	resp, body, _, err := c.get(path)
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		b.Fatalf("GET %s: %v", path, err)
	}
}

// webBenchCase is one measured request.
type webBenchCase struct {
	name      string
	neighbour bool // as lee, the 1,000-message account
	optional  bool // skip when the route does not answer JSON (not there yet)
	path      func(t *webBenchTarget) string
	// check verifies an answer and returns its hit count.
	check func(t *webBenchTarget, body []byte) (int, error)
}

type webBenchPage struct {
	Messages []struct {
		Seen bool
		Date time.Time
		From *struct{ Email string }
	}
	Total int
}

func (p *webBenchPage) decode(body []byte) error { return json.Unmarshal(body, p) }

func webBenchList(query string, page func(n int) int, want func(t *webBenchTarget, p *webBenchPage) error) webBenchCase {
	return webBenchCase{
		path: func(t *webBenchTarget) string {
			return fmt.Sprintf("/api/v1/mailboxes/%d/messages?page=%d&per_page=50%s", t.inbox, page(t.n), query)
		},
		check: func(t *webBenchTarget, body []byte) (int, error) {
			var p webBenchPage
			if err := p.decode(body); err != nil {
				return 0, err
			}
			return p.Total, want(t, &p)
		},
	}
}

func webBenchSearch(query url.Values, want func(p *webBenchPage) error) webBenchCase {
	return webBenchCase{
		path: func(*webBenchTarget) string { return "/api/v1/search?" + query.Encode() },
		check: func(_ *webBenchTarget, body []byte) (int, error) {
			var p webBenchPage
			if err := p.decode(body); err != nil {
				return 0, err
			}
			if want == nil {
				want = someHits
			}
			return p.Total, want(&p)
		},
	}
}

func someHits(p *webBenchPage) error {
	if p.Total == 0 || len(p.Messages) == 0 {
		return fmt.Errorf("no hits")
	}
	return nil
}

func named(name string, c webBenchCase) webBenchCase {
	c.name = name
	return c
}

func neighbour(c webBenchCase) webBenchCase {
	c.name = "neighbour-1k/" + c.name
	c.neighbour = true
	return c
}

func webBenchCases() []webBenchCase {
	fullPage := func(t *webBenchTarget, p *webBenchPage) error {
		if p.Total != t.n || len(p.Messages) != 50 {
			return fmt.Errorf("total %d, %d messages; want %d, 50", p.Total, len(p.Messages), t.n)
		}
		return nil
	}
	unread := func(t *webBenchTarget, p *webBenchPage) error {
		if p.Total == 0 || len(p.Messages) == 0 {
			return fmt.Errorf("no unread messages")
		}
		for _, m := range p.Messages {
			if m.Seen {
				return fmt.Errorf("a seen message in the unread list")
			}
		}
		return nil
	}
	threads := func(t *webBenchTarget, p *webBenchPage) error {
		if p.Total == 0 || p.Total > t.n || len(p.Messages) != 50 {
			return fmt.Errorf("%d threads, %d on the page; want 1..%d, 50", p.Total, len(p.Messages), t.n)
		}
		return nil
	}
	since, _ := time.Parse(time.DateOnly, webBenchSince)
	before, _ := time.Parse(time.DateOnly, webBenchBefore)
	advanced := func(p *webBenchPage) error {
		if err := someHits(p); err != nil {
			return err
		}
		for _, m := range p.Messages {
			if m.From == nil || m.From.Email != webBenchFrom {
				return fmt.Errorf("hit from %+v, want %s", m.From, webBenchFrom)
			}
			if m.Date.Before(since.Add(-24*time.Hour)) || m.Date.After(before.Add(48*time.Hour)) {
				return fmt.Errorf("hit dated %v, outside %s..%s", m.Date, webBenchSince, webBenchBefore)
			}
		}
		return nil
	}
	wordEn := named("search-en-word", webBenchSearch(url.Values{"q": {webBenchWordEn}}, nil))
	wordKo := named("search-ko-word", webBenchSearch(url.Values{"q": {webBenchWordKo}}, nil))
	attach := named("search-attachment", webBenchSearch(url.Values{"has_attachment": {"1"}}, nil))
	return []webBenchCase{
		{name: "mailboxes", path: func(*webBenchTarget) string { return "/api/v1/mailboxes" },
			check: func(t *webBenchTarget, body []byte) (int, error) {
				var out struct{ Mailboxes []struct{ Total int } }
				err := json.Unmarshal(body, &out)
				return len(out.Mailboxes), err
			}},
		named("list-first", webBenchList("", func(int) int { return 1 }, fullPage)),
		named("list-middle", webBenchList("", func(n int) int { return n / 100 }, fullPage)),
		named("list-last", webBenchList("", func(n int) int { return n / 50 }, fullPage)),
		named("list-unread", webBenchList("&unread=1", func(int) int { return 1 }, unread)),
		named("list-threads", webBenchList("&thread=1", func(int) int { return 1 }, threads)),
		wordEn,
		wordKo,
		named("search-rare-address", webBenchSearch(url.Values{"q": {webBenchRare}}, func(*webBenchPage) error { return nil })),
		named("search-en-prefix", webBenchSearch(url.Values{"q": {webBenchPrefixEn}}, nil)),
		named("search-advanced", webBenchSearch(url.Values{"from": {webBenchFrom}, "since": {webBenchSince}, "before": {webBenchBefore}}, advanced)),
		attach,
		{name: "session-bootstrap", optional: true, path: func(*webBenchTarget) string { return "/api/v1/session" },
			check: func(_ *webBenchTarget, body []byte) (int, error) {
				var out map[string]any
				return 0, json.Unmarshal(body, &out)
			}},
		neighbour(wordEn),
		neighbour(wordKo),
		neighbour(attach),
	}
}

// webBenchResult is one case's figures.
type webBenchResult struct {
	samples         int
	p50, p99, mean  time.Duration
	hits            int
	xHealthz, xBase float64 // 0: no baseline
}

func summarize(lat []time.Duration) webBenchResult {
	s := slices.Clone(lat)
	slices.Sort(s)
	rank := func(p float64) time.Duration { return s[max(int(math.Ceil(p*float64(len(s))))-1, 0)] }
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return webBenchResult{samples: len(s), p50: rank(0.50), p99: rank(0.99), mean: sum / time.Duration(len(s))}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// sample takes one series of latencies of GET path.
func sample(b *testing.B, c *webBenchClient, path string, want int) []time.Duration {
	lat := make([]time.Duration, 0, want)
	start := time.Now()
	for len(lat) < want && (len(lat) < webBenchMinSamples || time.Since(start) < webBenchBudget) {
		resp, body, took, err := c.get(path)
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		lat = append(lat, took)
	}
	return lat
}

func BenchmarkWebAPI100k(b *testing.B) {
	sizes := webBenchSizes(b)
	samples := webBenchSamples()
	targets := make([]*webBenchTarget, len(sizes))
	for i, n := range sizes {
		targets[i] = newWebBenchTarget(b, n)
	}
	base := sizes[0]
	baseUnit := "p50-x-" + webBenchSize(base)

	// Written by the sub-benchmarks, which run one at a time.
	results := map[string]webBenchResult{} // by sub-benchmark name
	var order []string
	record := func(name string, r webBenchResult) {
		if _, ok := results[name]; !ok {
			order = append(order, name)
		}
		results[name] = r
	}
	healthz := map[int]time.Duration{} // p50 by size

	for _, t := range targets {
		b.Run(fmt.Sprintf("msgs=%d/healthz", t.n), func(b *testing.B) {
			var lat []time.Duration
			for range webBenchWarmup {
				sample(b, t.kim, "/healthz", 1)
			}
			for range b.N {
				lat = append(lat, sample(b, t.kim, "/healthz", samples)...)
			}
			r := summarize(lat)
			healthz[t.n] = r.p50
			webBenchReport(b, r, "")
			record(b.Name(), r)
		})
		for _, c := range webBenchCases() {
			b.Run(fmt.Sprintf("msgs=%d/%s", t.n, c.name), func(b *testing.B) {
				cl := t.kim
				if c.neighbour {
					cl = t.lee
				}
				path := c.path(t)
				resp, body, _, err := cl.get(path)
				if err != nil {
					b.Fatal(err)
				}
				if c.optional && (resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json")) {
					b.Skipf("GET %s answers %d %s: route not there yet", path, resp.StatusCode, resp.Header.Get("Content-Type"))
				}
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
				}
				hits, err := c.check(t, body)
				if err != nil {
					b.Fatalf("GET %s: %v", path, err)
				}
				for range webBenchWarmup - 1 {
					sample(b, cl, path, 1)
				}
				var lat []time.Duration
				for range b.N {
					lat = append(lat, sample(b, cl, path, samples)...)
				}
				r := summarize(lat)
				r.hits = hits
				if h := healthz[t.n]; h > 0 {
					r.xHealthz = float64(r.p50) / float64(h)
				}
				unit := ""
				if t.n != base {
					if br, ok := results[strings.Replace(b.Name(), fmt.Sprintf("msgs=%d/", t.n), fmt.Sprintf("msgs=%d/", base), 1)]; ok && br.p50 > 0 {
						r.xBase, unit = float64(r.p50)/float64(br.p50), baseUnit
					}
				}
				webBenchReport(b, r, unit)
				record(b.Name(), r)
			})
		}
	}

	fmt.Fprintf(os.Stderr, "\nwebapi bench: latency per request, one client, %d samples per case (p99 = nearest rank)\n\n", samples)
	fmt.Fprintf(os.Stderr, "| case | samples | p50 ms | p99 ms | mean ms | hits | p50 / healthz | p50 / %s |\n|---|---:|---:|---:|---:|---:|---:|---:|\n", webBenchSize(base))
	for _, name := range order {
		r := results[name]
		ratio := func(x float64) string {
			if x == 0 {
				return ""
			}
			return fmt.Sprintf("%.1f×", x)
		}
		fmt.Fprintf(os.Stderr, "| %s | %d | %.2f | %.2f | %.2f | %d | %s | %s |\n", strings.TrimPrefix(name, "BenchmarkWebAPI100k/"),
			r.samples, ms(r.p50), ms(r.p99), ms(r.mean), r.hits, ratio(r.xHealthz), ratio(r.xBase))
	}
	for _, t := range targets {
		how := "generated in this run"
		if t.mb.reused {
			how = "reused; generation took"
		}
		fmt.Fprintf(os.Stderr, "\nmsgs=%d: %d messages in %s (%s %v)", t.n, t.mb.messages, t.mb.dir, how, t.mb.generated.Round(time.Second))
	}
	fmt.Fprintln(os.Stderr)
}

func webBenchReport(b *testing.B, r webBenchResult, baseUnit string) {
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(r.p50), "p50-ms")
	b.ReportMetric(ms(r.p99), "p99-ms")
	b.ReportMetric(ms(r.mean), "mean-ms")
	if r.hits > 0 {
		b.ReportMetric(float64(r.hits), "hits")
	}
	if r.xHealthz > 0 {
		b.ReportMetric(r.xHealthz, "p50-x-healthz")
	}
	if baseUnit != "" {
		b.ReportMetric(r.xBase, baseUnit)
	}
}

// webBenchSize names a mailbox size briefly: 10k, 100k, 2500.
func webBenchSize(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}
