package interop

// GET /metrics (issue 19) read with the Prometheus text parser: the
// counters move when mail flows and clients log in, every series of ours
// is named postroom_*, and the numbers are kept from the internet (a
// proxied request, a missing or wrong token: 404).

import (
	"fmt"
	"io"
	"net/http"
	"net/smtp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads /metrics; it fails the test unless the answer is 200 and
// parses.
func scrape(t *testing.T, base string, header http.Header) map[string]*dto.MetricFamily {
	t.Helper()
	status, body := scrapeRaw(t, base, header)
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", status, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the Prometheus text parser refused /metrics: %v\n%s", err, body)
	}
	return fams
}

func scrapeRaw(t *testing.T, base string, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// value is the value of the series of family name whose labels include
// want (a counter, a gauge, or a histogram's count); 0 when absent.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return 0
	}
	total := 0.0
next:
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			total += m.Counter.GetValue()
		case m.Gauge != nil:
			total += m.Gauge.GetValue()
		case m.Histogram != nil:
			total += float64(m.Histogram.GetSampleCount())
		}
	}
	return total
}

func TestMetrics_countersMoveWithMail(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "http"}})
	base := "http://" + s.Addr(t, "http")
	user := uniqueAddr("metrics")
	s.AddUser(t, user)

	before := scrape(t, base, nil)
	for name := range before {
		if !strings.HasPrefix(name, "postroom_") && !strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") {
			t.Errorf("series %q: ours are named postroom_*", name)
		}
	}
	for _, name := range []string{"postroom_queue_messages", "postroom_queue_oldest_age_seconds"} {
		if before[name] == nil {
			t.Errorf("%s missing", name)
		}
	}

	// One message over SMTP, one good and one bad IMAP login.
	c, err := smtp.Dial(s.Addr(t, "smtp"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Hello("metrics.test"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("sender@example.net"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt(user); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(w, "From: sender@example.net\r\nTo: %s\r\nSubject: counted\r\nMessage-ID: <%s>\r\n\r\nhello\r\n", user, uniqueID("m"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	c.Quit()
	ic := igLogin(t, s, "metrics", user, nil)
	ic.Close()
	bad := igDial(t, s, "metrics-bad", igPlain, nil)
	if err := bad.Login(user, "not-the-password").Wait(); err == nil {
		t.Fatal("a wrong password logged in")
	}
	bad.Close()
	if resp, err := http.Get(base + "/healthz"); err == nil {
		resp.Body.Close()
	}

	after := scrape(t, base, nil)
	moved := []struct {
		name   string
		labels map[string]string
		by     float64
	}{
		{"postroom_messages_received_total", map[string]string{"folder": "inbox"}, 1},
		{"postroom_logins_total", map[string]string{"protocol": "imap", "result": "ok"}, 1},
		{"postroom_logins_total", map[string]string{"protocol": "imap", "result": "failed"}, 1},
		{"postroom_connections_total", map[string]string{"listener": "smtp", "result": "accepted"}, 1},
		{"postroom_connections_total", map[string]string{"listener": "imap", "result": "accepted"}, 2},
		{"postroom_delivery_duration_seconds", map[string]string{"source": "smtp"}, 1},
		{"postroom_http_request_duration_seconds", map[string]string{"route": "/healthz", "method": "GET", "status": "2xx"}, 1},
	}
	for _, m := range moved {
		if got := value(after, m.name, m.labels) - value(before, m.name, m.labels); got != m.by {
			t.Errorf("%s%v moved by %v, want %v", m.name, m.labels, got, m.by)
		}
	}
	if value(after, "postroom_store_write_duration_seconds", map[string]string{"backend": "sqlite"}) <= value(before, "postroom_store_write_duration_seconds", map[string]string{"backend": "sqlite"}) {
		t.Error("postroom_store_write_duration_seconds did not count the delivery's writes")
	}
	// A request a proxy forwarded is the internet's: no numbers.
	if status, _ := scrapeRaw(t, base, http.Header{"X-Forwarded-For": {"203.0.113.9"}}); status != http.StatusNotFound {
		t.Errorf("a proxied GET /metrics: %d, want 404", status)
	}
}

func TestMetrics_token(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"http"}, tables: "\n[http]\nmetrics_token = \"scrape-secret-7\"\n"})
	base := "http://" + s.Addr(t, "http")
	for _, h := range []http.Header{nil, {"Authorization": {"Bearer wrong"}}} {
		if status, _ := scrapeRaw(t, base, h); status != http.StatusNotFound {
			t.Errorf("GET /metrics with %v: %d, want 404", h, status)
		}
	}
	fams := scrape(t, base, http.Header{"Authorization": {"Bearer scrape-secret-7"}})
	if fams["postroom_queue_messages"] == nil {
		t.Error("postroom_queue_messages missing with the right token")
	}
}
