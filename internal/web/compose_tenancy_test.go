package web

import (
	"testing"
	"time"

	"postroom/internal/store"
)

// Bob can use none of Alice's uploads, messages, attachments, drafts or
// sends: every reference is 404 as if it did not exist, and nothing of
// hers changes or goes.
func TestCompose_anotherAccountsReferencesAre404(t *testing.T) {
	f := newMailFixture(t, time.Hour)
	withFile := f.Put(f.alice.ID, "INBOX", euckrMail) // has attachment 1
	alice := f.login(t, "alice@example.test")
	up := alice.upload("secret.pdf", "application/pdf", []byte("%PDF secret"))
	var draft draftSaved
	alice.do("POST", "/api/v1/drafts", map[string]any{"subject": "private", "text": "x"}, &draft)
	_, queued, _ := alice.send(map[string]any{"to": []string{"lee@remote.test"}, "subject": "waiting"})
	if queued.ID == 0 || draft.ID == 0 {
		t.Fatalf("setup: send %+v draft %+v", queued, draft)
	}
	bob := f.login(t, "bob@example.test")
	to := []string{"x@remote.test"}
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"her upload", map[string]any{"to": to, "attachments": []int64{up.ID}}, "attachments"},
		{"her message's attachment", map[string]any{"to": to, "attachments": []any{map[string]int64{"message": withFile.ID, "index": 1}}}, "attachments"},
		{"her upload as an image", map[string]any{"to": to, "html": pathf(`<img src="/api/v1/uploads/%d">`, up.ID)}, "html"},
		{"her message's inline part", map[string]any{"to": to, "html": pathf(`<img src="/api/v1/messages/%d/cid/x">`, withFile.ID)}, "html"},
		{"reply to her message", map[string]any{"to": to, "in_reply_to": withFile.ID}, "in_reply_to"},
		{"forward her message", map[string]any{"to": to, "forward_of": withFile.ID, "forward_as_attachment": true}, "forward_of"},
		// a send "from" her draft (was sent, and her draft left alone)
		{"her draft", map[string]any{"to": to, "draft_id": draft.ID}, "draft_id"},
	} {
		code, _, bad := bob.send(tc.body)
		if code != 404 || bad.Code != "not_found" || bad.Field != tc.field {
			t.Errorf("send with %s: %d %+v", tc.name, code, bad)
		}
		if tc.field == "draft_id" {
			continue // for sending only
		}
		var e errorAnswer
		if code := bob.do("POST", "/api/v1/drafts", tc.body, &e); code != 404 || e.Error.Field != tc.field {
			t.Errorf("draft with %s: %d %+v", tc.name, code, e)
		}
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", pathf("/api/v1/uploads/%d", up.ID)},
		{"DELETE", pathf("/api/v1/uploads/%d", up.ID)},
		{"GET", pathf("/api/v1/drafts/%d", draft.ID)},
		{"DELETE", pathf("/api/v1/drafts/%d", draft.ID)},
		{"DELETE", pathf("/api/v1/send/%d", queued.ID)},
	} {
		if code := bob.do(tc.method, tc.path, nil, nil); code != 404 {
			t.Errorf("%s %s: %d, want 404", tc.method, tc.path, code)
		}
	}
	if code := bob.do("PUT", pathf("/api/v1/drafts/%d", draft.ID), map[string]any{"subject": "stolen"}, nil); code != 404 {
		t.Errorf("PUT her draft: %d", code)
	}
	var list struct{ Scheduled []scheduledJSON }
	bob.do("GET", "/api/v1/send/scheduled", nil, &list)
	var uploads struct{ Uploads []uploadJSON }
	bob.do("GET", "/api/v1/uploads", nil, &uploads)
	if len(list.Scheduled) != 0 || len(uploads.Uploads) != 0 {
		t.Errorf("bob sees her sends %+v or uploads %+v", list, uploads)
	}
	if f.queueLen(t) != 1 || len(f.stored(t, f.alice, store.RoleDrafts)) != 1 {
		t.Fatal("her send or draft changed")
	}
	if _, err := f.Store.Upload(f.Ctx, f.alice.ID, up.ID); err != nil {
		t.Fatalf("her upload: %v", err)
	}
}

// Every writing route that changes state needs the CSRF token.
func TestCompose_stateChangesNeedTheCSRFToken(t *testing.T) {
	f := newMailFixture(t, time.Hour)
	c := f.login(t, "alice@example.test")
	up := c.upload("a.txt", "text/plain", []byte("a"))
	_, queued, _ := c.send(map[string]any{"to": []string{"bob@example.test"}, "subject": "s"})
	var draft draftSaved
	c.do("POST", "/api/v1/drafts", map[string]any{"text": "x"}, &draft)
	if code, _, _ := c.uploadRaw("b.txt", "text/plain", nil, 0, ""); code != 403 {
		t.Errorf("upload without token: %d", code)
	}
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/send", map[string]any{"to": []string{"bob@example.test"}}},
		{"DELETE", pathf("/api/v1/send/%d", queued.ID), nil},
		{"POST", "/api/v1/drafts", map[string]any{"text": "y"}},
		{"PUT", pathf("/api/v1/drafts/%d", draft.ID), map[string]any{"text": "y"}},
		{"DELETE", pathf("/api/v1/drafts/%d", draft.ID), nil},
		{"DELETE", pathf("/api/v1/uploads/%d", up.ID), nil},
	} {
		for _, token := range []string{"", "forged"} {
			if code := c.doCSRF(tc.method, tc.path, tc.body, nil, token); code != 403 {
				t.Errorf("%s %s with token %q: %d", tc.method, tc.path, token, code)
			}
		}
	}
	if f.queueLen(t) != 1 || len(f.stored(t, f.alice, store.RoleDrafts)) != 1 {
		t.Fatal("a request without the token changed something")
	}
	var uploads struct{ Uploads []uploadJSON }
	c.do("GET", "/api/v1/uploads", nil, &uploads)
	if len(uploads.Uploads) != 1 {
		t.Fatalf("uploads %+v", uploads)
	}
}
