package migrate

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// held is every message of the account: "folder|flags|date|subject".
func held(t *testing.T, b *testbed.Bed, accountID int64) []string {
	t.Helper()
	a := actor.System(accountID, "test")
	mbs, err := b.Mail.Mailboxes(b.Ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, mb := range mbs {
		uids, err := b.Mail.UIDs(b.Ctx, a, mb.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := b.Mail.MessagesByUID(b.Ctx, a, mb.ID, uids)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			flags := slices.Clone(m.Flags)
			sort.Strings(flags)
			out = append(out, mb.Name+"|"+strings.Join(flags, " ")+"|"+m.InternalDate.UTC().Format(time.RFC3339)+"|"+m.Envelope.Subject)
		}
	}
	sort.Strings(out)
	return out
}

func write(t *testing.T, path, content string, mod time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if !mod.IsZero() {
		if err := os.Chtimes(path, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
}

func importTwice(t *testing.T, b *testbed.Bed, accountID int64, src Source, into string) *Result {
	t.Helper()
	im := &Importer{Mail: b.Mail}
	first, err := im.Import(context.Background(), actor.System(accountID, "import"), src, into)
	if err != nil {
		t.Fatal(err)
	}
	after := held(t, b, accountID)
	again, err := im.Import(context.Background(), actor.System(accountID, "import"), src, into)
	if err != nil {
		t.Fatal(err)
	}
	if again.Imported != 0 || again.Skipped != first.Imported || again.FoldersCreated != 0 {
		t.Errorf("second run: %+v; want nothing imported, the %d of the first skipped", again, first.Imported)
	}
	if got := held(t, b, accountID); strings.Join(got, "\n") != strings.Join(after, "\n") {
		t.Errorf("the second run changed the account:\n%q\n%q", got, after)
	}
	return first
}

func TestMbox(t *testing.T) {
	b := testbed.New(t)
	kim := b.Account("kim", nil)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "INBOX.mbox"), "From a@example.net Mon Mar  2 09:30:00 2026\n"+
		"Subject: first\nStatus: RO\nX-Status: AF\n\nhello\n>From the start\n>>From twice\n\n"+
		"From b@example.net Tue Mar  3 10:00:00 2026\nSubject: second\nDate: Tue, 03 Mar 2026 19:00:00 +0900\n\nFrom inside a line is no separator\n", time.Time{})
	write(t, filepath.Join(dir, "거래처", "2026.mbox"), "From c@example.net Wed Mar  4 11:00:00 2026\nSubject: 견적서\nX-Mozilla-Status: 0005\n\n본문\n", time.Time{})
	res := importTwice(t, b, kim.ID, Mbox{Path: dir}, "")
	if res.Imported != 3 || res.FoldersCreated != 2 || len(res.Failed) != 0 {
		t.Errorf("result %+v, want 3 imported into INBOX and 거래처/2026 (two folders made)", res)
	}
	want := []string{
		`INBOX|\Answered \Flagged \Seen|2026-03-02T09:30:00Z|first`,
		`INBOX||2026-03-03T10:00:00Z|second`,
		`거래처/2026|\Flagged \Seen|2026-03-04T11:00:00Z|견적서`,
	}
	if got := held(t, b, kim.ID); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("imported:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The body kept its lines: ">From" unescaped once, CRLF line ends.
	var body string
	err := Mbox{Path: filepath.Join(dir, "INBOX.mbox")}.Each(context.Background(), func(m *Message) error {
		if body == "" {
			body = string(crlf(m.Raw))
		}
		return nil
	})
	if err != nil || !strings.HasSuffix(body, "hello\r\nFrom the start\r\n>From twice\r\n") {
		t.Errorf("first message read as %q (%v)", body, err)
	}
}

func TestMaildir(t *testing.T) {
	b := testbed.New(t)
	kim := b.Account("kim", nil)
	dir := t.TempDir()
	day := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	write(t, filepath.Join(dir, "cur", "1778051289.M1P1.old:2,SR"), "Subject: read and answered\n\nx\n", day)
	write(t, filepath.Join(dir, "new", "1778051290.M2P1.old"), "Subject: new one\n\ny\n", day.Add(time.Hour))
	// Dovecot's names: mUTF-7, "." between levels; its keyword letters.
	write(t, filepath.Join(dir, ".&rHC3mMyY-.2026", "cur", "1778051291.M3P1.old:2,Fa"), "Subject: 거래처 메일\n\nz\n", day.Add(2*time.Hour))
	write(t, filepath.Join(dir, ".&rHC3mMyY-.2026", "dovecot-keywords"), "0 $Important\n", time.Time{})
	write(t, filepath.Join(dir, ".Sent Items", "cur", "1778051292.M4P1.old:2,S"), "Subject: sent\n\nw\n", day.Add(3*time.Hour))
	os.MkdirAll(filepath.Join(dir, "tmp"), 0o700)
	res := importTwice(t, b, kim.ID, Maildir{Path: dir}, "")
	if res.Imported != 4 || len(res.Failed) != 0 {
		t.Errorf("result %+v", res)
	}
	want := []string{
		`INBOX|\Answered \Seen|2026-05-06T07:08:09Z|read and answered`,
		`INBOX||2026-05-06T08:08:09Z|new one`,
		`Sent|\Seen|2026-05-06T10:08:09Z|sent`, // "Sent Items" is the special folder
		`거래처/2026|$Important \Flagged|2026-05-06T09:08:09Z|거래처 메일`,
	}
	if got := held(t, b, kim.ID); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("imported:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := (&Importer{Mail: b.Mail}).Import(b.Ctx, actor.System(kim.ID, "import"), Maildir{Path: t.TempDir()}, ""); err == nil {
		t.Error("a directory without cur/ was taken for a Maildir")
	}
}

func TestEMLIntoOneFolderAndFailures(t *testing.T) {
	b := testbed.New(t)
	kim := b.Account("kim", nil)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.eml"), "Subject: dated\nDate: Fri, 01 May 2026 12:00:00 +0900\n\nbody\n", time.Time{})
	write(t, filepath.Join(dir, "sub", "b.EML"), "Subject: undated\n\nbody\n", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	write(t, filepath.Join(dir, "bad.eml"), "Subject: nul\n\n\x00\n", time.Time{})
	write(t, filepath.Join(dir, "notes.txt"), "not mail", time.Time{})
	res := importTwice(t, b, kim.ID, EML{Path: dir}, "가져온 메일")
	if res.Imported != 2 || len(res.Failed) != 1 || !strings.Contains(res.Failed[0], "bad.eml") {
		t.Errorf("result %+v: want 2 imported, bad.eml named as failed", res)
	}
	want := []string{`가져온 메일||2026-01-02T03:04:05Z|undated`, `가져온 메일||2026-05-01T03:00:00Z|dated`}
	sort.Strings(want)
	if got := held(t, b, kim.ID); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("imported:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A message already in the account (delivered, or moved by its owner to
// another folder) is not imported again.
func TestImportSkipsWhatTheAccountHolds(t *testing.T) {
	b := testbed.New(t)
	kim := b.Account("kim", nil)
	raw := "Subject: already here\r\n\r\nbody\r\n"
	b.Put(kim.ID, "Archive", raw)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "m.eml"), strings.ReplaceAll(raw, "\r\n", "\n"), time.Time{})
	res, err := (&Importer{Mail: b.Mail}).Import(b.Ctx, actor.System(kim.ID, "import"), EML{Path: dir}, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 0 || res.Skipped != 1 {
		t.Errorf("result %+v: the message is in Archive already", res)
	}
}

func TestDecodeMUTF7(t *testing.T) {
	for in, want := range map[string]string{
		"INBOX": "INBOX", "&rHC3mMyY-": "거래처", "a&-b": "a&b", "&AOQ-ber": "äber", "&bad": "&bad", "x&!!-y": "x&!!-y",
	} {
		if got := decodeMUTF7(in); got != want {
			t.Errorf("decodeMUTF7(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRoleOfName(t *testing.T) {
	for name, role := range map[string]store.Role{"": store.RoleInbox, "Sent Items": store.RoleSent, "보낸편지함": store.RoleSent,
		"Junk E-mail": store.RoleSpam, "거래처": store.RoleNone} {
		if got := roleOfName(name); got != role {
			t.Errorf("roleOfName(%q) = %q, want %q", name, got, role)
		}
	}
}
