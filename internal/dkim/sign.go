package dkim

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"strings"

	msgdkim "github.com/emersion/go-msgauth/dkim"
)

// signedHeaders are the header fields each signature covers (RFC 6376
// §5.4.1 lists these as the ones that matter to a reader). A name absent
// from the message is still listed: its later addition then breaks the
// signature (RFC 6376 §5.4.2). From is listed twice, once more than it
// appears, so that a second From added in transit breaks the signature too
// ("oversigning", RFC 6376 §8.15).
var signedHeaders = []string{
	"From", "From", "To", "Cc", "Subject", "Date", "Message-ID",
	"In-Reply-To", "References", "MIME-Version", "Content-Type",
	"Content-Transfer-Encoding", "Reply-To",
}

// Sign returns the DKIM-Signature header fields to prepend to raw for the
// signing domain (the d= tag), one per key in the order of keys, each
// folded and ending in CRLF. Both header and body use relaxed
// canonicalization (RFC 6376 §3.4.2, §3.4.4), which survives the
// whitespace changes relays make; the hash is SHA-256 (RFC 8301 §3.1).
//
// raw may end its lines in CRLF or in a bare LF: go-msgauth canonicalizes
// a bare LF as CRLF, so the signature covers the CRLF form that SMTP
// transmits (RFC 5321 §2.3.8) and every SMTP client library sends.
func Sign(raw []byte, domain string, keys []Key) ([]byte, error) {
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	if domain == "" {
		return nil, fmt.Errorf("dkim: no signing domain")
	}
	if len(keys) == 0 {
		return nil, errNoKeys
	}
	var out bytes.Buffer
	for _, k := range keys {
		signer, err := k.signer()
		if err != nil {
			return nil, err
		}
		s, err := msgdkim.NewSigner(&msgdkim.SignOptions{
			Domain:                 domain,
			Selector:               k.Selector,
			Signer:                 signer,
			HeaderCanonicalization: msgdkim.CanonicalizationRelaxed,
			BodyCanonicalization:   msgdkim.CanonicalizationRelaxed,
			HeaderKeys:             signedHeaders,
		})
		if err != nil {
			return nil, fmt.Errorf("dkim: key %s: %w", k.Selector, err)
		}
		_, werr := s.Write(raw)
		if err := s.Close(); err != nil || werr != nil {
			return nil, fmt.Errorf("dkim: sign with %s: %w", k.Selector, cmp.Or(werr, err))
		}
		out.WriteString(s.Signature())
	}
	return out.Bytes(), nil
}

var errNoKeys = errors.New("dkim: no signing keys")
