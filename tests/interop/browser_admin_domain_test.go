package interop

// Browser end-to-end test of the console's 기본 설정, 스팸관리 설정 and
// allowed IPs, and of the compose picker's 조직도 tab (issue 16, M1, M2,
// M6, M7): the scenarios are tests/interop/browser/
// admin-domain-scenarios.mjs, run by runner.mjs on a server of their own.
//
// Invariants:
//   - The browser logs in as the domain's administrator (adminAddr);
//     the plain user is made here with the command line.
//   - Whether a login is refused is asked of POST /api/v1/session from
//     node, and shown on the login page of a browser context of its own,
//     outside the administrator's session.
//   - Every scenario leaves the domain as it found it except for what it
//     made under names of its own (the domain's default language is set
//     back to Korean, the allowed IPs emptied).
//   - Every listener is on 127.0.0.1.

import (
	"testing"
)

// browserAdminDomainScenarios are admin-domain-scenarios.mjs's, in the
// order they run; the last logs the browser in as the plain user.
var browserAdminDomainScenarios = []string{
	"domain_defaults",   // 기본 설정: default language English; a user made then has language en; usage shown
	"domain_spam",       // 스팸관리 설정: a blocked sender domain added, kept after a reload
	"domain_allowed_ip", // 보안 설정: 203.0.113.0/24 only; the plain user's login refused with its reason on the login page; cleared
	"domain_org_pick",   // a plain user: compose, 조직도, 부서 전체 adds the department's people as recipients
}

// browserAdminDomainFixtures is what admin-domain-scenarios.mjs starts
// from (POSTROOM_ADMIN_DOMAIN_FIXTURES).
type browserAdminDomainFixtures struct {
	Domain   string `json:"domain"`
	User     string `json:"user"`     // a plain user of the domain
	Password string `json:"password"` // the password of every account here
}

func TestBrowser_AdminDomain(t *testing.T) {
	dir, node, selected := browserStart(t, browserAdminDomainScenarios)

	s := newServer(t, serverOptions{listen: []string{"http"}})
	user := uniqueAddr("plain")
	s.AddUser(t, user, "--name", "나사원")
	runAsAdmin(t, node, dir, selected, s, "POSTROOM_ADMIN_DOMAIN_FIXTURES", browserAdminDomainFixtures{Domain: "example.test", User: user, Password: testPassword}, "admin-domain")
}
