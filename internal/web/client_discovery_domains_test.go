package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"postroom/internal/config"
	"postroom/internal/store"
)

// Two hosted domains get the same server and each its own addresses,
// field by field as Thunderbird's clientConfig 1.1 and Outlook's POX
// response schema (2006a) name them: every listener once, implicit TLS
// before STARTTLS, the whole address as the login, no secure password
// authentication, SMTP authentication required.
func TestDiscoveryTwoDomains(t *testing.T) {
	f := discoveryFixture(t)
	if err := f.Store.CreateDomain(context.Background(), &store.Domain{Name: "second.test"}); err != nil {
		t.Fatal(err)
	}
	def := config.Default("").Listen
	port := func(addr string) int {
		p, _ := strconv.Atoi(addr[strings.LastIndexByte(addr, ':')+1:])
		return p
	}
	wantTB := []string{
		fmt.Sprintf("imap mail.example.test %d SSL", port(def.IMAPS)),
		fmt.Sprintf("imap mail.example.test %d STARTTLS", port(def.IMAP)),
		fmt.Sprintf("pop3 mail.example.test %d SSL", port(def.POP3S)),
		fmt.Sprintf("pop3 mail.example.test %d STARTTLS", port(def.POP3)),
		fmt.Sprintf("smtp mail.example.test %d SSL", port(def.Submissions)),
		fmt.Sprintf("smtp mail.example.test %d STARTTLS", port(def.Submission)),
	}
	for _, addr := range []string{"kim@example.test", "이@second.test", "Lee@Second.Test"} {
		domain := strings.ToLower(addr[strings.IndexByte(addr, '@')+1:])
		login := strings.ToLower(addr)
		code, body := fetch(t, "GET", f.ts.URL+"/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress="+addr, "")
		var cfg acConfig
		if code != 200 || xml.Unmarshal([]byte(body), &cfg) != nil {
			t.Fatalf("%s: %d %s", addr, code, body)
		}
		if cfg.Provider.ID != domain || cfg.Provider.Domain != domain || cfg.Provider.ShortName != domain || !strings.Contains(cfg.Provider.Name, domain) {
			t.Errorf("%s: provider %+v", addr, cfg.Provider)
		}
		var got []string
		for _, s := range append(cfg.Provider.Incoming, cfg.Provider.Outgoing...) {
			got = append(got, fmt.Sprintf("%s %s %d %s", s.Type, s.Hostname, s.Port, s.SocketType))
			if s.Authentication != "password-cleartext" || s.Username != login {
				t.Errorf("%s: %s server authentication %q as %q, want password-cleartext as %q", addr, s.Type, s.Authentication, s.Username, login)
			}
		}
		if strings.Join(got, "\n") != strings.Join(wantTB, "\n") {
			t.Errorf("%s: servers\n%s\nwant\n%s", addr, strings.Join(got, "\n"), strings.Join(wantTB, "\n"))
		}

		req := `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="` + adRequestNS + `"><Request><EMailAddress>` + addr +
			`</EMailAddress><AcceptableResponseSchema>` + adOutlookNS + `</AcceptableResponseSchema></Request></Autodiscover>`
		code, body = fetch(t, "POST", f.ts.URL+"/autodiscover/autodiscover.xml", req)
		var ad adResponse
		if code != 200 || xml.Unmarshal([]byte(body), &ad) != nil {
			t.Fatalf("%s autodiscover: %d %s", addr, code, body)
		}
		if ad.Response.Account.AccountType != "email" || ad.Response.Account.Action != "settings" {
			t.Errorf("%s autodiscover account %+v", addr, ad.Response.Account)
		}
		for _, p := range ad.Response.Account.Protocols {
			if p.Server != "mail.example.test" || p.LoginName != login || p.SPA != "off" || p.Port == 0 ||
				(p.Type == "SMTP" && p.AuthRequired != "on") {
				t.Errorf("%s autodiscover %+v", addr, p)
			}
		}
	}
}
