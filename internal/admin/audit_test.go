package admin

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/store"
)

// Every administrator's change is in his domain's audit log, newest
// first, with who, from where, what and to what; a password set or a
// token made is named, never written; another domain's administrator
// cannot read the log, and a user cannot either.
func TestAudit_everyChangeRecordedWithoutSecrets(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	boss.Remote = "203.0.113.7"
	other, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test")
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "boss@other.test", Password: "long-enough", Admin: true})
	if err != nil {
		t.Fatal(err)
	}

	const password, newPassword = "first-secret-9", "second-secret-9"
	kim, err := s.CreateUser(b.Ctx, boss, NewAccount{Address: "kim@example.test", Password: password, Name: "김민지"}, Placement{Position: "대리"})
	if err != nil {
		t.Fatal(err)
	}
	off := false
	if _, err := s.UpdateAccount(b.Ctx, boss, kim.Address(), AccountChange{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(b.Ctx, boss, kim.Address(), newPassword); err != nil {
		t.Fatal(err)
	}
	dep, err := s.CreateDepartment(b.Ctx, boss, "", "영업팀", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDepartment(b.Ctx, boss, "", dep.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateList(b.Ctx, boss, "", ListInput{Address: "all@example.test", Name: "모두", Members: []string{"kim@example.test"}}); err != nil {
		t.Fatal(err)
	}
	sec := auth.DefaultSecurity()
	sec.BlockAll = true
	if _, err := s.SetSecurity(b.Ctx, boss, "example.test", sec); err != nil {
		t.Fatal(err)
	}
	secret, tok, err := s.CreateToken(b.Ctx, boss, "인사 시스템")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(b.Ctx, boss, tok.ID); err != nil {
		t.Fatal(err)
	}
	// a refused change records nothing
	if _, err := s.CreateDepartment(b.Ctx, boss, "", "", 0); err == nil {
		t.Fatal("an empty department name was accepted")
	}

	log, err := s.Audit(b.Ctx, boss, "example.test", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		got = append(got, e.Action+" "+e.Target)
		if e.Actor != "boss@example.test" || e.Role != string(actor.RoleDomainAdmin) || e.Remote != "203.0.113.7" || e.At.IsZero() {
			t.Errorf("entry %+v: want boss@example.test, admin, 203.0.113.7, a time", e)
		}
		for _, leak := range []string{password, newPassword, secret, kim.PasswordHash} {
			if strings.Contains(e.Detail, leak) {
				t.Errorf("entry %s holds a secret: %s", e.Action, e.Detail)
			}
		}
		if e.Detail != "" && !json.Valid([]byte(e.Detail)) {
			t.Errorf("entry %s: detail %q is no JSON", e.Action, e.Detail)
		}
	}
	want := []string{
		"token.revoke 인사 시스템",
		"token.create 인사 시스템",
		"security.update example.test",
		"list.create all@example.test",
		"department.delete 영업팀",
		"department.create 영업팀",
		"user.update kim@example.test", // the password
		"user.update kim@example.test", // service OFF
		"user.update kim@example.test", // the position
		"user.create kim@example.test",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("audit log\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := log[6].Detail; d != `{"fields":["password"]}` {
		t.Errorf("password change detail %s", d)
	}
	if d := log[7].Detail; d != `{"enabled":false,"fields":["enabled"]}` {
		t.Errorf("service OFF detail %s", d)
	}
	if d := log[1].Detail; !strings.Contains(d, tok.Prefix) {
		t.Errorf("token detail %s, want its prefix %s", d, tok.Prefix)
	}

	page, err := s.Audit(b.Ctx, boss, "example.test", log[2].ID, 3)
	if err != nil || len(page) != 3 || page[0].ID != log[3].ID {
		t.Errorf("page before entry 3: %v %+v", err, page)
	}

	otherBoss := actor.User(stranger)
	if _, err := s.Audit(b.Ctx, otherBoss, "example.test", 0, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("another domain's administrator: %v, want ErrNotFound", err)
	}
	if _, err := s.Audit(b.Ctx, actor.User(kim), "example.test", 0, 0); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user: %v, want ErrForbidden", err)
	}
	theirs, err := s.Audit(b.Ctx, otherBoss, "other.test", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// the operator's creation of the domain and its administrator
	if len(theirs) != 2 || theirs[0].Action != "user.create" || theirs[0].Role != string(actor.RoleOperator) ||
		theirs[0].Detail != `{"admin":true,"name":"","quota":0}` || theirs[1].Action != "domain.create" || theirs[1].DomainID != other.ID {
		t.Errorf("the other domain's log: %+v", theirs)
	}
}

// A login link is recorded for the user it signs in, never with its
// secret; another domain's user id is ErrNotFound and a suspended
// account gets none.
func TestCreateLoginLink_auditedAndScoped(t *testing.T) {
	s, b := newService(t)
	tok := actor.Token(b.Domain.ID, "hr")
	tok.Remote = "192.0.2.4"
	kim := b.Account("kim", nil)
	l, err := s.CreateLoginLink(b.Ctx, tok, kim.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Expires.Equal(s.now().Add(auth.MaxLinkLife)) || l.Account.ID != kim.ID || !strings.HasPrefix(l.Secret, "prl_") {
		t.Errorf("link %+v", l)
	}
	s.LinkLife = 30 * time.Second
	if l, err := s.CreateLoginLink(b.Ctx, tok, kim.ID); err != nil || !l.Expires.Equal(s.now().Add(30*1e9)) {
		t.Errorf("a shorter life: %v %+v", err, l)
	}
	log, err := s.Audit(b.Ctx, tok, "example.test", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[1].Action != "user.login_link" || log[1].Target != "kim@example.test" || log[1].Actor != "token hr" ||
		log[1].Remote != "192.0.2.4" || strings.Contains(log[1].Detail, l.Secret) || strings.Contains(log[1].Detail, auth.LinkHash(l.Secret)) {
		t.Errorf("audit log %+v", log)
	}

	if _, err := s.CreateDomain(b.Ctx, actor.CommandLine, "other.test"); err != nil {
		t.Fatal(err)
	}
	far, err := s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "far@other.test", Password: "long-enough"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLoginLink(b.Ctx, tok, far.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another domain's user: %v, want ErrNotFound", err)
	}
	if _, err := s.CreateLoginLink(b.Ctx, actor.User(kim), kim.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user: %v, want ErrForbidden", err)
	}
	off := false
	if _, err := s.UpdateAccount(b.Ctx, tok, kim.Address(), AccountChange{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateLoginLink(b.Ctx, tok, kim.ID)
	wantInvalid(t, err, "id", "account_disabled")
}
