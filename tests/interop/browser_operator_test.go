package interop

// Browser end-to-end test of the system operator's console (issue 16):
// the scenarios are tests/interop/browser/operator-scenarios.mjs, run by
// the same runner as browser_test.go on a server of their own started on
// an empty data directory, so that the operator logs in with the password
// `postroom serve` printed. The operator makes a domain and its
// administrator, who then sees his console; the operator puts the domain
// on hold (the administrator's login is refused and his open page loses
// its session) and resumes it; a second domain is deleted by typing its
// name back; the status panel counts what is there.
//
// Invariants:
//   - The browser logs in as the operator; the administrator logs in in
//     a browser context of his own.
//   - Whether a login is refused is asked of POST /api/v1/session from
//     node, outside the page's session.
//   - Every listener is on 127.0.0.1.

import (
	"encoding/json"
	"strings"
	"testing"
)

// browserOperatorScenarios are operator-scenarios.mjs's, in the order
// they run; each makes what it needs when run alone.
var browserOperatorScenarios = []string{
	"operator_domain_admin", // a domain and its administrator in the console; the administrator sees 사용자 관리
	"operator_hold",         // service OFF: the administrator's login refused, his open page logged out; ON again
	"operator_delete",       // a throwaway domain deleted once its name is typed back; the status panel
}

// browserOperatorFixtures is what operator-scenarios.mjs starts from
// (POSTROOM_OPERATOR_FIXTURES), under the fields' own names.
type browserOperatorFixtures struct {
	Operator, OperatorPassword string
	Domain                     string // made by the scenarios
	Admin                      string // its administrator's id (before @)
	Throwaway                  string // the domain to delete
	Password                   string // of the accounts made
}

func TestBrowser_Operator(t *testing.T) {
	dir, node, selected := browserStart(t, browserOperatorScenarios)
	fs := startFresh(t)
	fx := browserOperatorFixtures{Operator: "operator", OperatorPassword: fs.password, Domain: "hold-company.co.kr",
		Admin: "boss", Throwaway: "throwaway.co.kr", Password: testPassword}
	fxJSON, err := json.Marshal(fx)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("POSTROOM_OPERATOR_FIXTURES", string(fxJSON))

	shots := browserOutputDir(t, "operator")
	t.Logf("screenshots: %s", shots)
	runBrowserScenarios(t, node, dir, browserConfig{
		BaseURL:   strings.TrimSuffix(fs.url, "/"),
		Chromium:  browserChromium,
		Shots:     shots,
		Scenarios: selected,
	})

	// what the browser did is in the store, as the command line sees it
	if len(selected) == len(browserOperatorScenarios) {
		out := fs.CLI(t, "domain list").Stdout
		if !strings.Contains(out, fx.Domain+"\t1 accounts\n") || strings.Contains(out, fx.Throwaway) {
			t.Errorf("postroom domain list after the scenarios (want %s active with its administrator, %s gone):\n%s", fx.Domain, fx.Throwaway, out)
		}
	}
}
