package migrate

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"strings"
	"testing"

	"golang.org/x/text/encoding/korean"

	"postroom/internal/actor"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

func eml(subject, day string) string {
	return "From: a@example.net\r\nSubject: " + subject + "\r\nDate: " + day + " 09:00:00 +0000\r\n\r\n본문 " + subject + "\r\n"
}

// zipOf writes a zip of name -> content, in order ("dir/" a directory).
func zipOf(t *testing.T, files ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// importUpload imports data into the folder named into (made when
// missing) and returns the result and the source's failures.
func importUpload(t *testing.T, b *testbed.Bed, accountID int64, name string, data []byte, into string, lim UploadLimits) (*Result, []string) {
	t.Helper()
	a := actor.System(accountID, "test")
	mb, err := b.Mail.MailboxByName(b.Ctx, a, into)
	if errors.Is(err, store.ErrNotFound) {
		mb, err = b.Mail.CreateMailbox(b.Ctx, a, into)
	}
	if err != nil {
		t.Fatal(err)
	}
	src, err := OpenUpload(name, data, mb.Name, mb.Role, lim)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	res, err := (&Importer{Mail: b.Mail}).Import(context.Background(), a, src, "")
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return res, src.Failures()
}

func TestDetectKind_byContentNotName(t *testing.T) {
	for _, c := range []struct {
		data string
		want UploadKind
	}{
		{"PK\x03\x04rest", KindZip},
		{"From a@b Mon Mar  2 09:30:00 2026\nSubject: x\n\n", KindMbox},
		{"Return-Path: <a@b>\r\nSubject: x\r\n\r\n", KindMessage},
		{"\xef\xbb\xbfSubject: with a BOM\n\n", KindMessage},
		{"%PDF-1.7 견적", ""},
		{"\x89PNG\r\n\x1a\n", ""},
		{"", ""},
		{"hello world: not a field\n", ""},
	} {
		got, err := DetectKind([]byte(c.data))
		if got != c.want || (c.want == "") != errors.Is(err, ErrUnknownKind) {
			t.Errorf("DetectKind(%q) = %q, %v; want %q", c.data, got, err, c.want)
		}
	}
}

func TestUpload_singleMessageIntoTheChosenFolder(t *testing.T) {
	b := testbed.New(t)
	kim := b.Account("kim", nil)
	res, failed := importUpload(t, b, kim.ID, "견적.eml", []byte(eml("견적서", "Mon, 02 Mar 2026")), "거래처", UploadLimits{})
	if res.Imported != 1 || len(failed)+len(res.Failed) != 0 {
		t.Fatalf("result %+v %v", res, failed)
	}
	if got := strings.Join(held(t, b, kim.ID), "\n"); got != "거래처||2026-03-02T09:00:00Z|견적서" {
		t.Errorf("held %q", got)
	}
	if res, _ = importUpload(t, b, kim.ID, "견적.eml", []byte(eml("견적서", "Mon, 02 Mar 2026")), "거래처", UploadLimits{}); res.Imported != 0 || res.Skipped != 1 {
		t.Errorf("again: %+v", res)
	}
}

func TestUpload_mboxIntoTheInboxAndABrokenMessageNamed(t *testing.T) {
	b := testbed.New(t)
	kim := b.Account("kim", nil)
	mbox := "From a@example.net Mon Mar  2 09:30:00 2026\nSubject: one\nStatus: RO\n\nx\n\n" +
		"From a@example.net Tue Mar  3 09:30:00 2026\nSubject: two\n\nnul \x00 here\n\n" +
		"From a@example.net Wed Mar  4 09:30:00 2026\nSubject: three\n\nz\n"
	res, _ := importUpload(t, b, kim.ID, "old.mbox", []byte("\xef\xbb\xbf"+mbox), "INBOX", UploadLimits{}) // a BOM first
	if res.Imported != 2 || len(res.Failed) != 1 || !strings.HasPrefix(res.Failed[0], "old.mbox message 2 (line 7): ") {
		t.Fatalf("result %+v", res)
	}
	want := "INBOX|\\Seen|2026-03-02T09:30:00Z|one\nINBOX||2026-03-04T09:30:00Z|three"
	if got := strings.Join(held(t, b, kim.ID), "\n"); got != want {
		t.Errorf("held\n%s\nwant\n%s", got, want)
	}
}

func TestUpload_zipDirectoriesBecomeSubfoldersAndJunkIsNamedOrIgnored(t *testing.T) {
	b := testbed.New(t)
	kim := b.Account("kim", nil)
	mbox := "From a@example.net Mon Mar  2 09:30:00 2026\nSubject: m1\n\nx\n\nFrom a@example.net Mon Mar  2 10:30:00 2026\nSubject: m2\n\ny\n"
	data := zipOf(t,
		[2]string{"a.eml", eml("위", "Mon, 02 Mar 2026")},
		[2]string{"2026/", ""},
		[2]string{"2026/3월/b.eml", eml("아래", "Tue, 03 Mar 2026")},
		[2]string{"50%*/c.eml", eml("와일드", "Wed, 04 Mar 2026")},
		[2]string{"보관/all.mbox", mbox},
		[2]string{"__MACOSX/._a.eml", "\x00\x05\x16\x07"},
		[2]string{".DS_Store", "\x00\x00\x00\x01Bud1"},
		[2]string{"../escape.eml", eml("밖", "Wed, 04 Mar 2026")},
		[2]string{"notes.pdf", "%PDF-1.7"},
		[2]string{"broken.eml", "this is no mail"},
	)
	res, failed := importUpload(t, b, kim.ID, "메일.zip", data, "거래처", UploadLimits{})
	if res.Imported != 5 || res.FoldersCreated != 4 || len(res.Failed) != 0 {
		t.Errorf("result %+v", res)
	}
	wantFailed := "../escape.eml: unsafe file name\nbroken.eml: not a message or an mbox\nnotes.pdf: not a message or an mbox"
	if got := strings.Join(failed, "\n"); got != wantFailed {
		t.Errorf("failures\n%s\nwant\n%s", got, wantFailed)
	}
	want := []string{
		"거래처/2026/3월||2026-03-03T09:00:00Z|아래",
		"거래처/50__||2026-03-04T09:00:00Z|와일드",
		"거래처/보관||2026-03-02T09:30:00Z|m1",
		"거래처/보관||2026-03-02T10:30:00Z|m2",
		"거래처||2026-03-02T09:00:00Z|위",
	}
	if got := strings.Join(held(t, b, kim.ID), "\n"); got != strings.Join(want, "\n") {
		t.Errorf("held\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

// Windows' own zip tool writes Korean names in CP949, without the UTF-8
// flag.
func TestUpload_zipOfCP949NamesKeepsTheKoreanFolder(t *testing.T) {
	b := testbed.New(t)
	kim := b.Account("kim", nil)
	name, err := korean.EUCKR.NewEncoder().String("거래처\\견적.eml")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, NonUTF8: true})
	w.Write([]byte(eml("견적", "Mon, 02 Mar 2026")))
	zw.Close()
	if res, failed := importUpload(t, b, kim.ID, "x.zip", buf.Bytes(), "INBOX", UploadLimits{}); res.Imported != 1 || len(failed) != 0 {
		t.Fatalf("result %+v %v", res, failed)
	}
	if got := strings.Join(held(t, b, kim.ID), "\n"); got != "INBOX/거래처||2026-03-02T09:00:00Z|견적" {
		t.Errorf("held %q", got)
	}
}

func TestUpload_zipOverTheLimitsIsRefusedBeforeUnpacking(t *testing.T) {
	huge := "Subject: huge\r\n\r\n" + strings.Repeat("A", 4<<20) // 4 MB that deflate to a few KB
	big := zipOf(t, [2]string{"a.eml", eml("x", "Mon, 02 Mar 2026")}, [2]string{"huge.eml", huge})
	if len(big) > 64<<10 {
		t.Fatalf("the bomb is %d bytes", len(big))
	}
	if _, err := OpenUpload("bomb.zip", big, "INBOX", store.RoleInbox, UploadLimits{MaxTotal: 1 << 20}); !errors.Is(err, ErrTooBig) {
		t.Errorf("4 MB unpacked over a 1 MB limit: %v", err)
	}
	var many [][2]string
	for i := range 11 {
		many = append(many, [2]string{strings.Repeat("m", i+1) + ".eml", eml("x", "Mon, 02 Mar 2026")})
	}
	if _, err := OpenUpload("many.zip", zipOf(t, many...), "INBOX", store.RoleInbox, UploadLimits{MaxEntries: 10}); !errors.Is(err, ErrTooBig) {
		t.Errorf("11 files over a limit of 10: %v", err)
	}
	// under the total, one .eml over the message size is a failure
	b := testbed.New(t)
	kim := b.Account("kim", nil)
	res, failed := importUpload(t, b, kim.ID, "big.zip", big, "INBOX", UploadLimits{MaxMessage: 1 << 20})
	if res.Imported != 1 || len(failed) != 1 || !strings.HasPrefix(failed[0], "huge.eml: too big") {
		t.Errorf("result %+v %v", res, failed)
	}
}

// A zip whose directory says a file is small while its data inflates to
// megabytes (the zip bomb that fools a check of the directory alone) is
// read no further than the size it declared.
func TestUpload_zipThatLiesAboutItsSizeStopsAtTheDeclaredSize(t *testing.T) {
	payload := []byte("Subject: bomb\r\n\r\n" + strings.Repeat("A", 8<<20))
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write(payload)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "bomb.eml", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(payload),
		CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 100})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(deflated.Bytes())
	w2, _ := zw.Create("ok.eml")
	w2.Write([]byte(eml("ok", "Mon, 02 Mar 2026")))
	zw.Close()

	src, err := OpenUpload("lies.zip", buf.Bytes(), "INBOX", store.RoleInbox, UploadLimits{MaxTotal: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = src.Each(context.Background(), func(m *Message) error {
		if len(m.Raw) > 200 {
			t.Errorf("%s read as %d bytes", m.Where, len(m.Raw))
		}
		got = append(got, m.Where)
		return nil
	})
	if err != nil || strings.Join(got, ",") != "ok.eml" || len(src.Failures()) != 1 || !strings.HasPrefix(src.Failures()[0], "bomb.eml: unreadable") {
		t.Errorf("read %v (%v), failures %v", got, err, src.Failures())
	}
}

func TestUpload_unknownKindAndBrokenZipAreRefused(t *testing.T) {
	for name, data := range map[string]string{
		"견적서.pdf": "%PDF-1.7\n", "photo.eml": "\x89PNG\r\n\x1a\n", "broken.zip": "PK\x03\x04 cut short", "empty.eml": "",
	} {
		if _, err := OpenUpload(name, []byte(data), "INBOX", store.RoleInbox, UploadLimits{}); !errors.Is(err, ErrUnknownKind) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
