package deliver

// Sender Rewriting Scheme (S2 forwarding). A message forwarded to another
// host keeps its author but not its envelope sender: the next hop checks
// SPF against the host that hands the message over, this one, which the
// original sender's domain does not list. The forward's envelope sender
// is therefore an address of the forwarding account's domain that encodes
// the original:
//
//	SRS0=HHHHHHHH=TT=remote.example=alice@hosted.example
//
// TT is the day it was made (days since 1970 modulo 1024, two base32
// characters), HHHHHHHH the first 40 bits, in base32, of an HMAC-SHA256
// keyed by the store secret "srs" over "TT=domain=local" in lower case.
// A bounce or reply to that address within SRSLifetime, with a hash that
// verifies, goes on to alice@remote.example (Resolve takes it as an SRS
// recipient, deliverAll queues it); anything else is an unknown
// recipient, so that the address is no open relay. Only SRS0 is made: an
// original sender that is itself an SRS address is wrapped again.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"postroom/internal/store"
)

// SRSLifetime is how long an SRS address is accepted after it was made
// (bounces and out-of-office replies come within days).
const SRSLifetime = 21 * 24 * time.Hour

const srsDayBits = 1024 // TT wraps after 1024 days

var srsBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func (p *Pipeline) srsKey(ctx context.Context) ([]byte, error) {
	key, err := p.Store.Secret(ctx, "srs", 32)
	if err != nil {
		return nil, fmt.Errorf("srs key: %w", err)
	}
	return key, nil
}

func srsHash(key []byte, tt, domain, local string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.ToLower(tt + "=" + domain + "=" + local)))
	return srsBase32.EncodeToString(m.Sum(nil)[:5])
}

func srsDay(t time.Time) int { return int(t.Unix()/86400) % srsDayBits }

func srsStamp(day int) string {
	return string([]byte{srsBase32Alphabet[day>>5&31], srsBase32Alphabet[day&31]})
}

const srsBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// SRSAddress returns the envelope sender of from's message forwarded by
// an account of domain: "" stays "" (a bounce is forwarded as one).
func (p *Pipeline) SRSAddress(ctx context.Context, from, domain string) (string, error) {
	if from == "" {
		return "", nil
	}
	local, fromDomain, ok := SplitAddress(from)
	if !ok {
		return "", fmt.Errorf("srs: bad sender %q", from)
	}
	key, err := p.srsKey(ctx)
	if err != nil {
		return "", err
	}
	tt := srsStamp(srsDay(p.clock()))
	return "SRS0=" + srsHash(key, tt, fromDomain, local) + "=" + tt + "=" + fromDomain + "=" + local + "@" + domain, nil
}

// resolveSRS returns the SRS recipient addr stands for, or nil when it is
// not a valid, current SRS address made here.
func (p *Pipeline) resolveSRS(ctx context.Context, addr string) *Recipient {
	local, _, _ := SplitAddress(addr)
	if len(local) < 5 || !strings.EqualFold(local[:5], "SRS0=") {
		return nil
	}
	parts := strings.SplitN(local[5:], "=", 4) // the original local part may hold '='
	if len(parts) != 4 || len(parts[1]) != 2 || parts[2] == "" || parts[3] == "" {
		return nil
	}
	hash, tt, domain, orig := strings.ToUpper(parts[0]), strings.ToUpper(parts[1]), strings.ToLower(parts[2]), parts[3]
	hi, lo := strings.IndexByte(srsBase32Alphabet, tt[0]), strings.IndexByte(srsBase32Alphabet, tt[1])
	if hi < 0 || lo < 0 {
		return nil
	}
	day := hi<<5 | lo
	age := (srsDay(p.clock()) - day + srsDayBits) % srsDayBits
	if time.Duration(age)*24*time.Hour > SRSLifetime {
		return nil
	}
	key, err := p.srsKey(ctx)
	if err != nil {
		p.log().Error("srs address not checked", "rcpt", addr, "err", err)
		return nil
	}
	if !hmac.Equal([]byte(hash), []byte(srsHash(key, tt, domain, orig))) {
		return nil
	}
	return &Recipient{Address: addr, SRS: orig + "@" + domain}
}

// relaySRS sends a message addressed to an SRS address on to the original
// sender it stands for, through the outbound queue (the blob is the one
// stored for the transaction). The sender's answer waits for the queue row.
func (p *Pipeline) relaySRS(ctx context.Context, env *Envelope, r *Recipient, key string, size int64) error {
	if err := p.fileStored(ctx, env, key); err != nil { // no message keeps its bytes for the queue (inline.go)
		return temporary(fmt.Errorf("queue the reply to %s for %s: %w", r.Address, r.SRS, err))
	}
	q := &store.QueuedMessage{From: env.From, BlobKey: key, Size: size, CreatedAt: p.clock(), Recipients: []store.QueuedRecipient{{Address: r.SRS}}}
	if err := p.Store.Enqueue(ctx, q); err != nil {
		return temporary(fmt.Errorf("queue the reply to %s for %s: %w", r.Address, r.SRS, err))
	}
	p.log().Info("srs: sent back", "id", env.ID, "rcpt", r.Address, "to", r.SRS, "queue", q.ID)
	p.notifyQueue()
	return nil
}
