package interop

// Browser end-to-end test of Settings > 외부메일 가져오기 (issue 19): the
// scenario is tests/interop/browser/external-scenarios.mjs, run by
// runner.mjs. The "external" server is a second Postroom started here,
// whose POP3 listener (STLS, self-signed) holds two messages delivered to
// it over SMTP; the user of the first adds it in the dialog, fetches now
// and finds both in his Inbox.
//
// Invariants:
//   - Every listener (both servers') is on 127.0.0.1.
//   - The external mail arrives through the external server's MX
//     listener (swaks), never through the API the screen uses.

import (
	"encoding/json"
	"testing"
)

var browserExternalScenarios = []string{
	"external_fetch", // add a POP3 account, 지금 가져오기 → "가져온 메일 2통", both in the Inbox, nothing twice
}

// browserExternalFixtures is POSTROOM_EXTERNAL_FIXTURES.
type browserExternalFixtures struct {
	Port     int      `json:"port"` // the external server's POP3 listener on 127.0.0.1
	User     string   `json:"user"`
	Password string   `json:"password"`
	Subjects []string `json:"subjects"` // of the two messages waiting there
}

func TestBrowser_External(t *testing.T) {
	dir, node, selected := browserStart(t, browserExternalScenarios)

	ext := newServer(t, serverOptions{listen: []string{"smtp", "pop3"}})
	home := newServer(t, serverOptions{listen: []string{"http"}})
	far, near := uniqueAddr("bx-far"), uniqueAddr("bx-near")
	ext.AddUser(t, far)
	home.AddUser(t, near, "--name", "김가져")
	deliverTo(t, ext, far, "외부 메일", 2) // subjects "외부 메일 1", "외부 메일 2"
	if n := len(ext.Messages(t, far, "")); n != 2 {
		t.Fatalf("the external server holds %d messages, want 2", n)
	}
	fx, err := json.Marshal(browserExternalFixtures{Port: ext.Port(t, "pop3"), User: far, Password: testPassword,
		Subjects: []string{"외부 메일 1", "외부 메일 2"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("POSTROOM_EXTERNAL_FIXTURES", string(fx))
	shots := browserOutputDir(t, "external")
	t.Logf("screenshots: %s", shots)
	runBrowserScenarios(t, node, dir, browserConfig{
		BaseURL:       "http://" + home.Addr(t, "http"),
		Email:         near,
		Password:      testPassword,
		WrongPassword: testPassword + "-wrong",
		Chromium:      browserChromium,
		Shots:         shots,
		Scenarios:     selected,
	})
}
