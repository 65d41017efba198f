package backup_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postroom/internal/backup"
	"postroom/internal/blob"
	"postroom/internal/store"
	"postroom/internal/store/sqlite"
	"postroom/internal/testbed"
)

// fixture is a bed with two accounts' mail and a config file, as a data
// directory looks.
func fixture(t *testing.T) (*testbed.Bed, backup.Source) {
	t.Helper()
	b := testbed.New(t)
	kim := b.Account("kim", nil)
	lee := b.Account("lee", nil)
	for i := range 3 {
		b.Put(kim.ID, "INBOX", fmt.Sprintf("Subject: 안녕 %d\r\nMessage-ID: <k%d@example.test>\r\n\r\n본문 %d\r\n", i, i, i))
	}
	b.Put(lee.ID, "INBOX", "Subject: same body twice\r\n\r\nshared\r\n")
	b.Put(lee.ID, "INBOX", "Subject: same body twice\r\n\r\nshared\r\n") // one blob, two references
	cfg := "hostname = \"mail.example.test\"\ndata_dir = \"" + b.Dir + "\"\n\n[listen]\nsmtp = \"\"\n"
	if err := os.WriteFile(filepath.Join(b.Dir, backup.ConfigName), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(b.Dir, "tls"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.Dir, "tls", "cert.pem"), []byte("PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := backup.Source{DataDir: b.Dir, Database: b.SQLite(), Blobs: b.Blobs, Keys: keysOf,
		Now: func() time.Time { return time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC) }}
	return b, src
}

func keysOf(ctx context.Context, path string, fn func(string) error) error {
	st, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	defer st.Close()
	return st.BlobKeys(ctx, fn)
}

// restoredMail is every message of the restored store: account,
// mailbox, UID, flags and bytes, for comparison with the original.
func restoredMail(t *testing.T, dir string) []string {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(dir, backup.DatabaseName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blobs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return mailOf(t, st, blobs)
}

func mailOf(t *testing.T, st store.Store, blobs blob.Store) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	d, err := st.Domain(ctx, "example.test")
	if err != nil {
		t.Fatal(err)
	}
	accts, err := st.Accounts(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		mbs, err := st.Mailboxes(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, mb := range mbs {
			err = st.Messages(ctx, a.ID, mb.ID, func(m *store.Message) error {
				f, err := blobs.Open(m.BlobKey)
				if err != nil {
					return fmt.Errorf("%s %s uid %d: %w", a.Address(), mb.Name, m.UID, err)
				}
				raw, _ := io.ReadAll(f)
				f.Close()
				out = append(out, fmt.Sprintf("%s %s uidvalidity=%d uid=%d modseq=%d flags=%v %q", a.Address(), mb.Name, mb.UIDValidity, m.UID, m.ModSeq, m.Flags, raw))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	for _, name := range []string{"dir", "copy.tar", "copy.tar.gz"} {
		t.Run(name, func(t *testing.T) {
			b, src := fixture(t)
			var seen []int
			src.Progress = func(done, total int) { seen = append(seen, done*1000+total) }
			dest := filepath.Join(t.TempDir(), name)
			m, err := backup.Create(b.Ctx, src, dest)
			if err != nil {
				t.Fatal(err)
			}
			if m.Blobs != 4 || m.BlobBytes == 0 || m.DatabaseBytes == 0 || !m.Created.Equal(time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)) {
				t.Errorf("manifest %+v: want 4 blobs (3 + one shared by two messages)", m)
			}
			if len(seen) != 4 || seen[3] != 4004 {
				t.Errorf("progress %v, want 1..4 of 4", seen)
			}
			to := filepath.Join(t.TempDir(), "restored")
			var restoredSteps int
			rm, err := backup.Restore(b.Ctx, dest, to, func(done, total int) { restoredSteps = done })
			if err != nil {
				t.Fatal(err)
			}
			if rm.Blobs != 4 || restoredSteps != 4 {
				t.Errorf("restore: manifest %+v, progress to %d", rm, restoredSteps)
			}
			want := mailOf(t, b.Store, b.Blobs)
			got := restoredMail(t, to)
			if strings.Join(got, "\n") != strings.Join(want, "\n") || len(want) != 5 {
				t.Errorf("restored mail differs:\n got %q\nwant %q", got, want)
			}
			cfg, err := os.ReadFile(filepath.Join(to, backup.ConfigName))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(cfg), `data_dir = "`+to+`"`) || !strings.Contains(string(cfg), `hostname = "mail.example.test"`) {
				t.Errorf("restored config does not point at its new directory:\n%s", cfg)
			}
			if pem, err := os.ReadFile(filepath.Join(to, "tls", "cert.pem")); err != nil || string(pem) != "PEM" {
				t.Errorf("tls/cert.pem restored as %q, %v", pem, err)
			}
		})
	}
}

// Mail that arrives after the snapshot is not in the backup, and the
// backup is still whole: the database copy is of one commit.
func TestBackupIsOneCommit(t *testing.T) {
	b, src := fixture(t)
	kim, err := b.Store.AccountByAddress(b.Ctx, "kim@example.test")
	if err != nil {
		t.Fatal(err)
	}
	var before []string
	snap := src.Database
	src.Database = snapshotFunc(func(ctx context.Context, path string) error {
		before = mailOf(t, b.Store, b.Blobs)
		err := snap.Snapshot(ctx, path)
		b.Put(kim.ID, "INBOX", "Subject: after the snapshot\r\n\r\nlate\r\n")
		return err
	})
	dest := filepath.Join(t.TempDir(), "b")
	if _, err := backup.Create(b.Ctx, src, dest); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "r")
	if _, err := backup.Restore(b.Ctx, dest, to, nil); err != nil {
		t.Fatal(err)
	}
	if got := restoredMail(t, to); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("restored %d messages, the snapshot held %d", len(got), len(before))
	}
}

type snapshotFunc func(ctx context.Context, path string) error

func (f snapshotFunc) Snapshot(ctx context.Context, path string) error { return f(ctx, path) }

// A referenced blob that is gone fails the backup and leaves nothing
// behind; a damaged one too.
func TestBackupRefusesHoles(t *testing.T) {
	b, src := fixture(t)
	var victim string
	if err := b.Store.BlobKeys(b.Ctx, func(k string) error { victim = k; return nil }); err != nil {
		t.Fatal(err)
	}
	p := b.Blobs.(*blob.FS).Path(victim)
	if err := os.WriteFile(p, []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "b.tar")
	if _, err := backup.Create(b.Ctx, src, dest); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("a damaged blob: %v", err)
	}
	if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed backup left %s behind: %v", dest, err)
	}
	os.Remove(p)
	if _, err := backup.Create(b.Ctx, src, dest); err == nil || !strings.Contains(err.Error(), "run the backup again") {
		t.Fatalf("a missing blob: %v", err)
	}
}

func TestRestoreRefuses(t *testing.T) {
	b, src := fixture(t)
	dest := filepath.Join(t.TempDir(), "b")
	if _, err := backup.Create(b.Ctx, src, dest); err != nil {
		t.Fatal(err)
	}
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "something"), []byte("x"), 0o600)
	if _, err := backup.Restore(b.Ctx, dest, full, nil); !errors.Is(err, backup.ErrNotEmpty) {
		t.Errorf("into a directory that holds a file: %v, want ErrNotEmpty", err)
	}

	// A blob whose content was changed inside the backup.
	var key string
	filepath.WalkDir(filepath.Join(dest, "blobs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && key == "" {
			key = p
		}
		return err
	})
	os.WriteFile(key, []byte("tampered"), 0o600)
	if _, err := backup.Restore(b.Ctx, dest, filepath.Join(t.TempDir(), "r"), nil); err == nil || !strings.Contains(err.Error(), "damaged backup") {
		t.Errorf("a tampered blob: %v", err)
	}

	// A crafted tar naming a path outside the directory.
	evil := filepath.Join(t.TempDir(), "evil.tar")
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "../escaped", Size: 1, Mode: 0o600, Typeflag: tar.TypeReg})
	tw.Write([]byte("x"))
	tw.Close()
	os.WriteFile(evil, buf.Bytes(), 0o600)
	parent := t.TempDir()
	if _, err := backup.Restore(b.Ctx, evil, filepath.Join(parent, "r"), nil); err == nil || !strings.Contains(err.Error(), "not a name") {
		t.Errorf("a tar escaping its directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(parent, "escaped")); err == nil {
		t.Error("the crafted tar wrote outside the data directory")
	}
}
