package interop

// Browser end-to-end tests of the webmail: the real binary, headless
// Debian Chromium driven by playwright-core (tests/interop/browser).
//
// Invariants:
//   - Every address the browser is given is 127.0.0.1 (the server's http
//     listener, the control listener, the beacon); the node runner fails a
//     scenario that sees any request to another host.
//   - The node runner reports one `@@result {json}` line per scenario, in
//     the order asked; each becomes a subtest of TestBrowser_webmail.
//   - The selectors the scenarios use are the contract of web/ui/README.md
//     ("Hooks for tests"), nothing else.

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// browserChromium is Debian's chromium; playwright-core never downloads a
// browser of its own.
const browserChromium = "/usr/bin/chromium"

// browserRunTimeout bounds the whole node run (every scenario).
const browserRunTimeout = 4 * time.Minute

// browserScenarios are the runner's scenarios (browser/scenarios.mjs), in
// the order they run. Later ones do not depend on earlier ones: each logs
// in when it finds the login form.
var browserScenarios = []string{
	"login",              // wrong password, then the app
	"first_visit",        // first visit and after logout: no expired notice, no console error
	"read_euckr",         // an EUC-KR message reads as Korean
	"folder_drag",        // new Korean folder, drag a row onto it
	"delete_permanently", // checkbox + shift-click, Trash, delete for good
	"conversation",       // a 3-message thread across Inbox and Sent is one row
	"thread_unread",      // a thread with unread older mail is a bold row; opening reads it
	"search_korean",      // a two-syllable Korean word finds 견적서, with <mark>
	"new_mail_live",      // mail delivered over SMTP appears without reload
	"notification",       // notifications on, tab hidden: new mail asks for one
	"html_sandbox",       // script and onerror in HTML mail never run
	"session_expiry",     // lost session: login form, then back to the same hash
	"language_en",        // English UI, kept after reload
	"phone_layout",       // 390x844 inbox
	"phone_toolbar",      // 390x844: every toolbar action reachable; compose labels on one line
	"toolbar_resize",     // a resize before the toolbar listens still reaches it
	"toolbar_keys",       // actions off until a row is checked; Delete, Shift+I/U, s, v, !, o; ? lists them
	"reader_header",      // To and Cc shown (외 N명), Reply-To only when set, files above the text
	"arrival_dates",      // the list shows arrival dates, in order, even for an old Date header
	"download_eml",       // 메일 저장(.eml) names the file after the subject
	"inline_image",       // a logo shown by cid: is no attachment: no paperclip, no file list
	"plural_en",          // English: "1 message", "N messages"
	"logout_language",    // the login page after logout keeps the language chosen
	"time_zone",          // select#tz-select saves the zone; the dates follow at once
	"layout_icon",        // #layout-toggle draws a framed window in both layouts, not ☰
	"list_layout",        // three panes at 1280/1440/1920: a 30-syllable subject whole
}

// browserResult is one `@@result` line of the node runner.
type browserResult struct {
	Name        string   `json:"name"`
	OK          bool     `json:"ok"`
	Error       string   `json:"error"`
	Millis      int64    `json:"ms"`
	Log         []string `json:"log"`
	Screenshots []string `json:"screenshots"`
}

// browserConfig is what the runner gets in POSTROOM_BROWSER_CONFIG.
type browserConfig struct {
	BaseURL       string          `json:"baseURL"`
	Email         string          `json:"email"`
	Password      string          `json:"password"`
	WrongPassword string          `json:"wrongPassword"`
	Chromium      string          `json:"chromium"`
	Shots         string          `json:"shots"`
	Control       string          `json:"control"`
	Scenarios     []string        `json:"scenarios"`
	Fixtures      browserFixtures `json:"fixtures"`
	// Compose is what the compose scenarios start from
	// (browser_compose_test.go); nil for the others.
	Compose *browserComposeFixtures `json:"compose,omitempty"`
	// Console is what the first-hour scenarios start from
	// (first_start_test.go); nil for the others.
	Console *browserConsoleFixtures `json:"console,omitempty"`
	// Settings is what the Settings scenarios start from
	// (browser_settings_test.go); nil for the others.
	Settings *browserSettingsFixtures `json:"settings,omitempty"`
}

// browserStart skips with -short or when -run selects none of scenarios,
// fails without the tools, and returns the scripts' folder, node and the
// selected scenarios.
func browserStart(t *testing.T, scenarios []string) (dir, node string, selected []string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests need Chromium and node; skipped with -short")
	}
	dir = filepath.Join(repoRoot, "tests", "interop", "browser")
	node = requireBrowserTools(t, dir)
	if selected = browserSelectedScenarios(scenarios); len(selected) == 0 {
		t.Skip("no scenario matches -run")
	}
	return dir, node, selected
}

func TestBrowser_webmail(t *testing.T) {
	dir, node, selected := browserStart(t, browserScenarios)

	s := newServer(t, serverOptions{listen: []string{"smtp", "submission", "http"}})
	user := uniqueAddr("web")
	colleague := uniqueAddr("colleague")
	s.AddUser(t, user, "--name", "김민지")
	s.AddUser(t, colleague, "--name", "박지훈")

	beacon := startBrowserBeacon(t)
	fx := deliverBrowserFixtures(t, s, user, colleague, beacon.URL)
	control := startBrowserControl(t, s, user, beacon)

	shots := browserOutputDir(t, "")
	t.Logf("screenshots: %s", shots)

	cfg := browserConfig{
		BaseURL:       "http://" + s.Addr(t, "http"),
		Email:         user,
		Password:      testPassword,
		WrongPassword: testPassword + "-wrong",
		Chromium:      browserChromium,
		Shots:         shots,
		Control:       control,
		Scenarios:     selected,
		Fixtures:      fx,
	}
	runBrowserScenarios(t, node, dir, cfg)
}

// requireBrowserTools fails (never skips) when Chromium, node or the npm
// packages are missing, saying how to install them; -short skips instead.
func requireBrowserTools(t *testing.T, dir string) string {
	t.Helper()
	const how = "scripts/test installs it; or run with -short to skip the browser tests"
	if _, err := os.Stat(browserChromium); err != nil {
		t.Fatalf("browser tests need Debian's chromium at %s: apt-get install -y chromium (%s)", browserChromium, how)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("browser tests need node (20 or later): apt-get install -y nodejs npm (%s)", how)
	}
	want := browserLockedVersion(t, dir)
	got := ""
	if b, err := os.ReadFile(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err == nil {
		var pkg struct{ Version string }
		if json.Unmarshal(b, &pkg) == nil {
			got = pkg.Version
		}
	}
	if got != want {
		t.Fatalf("browser tests need playwright-core %s in %s/node_modules (found %q): run `npm ci` there (%s)", want, dir, got, how)
	}
	return node
}

// browserLockedVersion reads the playwright-core version pinned in
// package-lock.json.
func browserLockedVersion(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatalf("browser tests: %v", err)
	}
	var lock struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		t.Fatalf("browser tests: package-lock.json: %v", err)
	}
	v := lock.Packages["node_modules/playwright-core"].Version
	if v == "" {
		t.Fatalf("browser tests: package-lock.json pins no playwright-core")
	}
	return v
}

// browserSelectedScenarios applies the subtest part of -run
// (`-run 'Browser_webmail/(search|login)'`) to all so that node runs only
// those. Keep the alternation in parentheses: go test reads a top-level
// `|` as two whole patterns (`Browser/search` or `login`), and drops the
// second one's subtests even though node ran them.
func browserSelectedScenarios(all []string) []string {
	pattern := ""
	if f := flag.Lookup("test.run"); f != nil {
		pattern = f.Value.String()
	}
	_, sub, ok := strings.Cut(pattern, "/")
	if !ok || sub == "" {
		return all
	}
	sub, _, _ = strings.Cut(sub, "/")
	re, err := regexp.Compile(sub)
	if err != nil {
		return all
	}
	var out []string
	for _, name := range all {
		if re.MatchString(name) {
			out = append(out, name)
		}
	}
	return out
}

// browserOutputDir is where screenshots go: $POSTROOM_TEST_OUTPUT/browser
// when set, else tests/interop/browser/output (ignored by git), with sub
// a folder of its own for one suite ("" for the main one). Old
// screenshots are removed first so that none is mistaken for this run's.
func browserOutputDir(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join(repoRoot, "tests", "interop", "browser", "output", sub)
	if base := os.Getenv("POSTROOM_TEST_OUTPUT"); base != "" {
		dir = filepath.Join(base, "browser", sub)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot folder: %v", err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	for _, f := range old {
		os.Remove(f)
	}
	return dir
}

// runBrowserScenarios runs the node runner and turns each result line into
// a subtest as it arrives.
func runBrowserScenarios(t *testing.T, node, dir string, cfg browserConfig) {
	t.Helper()
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), browserRunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "runner.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "POSTROOM_BROWSER_CONFIG="+string(cfgJSON))
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		t.Fatalf("start node runner.mjs: %v", err)
	}

	start := time.Now()
	reported := map[string]bool{}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		payload, ok := strings.CutPrefix(line, "@@result ")
		if !ok {
			t.Logf("node: %s", line)
			continue
		}
		var r browserResult
		if err := json.Unmarshal([]byte(payload), &r); err != nil {
			t.Errorf("node: unreadable result line %q: %v", line, err)
			continue
		}
		reported[r.Name] = true
		reportBrowserResult(t, r)
	}
	waitErr := cmd.Wait()
	t.Logf("browser scenarios took %v", time.Since(start).Round(100*time.Millisecond))

	var missing []string
	for _, name := range cfg.Scenarios {
		if !reported[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 || (waitErr != nil && len(reported) == 0) || ctx.Err() != nil {
		t.Errorf("node runner.mjs: %v (timeout %v: %v); scenarios that never reported: %v\nstderr:\n%s",
			waitErr, browserRunTimeout, ctx.Err(), missing, tail(stderr.String(), 60))
		for _, name := range missing {
			t.Run(name, func(t *testing.T) { t.Error("the node runner ended before this scenario reported") })
		}
	} else if s := strings.TrimSpace(stderr.String()); s != "" {
		t.Logf("node stderr:\n%s", tail(s, 40))
	}
}

func reportBrowserResult(t *testing.T, r browserResult) {
	t.Run(r.Name, func(t *testing.T) {
		t.Logf("ran %dms in the browser", r.Millis)
		for _, l := range r.Log {
			t.Log(l)
		}
		for _, s := range r.Screenshots {
			t.Logf("screenshot: %s", s)
		}
		if !r.OK {
			t.Errorf("scenario %s failed after %dms: %s", r.Name, r.Millis, r.Error)
		}
	})
}
