package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/blob/s3/s3test"
	"postroom/internal/mail"
	"postroom/internal/search"
	"postroom/internal/store"
	"postroom/internal/store/postgres"
	"postroom/internal/store/postgres/pgtest"
)

// noListen turns every listener of a data directory off: the tests'
// sources are not serving, and must not look as if they were because
// something else on the machine has a default port.
const noListen = `[listen]
smtp = ""
submission = ""
submissions = ""
imap = ""
imaps = ""
pop3 = ""
pop3s = ""
http = ""
https = ""
`

// migrateSource makes a data directory with one account and a Korean
// message, through the commands and the mailbox service.
func migrateSource(t *testing.T, listen string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "postroom.toml"), []byte(listen), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"domain", "add", "example.test"},
		{"user", "add", "kim@example.test", "--password", "Long-enough-pass-26"}} {
		if out, err := runCmd(t, dir, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	d, err := openData(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	a, err := d.Store.AccountByAddress(ctx, "kim@example.test")
	if err != nil {
		t.Fatal(err)
	}
	raw := "From: boss@example.test\r\nTo: kim@example.test\r\nSubject: =?UTF-8?B?7ZqM7J2Y?=\r\n" +
		"Message-ID: <m1@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n이번 주간보고 초안입니다.\r\n"
	if _, err := d.mailService().AppendRaw(ctx, actor.User(a), mail.RawMessage{Role: store.RoleInbox, Body: strings.NewReader(raw),
		Flags: []string{`\Seen`}}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// migrateTarget writes the config of an empty cluster (a fresh schema,
// a real S3 gateway) and returns its path and DSN.
func migrateTarget(t *testing.T) (string, string) {
	t.Helper()
	dsn := pgtest.SchemaDSN(t, pgtest.Schema(t))
	gw := s3test.Start(t)
	path := filepath.Join(t.TempDir(), "cluster.toml")
	cfg := fmt.Sprintf("[store]\ndriver = \"postgres\"\ndsn = %q\n\n[blob]\ndriver = \"s3\"\nendpoint = %q\nbucket = %q\n"+
		"region = \"us-east-1\"\naccess_key = %q\nsecret_key = %q\npath_style = true\n",
		dsn, gw.Endpoint(), s3test.Bucket, s3test.Access, s3test.Secret)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, dsn
}

func TestMigrate_movesTheInstallationOnceAndASecondRunVerifies(t *testing.T) {
	src := migrateSource(t, noListen)
	to, dsn := migrateTarget(t)
	out, err := runCmd(t, src, "migrate", "--to", to)
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	for _, want := range []string{"migrated " + src, "message files: 1, sent now: 1", "verified:", "messages", "accounts",
		"search index: 1 messages indexed from their files"} {
		if !strings.Contains(out, want) {
			t.Errorf("migrate did not print %q:\n%s", want, out)
		}
	}
	// run again: the copy is found, verified, left alone
	again, err := runCmd(t, src, "migrate", "--to", to)
	if err != nil || !strings.Contains(again, "already holds this installation") {
		t.Errorf("second migrate: %v\n%s", err, again)
	}

	ctx := context.Background()
	pg, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	a, err := (&auth.Authenticator{Store: pg}).Login(ctx, auth.Request{Address: "kim@example.test", Password: "Long-enough-pass-26",
		Protocol: auth.ProtoIMAP, Remote: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}})
	if err != nil {
		t.Fatalf("login on the cluster: %v", err)
	}
	res, err := pg.Search(ctx, a.ID, store.SearchQuery{Text: search.Parse("주간보고"), Limit: 5})
	if err != nil || res.Total != 1 || !res.Messages[0].HasFlag(`\Seen`) {
		t.Errorf("search on the cluster: %+v %v", res, err)
	}

}

func TestMigrate_refusesARunningServerAndATargetThatIsNoCluster(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	src := migrateSource(t, strings.Replace(noListen, `imap = ""`, fmt.Sprintf("imap = %q", l.Addr().String()), 1))
	// refused before the target is opened: a config is enough
	to := filepath.Join(t.TempDir(), "cluster.toml")
	if err := os.WriteFile(to, []byte("[store]\ndriver = \"postgres\"\ndsn = \"postgres://127.0.0.1:1/none\"\n\n"+
		"[blob]\ndriver = \"s3\"\nendpoint = \"127.0.0.1:1\"\nbucket = \"none\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(t, src, "migrate", "--to", to); err == nil || !strings.Contains(err.Error(), "stop `postroom serve` first") {
		t.Errorf("migrate beside a running server: %v", err)
	}

	single := filepath.Join(t.TempDir(), "single.toml")
	if err := os.WriteFile(single, []byte("[store]\ndriver = \"sqlite\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(t, src, "migrate", "--to", single); err == nil || !strings.Contains(err.Error(), `driver = "postgres"`) {
		t.Errorf("migrate into a single node: %v", err)
	}
	if _, err := runCmd(t, filepath.Join(t.TempDir(), "none"), "migrate", "--to", to); err == nil || !strings.Contains(err.Error(), "no installation") {
		t.Errorf("migrate from nothing: %v", err)
	}
}
