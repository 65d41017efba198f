package admin

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/korean"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/settings"
	"postroom/internal/store"
)

func rowErrors(r ImportRow) string {
	var s []string
	for _, e := range r.Errors {
		s = append(s, e.Field+":"+e.Code)
	}
	return strings.Join(s, " ")
}

// A dry run reports every line with what is wrong with it (an address
// taken, twice in the file, of another domain; a department that does
// not exist; a password below the domain's level; a bad quota) and
// creates nothing; the same file for real is refused whole.
func TestImportUsers_dryRunReportsEveryLine(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	b.Account("alice", nil)
	sales, err := s.CreateDepartment(b.Ctx, boss, "", "영업부", 0)
	if err != nil {
		t.Fatal(err)
	}
	team, err := s.CreateDepartment(b.Ctx, boss, "", "1팀", sales.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetSecurity(b.Ctx, boss, "example.test", auth.Security{PasswordPolicy: auth.PasswordRules{Level: 2},
		LoginWatch: auth.LoginWatch{Class: "C"}}); err != nil {
		t.Fatal(err)
	}
	file := "아이디,이름,비밀번호,부서,직위,전화번호,용량\r\n" +
		"hong,홍길동,Strong-pass-2026,영업부/1팀,과장,02-123-4567,1GB\r\n" + // 2 ok
		"alice,앨리스,Strong-pass-2026,,,,\r\n" + // 3 taken
		"kim@example.test,김철수,Strong-pass-2026,인사부,,,\r\n" + // 4 no such department
		"HONG,홍길동2,Strong-pass-2026,,,,\r\n" + // 5 twice in the file
		"lee,이영희,short,영업부,,,\r\n" + // 6 weak password
		"park@other.test,박,Strong-pass-2026,,,,lots\r\n" + // 7 other domain, bad quota
		"\r\n" +
		"choi,최,Strong-pass-2026,1팀,대리,,500\r\n" // 9 ok, department by its own name
	rep, err := s.ImportUsers(b.Ctx, boss, "", []byte(file), true)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line int
		errs string
	}{{2, ""}, {3, "email:account_exists"}, {4, "department:invalid_department"}, {5, "email:duplicate_in_file"},
		{6, "password:password_too_short"}, {7, "email:wrong_domain quota:invalid_quota"}, {9, ""}}
	if len(rep.Rows) != len(want) || rep.Valid != 2 || rep.Invalid != 5 || rep.Encoding != "utf-8" {
		t.Fatalf("report: %d rows, %d valid, %d invalid, %s: %+v", len(rep.Rows), rep.Valid, rep.Invalid, rep.Encoding, rep.Rows)
	}
	for i, w := range want {
		r := rep.Rows[i]
		got := rowErrors(r)
		if r.Line != w.line || !sameCodes(got, w.errs) {
			t.Errorf("line %d: %q, want line %d: %q", r.Line, got, w.line, w.errs)
		}
	}
	if r := rep.Rows[0]; r.Email != "hong@example.test" || r.Quota != 1<<30 || r.departmentID != team.ID {
		t.Errorf("line 2 read as %+v", r)
	}
	if r := rep.Rows[6]; r.Quota != 500<<20 || r.departmentID != team.ID {
		t.Errorf("line 9 read as %+v", r)
	}
	if r := rep.Rows[3]; r.Errors[0].Value != "2" {
		t.Errorf("the duplicate does not name its first line: %+v", r.Errors)
	}
	rep, err = s.ImportUsers(b.Ctx, boss, "", []byte(file), false)
	if !errors.Is(err, ErrImportInvalid) || rep == nil || rep.Invalid != 5 {
		t.Errorf("real import of an invalid file: %v %+v", err, rep)
	}
	if accts, _ := b.Store.Accounts(b.Ctx, boss.DomainID); len(accts) != 2 {
		t.Errorf("accounts after a dry run and a refused import: %d", len(accts))
	}
}

func sameCodes(got, want string) bool {
	g, w := strings.Fields(got), strings.Fields(want)
	if len(g) != len(w) {
		return false
	}
	for _, x := range w {
		if !strings.Contains(" "+got+" ", " "+x+" ") {
			return false
		}
	}
	return true
}

// A CP949 file (Korean Excel's "CSV") with English headers is read, and
// its accounts are created with their places and recovery addresses (a
// recovery address that is the account's own is refused on its line); a
// user may not import.
func TestImportUsers_cp949CreatesAll(t *testing.T) {
	s, b := newService(t)
	set := &settings.Service{Store: b.Store}
	s.Recovery = set
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	if _, err := s.CreateDepartment(b.Ctx, boss, "", "영업부", 0); err != nil {
		t.Fatal(err)
	}
	own, _ := korean.EUCKR.NewEncoder().Bytes([]byte("email;name;password;복구 이메일\r\nhong;홍길동;long-enough-1;hong@example.test\r\n"))
	rep, err := s.ImportUsers(b.Ctx, boss, "", own, true)
	if err != nil || rowErrors(rep.Rows[0]) != "recovery_email:recovery_is_own_address" {
		t.Fatalf("his own address as recovery: %v %+v", err, rep)
	}
	file, err := korean.EUCKR.NewEncoder().Bytes([]byte("email;name;password;department;position;recovery_email\r\n" +
		"hong;홍길동;long-enough-1;영업부;과장;hong@gmail.test\r\nkim;김철수;long-enough-2;;;\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err = s.ImportUsers(b.Ctx, boss, "", file, false)
	if err != nil {
		t.Fatalf("%v %+v", err, rep)
	}
	if rep.Encoding != "cp949" || rep.Created != 2 {
		t.Errorf("report %+v", rep)
	}
	hong, _ := b.Store.AccountByAddress(b.Ctx, "hong@example.test")
	if got, err := set.RecoveryEmail(b.Ctx, hong.ID); err != nil || got != "hong@gmail.test" {
		t.Errorf("hong's recovery address: %q %v", got, err)
	}
	page, err := s.Users(b.Ctx, boss, "", UserQuery{Text: "영업부"})
	if err != nil || page.Total != 1 || page.Users[0].DisplayName != "홍길동" || page.Users[0].Position != "과장" {
		t.Errorf("placed: %+v %v", page, err)
	}
	if _, err := s.ImportUsers(b.Ctx, actor.User(b.Account("alice", nil)), "", file, true); !errors.Is(err, ErrForbidden) && !errors.Is(err, ErrNotFound) {
		t.Errorf("a user imports: %v", err)
	}
	if log, _ := b.Store.AuditEntries(b.Ctx, boss.DomainID, 0, 10); len(log) == 0 || log[0].Action != "user.import" {
		t.Errorf("audit: %+v", log)
	}
}

// When a creation fails midway (the address taken meanwhile, between
// the check and the creation), the accounts the import made are deleted
// again: all or nothing.
func TestImportUsers_allOrNothing(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	rep, err := readImport([]byte("email,password\none,long-enough-1\ntwo,long-enough-2\nthree,long-enough-3\n"))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := b.Store.Domain(b.Ctx, "example.test")
	if err := s.checkImport(b.Ctx, d, rep); err != nil || rep.Valid != 3 {
		t.Fatalf("check: %v %+v", err, rep)
	}
	b.Account("two", nil) // taken after the check
	err = s.createImported(b.Ctx, boss, d, rep)
	wantInvalid(t, err, "email", "account_exists")
	for _, local := range []string{"one", "three"} {
		if _, err := b.Store.AccountByAddress(b.Ctx, local+"@example.test"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s left behind: %v", local, err)
		}
	}
	if rep.Rows[1].OK() {
		t.Errorf("the failed line reports no error")
	}
}

// Files that cannot be read at all are refused whole, with the reason;
// the domain's limit of accounts is counted with the file's lines.
func TestImportUsers_badFilesAndTheUserLimit(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	for _, c := range []struct{ file, code string }{
		{"", "empty_file"},
		{"name,phone\n홍길동,1\n", "no_email_column"},
		{"email\n" + strings.Repeat("x\n", MaxImportLines+1), "too_many_lines"},
		{"PK\x03\x04\x00\x00\xff\xfe", "not_csv"},
	} {
		_, err := s.ImportUsers(b.Ctx, boss, "", []byte(c.file), true)
		wantInvalid(t, err, "file", c.code)
	}
	d, _ := b.Store.Domain(b.Ctx, "example.test")
	d.MaxUsers = 2
	if err := b.Store.UpdateDomain(b.Ctx, d); err != nil {
		t.Fatal(err)
	}
	rep, err := s.ImportUsers(b.Ctx, boss, "", []byte("email,password\none,long-enough-1\ntwo,long-enough-2\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Valid != 1 || rowErrors(rep.Rows[1]) != "email:user_limit" {
		t.Errorf("over the limit: %+v", rep.Rows)
	}
}
