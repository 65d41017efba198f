package storetest

import (
	"bytes"
	"errors"

	"postroom/internal/store"
)

var dkimTests = []test{
	{"dkim_keysRoundTripPerDomainAndGoWithTheDomain", testDKIMKeys},
}

func testDKIMKeys(e *env) {
	d1, d2 := e.domain("one.example"), e.domain("two.example")
	k := &store.DKIMKey{DomainID: d1.ID, Selector: "pr202611r", Algorithm: "rsa", PrivatePEM: []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n")}
	e.ok(e.s.AddDKIMKey(e.ctx, k), "AddDKIMKey")
	e.ok(e.s.AddDKIMKey(e.ctx, &store.DKIMKey{DomainID: d1.ID, Selector: "pr202611e", Algorithm: "ed25519", PrivatePEM: []byte("x")}), "AddDKIMKey ed25519")
	e.wantErr(e.s.AddDKIMKey(e.ctx, &store.DKIMKey{DomainID: d1.ID, Selector: "pr202611r", Algorithm: "rsa", PrivatePEM: []byte("y")}),
		store.ErrExists, "same selector twice")
	keys, err := e.s.DKIMKeys(e.ctx, d1.ID)
	e.ok(err, "DKIMKeys")
	if len(keys) != 2 || keys[0].ID != k.ID || keys[0].Selector != "pr202611r" || !bytes.Equal(keys[0].PrivatePEM, k.PrivatePEM) || keys[1].Algorithm != "ed25519" {
		e.Fatalf("keys %+v", keys)
	}
	if other, _ := e.s.DKIMKeys(e.ctx, d2.ID); len(other) != 0 {
		e.Errorf("another domain sees keys: %+v", other)
	}
	e.ok(e.s.DeleteDomain(e.ctx, d1.ID), "DeleteDomain")
	if left, _ := e.s.DKIMKeys(e.ctx, d1.ID); len(left) != 0 {
		e.Errorf("keys outlive their domain: %+v", left)
	}
	if err := e.s.AddDKIMKey(e.ctx, &store.DKIMKey{DomainID: 9999, Selector: "s", Algorithm: "rsa", PrivatePEM: []byte("z")}); err == nil || errors.Is(err, store.ErrExists) {
		e.Errorf("key for an unknown domain: %v", err)
	}
}
