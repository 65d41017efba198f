package interop

// Browser end-to-end test of the console's API 토큰 and 감사 로그 pages
// and of the integration API's one-time login link (issue 16, M14): the
// scenario is tests/interop/browser/admin-link-scenarios.mjs, run by
// runner.mjs on a server of its own. The administrator makes a token on
// the page and reads its secret once from the dialog; node, as the
// integration would, asks a login link for a plain user with it; the
// link opens the user's Inbox in a fresh browser once, and the second
// time the login page says the link expired or was used; the token,
// revoked on the page, is refused; the audit log shows it all.
//
// Invariants:
//   - The browser logs in as the domain's administrator (adminAddr);
//     the plain user is made here with the command line.
//   - The link is opened in browser contexts of their own, without the
//     administrator's cookie.
//   - Every listener is on 127.0.0.1.

import (
	"testing"
)

// browserAdminLinkScenarios are admin-link-scenarios.mjs's, in order.
var browserAdminLinkScenarios = []string{
	"admin_link", // API 토큰 made, secret read once; login link from node; Inbox once, "expired or used" next; revoked → 401; 감사 로그
}

// browserAdminLinkFixtures is what admin-link-scenarios.mjs starts from
// (POSTROOM_LINK_FIXTURES).
type browserAdminLinkFixtures struct {
	Domain string `json:"domain"`
	User   string `json:"user"` // a plain user of the domain, whom the link signs in
}

func TestBrowser_AdminLink(t *testing.T) {
	dir, node, selected := browserStart(t, browserAdminLinkScenarios)

	s := newServer(t, serverOptions{listen: []string{"http"}})
	user := uniqueAddr("linked")
	s.AddUser(t, user, "--name", "이링크")
	runAsAdmin(t, node, dir, selected, s, "POSTROOM_LINK_FIXTURES", browserAdminLinkFixtures{Domain: "example.test", User: user}, "admin-link")
}
