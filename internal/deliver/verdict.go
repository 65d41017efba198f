package deliver

// The spam verdict of a delivery (issue 18), made visible: Blocked
// decides it per recipient; it is recorded in the store for the account's
// copy (store.SpamVerdictStore, what the API and the webmail read) and,
// for mail from the internet judged spam, written in an X-Postroom-Spam
// field below the trace fields of that copy, where a mail client sees it
// too.
//
// The verdict is spam's score model (spam/score.go: points, a
// threshold); the reasons are stored as codes ("forged-sender:x.test",
// "learned:0.97", "clue:무료"), which the webmail shows in the user's
// language. The score, 0 (ham) ... 1 (spam): 1 for a list or DMARC, which
// are certain; the learned filter's when it judged and agrees with the
// verdict (or the verdict is ham); 1 for spam the other checks decided
// against it; 0 when nothing applied.
//
// Design: the shared blob is written once before the steps run and holds
// no verdict, since verdicts differ per recipient (each account's lists
// and learned counts). An inbound recipient's copy judged spam is then
// written again with its X-Postroom-Spam field, from the bytes
// storeBlob kept (no read back); recipients with the same verdict share
// that copy, the blob store being content-addressed. The shared blob,
// when nothing else refers to it, is collected by the blob GC. Local mail
// gets the metadata only: we wrote the whole of its path ourselves.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"postroom/internal/spam"
	"postroom/internal/store"
)

// SpamField is our header field; an incoming one is removed (stored.go).
const SpamField = "X-Postroom-Spam"

// maxClueReasons is how many of the classifier's clues become reasons.
const maxClueReasons = 5

// verdictOf is the verdict of an assessment (Blocked's; the zero one
// when nothing was asked), what the learned filter said (the zero Verdict
// when it was not asked) and whether a certain rule decided.
func verdictOf(a spam.Assessment, learned spam.Verdict, certain bool) *store.SpamVerdict {
	v := &store.SpamVerdict{Verdict: "ham", Reasons: a.Reasons()}
	if a.IsSpam() {
		v.Verdict = "spam"
	}
	switch {
	case certain:
		v.Score = 1
	case learned.Known && (v.Verdict == "ham" || learned.IsSpam()):
		v.Score = learned.Score
	case v.Verdict == "spam":
		v.Score = 1 // the other checks outweighed the learned filter
	}
	return v
}

// spamField is the X-Postroom-Spam field of v, with its CRLF, in
// English: verdict=spam; score=0.97; reasons="learned 0.97, 무료, 대출"
// (the clue words as they were written; everything else ASCII).
func spamField(v *store.SpamVerdict) []byte {
	reasons := make([]string, len(v.Reasons))
	for i, r := range v.Reasons {
		reasons[i] = strings.Map(func(c rune) rune {
			switch {
			case c < 0x20 || c == 0x7f:
				return -1
			case c == '"' || c == '\\':
				return '\''
			}
			return c
		}, spam.ParseReason(r).English())
	}
	return fmt.Appendf(nil, "%s: verdict=%s; score=%.2f; reasons=\"%s\"\r\n", SpamField, v.Verdict, v.Score, strings.Join(reasons, ", "))
}

// verdictBlob returns the blob the recipient's copy is stored from: for
// mail from the internet judged spam, the message with its
// X-Postroom-Spam field below our trace fields (Return-Path stays
// first); else key itself. Ham, most mail, is written once: its verdict
// is in the store only.
func (p *Pipeline) verdictBlob(ctx context.Context, d *Delivery, key string, size int64) (string, int64, error) {
	env := d.Envelope
	if d.Verdict == nil || d.Verdict.Verdict != "spam" || !env.Inbound || env.stored == nil {
		return key, size, nil
	}
	k, n, err := p.Blobs.Put(ctx, io.MultiReader(bytes.NewReader(env.trace), bytes.NewReader(spamField(d.Verdict)), bytes.NewReader(env.stored)))
	if err != nil {
		return "", 0, fmt.Errorf("store message with its spam verdict: %w", err)
	}
	return k, n, nil
}

// forgedSpamField reports whether field is an X-Postroom-Spam field,
// which only this server writes.
func forgedSpamField(field []byte) bool {
	return strings.EqualFold(fieldName(field), SpamField)
}
