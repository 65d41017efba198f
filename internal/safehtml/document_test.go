package safehtml

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// directives parses a CSP into directive name → source list.
func directives(csp string) map[string][]string {
	m := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			m[f[0]] = f[1:]
		}
	}
	return m
}

func TestCSPAllowsNothingExecutable(t *testing.T) {
	for name, csp := range map[string]string{"CSP": CSP, "CSPAllowRemote": CSPAllowRemote, "metaCSP": metaCSP} {
		t.Run(name, func(t *testing.T) {
			d := directives(csp)
			if got := strings.Join(d["default-src"], " "); got != "'none'" {
				t.Errorf("default-src = %q, want 'none'", got)
			}
			for _, dir := range []string{"script-src", "script-src-elem", "script-src-attr", "object-src", "frame-src", "child-src", "connect-src", "font-src", "worker-src"} {
				if _, ok := d[dir]; ok {
					t.Errorf("%s relaxes default-src 'none'", dir)
				}
			}
			if strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "*") {
				t.Errorf("policy too broad: %s", csp)
			}
			if got := strings.Join(d["style-src"], " "); got != "'unsafe-inline'" {
				t.Errorf("style-src = %q: only inline styles, no stylesheet loads", got)
			}
			for _, dir := range []string{"form-action", "base-uri"} {
				if got := strings.Join(d[dir], " "); got != "'none'" {
					t.Errorf("%s = %q, want 'none'", dir, got)
				}
			}
		})
	}
	if got := strings.Join(directives(CSP)["img-src"], " "); got != "'self' data:" {
		t.Errorf("CSP img-src = %q: remote images must be blocked until allowed", got)
	}
	if got := strings.Join(directives(CSPAllowRemote)["img-src"], " "); got != "'self' data: https: http:" {
		t.Errorf("CSPAllowRemote img-src = %q", got)
	}
	for _, csp := range []string{CSP, CSPAllowRemote} {
		if got := strings.Join(directives(csp)["sandbox"], " "); got != IframeSandbox {
			t.Errorf("sandbox directive = %q, want %q", got, IframeSandbox)
		}
	}
	for _, forbidden := range []string{"allow-scripts", "allow-same-origin", "allow-forms", "allow-top-navigation"} {
		if strings.Contains(IframeSandbox, forbidden) {
			t.Errorf("IframeSandbox contains %s", forbidden)
		}
	}
}

func TestDocumentWrapsBodyForTheFrame(t *testing.T) {
	body := Sanitize(`<p style="color: red">안녕하세요</p><a href="https://example.com">x</a>`, Options{}).HTML
	docHTML := Document(body)
	doc, err := html.Parse(strings.NewReader(docHTML))
	if err != nil {
		t.Fatal(err)
	}
	var metas []map[string]string
	var bases, styles int
	for _, e := range elements(doc) {
		attrs := map[string]string{}
		for _, a := range e.Attr {
			attrs[a.Key] = a.Val
		}
		switch e.Data {
		case "meta":
			metas = append(metas, attrs)
		case "base":
			bases++
			if attrs["target"] != "_blank" || attrs["href"] != "" {
				t.Errorf("base = %v, want target=_blank and no href", attrs)
			}
		case "style":
			styles++
		}
	}
	has := func(key, val, key2, val2 string) bool {
		for _, m := range metas {
			if m[key] == val && (key2 == "" || m[key2] == val2) {
				return true
			}
		}
		return false
	}
	if !has("charset", "utf-8", "", "") {
		t.Error("no <meta charset=utf-8>")
	}
	if !has("http-equiv", "Content-Security-Policy", "content", metaCSP) {
		t.Error("no meta CSP")
	}
	if !has("name", "referrer", "content", "no-referrer") {
		t.Error("no no-referrer policy")
	}
	if bases != 1 || styles != 1 {
		t.Errorf("got %d <base> and %d <style>, want 1 each", bases, styles)
	}
	if !strings.Contains(docHTML, "<body>\n"+body+"\n</body>") {
		t.Errorf("body not included verbatim:\n%s", docHTML)
	}
	if !strings.HasPrefix(docHTML, "<!DOCTYPE html>") {
		t.Error("no doctype: the frame would render in quirks mode")
	}
}
