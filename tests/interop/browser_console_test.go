package interop

// Browser end-to-end test of the domain administrator's console (issue
// 16, M1/M3/M4/M6): the scenarios are tests/interop/browser/
// admin-scenarios.mjs, run by the same runner as browser_test.go on a
// server of their own. The domain's administrator makes a department,
// a user in it through the person-with-plus form, finds him by search,
// turns his service OFF (his login is then refused) and makes a mailing
// list of two members; a user who is no administrator sees no console.
//
// Invariants:
//   - The browser logs in as the domain's administrator (adminAddr);
//     the plain user is made here with the command line, never by the
//     screen under test.
//   - Whether a login is refused is asked of POST /api/v1/session from
//     node, outside the page's session.
//   - Every listener is on 127.0.0.1.

import (
	"encoding/json"
	"testing"
)

// browserAdminScenarios are admin-scenarios.mjs's, in the order they run;
// none needs what an earlier one made.
var browserAdminScenarios = []string{
	"admin_users",     // 부서 추가, the person-with-plus form into it, search, service OFF shown and his login refused
	"admin_list",      // 메일링 리스트 of two members, shown with its count and kept by the server
	"admin_security",  // 보안 설정: a malformed network refused beside its field, nothing saved; then saved canonical with level 3
	"admin_not_admin", // a plain user: no console link, #/admin shows nothing of it
}

// browserAdminFixtures is what admin-scenarios.mjs starts from
// (POSTROOM_ADMIN_FIXTURES).
type browserAdminFixtures struct {
	Domain   string `json:"domain"`
	User     string `json:"user"`     // a plain user of the domain (testPassword)
	Password string `json:"password"` // the password of every account here
}

func TestBrowser_Console(t *testing.T) {
	dir, node, selected := browserStart(t, browserAdminScenarios)

	s := newServer(t, serverOptions{listen: []string{"http"}})
	user := uniqueAddr("plain")
	s.AddUser(t, user, "--name", "오일반")
	fx := browserAdminFixtures{Domain: "example.test", User: user, Password: testPassword}
	runAsAdmin(t, node, dir, selected, s, "POSTROOM_ADMIN_FIXTURES", fx, "admin")
}

// runAsAdmin runs the selected scenarios of the browser package in dir
// with the browser logged in as the domain's administrator on s, the
// fixtures handed to them as JSON in the environment variable env and
// the screenshots kept under output/shots.
func runAsAdmin(t *testing.T, node, dir string, selected []string, s *Server, env string, fixtures any, shots string) {
	t.Helper()
	fxJSON, err := json.Marshal(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(env, string(fxJSON))
	out := browserOutputDir(t, shots)
	t.Logf("screenshots: %s", out)
	runBrowserScenarios(t, node, dir, browserConfig{
		BaseURL:       "http://" + s.Addr(t, "http"),
		Email:         adminAddr,
		Password:      testPassword,
		WrongPassword: testPassword + "-wrong",
		Chromium:      browserChromium,
		Shots:         out,
		Scenarios:     selected,
	})
}
