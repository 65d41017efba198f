package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"postroom/internal/send"
)

func TestUpload_limitIsExposedAndAFileOverItIsRefused413(t *testing.T) {
	f := newMailFixture(t, 0)
	c := f.login(t, "alice@example.test")
	var limits struct {
		MaxUpload  int64 `json:"max_upload_size"`
		MaxMessage int64 `json:"max_message_size"`
		Uploads    []uploadJSON
	}
	if code := c.do("GET", "/api/v1/uploads", nil, &limits); code != 200 || limits.MaxMessage != testMaxMessage ||
		limits.MaxUpload <= 0 || limits.MaxUpload*4/3 > testMaxMessage {
		t.Fatalf("limits %d %+v", code, limits)
	}
	over := bytes.Repeat([]byte("x"), int(limits.MaxUpload)+1)
	for _, length := range []int64{int64(len(over)), -1} { // announced, then streamed without a length
		code, _, bad := c.uploadRaw("big.bin", "application/octet-stream", bytes.NewReader(over), length, c.csrf)
		if code != 413 || bad.Code != "too_large" || bad.Limit != limits.MaxUpload || !strings.Contains(bad.Message, "KB") {
			t.Fatalf("over the limit (length %d): %d %+v", length, code, bad)
		}
	}
	pdf := []byte("%PDF-1.7 견적")
	up := c.upload("2026년 견적서.pdf", "application/pdf", pdf)
	if up.ID == 0 || up.Filename != "2026년 견적서.pdf" || up.Size != int64(len(pdf)) || up.ContentType != "application/pdf" {
		t.Fatalf("upload %+v", up)
	}
	code, body, h := c.get(pathf("/api/v1/uploads/%d", up.ID))
	if code != 200 || !bytes.Equal(body, pdf) || h.Get("Content-Type") != "application/octet-stream" || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download %d %q %v", code, body, h)
	}
	png := c.upload("paste.png", "image/png; charset=binary", []byte("\x89PNG\r\n\x1a\n"))
	if _, _, h := c.get(pathf("/api/v1/uploads/%d", png.ID)); h.Get("Content-Type") != "image/png" || png.ContentType != "image/png" {
		t.Fatalf("image served as %q (stored %q)", h.Get("Content-Type"), png.ContentType)
	}
	c.do("GET", "/api/v1/uploads", nil, &limits)
	if len(limits.Uploads) != 2 {
		t.Fatalf("listed %+v", limits.Uploads)
	}
	if code := c.do("DELETE", pathf("/api/v1/uploads/%d", up.ID), nil, nil); code != 204 {
		t.Fatalf("delete %d", code)
	}
	if code, _, _ := c.get(pathf("/api/v1/uploads/%d", up.ID)); code != 404 {
		t.Fatalf("after delete %d", code)
	}
	if problems, _ := f.Store.CheckConsistency(f.Ctx); len(problems) != 0 {
		t.Fatalf("store: %v", problems)
	}
}

// Sending refuses a message larger than the limit, with the limit.
func TestSend_messageOverTheLimitIs413(t *testing.T) {
	f := newMailFixture(t, 0)
	c := f.login(t, "alice@example.test")
	var limits struct {
		MaxUpload int64 `json:"max_upload_size"`
	}
	c.do("GET", "/api/v1/uploads", nil, &limits)
	half := bytes.Repeat([]byte("y"), int(limits.MaxUpload/2)+10)
	a, b := c.upload("a.bin", "", half), c.upload("b.bin", "", half)
	code, _, bad := c.send(map[string]any{"to": []string{"bob@example.test"}, "attachments": []int64{a.ID, b.ID}})
	if code != 413 || bad.Code != "too_large" || bad.Field != "attachments" || bad.Limit == 0 {
		t.Fatalf("two halves over the limit: %d %+v", code, bad)
	}
	if n := len(f.stored(t, f.bob, "inbox")); n != 0 {
		t.Fatal("sent anyway")
	}
}

// An upload lives send.UploadLife on the server's clock: a message may still
// attach it a second before, not a second after (the clock moves, no sleep).
func TestUpload_expiresAfterItsLife(t *testing.T) {
	f := newMailFixture(t, 0)
	f.sessions.Idle = 3 * send.UploadLife // the session outlives the uploads
	c := f.login(t, "alice@example.test")
	start := f.clock.Now()
	kept := c.upload("남길 파일.txt", "text/plain", []byte("kept"))
	f.clock.Set(start.Add(send.UploadLife - time.Second))
	if code, _, bad := c.send(map[string]any{"to": []string{"bob@example.test"}, "subject": "in time", "attachments": []int64{kept.ID}}); code != 202 {
		t.Fatalf("an upload a second before its end: %d %+v", code, bad)
	}
	gone := c.upload("지난 파일.txt", "text/plain", []byte("gone"))
	f.clock.Set(f.clock.Now().Add(send.UploadLife + time.Second))
	if code, _, bad := c.send(map[string]any{"to": []string{"bob@example.test"}, "subject": "too late", "attachments": []int64{gone.ID}}); code != 404 || bad.Code != "not_found" {
		t.Fatalf("an upload a second after its end: %d %+v, want 404 not_found", code, bad)
	}
}
