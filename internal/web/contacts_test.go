package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/korean"

	"postroom/internal/store"
)

// raw sends body as it is (an import file) and returns the status, the
// answer's bytes and its headers.
func (c *client) raw(method, path, ctype string, body []byte) (int, []byte, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.f.ts.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

type contactList struct {
	Contacts []contactJSON
	Total    int
	CanEdit  bool `json:"can_edit"`
}

func (c *client) contacts(query string) contactList {
	c.t.Helper()
	var out contactList
	if code := c.do("GET", "/api/v1/contacts?"+query, nil, &out); code != 200 {
		c.t.Fatalf("GET contacts?%s: %d", query, code)
	}
	return out
}

// The contract of issue 15: create, read, edit, trash, restore, delete
// for good; a group and a folder; the ids are the API's, not the store's.
func TestContacts_crudGroupsFoldersWithAPIIDs(t *testing.T) {
	f := newFixture(t)
	f.srv.IDKey = bytes.Repeat([]byte{7}, 32)
	f.ts.Config.Handler = f.srv.Handler()
	c := f.login(t, "alice@example.test")
	var made contactJSON
	code := c.do("POST", "/api/v1/contacts", map[string]any{"name": "홍길동", "company": "활빈당",
		"emails": []map[string]string{{"address": "hong@x.test", "label": "회사"}},
		"phones": []map[string]string{{"number": "010-1234-5678", "label": "mobile"}}}, &made)
	if code != 201 || made.ID == 0 || made.Book != "personal" || made.UID == "" || made.Version == 0 || made.Emails[0].Label != "회사" {
		t.Fatalf("create: %d %+v", code, made)
	}
	row, err := f.Store.ContactByUID(f.Ctx, store.PersonalBook(f.alice.DomainID, f.alice.ID), made.UID)
	if err != nil || row.ID == made.ID {
		t.Fatalf("the API's id is the store's (%d) or the row is missing: %v", made.ID, err)
	}
	var folder folderJSON
	if code := c.do("POST", "/api/v1/contact-folders", map[string]string{"name": "거래처"}, &folder); code != 201 || folder.ID == 0 {
		t.Fatalf("folder: %d %+v", code, folder)
	}
	var group groupJSON
	if code := c.do("POST", "/api/v1/contact-groups", map[string]any{"name": "친구", "members": []int64{made.ID}}, &group); code != 201 || len(group.Members) != 1 || group.Members[0] != made.ID {
		t.Fatalf("group: %d %+v", code, group)
	}
	// the group's creation changed the contact (its groups): read it again
	if code := c.do("GET", "/api/v1/contacts/"+strconv.FormatInt(made.ID, 10), nil, &made); code != 200 || len(made.Groups) != 1 {
		t.Fatalf("get: %d %+v", code, made)
	}
	made.Company, made.Folder, made.Groups = "의적", folder.ID, nil
	var saved contactJSON
	if code := c.do("PUT", "/api/v1/contacts/"+strconv.FormatInt(made.ID, 10), made, &saved); code != 200 || saved.Company != "의적" || saved.Folder != folder.ID || len(saved.Groups) != 1 || saved.Groups[0] != group.ID {
		t.Fatalf("update: %d %+v", code, saved)
	}
	made.Version = 1 // stale
	if code := c.do("PUT", "/api/v1/contacts/"+strconv.FormatInt(made.ID, 10), made, nil); code != 409 {
		t.Errorf("stale update: %d", code)
	}
	if l := c.contacts("folder=" + strconv.FormatInt(folder.ID, 10)); l.Total != 1 || !l.CanEdit {
		t.Errorf("by folder: %+v", l)
	}
	if l := c.contacts("group=" + strconv.FormatInt(group.ID, 10)); l.Total != 1 {
		t.Errorf("by group: %+v", l)
	}
	if code := c.do("DELETE", "/api/v1/contacts/"+strconv.FormatInt(made.ID, 10), nil, nil); code != 204 {
		t.Fatalf("trash: %d", code)
	}
	if l := c.contacts(""); l.Total != 0 {
		t.Errorf("after trash: %+v", l)
	}
	if l := c.contacts("trash=1"); l.Total != 1 || l.Contacts[0].Deleted == nil {
		t.Errorf("trash: %+v", l)
	}
	if code := c.do("POST", "/api/v1/contacts/"+strconv.FormatInt(made.ID, 10)+"/restore", nil, nil); code != 200 {
		t.Errorf("restore: %d", code)
	}
	if code := c.do("DELETE", "/api/v1/contacts/"+strconv.FormatInt(made.ID, 10)+"?permanent=1", nil, nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code := c.do("GET", "/api/v1/contacts/"+strconv.FormatInt(made.ID, 10), nil, nil); code != 404 {
		t.Errorf("after delete: %d", code)
	}
	var e map[string]fieldError
	if code := c.do("POST", "/api/v1/contacts", map[string]any{"name": "x", "emails": []map[string]string{{"address": "no at sign"}}}, &e); code != 400 ||
		e["error"].Field != "emails[0].address" || !strings.Contains(e["error"].Message, "메일 주소") {
		t.Errorf("invalid address: %d %+v", code, e)
	}
}

// Bulk actions: all or nothing.
func TestContacts_actions(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	var a, b contactJSON
	c.do("POST", "/api/v1/contacts", map[string]any{"name": "가"}, &a)
	c.do("POST", "/api/v1/contacts", map[string]any{"name": "나"}, &b)
	var out struct{ Done int }
	if code := c.do("POST", "/api/v1/contacts/actions", map[string]any{"action": "trash", "ids": []int64{a.ID, b.ID}}, &out); code != 200 || out.Done != 2 {
		t.Fatalf("trash both: %d %+v", code, out)
	}
	if code := c.do("POST", "/api/v1/contacts/actions", map[string]any{"action": "restore", "ids": []int64{a.ID, 999999}}, nil); code != 404 {
		t.Errorf("restore with an unknown id: %d", code)
	}
	if l := c.contacts("trash=1"); l.Total != 2 {
		t.Errorf("a refused action changed something: %+v", l)
	}
	if code := c.do("POST", "/api/v1/contacts/actions", map[string]any{"action": "explode", "ids": []int64{a.ID}}, nil); code != 400 {
		t.Errorf("unknown action: %d", code)
	}
}

// The shared book through HTTP: a user reads it without edit rights and
// gets 403 on a change; another domain's user gets 404 for its ids.
func TestContacts_sharedBookOverHTTP(t *testing.T) {
	f := newFixture(t)
	f.Account("boss", func(a *store.Account) { a.Admin = true })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true })
	boss, alice, eve := f.login(t, "boss@example.test"), f.login(t, "alice@example.test"), f.login(t, "eve@other.test")
	var shared contactJSON
	if code := boss.do("POST", "/api/v1/contacts", map[string]any{"book": "shared", "name": "대표번호", "emails": []map[string]string{{"address": "info@example.test"}}}, &shared); code != 201 {
		t.Fatalf("boss creates shared: %d", code)
	}
	if l := alice.contacts("book=shared"); l.Total != 1 || l.CanEdit {
		t.Errorf("alice's view of the shared book: %+v", l)
	}
	if code := alice.do("PUT", "/api/v1/contacts/"+strconv.FormatInt(shared.ID, 10), map[string]any{"name": "x"}, nil); code != 403 {
		t.Errorf("alice edits shared: %d", code)
	}
	if code := alice.do("DELETE", "/api/v1/contacts/"+strconv.FormatInt(shared.ID, 10), nil, nil); code != 403 {
		t.Errorf("alice trashes shared: %d", code)
	}
	if code := eve.do("GET", "/api/v1/contacts/"+strconv.FormatInt(shared.ID, 10), nil, nil); code != 404 {
		t.Errorf("eve reads example.test's shared contact: %d", code)
	}
	if l := eve.contacts("book=shared&q=" + url.QueryEscape("대표")); l.Total != 0 {
		t.Errorf("eve finds example.test's shared contact: %+v", l)
	}
	var sug struct{ Addresses []addressEntry }
	alice.do("GET", "/api/v1/addresses?q=info", nil, &sug)
	if len(sug.Addresses) != 1 || sug.Addresses[0].Source != "shared" {
		t.Errorf("alice's suggestions: %+v", sug)
	}
}

// Import over HTTP: a CP949 Outlook file as the raw body, the dry run's
// preview, then the import's report; a bad file's message; the size limit
// before a byte is read.
func TestContacts_importExportOverHTTP(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	file, _ := korean.EUCKR.NewEncoder().Bytes([]byte("이름,성,전자 메일 주소,회사\r\n길동,홍,hong@x.test,활빈당\r\n철수,김,bad,코프\r\n"))
	code, body, _ := c.raw("POST", "/api/v1/contacts/import?dry_run=1", "application/octet-stream", file)
	var preview struct {
		Format, Encoding string
		Columns          []importColumnJSON
		Rows             []contactJSON
		Errors           []importErrorJSON
		Duplicates       int
	}
	json.Unmarshal(body, &preview)
	if code != 200 || preview.Format != "outlook" || preview.Encoding != "cp949" || len(preview.Rows) != 1 || preview.Rows[0].Name != "홍길동" ||
		len(preview.Errors) != 1 || preview.Errors[0].Line != 3 || preview.Errors[0].Message == "" || len(preview.Columns) != 4 {
		t.Fatalf("preview: %d %s", code, body)
	}
	if l := c.contacts(""); l.Total != 0 {
		t.Fatalf("the dry run stored %+v", l)
	}
	code, body, _ = c.raw("POST", "/api/v1/contacts/import?duplicates=merge", "application/octet-stream", file)
	var rep struct{ Imported, Merged, Skipped int }
	json.Unmarshal(body, &rep)
	if code != 200 || rep.Imported != 1 {
		t.Fatalf("import: %d %s", code, body)
	}
	code, body, _ = c.raw("POST", "/api/v1/contacts/import", "application/octet-stream", []byte("회사,부서\n코프,영업\n"))
	if code != 400 || !strings.Contains(string(body), "no_name_or_email_column") || !strings.Contains(string(body), "이메일") {
		t.Errorf("no name column: %d %s", code, body)
	}
	req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/contacts/import", io.LimitReader(zeros{}, 11<<20))
	req.ContentLength = 11 << 20
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("11 MB: %d", resp.StatusCode)
	}
	code, body, hdr := c.raw("GET", "/api/v1/contacts/export?format=outlook&charset=cp949", "", nil)
	if code != 200 || !strings.Contains(hdr.Get("Content-Disposition"), "contacts-outlook.csv") || !bytes.Contains(body, []byte("First Name")) {
		t.Errorf("export: %d %v", code, hdr)
	}
	if want, _ := korean.EUCKR.NewEncoder().Bytes([]byte("홍길동")); !bytes.Contains(body, want) {
		t.Errorf("the CP949 export lacks 홍길동 in CP949")
	}
	code, body, _ = c.raw("GET", "/api/v1/contacts/template.csv", "", nil)
	if code != 200 || !bytes.HasPrefix(body, []byte("\xef\xbb\xbf이름,이메일")) {
		t.Errorf("template: %d %q", code, body)
	}
	if code, _, _ := c.raw("GET", "/api/v1/contacts/export?format=xls", "", nil); code != 400 {
		t.Errorf("unknown export format: %d", code)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// CardDAV's paths reach Server.DAV even when it is set after Handler was
// built (serve wires it that way); the rest of the site does not.
func TestContacts_davMountedAtRequestTime(t *testing.T) {
	f := newFixture(t)
	f.srv.DAV = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(207) })
	for path, want := range map[string]int{"/dav/": 207, "/dav/addressbooks/a@b/personal/": 207, "/.well-known/carddav": 207, "/davx": 200, "/": 200} {
		req, _ := http.NewRequest("PROPFIND", f.ts.URL+path, nil)
		if want == 200 {
			req.Method = "GET"
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s %s: %d, want %d", req.Method, path, resp.StatusCode, want)
		}
	}
}
