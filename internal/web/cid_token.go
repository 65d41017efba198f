package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"time"

	"postroom/internal/store"
)

// The HTML body is shown in a sandboxed iframe with an opaque origin, and
// browsers send no SameSite cookie with the requests of such a document:
// its cid: images cannot ride on the session. Instead the document names
// them by a short-lived capability, an HMAC over (account, message,
// expiry) with the installation's key from the store, so that a token
// made by one node or before a restart still works. It grants the inline
// parts of one message of one account, nothing else.

const cidTokenLife = 12 * time.Hour

type cidKey struct {
	key []byte
}

// inlineKey returns the installation's key, read once. Should the store
// fail, a key of this process's own keeps images working here (tokens then
// end with the process).
func (s *Server) inlineKey() cidKey {
	s.cidOnce.Do(func() {
		key, err := s.Store.Secret(context.Background(), "webmail-inline", 32)
		if err != nil {
			s.log().Error("web: inline image key", "err", err)
			key = make([]byte, 32)
			rand.Read(key)
		}
		s.cid.key = key
	})
	return s.cid
}

func (k cidKey) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, k.key)
	m.Write(payload)
	return m.Sum(nil)[:16]
}

// token returns the capability for the inline parts of a message.
func (k cidKey) token(accountID, messageID int64, now time.Time) string {
	payload := make([]byte, 24, 40)
	binary.BigEndian.PutUint64(payload[0:], uint64(accountID))
	binary.BigEndian.PutUint64(payload[8:], uint64(messageID))
	binary.BigEndian.PutUint64(payload[16:], uint64(now.Add(cidTokenLife).Unix()))
	return base64.RawURLEncoding.EncodeToString(append(payload, k.mac(payload)...))
}

// check returns the account and message a valid, unexpired token grants.
func (k cidKey) check(tok string, now time.Time) (accountID, messageID int64, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) != 40 {
		return 0, 0, false
	}
	if !hmac.Equal(b[24:], k.mac(b[:24])) {
		return 0, 0, false
	}
	if now.Unix() > int64(binary.BigEndian.Uint64(b[16:])) {
		return 0, 0, false
	}
	return int64(binary.BigEndian.Uint64(b[0:])), int64(binary.BigEndian.Uint64(b[8:])), true
}

// inlinePart serves GET /api/v1/inline/{token}/{cid}: the cid: images of
// the sandboxed HTML view.
func (s *Server) inlinePart(w http.ResponseWriter, r *http.Request) {
	acct, id, ok := s.inlineKey().check(r.PathValue("token"), s.now())
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	_, raw, err := s.readMessage(r, acct, id)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	s.serveCID(w, r, raw)
}

// readMessage reads one message of an account and its bytes.
func (s *Server) readMessage(r *http.Request, accountID, messageID int64) (*store.Message, []byte, error) {
	m, err := s.Store.Message(r.Context(), accountID, messageID)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.Blobs.Open(m.BlobKey)
	if err != nil {
		return nil, nil, fmt.Errorf("message %d: %w", m.ID, err)
	}
	defer b.Close()
	raw, err := io.ReadAll(b)
	return m, raw, err
}
