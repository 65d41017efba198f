package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/korean"

	"postroom/internal/admin"
	"postroom/internal/jobs"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

type bulkFixture struct {
	*fixture
	jobs       *jobs.Runner
	boss, eve  *client
	bossAcct   *store.Account
	victim     *store.Account
	token      string
	otherToken string
}

func newBulkFixture(t *testing.T) *bulkFixture {
	f := newFixture(t)
	r := &jobs.Runner{Store: f.Store, Log: testbed.Quiet()}
	t.Cleanup(r.Close)
	adm := f.srv.Org.(*admin.Service)
	adm.Jobs, adm.Log = r, testbed.Quiet()
	f.srv.Jobs = r
	bf := &bulkFixture{fixture: f, jobs: r}
	bf.bossAcct = f.Account("boss", func(a *store.Account) { a.Admin = true })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true })
	bf.victim = f.Account("victim", func(a *store.Account) { a.DomainID = other.ID })
	bf.boss, bf.eve = f.login(t, "boss@example.test"), f.login(t, "eve@other.test")
	var tok tokenJSON
	if code := bf.boss.do("POST", "/api/v1/admin/tokens", map[string]any{"name": "hr"}, &tok); code != 201 {
		t.Fatalf("token: %d", code)
	}
	bf.token = tok.Secret
	if code := bf.eve.do("POST", "/api/v1/admin/tokens", map[string]any{"name": "hr"}, &tok); code != 201 {
		t.Fatalf("eve's token: %d", code)
	}
	bf.otherToken = tok.Secret
	return bf
}

// waitJob waits for the runner to end the job (bounded).
func (bf *bulkFixture) waitJob(t *testing.T, id int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := bf.jobs.Wait(ctx, id); err != nil {
		t.Fatalf("job %d: %v", id, err)
	}
}

// The administrator deletes two users: 202 with a job that he follows
// to done (2 of 2), as the domain's token does; another domain's
// administrator and token find no such job; the users, their mail and
// their logins are gone.
func TestAdminUsersBulk_deleteJobFollowedByAdminAndToken(t *testing.T) {
	bf := newBulkFixture(t)
	carol := bf.Account("carol", nil)
	bf.Put(carol.ID, "INBOX", "Subject: x\r\n\r\ncarol's\r\n")
	aliceSession := bf.login(t, "alice@example.test")
	var started struct{ Job int64 }
	ids := []int64{bf.srv.outID(idAccount, bf.alice.ID), bf.srv.outID(idAccount, carol.ID)}
	if code := bf.boss.do("POST", "/api/v1/admin/users/delete", map[string]any{"ids": ids}, &started); code != 202 || started.Job == 0 {
		t.Fatalf("delete: %d %+v", code, started)
	}
	jobID, _ := bf.srv.inID(idJob, started.Job)
	j := followJob(t, bf.boss, bf.jobs, jobID)
	if j.State != store.JobDone || j.Done != 2 || j.Total != 2 || j.Kind != admin.JobDeleteUsers {
		t.Fatalf("the job as the administrator sees it: %+v", j)
	}
	path := fmt.Sprintf("/api/v1/jobs/%d", started.Job)
	code, body := bf.bearer(t, "GET", path, bf.token, nil)
	var tj jobJSON
	json.Unmarshal(body, &tj)
	if code != 200 || tj.State != store.JobDone || tj.Done != 2 || string(tj.Result) != `{"deleted":2,"gone":0}` {
		t.Errorf("the job as the token sees it: %d %s", code, body)
	}
	if code := bf.eve.do("GET", path, nil, nil); code != 404 {
		t.Errorf("another domain's administrator reads the job: %d", code)
	}
	if code, _ := bf.bearer(t, "GET", path, bf.otherToken, nil); code != 404 {
		t.Errorf("another domain's token reads the job: %d", code)
	}
	for _, a := range []*store.Account{bf.alice, carol} {
		if _, err := bf.Store.Account(bf.Ctx, a.ID); err == nil {
			t.Errorf("%s is still there", a.Address())
		}
	}
	if code := aliceSession.do("GET", "/api/v1/mailboxes", nil, nil); code != 401 {
		t.Errorf("the deleted user's session: %d", code)
	}

	// a token starts a deletion and follows it itself
	code, body = bf.bearer(t, "POST", "/api/v1/admin/users/delete", bf.token, map[string]any{"ids": []int64{bf.srv.outID(idAccount, bf.bob.ID)}})
	if code != 202 {
		t.Fatalf("delete by token: %d %s", code, body)
	}
	json.Unmarshal(body, &started)
	jobID, _ = bf.srv.inID(idJob, started.Job)
	bf.waitJob(t, jobID)
	if code, body := bf.bearer(t, "GET", fmt.Sprintf("/api/v1/jobs/%d", started.Job), bf.token, nil); code != 200 || !strings.Contains(string(body), `"done"`) {
		t.Errorf("the token's own job: %d %s", code, body)
	}
	if code := bf.boss.do("GET", fmt.Sprintf("/api/v1/jobs/%d", started.Job), nil, nil); code != 200 {
		t.Errorf("the administrator reads the token's job: %d", code)
	}
}

// Another domain's id is 404 and nothing is deleted, not even the
// domain's own ids named with it; his own account is refused.
func TestAdminUsersBulk_deleteRefusals(t *testing.T) {
	bf := newBulkFixture(t)
	ids := []int64{bf.srv.outID(idAccount, bf.alice.ID), bf.srv.outID(idAccount, bf.victim.ID)}
	if code := bf.boss.do("POST", "/api/v1/admin/users/delete", map[string]any{"ids": ids}, nil); code != 404 {
		t.Errorf("with another domain's id: %d", code)
	}
	code, body := bf.bearer(t, "POST", "/api/v1/admin/users/delete", bf.otherToken, map[string]any{"ids": ids[:1]})
	if code != 404 {
		t.Errorf("another domain's token: %d %s", code, body)
	}
	var refused struct{ Error fieldError }
	if code := bf.boss.do("POST", "/api/v1/admin/users/delete", map[string]any{"ids": []int64{bf.srv.outID(idAccount, bf.bossAcct.ID)}}, &refused); code != 400 || refused.Error.Reason != "own_account" {
		t.Errorf("his own account: %d %+v", code, refused)
	}
	for _, a := range []*store.Account{bf.alice, bf.victim, bf.bossAcct} {
		if _, err := bf.Store.Account(bf.Ctx, a.ID); err != nil {
			t.Errorf("%s was deleted: %v", a.Address(), err)
		}
	}
}

// The backup is a .zip named after the address, with one mbox per
// folder; the Inbox's splits back into the messages delivered to it.
// Another domain's user is 404; a token may not download it.
func TestAdminUsersBulk_backupZipOfMboxes(t *testing.T) {
	bf := newBulkFixture(t)
	bf.Put(bf.alice.ID, "INBOX", "From: kim@remote.test\r\nSubject: 견적서\r\n\r\nFrom the start\r\nbody\r\n")
	bf.Put(bf.alice.ID, "INBOX", "Subject: second\r\n\r\nx\r\n")
	bf.Put(bf.alice.ID, "Sent", "Subject: sent one\r\n\r\ny\r\n")
	path := fmt.Sprintf("/api/v1/admin/users/%d/backup", bf.srv.outID(idAccount, bf.alice.ID))
	code, body, h := bf.boss.raw("GET", path, "", nil)
	if code != 200 || h.Get("Content-Type") != "application/zip" || !strings.Contains(h.Get("Content-Disposition"), "alice@example.test.zip") {
		t.Fatalf("backup: %d %v", code, h)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	mboxes := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		mboxes[zf.Name] = string(b)
	}
	inbox := splitMbox(mboxes["INBOX.mbox"])
	if len(inbox) != 2 || !strings.Contains(inbox[0], "Subject: 견적서") || !strings.Contains(inbox[0], "\nFrom the start") {
		t.Errorf("INBOX.mbox: %q", inbox)
	}
	if sent := splitMbox(mboxes["Sent.mbox"]); len(sent) != 1 {
		t.Errorf("Sent.mbox: %q (files %d)", sent, len(mboxes))
	}
	if code, _, _ := bf.eve.raw("GET", path, "", nil); code != 404 {
		t.Errorf("another domain's administrator: %d", code)
	}
	if code, _ := bf.bearer(t, "GET", path, bf.token, nil); code != 401 {
		t.Errorf("a token: %d", code)
	}
	log, _ := bf.Store.AuditEntries(bf.Ctx, bf.bossAcct.DomainID, 0, 5)
	if len(log) == 0 || log[0].Action != "user.backup" || log[0].Target != "alice@example.test" {
		t.Errorf("audit: %+v", log)
	}
}

// splitMbox reads an mboxrd file (as Python's mailbox module would):
// messages start at "From " lines; ">From " loses one ">".
func splitMbox(data string) []string {
	var msgs []string
	var cur *strings.Builder
	for _, line := range strings.SplitAfter(data, "\n") {
		if strings.HasPrefix(line, "From ") {
			if cur != nil {
				msgs = append(msgs, cur.String())
			}
			cur = &strings.Builder{}
			continue
		}
		if cur == nil {
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
			line = line[1:]
		}
		cur.WriteString(line)
	}
	if cur != nil {
		msgs = append(msgs, cur.String())
	}
	return msgs
}

type importAnswer struct {
	Rows []struct {
		Line   int
		Email  string
		OK     bool
		Errors []struct{ Field, Code, Message string }
	}
	Valid, Invalid, Created int
	Encoding                string
	Error                   fieldError
}

// The import: a dry run previews every line (a duplicate, a missing
// department, in Korean) and creates nothing; the same file for real is
// 400 with the rows; a corrected CP949 file creates both, also by token.
func TestAdminUsersBulk_importDryRunThenReal(t *testing.T) {
	bf := newBulkFixture(t)
	bf.alice.Language = "ko"
	file := "\uFEFF아이디,이름,비밀번호,부서\r\nhong,홍길동,long-enough-1,\r\nhong,홍길동,long-enough-1,\r\nkim,김철수,long-enough-2,인사부\r\n"
	var a importAnswer
	code, body, _ := bf.boss.raw("POST", "/api/v1/admin/users/import?dry_run=1", "text/csv", []byte(file))
	json.Unmarshal(body, &a)
	if code != 200 || a.Valid != 1 || a.Invalid != 2 || len(a.Rows) != 3 || a.Encoding != "utf-8-bom" {
		t.Fatalf("dry run: %d %s", code, body)
	}
	if r := a.Rows[1]; r.OK || r.Line != 3 || len(r.Errors) != 1 || r.Errors[0].Code != "duplicate_in_file" || r.Errors[0].Message == "" {
		t.Errorf("the duplicate: %+v", r)
	}
	if r := a.Rows[2]; r.OK || r.Errors[0].Field != "department" || r.Errors[0].Code != "invalid_department" {
		t.Errorf("the missing department: %+v", r)
	}
	code, body, _ = bf.boss.raw("POST", "/api/v1/admin/users/import", "text/csv", []byte(file))
	a = importAnswer{}
	json.Unmarshal(body, &a)
	if code != 400 || a.Error.Reason != "invalid_lines" || len(a.Rows) != 3 {
		t.Errorf("the invalid file for real: %d %s", code, body)
	}
	if _, err := bf.Store.AccountByAddress(bf.Ctx, "hong@example.test"); err == nil {
		t.Fatal("an invalid file created an account")
	}
	good, _ := korean.EUCKR.NewEncoder().Bytes([]byte("아이디,이름,비밀번호\r\nhong,홍길동,long-enough-1\r\nkim,김철수,long-enough-2\r\n"))
	code, body, _ = bf.boss.raw("POST", "/api/v1/admin/users/import", "text/csv", good)
	a = importAnswer{}
	json.Unmarshal(body, &a)
	if code != 201 || a.Created != 2 || a.Encoding != "cp949" {
		t.Fatalf("import: %d %s", code, body)
	}
	if acct, err := bf.Store.AccountByAddress(bf.Ctx, "kim@example.test"); err != nil || acct.DisplayName != "김철수" {
		t.Errorf("kim: %+v %v", acct, err)
	}
	// the same again: every address is taken now
	code, body, _ = bf.boss.raw("POST", "/api/v1/admin/users/import?dry_run=1", "text/csv", good)
	a = importAnswer{}
	json.Unmarshal(body, &a)
	if code != 200 || a.Invalid != 2 || a.Rows[0].Errors[0].Code != "account_exists" {
		t.Errorf("again: %d %s", code, body)
	}
	// a token imports for its domain (the body need not be JSON)
	req, _ := http.NewRequest("POST", bf.ts.URL+"/api/v1/admin/users/import", strings.NewReader("email,password\nlee,long-enough-3\n"))
	req.Header.Set("Authorization", "Bearer "+bf.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Errorf("import by token: %d", resp.StatusCode)
	}
	// too big
	code, body, _ = bf.boss.raw("POST", "/api/v1/admin/users/import?dry_run=1", "text/csv", bytes.Repeat([]byte("x"), admin.MaxImportBytes+1))
	if code != 413 {
		t.Errorf("a file over 2 MB: %d %s", code, body)
	}
	// the template opens as a file that imports: its header is read
	code, tmpl, h := bf.boss.raw("GET", "/api/v1/admin/users/template.csv", "", nil)
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !bytes.HasPrefix(tmpl, []byte("\xEF\xBB\xBF아이디,이름,비밀번호")) {
		t.Errorf("template: %d %v %q", code, h, tmpl)
	}
	code, body, _ = bf.boss.raw("POST", "/api/v1/admin/users/import?dry_run=1", "text/csv", tmpl)
	a = importAnswer{}
	json.Unmarshal(body, &a)
	if code != 200 || len(a.Rows) != 1 || a.Rows[0].Email != "hong@example.test" {
		t.Errorf("the template's own line: %d %s", code, body)
	}
}
