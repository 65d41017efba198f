package web

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// The sandboxed HTML document gets no cookies: its cid: images must load
// by the token alone, and the token must grant nothing else.
func TestInlineToken_servesWithoutCookieAndNothingElse(t *testing.T) {
	f := newFixture(t)
	m := f.Put(f.alice.ID, "INBOX", htmlMail)
	other := f.Put(f.alice.ID, "INBOX", htmlMail)
	c := f.login(t, "alice@example.test")
	resp, err := c.http.Get(f.ts.URL + fmt.Sprintf("/api/v1/messages/%d/html", m.ID))
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	path := inlineURL.FindString(string(doc))
	if path == "" {
		t.Fatalf("no inline URL in\n%s", doc)
	}
	get := func(p string) (int, string) {
		resp, err := http.Get(f.ts.URL + p) // no cookie jar: as the sandboxed frame
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(path); code != 200 || !strings.HasPrefix(body, "\x89PNG") {
		t.Fatalf("inline part without cookie: %d %q", code, body)
	}
	tok := strings.Split(path, "/")[4]
	// a flipped character, another message's id, an expired token
	bad := []byte(tok)
	bad[len(bad)-3] ^= 1
	// the message id of another message with this token's MAC
	token := func(acct *store.Account, id int64, now time.Time) string {
		t.Helper()
		tok, err := f.Mail.InlineToken(f.Ctx, actor.User(acct), id, now)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	a, _ := base64.RawURLEncoding.DecodeString(token(f.alice, other.ID, time.Now()))
	b, _ := base64.RawURLEncoding.DecodeString(tok)
	forged := base64.RawURLEncoding.EncodeToString(append(a[:24:24], b[24:]...))
	expired := token(f.alice, m.ID, time.Now().Add(-13*time.Hour))
	bobs := token(f.bob, m.ID, time.Now())
	for name, p := range map[string]string{
		"tampered":        "/api/v1/inline/" + string(bad) + "/logo@x",
		"expired":         "/api/v1/inline/" + expired + "/logo@x",
		"other account":   "/api/v1/inline/" + bobs + "/logo@x",
		"unknown cid":     "/api/v1/inline/" + tok + "/nothing@x",
		"other's message": "/api/v1/inline/" + forged + "/logo@x",
	} {
		if code, _ := get(p); code != 404 {
			t.Errorf("%s: %d, want 404", name, code)
		}
	}
}

// A token made before a restart (or by another node) still opens the image.
func TestInlineToken_sharedByEveryServerOfTheStore(t *testing.T) {
	f := newFixture(t)
	m := f.Put(f.alice.ID, "INBOX", htmlMail)
	tok, err := f.Mail.InlineToken(f.Ctx, actor.User(f.alice), m.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	other := &Server{Mail: &mail.Service{Store: f.Store, Blobs: f.Blobs}, Events: f.Bus}
	if acct, id, ok := other.inlineGrant(f.Ctx, tok); !ok || acct != f.alice.ID || id != m.ID {
		t.Fatalf("another server of the same store refuses the token: %v %d %d", ok, acct, id)
	}
}
