package mail_test

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// An inline-image capability grants one message of one account for
// InlineTokenLife, to any service of the same store (another node, after
// a restart), and nothing once changed or expired.
func TestInlineToken_grantsOneMessageUntilItExpires(t *testing.T) {
	b := testbed.New(t)
	bob := b.Account("bob", nil)
	m := b.Put(bob.ID, "INBOX", "Subject: x\r\n\r\nx\r\n")
	other := b.Put(bob.ID, "INBOX", "Subject: y\r\n\r\ny\r\n")
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tok, err := b.Mail.InlineToken(b.Ctx, actor.User(bob), m.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	restarted := &mail.Service{Store: b.Store, Blobs: b.Blobs}
	grant, id, err := restarted.InlineGrant(b.Ctx, tok, now.Add(mail.InlineTokenLife))
	if err != nil || id != m.ID || grant.AccountID != bob.ID || grant.Role != actor.RoleSystem {
		t.Fatalf("grant by another service of the store: %+v %d %v; want the system for bob, message %d", grant, id, err, m.ID)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	otherTok, _ := b.Mail.InlineToken(b.Ctx, actor.User(bob), other.ID, now)
	otherRaw, _ := base64.RawURLEncoding.DecodeString(otherTok)
	tampered := append([]byte(nil), raw...)
	tampered[len(tampered)-1] ^= 1
	for name, tc := range map[string]struct {
		tok string
		at  time.Time
	}{
		"expired":                   {tok, now.Add(mail.InlineTokenLife + time.Second)},
		"tampered":                  {base64.RawURLEncoding.EncodeToString(tampered), now},
		"another message, same MAC": {base64.RawURLEncoding.EncodeToString(append(otherRaw[:24:24], raw[24:]...)), now},
		"not a token":               {"x", now},
	} {
		if _, _, err := b.Mail.InlineGrant(b.Ctx, tc.tok, tc.at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
}
