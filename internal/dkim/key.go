// Package dkim owns the signing side of DKIM (RFC 6376) for the hosted
// domains: the key pairs made on `domain add` (RSA 2048 and Ed25519,
// RFC 8463), the TXT record that publishes each public key, and the
// DKIM-Signature header fields prepended to outgoing mail. Verification of
// inbound signatures belongs to internal/spam.
//
// Invariants of this package:
//   - A Key holds only its PKCS#8 PEM private key; the public key, and so
//     the DNS record, is always derived from it, never stored apart.
//   - Every message is signed once per key, so a receiver that knows only
//     one algorithm still finds a signature it can verify (RFC 8463 §5).
package dkim

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
	"time"
)

// Algorithms of a Key (the k= tag of the key record, RFC 6376 §3.6.1,
// RFC 8463 §4.2).
const (
	RSA     = "rsa"
	Ed25519 = "ed25519"
)

// rsaBits is the RSA modulus size of generated keys: RFC 8301 §3.2 asks
// signers for at least 1024 bits and recommends 2048.
const rsaBits = 2048

// Key is one DKIM signing key of a domain.
type Key struct {
	// Selector names the key in DNS (RFC 6376 §3.1): "pr" + yyyymm + "r"
	// for RSA or "e" for Ed25519, e.g. "pr202611r".
	Selector string
	// Algorithm is RSA or Ed25519.
	Algorithm string
	// PrivatePEM is the private key, PKCS#8 in a "PRIVATE KEY" PEM block.
	PrivatePEM []byte
}

// GenerateKeys makes one RSA 2048 and one Ed25519 key with selectors from
// the month of now (UTC), so that a key rolled over in a later month gets a
// new selector and both can be published during the change.
func GenerateKeys(now time.Time) ([]Key, error) {
	month := now.UTC().Format("200601")
	rsaKey, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		return nil, fmt.Errorf("dkim: generate RSA key: %w", err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("dkim: generate Ed25519 key: %w", err)
	}
	var keys []Key
	for _, k := range []struct {
		alg, suffix string
		priv        crypto.Signer
	}{{RSA, "r", rsaKey}, {Ed25519, "e", edKey}} {
		der, err := x509.MarshalPKCS8PrivateKey(k.priv)
		if err != nil {
			return nil, fmt.Errorf("dkim: encode %s key: %w", k.alg, err)
		}
		keys = append(keys, Key{
			Selector:   "pr" + month + k.suffix,
			Algorithm:  k.alg,
			PrivatePEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		})
	}
	return keys, nil
}

// DNSRecord returns the name of the key record relative to the signing
// domain ("SELECTOR._domainkey", RFC 6376 §3.6.2.1) and its TXT value
// (RFC 6376 §3.6.1): "v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>" for
// RSA (the form every verifier accepts, RFC 6376 erratum 3017) or
// "v=DKIM1; k=ed25519; p=<base64 of the 32-byte key>" (RFC 8463 §4.2).
func (k Key) DNSRecord() (name, value string, err error) {
	signer, err := k.signer()
	if err != nil {
		return "", "", err
	}
	var p []byte
	switch pub := signer.Public().(type) {
	case *rsa.PublicKey:
		if p, err = x509.MarshalPKIXPublicKey(pub); err != nil {
			return "", "", fmt.Errorf("dkim: key %s: %w", k.Selector, err)
		}
	case ed25519.PublicKey:
		p = pub
	}
	return k.Selector + "._domainkey",
		"v=DKIM1; k=" + k.Algorithm + "; p=" + base64.StdEncoding.EncodeToString(p), nil
}

// signer decodes the private key and checks it against the selector and
// the algorithm the Key claims.
func (k Key) signer() (crypto.Signer, error) {
	if !validSelector(k.Selector) {
		return nil, fmt.Errorf("dkim: invalid selector %q", k.Selector)
	}
	block, _ := pem.Decode(k.PrivatePEM)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("dkim: key %s: no PKCS#8 PRIVATE KEY PEM block", k.Selector)
	}
	priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("dkim: key %s: %w", k.Selector, err)
	}
	switch priv := priv.(type) {
	case *rsa.PrivateKey:
		if k.Algorithm != RSA {
			return nil, fmt.Errorf("dkim: key %s: RSA key but algorithm %q", k.Selector, k.Algorithm)
		}
		if priv.N.BitLen() < 1024 { // RFC 8301 §3.2: verifiers reject shorter keys
			return nil, fmt.Errorf("dkim: key %s: RSA key of %d bits is too short", k.Selector, priv.N.BitLen())
		}
		return priv, nil
	case ed25519.PrivateKey:
		if k.Algorithm != Ed25519 {
			return nil, fmt.Errorf("dkim: key %s: Ed25519 key but algorithm %q", k.Selector, k.Algorithm)
		}
		return priv, nil
	}
	return nil, fmt.Errorf("dkim: key %s: unsupported key type %T", k.Selector, priv)
}

// validSelector reports whether s is a selector: dot-separated labels of
// 1 to 63 letters, digits and inner hyphens (RFC 6376 §3.1 selector =
// sub-domain *("." sub-domain), RFC 5321 §4.1.2).
func validSelector(s string) bool {
	if s == "" {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}
