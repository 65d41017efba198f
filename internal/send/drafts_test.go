package send

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"postroom/internal/store"
)

// Reading a draft changes nothing (GET is safe: RFC 9110 §9.2.1): its
// files are named as the draft's attachments and its inline image by the
// draft's part. Reopening it for the editor makes them uploads, which a
// save can use after the draft itself was replaced.
func TestDraft_readChangesNothingReopenMakesUploads(t *testing.T) {
	f := newFixture(t, 0)
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 0xff}, 300)...)
	file, _ := f.svc.CreateUpload(f.Ctx, f.asAlice, bytes.NewReader(pdf), "견적서.pdf", "application/pdf")
	img, _ := f.svc.CreateUpload(f.Ctx, f.asAlice, strings.NewReader("\x89PNG\r\n\x1a\nimage"), "붙여넣기.png", "image/png")
	imageURL := func(r ImageRef) string {
		if r.CID == "" {
			return fmt.Sprintf("/u/%d", r.Upload)
		}
		return fmt.Sprintf("/m/%d/%s", r.Message, r.CID)
	}
	req := &Request{To: to("bob@example.test"), Subject: "초안", HTML: fmt.Sprintf(`<p>그림</p><img src="/u/%d">`, img.ID),
		Attachments: []FileRef{{Upload: file.ID}}, SendIndividually: true,
		Image: func(src string) *ImageRef {
			var id int64
			if _, err := fmt.Sscanf(src, "/u/%d", &id); err == nil {
				return &ImageRef{Upload: id}
			}
			return nil
		}}
	saved, err := f.svc.SaveDraft(f.Ctx, f.asAlice, req, 0)
	if err != nil {
		t.Fatal(err)
	}
	uploads := func() int {
		l, _ := f.svc.Uploads(f.Ctx, f.asAlice)
		return len(l)
	}
	before := uploads()
	d, err := f.svc.Draft(f.Ctx, f.asAlice, saved.ID, imageURL)
	if err != nil {
		t.Fatal(err)
	}
	if uploads() != before {
		t.Fatalf("reading a draft made %d uploads", uploads()-before)
	}
	if len(d.Files) != 1 || d.Files[0].Upload != nil || d.Files[0].Filename != "견적서.pdf" || d.Files[0].Size != int64(len(pdf)) ||
		!strings.Contains(d.HTML, fmt.Sprintf(`src="/m/%d/`, saved.ID)) || !d.Individually || !d.SaveSent {
		t.Fatalf("read %+v", d)
	}
	r, err := f.svc.ReopenDraft(f.Ctx, f.asAlice, saved.ID, imageURL)
	if err != nil {
		t.Fatal(err)
	}
	if uploads() != before+2 || len(r.Files) != 1 || r.Files[0].Upload == nil || r.Files[0].Upload.ID == file.ID ||
		!strings.Contains(r.HTML, `src="/u/`) {
		t.Fatalf("reopened %+v (%d uploads, were %d)", r, uploads(), before)
	}
	req.HTML, req.Attachments = r.HTML, []FileRef{{Upload: r.Files[0].Upload.ID}}
	again, err := f.svc.SaveDraft(f.Ctx, f.asAlice, req, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Draft(f.Ctx, f.asAlice, saved.ID, imageURL); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the replaced draft: %v", err)
	}
	got := f.mailbox(t, f.alice, store.RoleDrafts)
	if len(got) != 1 || len(got[0].Attachments()) != 2 {
		t.Fatalf("drafts after the save: %d", len(got))
	}
	if _, err := f.svc.Draft(f.Ctx, f.asB, again.ID, imageURL); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob reading alice's draft: %v", err)
	}
	f.consistent(t)
}

// A file over the limit is refused as soon as the limit is passed, and
// nothing of it is kept.
func TestCreateUpload_overTheLimitKeepsNothing(t *testing.T) {
	f := newFixture(t, 0)
	limit := f.svc.Limits(f.Ctx, f.asAlice).MaxUploadSize
	_, err := f.svc.CreateUpload(f.Ctx, f.asAlice, bytes.NewReader(make([]byte, limit+1)), "big.bin", "")
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeTooLarge || e.Field != "file" || e.Limit != limit {
		t.Fatalf("over the limit: %v", err)
	}
	if u, err := f.svc.CreateUpload(f.Ctx, f.asAlice, bytes.NewReader(make([]byte, limit)), "fits.bin", ""); err != nil || u.Size != limit {
		t.Fatalf("at the limit: %+v %v", u, err)
	}
	if l, _ := f.svc.Uploads(f.Ctx, f.asAlice); len(l) != 1 {
		t.Fatalf("uploads %+v", l)
	}
	if _, _, err := f.svc.Upload(f.Ctx, f.asB, 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob reading alice's upload: %v", err)
	}
	if err := f.svc.DeleteUpload(f.Ctx, f.asB, 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bob deleting alice's upload: %v", err)
	}
	f.consistent(t)
}
