package fetch

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
)

// secretName is the server key that seals external passwords.
const secretName = "external-accounts"

// aad binds a sealed password to its account: a row copied to another
// account does not open.
func aad(accountID int64) []byte {
	return binary.BigEndian.AppendUint64([]byte("postroom external password "), uint64(accountID))
}

func (s *Service) gcm(ctx context.Context) (cipher.AEAD, error) {
	key, err := s.Store.Secret(ctx, secretName, 32)
	if err != nil {
		return nil, fmt.Errorf("external accounts: key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("external accounts: key: %w", err)
	}
	return cipher.NewGCM(block)
}

// seal is password encrypted for accountID: nonce then ciphertext.
func (s *Service) seal(ctx context.Context, accountID int64, password string) ([]byte, error) {
	g, err := s.gcm(ctx)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return g.Seal(nonce, nonce, []byte(password), aad(accountID)), nil
}

// open is seal undone.
func (s *Service) open(ctx context.Context, accountID int64, sealed []byte) (string, error) {
	g, err := s.gcm(ctx)
	if err != nil {
		return "", err
	}
	if len(sealed) < g.NonceSize() {
		return "", errors.New("external accounts: no password set")
	}
	plain, err := g.Open(nil, sealed[:g.NonceSize()], sealed[g.NonceSize():], aad(accountID))
	if err != nil {
		return "", fmt.Errorf("external accounts: the stored password does not open: %w", err)
	}
	return string(plain), nil
}
