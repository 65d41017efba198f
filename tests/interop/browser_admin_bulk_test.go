package interop

// Browser end-to-end test of 사용자 관리's bulk tools (issue 16, M3): the
// scenarios are tests/interop/browser/admin-bulk-scenarios.mjs, run by
// the same runner as browser_test.go on a server of their own. The
// domain's administrator registers two users from a CSV file after its
// preview (a line twice is shown in red and blocks 등록), then selects
// a user, downloads his backup from the delete dialog (a zip whose
// INBOX.mbox holds the message delivered to him here over SMTP), deletes
// him and sees the job's progress end and his row go; his login is then
// refused, and afterwards the store is consistent.
//
// Invariants:
//   - The browser logs in as the domain's administrator (adminAddr); the
//     user to delete and his mail are made here (the command line,
//     swaks), never by the screens under test.
//   - Every listener is on 127.0.0.1.

import (
	"slices"
	"strings"
	"testing"
)

// browserAdminBulkScenarios are admin-bulk-scenarios.mjs's, in the order
// they run; neither needs what the other made.
var browserAdminBulkScenarios = []string{
	"bulk_import", // CSV로 일괄 등록: a duplicate line in red blocks 등록; the corrected file creates both
	"bulk_delete", // the bin icon: backup downloaded from the dialog (zip, INBOX.mbox), deletion to its end, login refused
}

// browserBulkFixtures is what admin-bulk-scenarios.mjs starts from
// (POSTROOM_BULK_FIXTURES).
type browserBulkFixtures struct {
	Domain   string `json:"domain"`
	Password string `json:"password"` // of every account here
	Victim   string `json:"victim"`   // the user to delete, with mail
	Subject  string `json:"subject"`  // of the message delivered to him
	NewUsers []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"newUsers"` // the CSV's users (local parts), not made yet
}

func TestBrowser_AdminBulk(t *testing.T) {
	dir, node, selected := browserStart(t, browserAdminBulkScenarios)

	s := newServer(t, serverOptions{listen: []string{"smtp", "http"}})
	fx := browserBulkFixtures{Domain: "example.test", Password: testPassword, Victim: uniqueAddr("leaver"),
		Subject: "퇴사 전 메일 " + uniqueID("s")}
	for i, name := range []string{"김일괄", "이일괄"} {
		fx.NewUsers = append(fx.NewUsers, struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}{ID: strings.TrimSuffix(uniqueAddr("bulk"+string(rune('a'+i))), "@example.test"), Name: name})
	}
	s.AddUser(t, fx.Victim, "--name", "박퇴사")
	out, code := swaks(t, s.Port(t, "smtp"), append([]string{"--from", "partner@remote.example", "--to", fx.Victim},
		swaksMessage(uniqueID("bulk-mail"), fx.Subject)...)...)
	if code != 0 {
		t.Fatalf("swaks exit %d:\n%s", code, out)
	}
	waitForSubject(t, s, fx.Victim, fx.Subject)

	runAsAdmin(t, node, dir, selected, s, "POSTROOM_BULK_FIXTURES", fx, "admin-bulk")

	if slices.Contains(selected, "bulk_delete") {
		if out := s.MustCLI(t, "user list", "example.test"); strings.Contains(out, fx.Victim) {
			t.Errorf("%s is still listed:\n%s", fx.Victim, out)
		}
	}
	s.RequireConsistent(t)
}
