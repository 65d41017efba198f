package mail_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/testbed"
)

// The account's backup holds one mbox per folder, named by its path with
// the hierarchy as directories (Korean kept), each splitting back into
// the folder's messages; another account's mail is not in it.
func TestExportAccount_oneMboxPerFolder(t *testing.T) {
	b := testbed.New(t)
	alice := b.Account("alice", nil)
	bob := b.Account("bob", nil)
	sys := actor.System(alice.ID, "backup")
	for _, name := range []string{"거래처", "거래처/2026", "a:b"} {
		if _, err := b.Mail.CreateMailbox(b.Ctx, sys, name); err != nil {
			t.Fatal(err)
		}
	}
	b.Put(alice.ID, "INBOX", "Subject: one\r\n\r\nFrom here\r\n")
	b.Put(alice.ID, "INBOX", "Subject: two\r\n\r\nx\r\n")
	b.Put(alice.ID, "거래처/2026", "Subject: 견적\r\n\r\n안녕\r\n")
	b.Put(bob.ID, "INBOX", "Subject: bob's\r\n\r\nsecret\r\n")

	var buf bytes.Buffer
	if err := b.Mail.ExportAccount(b.Ctx, sys, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][][]byte{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		names = append(names, f.Name)
		if len(data) > 0 {
			got[f.Name] = splitMboxrd(t, data)
		}
	}
	for _, want := range []string{"INBOX.mbox", "거래처.mbox", "거래처/2026.mbox", "a_b.mbox", "Sent.mbox"} {
		if !slices.Contains(names, want) {
			t.Errorf("no %s in %q", want, names)
		}
	}
	if in := got["INBOX.mbox"]; len(in) != 2 || string(in[0]) != "Subject: one\r\n\r\nFrom here\r\n" {
		t.Errorf("INBOX.mbox: %q", in)
	}
	if y := got["거래처/2026.mbox"]; len(y) != 1 || !bytes.Contains(y[0], []byte("견적")) {
		t.Errorf("거래처/2026.mbox: %q", y)
	}
	if bytes.Contains(buf.Bytes(), []byte("secret")) {
		t.Errorf("bob's mail in alice's backup")
	}
	if err := b.Mail.ExportAccount(b.Ctx, actor.Actor{Role: actor.RoleOperator}, io.Discard); !errors.Is(err, mail.ErrForbidden) {
		t.Errorf("an actor without an account: %v", err)
	}
}
