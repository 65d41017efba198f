package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"postroom/internal/jobs"
	"postroom/internal/migrate"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

func importFixture(t *testing.T) (*mailFixture, *jobs.Runner) {
	f := newMailFixture(t, 0)
	r := &jobs.Runner{Store: f.Store, Log: testbed.Quiet()}
	t.Cleanup(r.Close)
	f.srv.Jobs = r
	f.srv.Imports = &migrate.UploadImporter{Mail: f.Mail, Uploads: f.srv.Send, Jobs: r, Log: testbed.Quiet(),
		Limits: migrate.UploadLimits{MaxEntries: 5}}
	return f, r
}

func testZip(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[n]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// importFile uploads data and imports it into mailbox, answering the
// status and the error or, once the job ended, the job.
func (c *client) importFile(r *jobs.Runner, mailbox int64, name string, data []byte) (int, fieldError, jobJSON) {
	c.t.Helper()
	up := c.upload(name, "application/octet-stream", data)
	var raw json.RawMessage
	code := c.do("POST", pathf("/api/v1/mailboxes/%d/import", mailbox), map[string]int64{"upload": up.ID}, &raw)
	var started struct{ Job int64 }
	var bad errorAnswer
	json.Unmarshal(raw, &started)
	json.Unmarshal(raw, &bad)
	if code != 202 {
		return code, bad.Error, jobJSON{}
	}
	if started.Job == 0 {
		c.t.Fatalf("import %s: %s", name, raw)
	}
	if err := r.Wait(context.Background(), started.Job); err != nil {
		c.t.Fatal(err)
	}
	var j jobJSON
	c.do("GET", pathf("/api/v1/jobs/%d", started.Job), nil, &j)
	if code, _, _ := c.get(pathf("/api/v1/uploads/%d", up.ID)); code != 404 {
		c.t.Errorf("the upload of %s is still there after its import: %d", name, code)
	}
	return code, bad.Error, j
}

func importMail(subject, day string) string {
	return "From: 김영희 <kim@partner.example>\r\nSubject: " + subject + "\r\nDate: " + day + " 09:00:00 +0900\r\n\r\n" + subject + " 본문\r\n"
}

func TestFolderImport_zipAndMboxIntoAFolderThenAgainImportsNothing(t *testing.T) {
	f, r := importFixture(t)
	c := f.login(t, "alice@example.test")
	var folder mailboxJSON
	if code := c.do("POST", "/api/v1/mailboxes", map[string]string{"name": "거래처"}, &folder); code != 201 {
		t.Fatalf("create folder: %d", code)
	}
	zipped := testZip(t, map[string]string{
		"견적.eml": importMail("2026년 견적서", "Mon, 02 Mar 2026"),
		"계약.eml": importMail("계약서 초안", "Tue, 03 Mar 2026"),
	})
	mbox := ""
	for i, s := range []string{"첫째", "둘째", "셋째"} {
		mbox += fmt.Sprintf("From kim@partner.example Wed Mar  %d 10:00:00 2026\n", i+4) + strings.ReplaceAll(importMail(s, "Wed, 04 Mar 2026"), "\r\n", "\n") + "\n"
	}
	type result struct {
		Imported, Skipped int
		Failed            []string
		FailedCount       int    `json:"failed_count"`
		Stopped           string `json:"stopped"`
	}
	run := func(name string, data []byte) result {
		t.Helper()
		code, bad, j := c.importFile(r, folder.ID, name, data)
		var res result
		json.Unmarshal(j.Result, &res)
		if code != 202 || j.State != "done" || j.Kind != migrate.JobUpload || j.Total == 0 || j.Done != j.Total {
			t.Fatalf("import %s: %d %+v %+v", name, code, bad, j)
		}
		return res
	}
	if res := run("메일.zip", zipped); res.Imported != 2 || res.Skipped != 0 || res.FailedCount != 0 {
		t.Errorf("zip: %+v", res)
	}
	if res := run("old.mbox", []byte(mbox)); res.Imported != 3 || res.FailedCount != 0 {
		t.Errorf("mbox: %+v", res)
	}
	var page struct{ Messages []messageJSON }
	c.do("GET", pathf("/api/v1/mailboxes/%d/messages", folder.ID), nil, &page)
	var subjects []string
	for _, m := range page.Messages {
		subjects = append(subjects, m.Subject)
	}
	sort.Strings(subjects)
	if got := strings.Join(subjects, ","); got != "2026년 견적서,계약서 초안,둘째,셋째,첫째" {
		t.Errorf("the folder holds %q", got)
	}
	if res := run("메일.zip", zipped); res.Imported != 0 || res.Skipped != 2 {
		t.Errorf("the same zip again: %+v", res)
	}
	if problems, _ := f.Store.CheckConsistency(f.Ctx); len(problems) != 0 {
		t.Errorf("store: %v", problems)
	}
}

func TestFolderImport_refusalsAreTranslatedAndTheUploadGoes(t *testing.T) {
	f, r := importFixture(t)
	dave := f.Account("dave", func(a *store.Account) { a.Language = "en"; a.QuotaBytes = 200 })
	alice := f.login(t, "alice@example.test") // Korean
	inbox := alice.mailboxID("INBOX")

	code, bad, _ := alice.importFile(r, inbox, "견적서.pdf", []byte("%PDF-1.7 견적"))
	if code != 422 || bad.Code != "unknown_kind" || bad.Field != "upload" || !strings.Contains(bad.Message, "메일 파일이 아닙니다") {
		t.Errorf("a PDF: %d %+v", code, bad)
	}
	six := map[string]string{}
	for i := range 6 {
		six[fmt.Sprintf("%d.eml", i)] = importMail(fmt.Sprint(i), "Mon, 02 Mar 2026")
	}
	if code, bad, _ := alice.importFile(r, inbox, "six.zip", testZip(t, six)); code != 413 || bad.Code != "too_large" || !strings.Contains(bad.Message, "너무 큽니다") {
		t.Errorf("six files over a limit of five: %d %+v", code, bad)
	}
	d := f.login(t, dave.Address())
	big := []byte(importMail(strings.Repeat("긴 제목 ", 30), "Mon, 02 Mar 2026"))
	if code, bad, _ := d.importFile(r, d.mailboxID("INBOX"), "big.eml", big); code != 507 || bad.Code != "over_quota" || !strings.Contains(bad.Message, "quota") {
		t.Errorf("over dave's whole quota: %d %+v", code, bad)
	}
	// refused files are deleted too
	var list struct{ Uploads []uploadJSON }
	alice.do("GET", "/api/v1/uploads", nil, &list)
	if len(list.Uploads) != 0 {
		t.Errorf("alice's refused uploads are kept: %+v", list.Uploads)
	}

	// another account's folder or upload is not found
	bob := f.login(t, "bob@example.test")
	mine := alice.upload("a.eml", "message/rfc822", []byte(importMail("x", "Mon, 02 Mar 2026")))
	bobs := bob.upload("b.eml", "message/rfc822", []byte(importMail("y", "Mon, 02 Mar 2026")))
	for _, try := range []struct {
		who             *client
		mailbox, upload int64
	}{{bob, inbox, bobs.ID}, {bob, bob.mailboxID("INBOX"), mine.ID}, {alice, inbox, bobs.ID}} {
		if code := try.who.do("POST", pathf("/api/v1/mailboxes/%d/import", try.mailbox), map[string]int64{"upload": try.upload}, nil); code != 404 {
			t.Errorf("mailbox %d upload %d: %d, want 404", try.mailbox, try.upload, code)
		}
	}
	if code, _, _ := alice.get(pathf("/api/v1/uploads/%d", mine.ID)); code != 200 {
		t.Errorf("alice's upload went with bob's try: %d", code)
	}
}
