package web

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"postroom/internal/message"
	"postroom/internal/store"
)

var uploadURL = regexp.MustCompile(`/api/v1/uploads/(\d+)`)

// Reading a draft changes nothing (GET is safe, RFC 9110 §9.2.1): its file
// is named as the draft's attachment and its picture by the draft's part,
// both of which a send can use, and no upload is made. Reopening it for
// the editor is the POST that makes them uploads.
func TestDrafts_getChangesNothingReopenMakesUploads(t *testing.T) {
	f := newMailFixture(t, 0)
	c := f.login(t, "alice@example.test")
	pdf, png := []byte("%PDF-1.7 견적"), []byte("\x89PNG\r\n\x1a\nimage-bytes")
	file, img := c.upload("견적서.pdf", "application/pdf", pdf), c.upload("그림.png", "image/png", png)
	var saved draftSaved
	if code := c.do("POST", "/api/v1/drafts", map[string]any{"to": []string{"bob@example.test"}, "subject": "초안",
		"html": pathf(`<p>그림</p><img src="/api/v1/uploads/%d">`, img.ID), "attachments": []int64{file.ID}}, &saved); code != 201 {
		t.Fatalf("save %d", code)
	}
	var uploads struct{ Uploads []uploadJSON }
	c.do("GET", "/api/v1/uploads", nil, &uploads)
	before, usage := len(uploads.Uploads), f.usage(t)
	var d draftJSON
	for range 2 {
		if code := c.do("GET", pathf("/api/v1/drafts/%d", saved.ID), nil, &d); code != 200 {
			t.Fatalf("GET %d", code)
		}
	}
	c.do("GET", "/api/v1/uploads", nil, &uploads)
	if len(uploads.Uploads) != before || f.usage(t) != usage {
		t.Fatalf("GET made uploads: %d, were %d", len(uploads.Uploads), before)
	}
	if len(d.Attachments) != 1 || d.Attachments[0].Message != saved.ID || d.Attachments[0].Index == 0 || d.Attachments[0].ID != 0 ||
		d.Attachments[0].Filename != "견적서.pdf" || d.Attachments[0].Size != int64(len(pdf)) {
		t.Fatalf("attachments %+v", d.Attachments)
	}
	cid := regexp.MustCompile(pathf(`/api/v1/messages/%d/cid/[^"]+`, saved.ID)).FindString(d.HTML)
	if _, body, _ := c.get(cid); cid == "" || !bytes.Equal(body, png) {
		t.Fatalf("the picture is not shown from the draft: %s", d.HTML)
	}
	code, _, bad := c.send(map[string]any{"to": []string{"carol@example.test"}, "subject": "그대로", "html": d.HTML,
		"attachments": []any{map[string]int64{"message": d.Attachments[0].Message, "index": int64(d.Attachments[0].Index)}}})
	if code != 202 {
		t.Fatalf("send what GET named: %d %+v", code, bad)
	}
	if got := f.stored(t, f.carol, store.RoleInbox); len(got) != 1 || len(message.Parse([]byte(got[0])).Attachments()) != 2 {
		t.Fatalf("carol got %d messages", len(got))
	}
	var r draftJSON
	if code := c.do("POST", pathf("/api/v1/drafts/%d/reopen", saved.ID), nil, &r); code != 200 {
		t.Fatalf("reopen %d", code)
	}
	c.do("GET", "/api/v1/uploads", nil, &uploads)
	if len(uploads.Uploads) != before+2 || len(r.Attachments) != 1 || r.Attachments[0].ID == 0 || r.Attachments[0].Expires == nil ||
		!uploadURL.MatchString(r.HTML) {
		t.Fatalf("reopened %+v with %d uploads, were %d", r, len(uploads.Uploads), before)
	}
	bob := f.login(t, "bob@example.test")
	if code := bob.do("POST", pathf("/api/v1/drafts/%d/reopen", saved.ID), nil, nil); code != 404 {
		t.Fatalf("bob reopening alice's draft: %d", code)
	}
	if code := c.doCSRF("POST", pathf("/api/v1/drafts/%d/reopen", saved.ID), nil, nil, ""); code != 403 {
		t.Fatalf("reopen without the CSRF token: %d", code)
	}
}

// A draft is a real message in Drafts (what IMAP serves), reopens with
// its recipients, options, attachments and inline image as uploads usable
// at once, is replaced by a save, and goes away when it is sent.
func TestDrafts_roundTripWithAttachmentsThenSend(t *testing.T) {
	f := newMailFixture(t, 0)
	orig := f.Put(f.alice.ID, "INBOX", "From: bob@example.test\r\nSubject: 회의\r\nMessage-ID: <m1@example.test>\r\n\r\n언제요?\r\n")
	c := f.login(t, "alice@example.test")
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 0xff, 'q'}, 500)...)
	png := []byte("\x89PNG\r\n\x1a\nimage-bytes")
	file, img := c.upload("2026년_4분기_견적서.pdf", "application/pdf", pdf), c.upload("붙여넣기.png", "image/png", png)
	var saved draftSaved
	code := c.do("POST", "/api/v1/drafts", map[string]any{
		"to": []string{"bob@example.test", "kim@"}, "cc": []string{"carol@example.test"}, "bcc": []string{"audit@remote.test"},
		"subject": "Re: 회의", "html": pathf(`<p style="color: #c00">목요일 어떠세요?</p><img src="/api/v1/uploads/%d">`, img.ID),
		"attachments": []int64{file.ID}, "in_reply_to": orig.ID, "send_individually": true, "read_receipt": true,
	}, &saved)
	if code != 201 || saved.ID == 0 || len(saved.Invalid) != 1 || saved.Invalid[0].Value != "kim@" || saved.Invalid[0].Field != "to" {
		t.Fatalf("save %d %+v", code, saved)
	}
	drafts, _ := f.Store.MailboxByRole(f.Ctx, f.alice.ID, store.RoleDrafts)
	m, err := f.Store.Message(f.Ctx, f.alice.ID, saved.ID)
	if err != nil || m.MailboxID != drafts.ID || !m.HasFlag(store.FlagDraft) || !m.HasAttachment {
		t.Fatalf("stored draft %+v %v", m, err)
	}
	var d draftJSON
	if code := c.do("POST", pathf("/api/v1/drafts/%d/reopen", saved.ID), nil, &d); code != 200 {
		t.Fatalf("reopen %d", code)
	}
	if d.Subject != "Re: 회의" || len(d.To) != 1 || d.To[0].Email != "bob@example.test" || len(d.Cc) != 1 || len(d.Bcc) != 1 ||
		d.InReplyTo != orig.ID || !d.SendIndividually || !d.SaveSent || !d.ReadReceipt || !strings.Contains(d.HTML, "color: #c00") {
		t.Fatalf("reopened %+v", d)
	}
	if len(d.Attachments) != 1 || d.Attachments[0].Filename != "2026년_4분기_견적서.pdf" || d.Attachments[0].ID == file.ID {
		t.Fatalf("attachments %+v", d.Attachments)
	}
	if _, body, _ := c.get(pathf("/api/v1/uploads/%d", d.Attachments[0].ID)); !bytes.Equal(body, pdf) {
		t.Fatal("the reopened attachment is not the file")
	}
	im := uploadURL.FindStringSubmatch(d.HTML)
	if im == nil {
		t.Fatalf("inline image not shown from an upload: %s", d.HTML)
	}
	if _, body, _ := c.get(im[0]); !bytes.Equal(body, png) {
		t.Fatal("the reopened inline image is not the picture")
	}
	// Save again from what was reopened: the draft is replaced.
	d.Subject = "Re: 회의 (수정)"
	var again draftSaved
	code = c.do("PUT", pathf("/api/v1/drafts/%d", saved.ID), map[string]any{"to": d.To, "cc": d.Cc, "bcc": d.Bcc, "subject": d.Subject,
		"html": d.HTML, "attachments": []int64{d.Attachments[0].ID}, "in_reply_to": d.InReplyTo}, &again)
	if code != 200 || again.ID == saved.ID {
		t.Fatalf("replace %d %+v", code, again)
	}
	if code := c.do("GET", pathf("/api/v1/drafts/%d", saved.ID), nil, nil); code != 404 {
		t.Fatalf("the replaced draft is still there: %d", code)
	}
	if n := len(f.stored(t, f.alice, store.RoleDrafts)); n != 1 {
		t.Fatalf("%d drafts after a replace", n)
	}
	// Send it: the draft goes, the recipient gets the file and the picture.
	code, _, bad := c.send(map[string]any{"to": d.To, "subject": d.Subject, "html": d.HTML,
		"attachments": []int64{d.Attachments[0].ID}, "in_reply_to": orig.ID, "draft_id": again.ID})
	if code != 202 {
		t.Fatalf("send %d %+v", code, bad)
	}
	if n := len(f.stored(t, f.alice, store.RoleDrafts)); n != 0 {
		t.Fatalf("%d drafts after sending", n)
	}
	got := f.stored(t, f.bob, store.RoleInbox)
	if len(got) != 1 {
		t.Fatalf("bob has %d", len(got))
	}
	p := message.Parse([]byte(got[0]))
	atts := p.Attachments()
	if len(atts) != 2 || atts[1].Filename() != "2026년_4분기_견적서.pdf" || !bytes.Equal(atts[1].Body(), pdf) || !bytes.Equal(atts[0].Body(), png) {
		t.Fatalf("received attachments %d", len(atts))
	}
	if p.Header.Get("In-Reply-To") != "<m1@example.test>" || strings.Contains(got[0], "X-Postroom-Draft") {
		t.Fatalf("received header:\n%s", got[0][:strings.Index(got[0], "\r\n\r\n")])
	}
	if m, _ := f.Store.Message(f.Ctx, f.alice.ID, orig.ID); !m.HasFlag(store.FlagAnswered) {
		t.Fatal("the original is not marked answered")
	}
	if code := c.do("DELETE", pathf("/api/v1/drafts/%d", orig.ID), nil, nil); code != 404 {
		t.Fatalf("DELETE on a message that is not a draft: %d", code)
	}
}

func TestDrafts_headerInjectionIsRefusedEvenInADraft(t *testing.T) {
	f := newMailFixture(t, 0)
	c := f.login(t, "alice@example.test")
	var e errorAnswer
	if code := c.do("POST", "/api/v1/drafts", map[string]any{"subject": "x\r\nBcc: v@remote.test"}, &e); code != 400 || e.Error.Code != "header_injection" {
		t.Fatalf("%d %+v", code, e)
	}
	var saved draftSaved
	if code := c.do("POST", "/api/v1/drafts", map[string]any{"text": "아직 쓰는 중"}, &saved); code != 201 {
		t.Fatalf("an empty draft: %d", code)
	}
	if code := c.do("DELETE", pathf("/api/v1/drafts/%d", saved.ID), nil, nil); code != 204 {
		t.Fatalf("discard %d", code)
	}
	if n := len(f.stored(t, f.alice, store.RoleDrafts)); n != 0 {
		t.Fatalf("%d drafts", n)
	}
}

// Discarding a draft (the compose screen's "throw away", or DELETE
// through the API) moves it to Trash, where a wrong click can be undone;
// only ?permanent=1 deletes it for good.
func TestDrafts_discardMovesToTrashUnlessPermanent(t *testing.T) {
	f := newMailFixture(t, 0)
	c := f.login(t, "alice@example.test")
	save := func(text string) int64 {
		t.Helper()
		var saved draftSaved
		if code := c.do("POST", "/api/v1/drafts", map[string]any{"subject": "임시 " + text, "text": text}, &saved); code != 201 {
			t.Fatalf("save %d", code)
		}
		return saved.ID
	}
	kept := save("휴지통으로 갈 초안")
	if code := c.do("DELETE", pathf("/api/v1/drafts/%d", kept), nil, nil); code != 204 {
		t.Fatalf("discard %d", code)
	}
	if n := len(f.stored(t, f.alice, store.RoleDrafts)); n != 0 {
		t.Fatalf("%d drafts after discarding", n)
	}
	trash := f.stored(t, f.alice, store.RoleTrash)
	if len(trash) != 1 || !strings.Contains(message.Parse([]byte(trash[0])).Text(), "휴지통으로 갈 초안") {
		t.Fatalf("Trash after discarding a draft: %d messages", len(trash))
	}
	gone := save("완전히 지울 초안")
	if code := c.do("DELETE", pathf("/api/v1/drafts/%d?permanent=1", gone), nil, nil); code != 204 {
		t.Fatalf("permanent discard %d", code)
	}
	if d, tr := len(f.stored(t, f.alice, store.RoleDrafts)), len(f.stored(t, f.alice, store.RoleTrash)); d != 0 || tr != 1 {
		t.Fatalf("after a permanent discard: %d drafts, %d in Trash; want 0, 1", d, tr)
	}
}
