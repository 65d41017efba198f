package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The production config of `init --public` parses to the defaults with
// standard ports on every address and ACME on.
func TestPublicExample(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte(PublicExample(dir, "mail.company.kr")), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	want := Default(dir)
	want.Hostname = "mail.company.kr"
	want.Listen = Listen{SMTP: ":25", Submission: ":587", Submissions: ":465", IMAP: ":143", IMAPS: ":993",
		POP3: ":110", POP3S: ":995", HTTP: ":80", HTTPS: ":443"}
	want.TLS.ACME = true
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
}
