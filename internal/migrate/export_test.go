package migrate

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// An account exported and imported into another account comes back the
// same: folders (Korean, nested, with a "." in a name), flags (keywords
// too, in Maildir), received dates and bytes.
func TestExportImportRoundTrip(t *testing.T) {
	for _, f := range []Format{FormatMaildir, FormatMbox} {
		t.Run(string(f), func(t *testing.T) {
			b := testbedWithMail(t)
			kim, _ := b.Store.AccountByAddress(b.Ctx, "kim@example.test")
			lee := b.Account("lee", nil)
			dir := filepath.Join(t.TempDir(), "out")
			res, err := (&Exporter{Mail: b.Mail}).Export(b.Ctx, actor.System(kim.ID, "export"), dir, f)
			if err != nil {
				t.Fatal(err)
			}
			if res.Messages != 4 || res.Folders < 8 {
				t.Errorf("export %+v: want 4 messages in every folder (6 special + 3 own)", res)
			}
			var src Source = Maildir{Path: dir}
			if f == FormatMbox {
				src = Mbox{Path: dir}
			}
			if _, err := (&Importer{Mail: b.Mail}).Import(b.Ctx, actor.System(lee.ID, "import"), src, ""); err != nil {
				t.Fatal(err)
			}
			want, got := held(t, b, kim.ID), held(t, b, lee.ID)
			if f == FormatMbox { // mbox keeps no flags
				for i := range want {
					parts := strings.SplitN(want[i], "|", 3)
					want[i] = parts[0] + "||" + parts[2]
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("round trip:\n got %q\nwant %q", got, want)
			}
			// Byte for byte: imported back into kim, every message is one he holds.
			back, err := (&Importer{Mail: b.Mail}).Import(b.Ctx, actor.System(kim.ID, "import"), src, "")
			if err != nil || back.Imported != 0 || back.Skipped != 4 {
				t.Errorf("the export imported back into its own account: %+v, %v; want all 4 known", back, err)
			}
			if _, err := (&Exporter{Mail: b.Mail}).Export(b.Ctx, actor.System(kim.ID, "export"), dir, f); err == nil {
				t.Error("an export into a directory that holds one was allowed")
			}
		})
	}
}

func TestMaildirNames(t *testing.T) {
	for name, want := range map[string]string{"INBOX": "", "Sent": ".Sent", "거래처/2026": ".&rHC3mMyY-.2026", "v1.2": ".v1&AC4-2", "R&D": ".R&-D"} {
		got := strings.TrimPrefix(maildirFolder("/x", name), "/x")
		if got != "/"+want && !(want == "" && got == "") {
			t.Errorf("maildirFolder(%q) = %q, want %q", name, got, "/"+want)
		}
		if want != "" && decodeMUTF7(strings.ReplaceAll(strings.TrimPrefix(want, "."), ".", "/")) != name {
			t.Errorf("%q does not read back as %q", want, name)
		}
	}
}

// testbedWithMail is a bed whose kim has mail in folders of every kind.
func testbedWithMail(t *testing.T) *testbed.Bed {
	t.Helper()
	b := testbed.New(t)
	kim := b.Account("kim", nil)
	a := actor.System(kim.ID, "fixture")
	day := time.Date(2026, 7, 8, 9, 10, 11, 0, time.UTC)
	for i, m := range []struct {
		folder string
		flags  []string
	}{
		{"INBOX", []string{store.FlagSeen}},
		{"거래처/2026", []string{store.FlagFlagged, "$Label1"}},
		{"v1.2", nil},
		{"R&D", []string{store.FlagAnswered, store.FlagSeen}},
	} {
		mb, err := b.Mail.MailboxByName(b.Ctx, a, m.folder)
		if err != nil {
			if _, err := b.Mail.CreateMailbox(b.Ctx, a, strings.Split(m.folder, "/")[0]); err != nil && m.folder != "INBOX" {
				t.Fatal(err)
			}
			if mb, err = b.Mail.CreateMailbox(b.Ctx, a, m.folder); err != nil {
				if mb, err = b.Mail.MailboxByName(b.Ctx, a, m.folder); err != nil {
					t.Fatal(err)
				}
			}
		}
		raw := fmt.Sprintf("From: x@example.net\r\nSubject: %s\r\nMessage-ID: <m%d@example.net>\r\n\r\nFrom the start, line %d\r\n", m.folder, i, i)
		if _, err := b.Mail.AppendRaw(b.Ctx, a, mail.RawMessage{MailboxID: mb.ID, Body: strings.NewReader(raw), Flags: m.flags,
			InternalDate: day.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	return b
}
