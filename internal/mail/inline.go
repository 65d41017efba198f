package mail

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"log/slog"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// The webmail shows an HTML body in a sandboxed iframe with an opaque
// origin, and browsers send no SameSite cookie with the requests of such a
// document: its cid: images cannot ride on the session. Instead the
// document names them by a short-lived capability, an HMAC over (account,
// message, expiry) with the installation's key from the store, so that a
// token made by one node or before a restart still works. It grants the
// inline parts of one message of one account, nothing else.

// InlineTokenLife is how long an inline-image capability lasts.
const InlineTokenLife = 12 * time.Hour

// InlineToken returns a capability, valid from now for InlineTokenLife,
// to read one of the actor's messages for its inline parts.
func (s *Service) InlineToken(ctx context.Context, a actor.Actor, messageID int64, now time.Time) (string, error) {
	accountID, err := owner(a)
	if err != nil {
		return "", err
	}
	payload := make([]byte, 24, 40)
	binary.BigEndian.PutUint64(payload[0:], uint64(accountID))
	binary.BigEndian.PutUint64(payload[8:], uint64(messageID))
	binary.BigEndian.PutUint64(payload[16:], uint64(now.Add(InlineTokenLife).Unix()))
	return base64.RawURLEncoding.EncodeToString(append(payload, s.inlineMAC(ctx, payload)...)), nil
}

// InlineGrant checks a capability made by InlineToken and returns who
// may read with it (the system for the account: showing an image is
// nobody reading the message) and the one message it grants.
// store.ErrNotFound for a token that is malformed, forged or expired.
func (s *Service) InlineGrant(ctx context.Context, token string, now time.Time) (actor.Actor, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 40 || !hmac.Equal(b[24:], s.inlineMAC(ctx, b[:24])) ||
		now.Unix() > int64(binary.BigEndian.Uint64(b[16:])) {
		return actor.Actor{}, 0, fmt.Errorf("inline token: %w", store.ErrNotFound)
	}
	accountID, messageID := int64(binary.BigEndian.Uint64(b[0:])), int64(binary.BigEndian.Uint64(b[8:]))
	return actor.System(accountID, "inline image"), messageID, nil
}

// inlineMAC signs a token's payload with the installation's key, read once.
// Should the store fail, a key of this process's own keeps images working
// here (its tokens then end with the process).
func (s *Service) inlineMAC(ctx context.Context, payload []byte) []byte {
	s.inlineOnce.Do(func() {
		key, err := s.Store.Secret(context.WithoutCancel(ctx), "webmail-inline", 32)
		if err != nil {
			slog.Error("mail: inline image key", "err", err)
			key = make([]byte, 32)
			rand.Read(key)
		}
		s.inline = key
	})
	m := hmac.New(sha256.New, s.inline)
	m.Write(payload)
	return m.Sum(nil)[:16]
}
