package interop

// Browser end-to-end test of the spam verdict made visible and trainable
// (issue 18): tests/interop/browser/spam-scenarios.mjs, on a server of its
// own. Mail arrives through the MX listener (the settings tests' control
// listener, POST /deliver); every listener is on 127.0.0.1.

import "testing"

var browserSpamScenarios = []string{
	"spam_report_block",  // 스팸신고 + 이 발신자 차단: in Spam, in the blocked list, the next one in Spam with its reason
	"spam_key_report",    // the ! key reports at once from the list and the reader, without the dialog; the button still asks
	"spam_forged_reason", // a stranger writing as our own domain: in Spam, the reason line in Korean
}

func TestBrowser_Spam(t *testing.T) {
	dir, node, selected := browserStart(t, browserSpamScenarios)
	// a DNS server that knows no record (no SPF, no DMARC anywhere): the
	// forged-sender check has an answer to judge by
	s := newServer(t, serverOptions{listen: []string{"smtp", "submission", "http", "imap"}, dnsServer: startEmptyDNS(t)})
	user := uniqueAddr("spammed")
	s.AddUser(t, user, "--name", "김스팸")
	control := startBrowserSettingsControl(t, s, user)
	shots := browserOutputDir(t, "spam")
	t.Logf("screenshots: %s", shots)
	runBrowserScenarios(t, node, dir, browserConfig{
		BaseURL:       "http://" + s.Addr(t, "http"),
		Email:         user,
		Password:      testPassword,
		WrongPassword: testPassword + "-wrong",
		Chromium:      browserChromium,
		Shots:         shots,
		Control:       control,
		Scenarios:     selected,
	})
}
