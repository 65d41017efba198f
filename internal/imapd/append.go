package imapd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/store"
)

// Append implements imapserver.Session (RFC 9051 §6.3.12, UIDPLUS
// APPENDUID). OK is answered only after the blob is fsynced and the
// metadata committed.
func (se *session) Append(name string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	mb, err := se.s.Store.MailboxByName(se.ctx, se.acct.ID, name)
	if errors.Is(err, store.ErrNotFound) {
		io.Copy(io.Discard, r)
		return nil, errTryCreate
	}
	if err != nil {
		io.Copy(io.Discard, r)
		return nil, storeError(err)
	}
	raw, err := io.ReadAll(io.LimitReader(r, se.s.MaxMessageSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > se.s.MaxMessageSize {
		io.Copy(io.Discard, r)
		return nil, no(imap.ResponseCodeTooBig, fmt.Sprintf("Message too big: at most %d bytes", se.s.MaxMessageSize))
	}
	if bytes.IndexByte(raw, 0) >= 0 {
		return nil, no(imap.ResponseCodeCannot, "Message contains NUL characters")
	}
	// Refuse before writing the blob when the message cannot fit.
	if acct, err := se.s.Store.Account(se.ctx, se.acct.ID); err == nil && acct.QuotaBytes > 0 && acct.Usage.Bytes+int64(len(raw)) > acct.QuotaBytes {
		return nil, errOverQuota
	}
	key, size, err := se.s.Blobs.Put(se.ctx, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	var flags []string
	for _, f := range options.Flags {
		flags = append(flags, string(f))
	}
	date := options.Time
	if date.IsZero() {
		date = time.Now()
	}
	m, err := se.s.Mail.Append(se.ctx, actor.User(se.acct), mail.AppendRequest{
		MailboxID: mb.ID, BlobKey: key, Size: size,
		Parsed: message.Parse(raw), Flags: flags, InternalDate: date,
	})
	if err != nil {
		return nil, storeError(err)
	}
	if se.selected != nil && se.selected.mailbox.ID == mb.ID {
		if err := se.selected.hub.syncNew(se.ctx); err != nil {
			return nil, err
		}
	}
	return &imap.AppendData{UID: imap.UID(m.UID), UIDValidity: mb.UIDValidity}, nil
}
