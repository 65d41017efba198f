package web

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"postroom/internal/auth"
	"postroom/internal/config"
)

func discoveryFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.srv.Clients = &auth.Clients{Store: f.Store, Events: f.Bus, Servers: auth.Endpoints("mail.example.test", config.Default("").Listen)}
	return f
}

func fetch(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Thunderbird's autoconfig names this server's listeners for a hosted
// address, answers an unknown account of a hosted domain the same way
// (nothing tells which addresses exist), and a foreign domain 404.
func TestAutoconfig(t *testing.T) {
	f := discoveryFixture(t)
	code, body := fetch(t, "GET", f.ts.URL+"/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=alice@example.test", "")
	var cfg acConfig
	if code != 200 || xml.Unmarshal([]byte(body), &cfg) != nil {
		t.Fatalf("%d %s", code, body)
	}
	if cfg.Version != "1.1" || cfg.Provider.Domain != "example.test" || len(cfg.Provider.Incoming) != 4 || len(cfg.Provider.Outgoing) != 2 {
		t.Fatalf("config: %+v", cfg)
	}
	first := cfg.Provider.Incoming[0]
	def := config.Default("").Listen
	if first.Type != "imap" || first.Hostname != "mail.example.test" || first.SocketType != "SSL" || first.Username != "alice@example.test" ||
		!strings.HasSuffix(def.IMAPS, ":"+strconv.Itoa(first.Port)) {
		t.Errorf("first incoming server: %+v (imaps %s)", first, def.IMAPS)
	}
	if o := cfg.Provider.Outgoing[1]; o.SocketType != "STARTTLS" || !strings.HasSuffix(def.Submission, ":"+strconv.Itoa(o.Port)) {
		t.Errorf("submission: %+v", o)
	}
	_, ghost := fetch(t, "GET", f.ts.URL+"/mail/config-v1.1.xml?emailaddress=nobody@example.test", "")
	if strings.ReplaceAll(ghost, "nobody@", "alice@") != body {
		t.Errorf("an unknown account's answer differs:\n%s\n%s", ghost, body)
	}
	for _, q := range []string{"x@not-hosted.test", "", "no-at-sign"} {
		if code, _ := fetch(t, "GET", f.ts.URL+"/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress="+q, ""); code != 404 {
			t.Errorf("%q: %d", q, code)
		}
	}
}

// Outlook: the POX request and the v2 JSON redirect to it.
func TestAutodiscover(t *testing.T) {
	f := discoveryFixture(t)
	req := `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="` + adRequestNS + `"><Request>` +
		`<EMailAddress>Alice@Example.test</EMailAddress><AcceptableResponseSchema>` + adOutlookNS + `</AcceptableResponseSchema></Request></Autodiscover>`
	code, body := fetch(t, "POST", f.ts.URL+"/Autodiscover/Autodiscover.xml", req)
	var out adResponse
	if code != 200 || xml.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("%d %s", code, body)
	}
	ps := out.Response.Account.Protocols
	if out.Response.Account.Action != "settings" || len(ps) != 6 || ps[0].Type != "IMAP" || ps[0].Encryption != "SSL" ||
		ps[0].LoginName != "alice@example.test" || ps[1].Encryption != "TLS" || !strings.Contains(body, `xmlns="`+adOutlookNS+`"`) {
		t.Errorf("response: %s", body)
	}
	if code, _ := fetch(t, "POST", f.ts.URL+"/autodiscover/autodiscover.xml", strings.Replace(req, "Example.test", "elsewhere.test", 1)); code != 404 {
		t.Errorf("a foreign domain: %d", code)
	}
	if code, _ := fetch(t, "POST", f.ts.URL+"/autodiscover/autodiscover.xml", "not xml"); code != 400 {
		t.Errorf("garbage: %d", code)
	}
	code, body = fetch(t, "GET", f.ts.URL+"/autodiscover/autodiscover.json?Email=alice@example.test&Protocol=AutodiscoverV1", "")
	var v2 map[string]string
	if code != 200 || json.Unmarshal([]byte(body), &v2) != nil || v2["Url"] != "https://mail.example.test/autodiscover/autodiscover.xml" {
		t.Errorf("v2: %d %s", code, body)
	}
	if code, _ := fetch(t, "GET", f.ts.URL+"/autodiscover/autodiscover.json?Email=alice@example.test&Protocol=ActiveSync", ""); code != 400 {
		t.Errorf("v2 for another protocol: %d", code)
	}
}
