package web

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postroom/internal/auth"
	"postroom/internal/blob"
	"postroom/internal/config"
	"postroom/internal/store"
)

// withAccountTools gives the fixture's server the mail-client and
// access-log services, as serve wires them.
func withAccountTools(f *fixture) {
	f.srv.Clients = &auth.Clients{Store: f.Store, Events: f.Bus, Servers: auth.Endpoints("mail.example.test", config.Default("").Listen)}
	f.srv.Logins = &auth.LoginLog{Store: f.Store}
}

func TestSettingsFolders_statsExportAndPurgeOverTheAPI(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	raws := []string{"Subject: =?UTF-8?B?7ZWc6riA?=\r\n\r\nFrom me\r\n", "Subject: two\r\n\r\n2\r\n"}
	var size int64
	for _, r := range raws {
		size += f.Put(f.alice.ID, "INBOX", r).Size
	}
	f.Put(f.bob.ID, "INBOX", "Subject: bob's\r\n\r\nx\r\n")
	inbox := c.mailboxID("INBOX")

	var st struct {
		Mailboxes []folderStatJSON
		Total     int64
		Size      int64
	}
	if code := c.do("GET", "/api/v1/mailboxes/stats", nil, &st); code != 200 || st.Total != 2 || st.Size != size {
		t.Fatalf("stats %d %+v", code, st)
	}
	for _, m := range st.Mailboxes {
		if m.Name == "INBOX" && (m.ID != inbox || m.Total != 2 || m.Size != size) {
			t.Fatalf("INBOX row %+v", m)
		}
	}

	code, body, h := c.get(pathf("/api/v1/mailboxes/%d/export?format=zip", inbox))
	if code != 200 || h.Get("Content-Type") != "application/zip" || !strings.Contains(h.Get("Content-Disposition"), `filename*=UTF-8''INBOX.zip`) {
		t.Fatalf("zip export %d %v", code, h)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil || len(zr.File) != 2 {
		t.Fatalf("zip: %v", err)
	}
	for i, zf := range zr.File {
		rc, _ := zf.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		if b.String() != raws[i] {
			t.Errorf("entry %q: %q, want %q", zf.Name, b.String(), raws[i])
		}
	}
	if !strings.HasSuffix(zr.File[0].Name, " 한글.eml") {
		t.Errorf("Korean name %q", zr.File[0].Name)
	}
	code, body, h = c.get(pathf("/api/v1/mailboxes/%d/export?format=mbox", inbox))
	if code != 200 || h.Get("Content-Type") != "application/mbox" || !bytes.Contains(body, []byte("\r\n>From me\r\n")) {
		t.Fatalf("mbox export %d %v %q", code, h, body)
	}
	var e map[string]fieldError
	if code := c.do("GET", pathf("/api/v1/mailboxes/%d/export?format=tar", inbox), nil, &e); code != 400 || e["error"].Field != "format" || e["error"].Message == "" {
		t.Fatalf("tar %d %+v", code, e)
	}
	// bob cannot export or purge alice's folder: 404, as if none
	bc := f.login(t, "bob@example.test")
	if code, _, _ := bc.get(pathf("/api/v1/mailboxes/%d/export", inbox)); code != 404 {
		t.Fatalf("bob's export of alice's inbox %d", code)
	}
	if code := bc.do("POST", pathf("/api/v1/mailboxes/%d/purge", inbox), map[string]any{"all": true}, nil); code != 404 {
		t.Fatalf("bob's purge of alice's inbox %d", code)
	}

	// purge on the server's clock: move it 31 days on (a new session: the
	// old one is idle for too long), then 30 days takes both
	f.clock.Set(time.Now().Add(31 * 24 * time.Hour))
	c = f.login(t, "alice@example.test")
	var n map[string]int
	if code := c.do("POST", pathf("/api/v1/mailboxes/%d/purge?dry_run=1", inbox), map[string]any{"older_than_days": 30}, &n); code != 200 || n["count"] != 2 {
		t.Fatalf("dry run %d %v", code, n)
	}
	if code := c.do("POST", pathf("/api/v1/mailboxes/%d/purge", inbox), map[string]any{"older_than_days": 90}, &n); code != 200 || n["count"] != 0 {
		t.Fatalf("90 days %d %v", code, n)
	}
	if code := c.do("POST", pathf("/api/v1/mailboxes/%d/purge", inbox), map[string]any{}, &e); code != 400 || e["error"].Field != "older_than_days" || e["error"].Reason != "invalid_purge" {
		t.Fatalf("empty purge %d %+v", code, e)
	}
	if code := c.doCSRF("POST", pathf("/api/v1/mailboxes/%d/purge", inbox), map[string]any{"all": true}, nil, ""); code != 403 {
		t.Fatalf("purge without CSRF %d", code)
	}
	if u, _ := f.Store.Usage(f.Ctx, f.alice.ID); u.Messages != 2 {
		t.Fatalf("refused purges removed mail: %+v", u)
	}
	if code := c.do("POST", pathf("/api/v1/mailboxes/%d/purge", inbox), map[string]any{"older_than_days": 30}, &n); code != 200 || n["count"] != 2 {
		t.Fatalf("30 days %d %v", code, n)
	}
	if u, _ := f.Store.Usage(f.Ctx, f.alice.ID); u.Messages != 0 {
		t.Fatalf("after purge: %+v", u)
	}
	if u, _ := f.Store.Usage(f.Ctx, f.bob.ID); u.Messages != 1 {
		t.Fatalf("bob's mail after alice's purge: %+v", u)
	}
}

func TestSettingsClientSetup_showsAndSwitches(t *testing.T) {
	f := newFixture(t)
	withAccountTools(f)
	c := f.login(t, "alice@example.test")
	var cs clientSetupJSON
	if code := c.do("GET", "/api/v1/client-setup", nil, &cs); code != 200 || cs.Login != "alice@example.test" || !cs.ClientsAllowed ||
		cs.POP3Delete != "keep" || len(cs.Servers) != 6 || cs.Servers[0] != (clientServerJSON{"imap", "mail.example.test", 2993, "tls"}) {
		t.Fatalf("GET %d %+v", code, cs)
	}
	if code := c.do("PATCH", "/api/v1/client-setup", map[string]any{"clients_allowed": false, "pop3_delete": "trash"}, &cs); code != 200 ||
		cs.ClientsAllowed || cs.POP3Delete != "trash" {
		t.Fatalf("PATCH %d %+v", code, cs)
	}
	if a, _ := f.Store.Account(f.Ctx, f.alice.ID); a.ClientAccess || a.POP3Delete != store.POP3Trash {
		t.Fatalf("stored %+v", a)
	}
	var e map[string]fieldError
	if code := c.do("PATCH", "/api/v1/client-setup", map[string]any{"clients_allowed": true, "pop3_delete": "shred"}, &e); code != 400 ||
		e["error"].Field != "pop3_delete" || !strings.Contains(e["error"].Message, "POP3") {
		t.Fatalf("invalid %d %+v", code, e)
	}
	if a, _ := f.Store.Account(f.Ctx, f.alice.ID); a.ClientAccess {
		t.Fatal("a refused PATCH turned clients on")
	}
	// the web session goes on with clients off
	if code := c.do("GET", "/api/v1/mailboxes", nil, nil); code != 200 {
		t.Fatalf("webmail with clients off: %d", code)
	}
	if code := c.do("PATCH", "/api/v1/client-setup", map[string]any{"clients": true}, nil); code != 400 {
		t.Fatalf("unknown field %d", code)
	}
}

// The profile is a property list that Python's plistlib (a real reader)
// parses, with Apple's mail payload keys, no password, distinct UUIDs.
func TestSettingsClientSetup_appleProfile(t *testing.T) {
	f := newFixture(t)
	withAccountTools(f)
	c := f.login(t, "alice@example.test")
	code, body, h := c.get("/api/v1/client-setup/apple.mobileconfig")
	if code != 200 || h.Get("Content-Type") != "application/x-apple-aspen-config" {
		t.Fatalf("%d %v", code, h)
	}
	if bytes.Contains(body, []byte("<key>IncomingPassword</key>")) || bytes.Contains(body, []byte("<key>OutgoingPassword</key>")) ||
		bytes.Contains(body, []byte(">pw<")) {
		t.Fatal("the profile holds a password")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is needed under CI")
		}
		t.Skip("python3 not installed")
	}
	path := filepath.Join(t.TempDir(), "p.mobileconfig")
	os.WriteFile(path, body, 0o600)
	out, err := exec.Command(python, "-c", `import plistlib, json, sys
print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("plistlib: %v\n%s\n%s", err, out, body)
	}
	var p map[string]any
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	content := p["PayloadContent"].([]any)
	mailp := content[0].(map[string]any)
	want := map[string]any{"PayloadType": "com.apple.mail.managed", "EmailAccountType": "EmailTypeIMAP", "EmailAddress": "alice@example.test",
		"IncomingMailServerHostName": "mail.example.test", "IncomingMailServerPortNumber": 2993.0, "IncomingMailServerUseSSL": true,
		"IncomingMailServerUsername": "alice@example.test", "OutgoingMailServerPortNumber": 2465.0, "OutgoingMailServerUseSSL": true,
		"OutgoingMailServerUsername": "alice@example.test", "IncomingMailServerAuthentication": "EmailAuthPassword",
		"OutgoingPasswordSameAsIncomingPassword": true}
	for k, v := range want {
		if mailp[k] != v {
			t.Errorf("%s = %v, want %v", k, mailp[k], v)
		}
	}
	if p["PayloadType"] != "Configuration" || p["PayloadVersion"] != 1.0 || p["PayloadUUID"] == mailp["PayloadUUID"] ||
		!strings.HasPrefix(p["PayloadIdentifier"].(string), "test.example.mail.postroom.") {
		t.Errorf("profile %v", p)
	}
	_, again, _ := c.get("/api/v1/client-setup/apple.mobileconfig")
	if bytes.Equal(again, body) {
		t.Error("two downloads with the same UUIDs")
	}
}

// The access log lists the account's own logins, newest first, with
// protocol, address and result; another account sees none of them.
func TestSettingsAccessLog_ownLoginsNewestFirst(t *testing.T) {
	f := newFixture(t)
	withAccountTools(f)
	base := time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)
	for i, l := range []store.Login{{Protocol: "imap", IP: "192.0.2.1"}, {Protocol: "imap", IP: "192.0.2.1", Success: true}, {Protocol: "pop3", IP: "2001:db8::1", Success: true}} {
		l.AccountID, l.Time = f.alice.ID, base.Add(time.Duration(i)*time.Minute)
		if err := f.Store.RecordLogin(f.Ctx, &l); err != nil {
			t.Fatal(err)
		}
	}
	c := f.login(t, "alice@example.test") // a web login, recorded now
	var out struct {
		Logins []loginJSON
		Page   int
		More   bool
	}
	if code := c.do("GET", "/api/v1/access-log", nil, &out); code != 200 || len(out.Logins) != 4 || out.More || out.Page != 1 {
		t.Fatalf("%d %+v", code, out)
	}
	if l := out.Logins[0]; l.Protocol != "web" || !l.OK || l.IP != "127.0.0.1" || !strings.HasSuffix(l.Time, "Z") {
		t.Errorf("newest %+v", l)
	}
	want := []loginJSON{{"2026-12-04T06:02:00Z", "2001:db8::1", "pop3", true}, {"2026-12-04T06:01:00Z", "192.0.2.1", "imap", true}, {"2026-12-04T06:00:00Z", "192.0.2.1", "imap", false}}
	for i, w := range want {
		if out.Logins[i+1] != w {
			t.Errorf("login %d: %+v, want %+v", i+1, out.Logins[i+1], w)
		}
	}
	bc := f.login(t, "bob@example.test")
	// a phone's browser logs in as the mobile webmail
	req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/session", strings.NewReader(`{"email":"bob@example.test","password":"pw"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("mobile login: %v", err)
	} else {
		resp.Body.Close()
	}
	if code := bc.do("GET", "/api/v1/access-log", nil, &out); code != 200 || len(out.Logins) != 2 || out.Logins[0].Protocol != "mobile" || out.Logins[1].Protocol != "web" {
		t.Fatalf("bob's log %d %+v", code, out)
	}
	var e map[string]fieldError
	if code := c.do("GET", "/api/v1/access-log?page=x", nil, &e); code != 400 || e["error"].Field != "page" {
		t.Fatalf("page=x %d %+v", code, e)
	}
	if code := c.do("GET", "/api/v1/access-log?page=2", nil, &out); code != 200 || len(out.Logins) != 0 {
		t.Fatalf("page 2 %d %+v", code, out)
	}
}

// An export that fails once the download started is cut off, not ended
// as if whole: the client sees the connection break, and what it got is
// no valid archive.
func TestSettingsFolders_exportFailureAbortsTheDownload(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	// the first message is larger than the server's write buffer: the
	// answer has started when the second fails
	f.Put(f.alice.ID, "INBOX", "Subject: one\r\n\r\n"+randomLines(2000))
	lost := f.Put(f.alice.ID, "INBOX", "Subject: lost\r\n\r\nits file is gone\r\n")
	f.Put(f.alice.ID, "INBOX", "Subject: three\r\n\r\n3\r\n")
	k := lost.BlobKey
	if err := os.Remove(f.Blobs.(*blob.FS).Path(k)); err != nil {
		t.Fatal(err)
	}
	resp, err := c.http.Get(f.ts.URL + pathf("/api/v1/mailboxes/%d/export?format=zip", c.mailboxID("INBOX")))
	if err != nil {
		t.Fatalf("the answer did not start: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Fatalf("the download of a failed export ended normally (%d, %d bytes)", resp.StatusCode, len(body))
	}
	if _, zerr := zip.NewReader(bytes.NewReader(body), int64(len(body))); zerr == nil {
		t.Fatal("a cut-off export reads as a whole archive")
	}
}

// randomLines is n lines of random hex: text that does not compress.
func randomLines(n int) string {
	var b strings.Builder
	line := make([]byte, 38)
	for range n {
		rand.Read(line)
		fmt.Fprintf(&b, "%x\r\n", line)
	}
	return b.String()
}

// An export that fails before a byte went out is answered with an error
// (the exports write through a buffer of a few KiB).
func TestSettingsFolders_exportFailureBeforeAnyByteIsAnError(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	lost := f.Put(f.alice.ID, "INBOX", "Subject: lost\r\n\r\nits file is gone\r\n")
	k := lost.BlobKey
	if err := os.Remove(f.Blobs.(*blob.FS).Path(k)); err != nil {
		t.Fatal(err)
	}
	code, body, h := c.get(pathf("/api/v1/mailboxes/%d/export?format=mbox", c.mailboxID("INBOX")))
	if code != 500 || h.Get("Content-Disposition") != "" || !strings.Contains(string(body), `"internal"`) {
		t.Fatalf("%d %v %s", code, h, body)
	}
}
