package mail_test

import (
	"errors"
	"fmt"
	"testing"

	"golang.org/x/text/unicode/norm"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// A folder name with a level of dots could lead a client that mirrors
// folders to disk out of the account's tree; one that is not UTF-8 cannot
// be shown. Dots inside a level are ordinary names.
func TestFolderName_levelsOfDotsAndBadUTF8AreRefused(t *testing.T) {
	for _, name := range []string{"..", ".", "...", "INBOX/..", "Projects/../..", "../carol@b.test/INBOX",
		"a/./b", ". .", ".. ", "Archive/ ..", "\xff\xfe"} {
		if got, err := mail.FolderName(name); !errors.Is(err, mail.ErrFolderName) || !errors.Is(err, store.ErrInvalid) {
			t.Errorf("FolderName(%q) = %q, %v; want ErrFolderName (a store.ErrInvalid)", name, got, err)
		}
	}
	for _, name := range []string{"a.b", "...a", "v1.0", "2026. 견적", ".hidden", "Projects/2026/견적", "INBOX/x"} {
		if got, err := mail.FolderName(name); err != nil || got != name {
			t.Errorf("FolderName(%q) = %q, %v; want it as it is", name, got, err)
		}
	}
}

// A name typed on a Mac comes decomposed (NFD): it is stored composed
// (NFC), so it names the folder typed elsewhere instead of making a twin
// that looks the same; it finds that folder too.
func TestFolderName_decomposedHangulIsTheComposedFolder(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	who := actor.User(bob)
	nfc, nfd := "거래처/견적서", norm.NFD.String("거래처/견적서")
	if nfc == nfd {
		t.Fatal("the test's NFD name is its NFC name")
	}
	mb, err := b.Mail.CreateMailbox(b.Ctx, who, nfd)
	if err != nil {
		t.Fatal(err)
	}
	if mb.Name != nfc {
		t.Errorf("CREATE of the NFD name stored %+q, want the NFC %+q", mb.Name, nfc)
	}
	if _, err := b.Mail.CreateMailbox(b.Ctx, who, nfc); !errors.Is(err, store.ErrExists) {
		t.Errorf("CREATE of the NFC twin: %v, want store.ErrExists", err)
	}
	if got, err := b.Mail.MailboxByName(b.Ctx, who, nfd); err != nil || got.ID != mb.ID {
		t.Errorf("the NFD name finds %+v, %v; want folder %d", got, err, mb.ID)
	}
	other, err := b.Mail.CreateMailbox(b.Ctx, who, "Other")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Mail.RenameMailbox(b.Ctx, who, other.ID, nfd); !errors.Is(err, store.ErrExists) {
		t.Errorf("RENAME to the NFD twin of an existing folder: %v, want store.ErrExists", err)
	}
	if err := b.Mail.RenameMailbox(b.Ctx, who, other.ID, norm.NFD.String("다른")); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Mail.Mailbox(b.Ctx, who, other.ID); got.Name != "다른" {
		t.Errorf("RENAME to an NFD name stored %+q, want NFC", got.Name)
	}
}

// Create and rename refuse a level of dots, whoever asks; nothing is
// created, not even the parents of the refused name; the INBOX-rename
// move is refused before it moves anything.
func TestCreateRename_levelOfDotsChangesNothing(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	who := actor.User(bob)
	before, err := b.Mail.Mailboxes(b.Ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"..", "INBOX/..", "../carol@b.test/INBOX", "New/../../x"} {
		if _, err := b.Mail.CreateMailbox(b.Ctx, who, name); !errors.Is(err, mail.ErrFolderName) {
			t.Errorf("CreateMailbox(%q): %v, want ErrFolderName", name, err)
		}
	}
	b.Put(bob.ID, "INBOX", "Subject: one\r\n\r\n1\r\n")
	in, _ := b.Mail.MailboxByName(b.Ctx, who, "INBOX")
	for _, name := range []string{"..", "Archive/.."} {
		if err := b.Mail.RenameMailbox(b.Ctx, who, in.ID, name); !errors.Is(err, mail.ErrFolderName) {
			t.Errorf("RenameMailbox(INBOX, %q): %v, want ErrFolderName", name, err)
		}
	}
	after, err := b.Mail.Mailboxes(b.Ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("folders after the refusals: %d, want %d", len(after), len(before))
	}
	if st, _ := b.Mail.Status(b.Ctx, who, in.ID); st.Messages != 1 {
		t.Errorf("INBOX holds %d messages after the refused renames, want 1", st.Messages)
	}
}

// A folder stored before the rule, under a decomposed name or with a level
// of dots, is still found by its own name, and may be renamed to an
// allowed one (the way out) or deleted.
func TestFolderName_oldFoldersStayReachable(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	who := actor.User(bob)
	nfd := norm.NFD.String("옛 폴더")
	for i, name := range []string{nfd, "Old/.."} {
		old, err := b.Store.CreateMailbox(b.Ctx, bob.ID, name) // as an earlier version did
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.Mail.MailboxByName(b.Ctx, who, name)
		if err != nil || got.ID != old.ID {
			t.Fatalf("folder %+q stored before the rule: found %+v, %v", name, got, err)
		}
		if err := b.Mail.RenameMailbox(b.Ctx, who, old.ID, fmt.Sprint("Renamed ", i)); err != nil {
			t.Errorf("renaming %+q to an allowed name: %v", name, err)
		}
		if err := b.Mail.DeleteMailbox(b.Ctx, who, old.ID); err != nil {
			t.Errorf("deleting %+q: %v", name, err)
		}
	}
}
