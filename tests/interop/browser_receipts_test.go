package interop

// Browser end-to-end test of Email > 수신확인 (issue 18, E6): the scenario
// is tests/interop/browser/receipts-scenarios.mjs, run by runner.mjs. The
// user sends with 수신확인 on, the colleague opens the message in another
// browser context and the receipt turns to read; a second message is
// recalled while unread. Afterwards the colleague's Inbox is read here
// with the command line, not through the API the screen uses.
//
// Invariants: every listener is on 127.0.0.1.

import (
	"encoding/json"
	"strings"
	"testing"
)

var browserReceiptsScenarios = []string{
	"receipts_read_and_recall", // read in another context turns the receipt to read; recall while unread
	"receipts_live_update",     // a read turns the row to read with no refresh (receipt.change)
	"mdn_prompt_ask",           // a request for a read receipt is asked in Korean and answered (RFC 8098)
}

func TestBrowser_Receipts(t *testing.T) {
	dir, node, selected := browserStart(t, browserReceiptsScenarios)

	s := newServer(t, serverOptions{listen: []string{"smtp", "http"}})
	setBrowserRootConfig(t, s, `undo_send = "0s"`) // sends go at once; restarts the server
	user, colleague := uniqueAddr("br-sender"), uniqueAddr("br-colleague")
	s.AddUser(t, user, "--name", "김보냄")
	s.AddUser(t, colleague, "--name", "박받음")
	// the colleague's message asking for a read receipt (compose's
	// 수신확인 writes Disposition-Notification-To)
	request := "읽음 확인 요청 시험"
	cw := newCurlWeb(t, s)
	cw.login(colleague)
	if code := cw.do("POST", "/api/v1/send", map[string]any{"to": []string{user}, "subject": request, "text": "확인 부탁",
		"read_receipt": true}, nil); code != 202 {
		t.Fatalf("the colleague's request: %d", code)
	}
	fx, err := json.Marshal(map[string]string{"colleague": colleague, "request": request})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("POSTROOM_RECEIPTS_FIXTURES", string(fx))
	shots := browserOutputDir(t, "receipts")
	t.Logf("screenshots: %s", shots)
	runBrowserScenarios(t, node, dir, browserConfig{
		BaseURL:       "http://" + s.Addr(t, "http"),
		Email:         user,
		Password:      testPassword,
		WrongPassword: testPassword + "-wrong",
		Chromium:      browserChromium,
		Shots:         shots,
		Scenarios:     selected,
	})
	if t.Failed() {
		return
	}
	reports := 0
	for _, m := range s.Messages(t, colleague, "INBOX") {
		if m.Subject == "읽음 확인: "+request {
			reports++
		}
	}
	if wantReport := strings.Contains(strings.Join(selected, ","), "mdn_prompt_ask"); wantReport && reports != 1 {
		t.Errorf("the colleague got %d read receipts for his request, want 1", reports)
	}
	read, recalled := 0, 0
	for _, box := range []string{"INBOX", "Trash"} {
		for _, m := range s.Messages(t, colleague, box) {
			switch {
			case strings.HasSuffix(m.Subject, "(회수)"):
				recalled++
			case strings.HasPrefix(m.Subject, "수신확인 시험"):
				read++
			}
		}
	}
	if read != 1 || recalled != 0 {
		t.Errorf("the colleague holds %d read and %d recalled messages, want 1 and 0", read, recalled)
	}
}
