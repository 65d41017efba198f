package web

import (
	"io"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"testing"

	"postroom/web/ui"
)

func TestStaticServesTheAppBehindCSP(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/", "/app.js", "/vendor/preact.js", "/mail/deep/link"} {
		resp, err := http.Get(f.ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", p, resp.StatusCode)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		script := regexp.MustCompile(`script-src [^;]*`).FindString(csp)
		if script != "script-src 'self'" || !strings.Contains(csp, "object-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s: CSP %q", p, csp)
		}
		ct := resp.Header.Get("Content-Type")
		if strings.HasSuffix(p, ".js") {
			if !strings.HasPrefix(ct, "text/javascript") {
				t.Errorf("GET %s: content type %q", p, ct)
			}
		} else if !strings.Contains(string(body), `<div id="root">`) {
			t.Errorf("GET %s: not the app page", p)
		}
	}
}

func TestStaticUnknownAPIRouteIsJSON404(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.ts.URL + "/api/v1/nothing-here")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("unknown API route: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// Without a bundler a mistyped import only shows in the browser; this
// finds it here: every relative import of every module names an embedded
// file.
func TestStaticModuleImportsResolve(t *testing.T) {
	imports := regexp.MustCompile(`(?:from|import)\s*\(?\s*["'](\.{1,2}/[^"']+)["']`)
	n := 0
	err := fs.WalkDir(ui.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return err
		}
		src, err := fs.ReadFile(ui.Files, p)
		if err != nil {
			return err
		}
		for _, m := range imports.FindAllStringSubmatch(string(src), -1) {
			target := path.Join(path.Dir(p), m[1])
			if _, err := fs.Stat(ui.Files, target); err != nil {
				t.Errorf("%s imports %s: not embedded", p, m[1])
			}
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("found only %d imports; the pattern no longer matches the modules", n)
	}
}
