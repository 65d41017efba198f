package interop

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// vdirsyncer is one configured pair: a folder of .vcf files per book
// (side a) and the server's CardDAV account (side b).
type vdirsyncer struct {
	bin, config, local, home string
}

func newVdirsyncer(t *testing.T, base, user string) *vdirsyncer {
	t.Helper()
	v := &vdirsyncer{bin: requireTool(t, "vdirsyncer", "vdirsyncer")}
	dir := t.TempDir()
	v.local, v.home, v.config = filepath.Join(dir, "contacts"), filepath.Join(dir, "home"), filepath.Join(dir, "config")
	// The books' folders exist, so that discover has nothing to ask.
	for _, d := range []string{filepath.Join(v.local, "personal"), filepath.Join(v.local, "shared"), v.home, filepath.Join(dir, "status")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	config := fmt.Sprintf(`[general]
status_path = %q

[pair contacts]
a = "local"
b = "remote"
collections = ["from b"]

[storage local]
type = "filesystem"
path = %q
fileext = ".vcf"

[storage remote]
type = "carddav"
url = %q
username = %q
password = %q
`, filepath.Join(dir, "status")+"/", v.local+"/", base+"/", user, testPassword)
	if err := os.WriteFile(v.config, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return v
}

// run runs one vdirsyncer command; any error it reports fails the test.
func (v *vdirsyncer) run(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, v.bin, append([]string{"-c", v.config}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+v.home, "XDG_CONFIG_HOME="+v.home, "XDG_DATA_HOME="+v.home)
	cmd.Stdin = strings.NewReader(strings.Repeat("y\n", 10)) // discover's questions, if any
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	if took := time.Since(start); took > slowCommand {
		t.Logf("slow: vdirsyncer %s took %v", strings.Join(args, " "), took.Round(time.Millisecond))
	}
	if err != nil || strings.Contains(out.String(), "error:") {
		t.Fatalf("vdirsyncer %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// card finds the local file of the card with this UID in book: its path
// and content ("" when there is none).
func (v *vdirsyncer) card(t *testing.T, book, uid string) (string, string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(v.local, book, "*.vcf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
			if line == "UID:"+uid {
				return f, string(b)
			}
		}
	}
	return "", ""
}

// TestCardDAV_vdirsyncerBothWays syncs a user's books with vdirsyncer:
// cards made on either side reach the other, the shared book comes down,
// a change on each side goes across, and a delete on each side too.
func TestCardDAV_vdirsyncerBothWays(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"http"}})
	alice := uniqueAddr("vdir-alice")
	s.AddUser(t, alice)
	base := "http://" + s.Addr(t, "http")
	personal := "/dav/addressbooks/" + alice + "/personal/"
	vcardCT := []string{"Content-Type: text/vcard"}
	vcard := func(uid, name, email string) string {
		return "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + uid + "\r\nFN:" + name + "\r\nEMAIL;TYPE=INTERNET:" + email + "\r\nEND:VCARD\r\n"
	}

	// On the server: a card of alice's and one of the domain's shared book.
	curlDAV(t, base, alice, "PUT", personal+"server-1.vcf", vcardCT, vcard("server-1", "서버 카드", "server@example.org")).want(t, "PUT server-1", http.StatusCreated)
	curlDAV(t, base, adminAddr, "PUT", "/dav/addressbooks/"+adminAddr+"/shared/shared-1.vcf", vcardCT, vcard("shared-1", "공용 거래처", "vendor@example.org")).
		want(t, "PUT shared-1", http.StatusCreated)
	// On the phone's side: a card of its own.
	v := newVdirsyncer(t, base, alice)
	localFile := filepath.Join(v.local, "personal", "local-1.vcf")
	if err := os.WriteFile(localFile, []byte(vcard("local-1", "로컬 카드", "local@example.org")), 0o600); err != nil {
		t.Fatal(err)
	}

	out := v.run(t, "discover")
	if !strings.Contains(out, "personal") || !strings.Contains(out, "shared") {
		t.Fatalf("discover found:\n%s", out)
	}
	v.run(t, "sync")
	// The server keeps the fields of its model and says so by giving no
	// ETag for an uploaded card: the next sync brings its version down.
	// That is every sync after the first, as a phone does it.
	v.run(t, "sync")

	if r := curlDAV(t, base, alice, "GET", personal+"local-1.vcf", nil, "").want(t, "GET local-1", http.StatusOK); !strings.Contains(r.body, "FN:로컬 카드") {
		t.Errorf("the server's local-1: %s", r.body)
	}
	if _, c := v.card(t, "personal", "server-1"); !strings.Contains(c, "FN:서버 카드") {
		t.Errorf("the local server-1: %q", c)
	}
	if _, c := v.card(t, "shared", "shared-1"); !strings.Contains(c, "FN:공용 거래처") {
		t.Errorf("the local shared-1: %q", c)
	}

	// A change on each side.
	f, c := v.card(t, "personal", "local-1")
	if err := os.WriteFile(f, []byte(strings.Replace(c, "FN:로컬 카드", "FN:로컬 카드 (수정)", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	r := curlDAV(t, base, alice, "GET", personal+"server-1.vcf", nil, "").want(t, "GET server-1", http.StatusOK)
	curlDAV(t, base, alice, "PUT", personal+"server-1.vcf", append([]string{"If-Match: " + r.header.Get("ETag")}, vcardCT...),
		vcard("server-1", "서버 카드 (수정)", "server@example.org")).want(t, "PUT server-1 changed", http.StatusNoContent)
	v.run(t, "sync")
	if r := curlDAV(t, base, alice, "GET", personal+"local-1.vcf", nil, "").want(t, "GET local-1", http.StatusOK); !strings.Contains(r.body, "FN:로컬 카드 (수정)") {
		t.Errorf("the local change did not reach the server: %s", r.body)
	}
	if _, c := v.card(t, "personal", "server-1"); !strings.Contains(c, "FN:서버 카드 (수정)") {
		t.Errorf("the server's change did not reach the folder: %q", c)
	}

	// A delete on each side.
	f, _ = v.card(t, "personal", "server-1")
	if err := os.Remove(f); err != nil {
		t.Fatal(err)
	}
	curlDAV(t, base, alice, "DELETE", personal+"local-1.vcf", nil, "").want(t, "DELETE local-1", http.StatusNoContent)
	v.run(t, "sync")
	curlDAV(t, base, alice, "GET", personal+"server-1.vcf", nil, "").want(t, "GET server-1 after the local delete", http.StatusNotFound)
	if f, _ := v.card(t, "personal", "local-1"); f != "" {
		t.Errorf("%s still there after the server's delete", f)
	}
	// Nothing left to do: a sync now changes nothing on either side.
	if out := v.run(t, "sync"); strings.Contains(out, "Copying") || strings.Contains(out, "Deleting") {
		t.Errorf("a sync with nothing changed did:\n%s", out)
	}
}
