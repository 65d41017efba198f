package dkim

import (
	"context"
	"errors"
	"time"

	"postroom/internal/store"
)

// StoredKeys returns a domain's keys as the store keeps them.
func StoredKeys(ctx context.Context, st store.DomainStore, domainID int64) ([]Key, error) {
	stored, err := st.DKIMKeys(ctx, domainID)
	if err != nil {
		return nil, err
	}
	keys := make([]Key, len(stored))
	for i, k := range stored {
		keys[i] = Key{Selector: k.Selector, Algorithm: k.Algorithm, PrivatePEM: k.PrivatePEM}
	}
	return keys, nil
}

// AddKeys generates and stores a new key pair for a domain (done when the
// domain is added, so that its mail is signed from the start).
func AddKeys(ctx context.Context, st store.DomainStore, d *store.Domain, keys []Key) error {
	for _, k := range keys {
		if err := st.AddDKIMKey(ctx, &store.DKIMKey{DomainID: d.ID, Selector: k.Selector, Algorithm: k.Algorithm, PrivatePEM: k.PrivatePEM}); err != nil {
			return err
		}
	}
	return nil
}

// SignTimeout bounds the store lookups of one signature: a stuck store
// then fails the attempt (the queue tries again later) instead of holding
// a sending worker.
const SignTimeout = 30 * time.Second

// Signer returns the outbound queue's signing function: the sending
// domain's keys from the store, looked up within ctx and SignTimeout;
// mail of a domain not hosted here (a forward) goes unsigned.
func Signer(st store.DomainStore) func(ctx context.Context, raw []byte, fromDomain string) ([]byte, error) {
	return func(ctx context.Context, raw []byte, fromDomain string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(ctx, SignTimeout)
		defer cancel()
		d, err := st.Domain(ctx, fromDomain)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		keys, err := StoredKeys(ctx, st, d.ID)
		if err != nil || len(keys) == 0 {
			return nil, err
		}
		return Sign(raw, d.Name, keys)
	}
}
