package spam

// DKIM verification (RFC 6376 §6) through go-msgauth, with key lookups
// (RFC 6376 §3.6.2) through our resolver.

import (
	"bytes"
	"context"
	"errors"
	"strings"

	msgdkim "github.com/emersion/go-msgauth/dkim"

	"postroom/internal/message"
	"postroom/internal/resolver"
)

// maxSignatures is how many signatures are verified; the rest are reported
// neutral. RFC 6376 §6.1 lets a verifier limit the work an attacker can
// cause with many signatures; real mail carries one to three.
const maxSignatures = 8

// verifyDKIM verifies every DKIM-Signature field of raw (CRLF lines) and
// returns one result per field in header order; none when unsigned.
func verifyDKIM(ctx context.Context, r resolver.Resolver, raw []byte, h message.Header) []DKIMResult {
	fields := h.Values("DKIM-Signature")
	if len(fields) == 0 {
		return nil
	}
	out := make([]DKIMResult, len(fields))
	for i, v := range fields {
		tags := signatureTags(v)
		out[i] = DKIMResult{Domain: asciiDomain(tags["d"]), Selector: tags["s"], Result: Neutral,
			Reason: "not verified: too many signatures"}
	}
	verifs, err := msgdkim.VerifyWithOptions(bytes.NewReader(raw), &msgdkim.VerifyOptions{
		LookupTXT: func(name string) ([]string, error) {
			txt, err := r.LookupTXT(ctx, name)
			return txt, dnsError(err, name)
		},
		MaxVerifications: maxSignatures,
	})
	if err != nil && !errors.Is(err, msgdkim.ErrTooManySignatures) {
		// The header could not be read, or verification broke in a way
		// go-msgauth does not classify; its per-signature results are then
		// not to be trusted (it clears their errors), so none passes.
		for i := range out {
			out[i].Result, out[i].Reason = PermError, reason(err)
		}
		return out
	}
	if len(verifs) > len(out) {
		// go-msgauth saw a field our lenient header reader did not: trust
		// its count and leave the selectors of the extra ones unknown.
		out = append(out, make([]DKIMResult, len(verifs)-len(out))...)
	}
	for i, v := range verifs {
		if v.Domain != "" {
			out[i].Domain = asciiDomain(v.Domain)
		}
		out[i].Result, out[i].Reason = dkimResult(v.Err)
	}
	return out
}

// dkimResult maps go-msgauth's verdict to RFC 8601 §2.7.1 results: TEMPFAIL
// (key lookup could not complete) is temperror, PERMFAIL (a malformed
// signature or key, an expired signature, no key) is permerror, and a
// signature or body hash that does not verify is fail.
func dkimResult(err error) (result, why string) {
	switch {
	case err == nil:
		return Pass, ""
	case msgdkim.IsTempFail(err):
		return TempError, reason(err)
	case msgdkim.IsPermFail(err):
		return PermError, reason(err)
	}
	return Fail, reason(err)
}

func reason(err error) string {
	return strings.TrimPrefix(err.Error(), "dkim: ")
}

// signatureTags parses the tag=value list of a DKIM-Signature field
// (RFC 6376 §3.2) well enough to name the signature: whitespace is
// dropped, later duplicates ignored, malformed tags skipped.
func signatureTags(v string) map[string]string {
	tags := map[string]string{}
	for _, spec := range strings.Split(v, ";") {
		name, value, ok := strings.Cut(spec, "=")
		if !ok {
			continue
		}
		name = strings.TrimSpace(name)
		if _, dup := tags[name]; !dup {
			tags[name] = strings.Join(strings.Fields(value), "")
		}
	}
	return tags
}
