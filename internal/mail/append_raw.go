package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"postroom/internal/actor"
	"postroom/internal/blob"
	"postroom/internal/message"
	"postroom/internal/store"
)

// Errors of AppendRaw, besides the store's (ErrNotFound for a mailbox that
// is not the actor's, ErrOverQuota).
var (
	// ErrTooBig: the message is over MaxMessageSize.
	ErrTooBig = errors.New("mail: message too big")
	// ErrNUL: the message holds NUL characters, which no mail client can
	// show and RFC 5322 forbids.
	ErrNUL = errors.New("mail: message contains NUL characters")
	// ErrStorageFull: the server has no room left to store the message
	// (its disk, or a filesystem quota, is full). The server's trouble,
	// not the account's quota: adapters answer with a temporary failure.
	ErrStorageFull = errors.New("mail: the server's storage is full")
)

// RawMessage is a message as a client sent it (IMAP APPEND, an imported
// file), to store into one of the actor's mailboxes: by id, or by role
// when MailboxID is 0.
type RawMessage struct {
	MailboxID int64
	Role      store.Role
	// Body is read for the message's bytes, unless Bytes holds them:
	// an adapter that has the whole message in memory already (an IMAP
	// literal) hands it over as it is, not to be read and copied once
	// more (2 MB: a copy, a growing buffer zeroed, issue 21). Neither may
	// change once AppendRaw returned (AppendRequest.Parsed).
	Body         io.Reader
	Bytes        []byte
	Flags        []string
	InternalDate time.Time // zero: now
	// Binary: the client sent the message as binary data (an IMAP
	// literal8, RFC 3516 §4.2), which may hold NUL characters.
	Binary bool
}

// AppendRaw stores a message from its bytes: the one place that checks
// size, NUL characters (unless Binary) and quota (the account's and its domain's, before
// anything is written), writes and syncs the blob (or, when small, hands
// its bytes to the store's transaction: KeepsInline), parses and indexes it
// (Append). It returns only once the message is durable (DESIGN: nothing
// acknowledged is lost). It reads at most MaxMessageSize+1 bytes of Body;
// the caller drains what is left if its protocol needs that.
func (s *Service) AppendRaw(ctx context.Context, a actor.Actor, r RawMessage) (*store.Message, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	var mb *store.Mailbox
	if r.MailboxID == 0 {
		mb, err = s.Store.MailboxByRole(ctx, accountID, r.Role)
	} else {
		mb, err = s.Store.Mailbox(ctx, accountID, r.MailboxID)
	}
	if err != nil {
		return nil, fmt.Errorf("append: mailbox %d (%s): %w", r.MailboxID, r.Role, err)
	}
	raw := r.Bytes
	if raw == nil && r.Body != nil {
		body := r.Body
		if s.MaxMessageSize > 0 {
			body = io.LimitReader(body, s.MaxMessageSize+1)
		}
		if raw, err = io.ReadAll(body); err != nil {
			return nil, fmt.Errorf("append: read message: %w", err)
		}
	}
	if s.MaxMessageSize > 0 && int64(len(raw)) > s.MaxMessageSize {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooBig, s.MaxMessageSize)
	}
	if !r.Binary && bytes.IndexByte(raw, 0) >= 0 {
		return nil, ErrNUL
	}
	parsed := message.Parse(raw)
	if m, err := s.sentCopy(ctx, accountID, mb, parsed); m != nil || err != nil {
		return m, err // submission kept this message in Sent already (sent_copy.go)
	}
	req := AppendRequest{MailboxID: mb.ID, Parsed: parsed, Size: int64(len(raw)), Flags: r.Flags, InternalDate: r.InternalDate}
	if s.KeepsInline(req.Size) {
		// A small message goes into the database with its row: no file,
		// no fsync of its own (issue 21). Its quota is checked by the
		// transaction that counts its bytes, alone: with nothing written
		// before it, checking first too only read the account and its
		// domain again (a twentieth of a 10 KB APPEND's CPU).
		req.BlobKey, req.Content = blob.Key(raw), raw
		m, err := s.Append(ctx, a, req)
		return m, storageFull(err)
	}
	// Refuse before writing a blob that nothing would reference; the
	// store checks again in the transaction that counts the bytes.
	if err := s.checkQuota(ctx, accountID, int64(len(raw))); err != nil {
		return nil, err
	}
	// The file is written (compressed, then synced: blob.FS) while the
	// row is made from the parse on another processor: an APPEND waits
	// for the longer of the two, not for both (issue 21). Where the
	// store and the files allow it, the row commits while the file is
	// made durable (append_later.go).
	lp, pending, later := s.laterFiles()
	type putResult struct {
		key  string
		wait func() error // PutLater's; nil after Put
		err  error
	}
	put := make(chan putResult, 1)
	go func() {
		var p putResult
		if later {
			p.key, _, p.wait, p.err = lp.PutLater(ctx, bytes.NewReader(raw))
		} else {
			p.key, _, p.err = s.Blobs.Put(ctx, bytes.NewReader(raw))
		}
		put <- p
	}()
	nm, err := s.newMessage(a, &req)
	p := <-put
	if p.err != nil {
		return nil, fmt.Errorf("append: write message: %w", storageFull(p.err))
	}
	if err != nil {
		return nil, err
	}
	req.BlobKey, nm.BlobKey = p.key, p.key
	if p.wait == nil {
		m, err := s.appendNew(ctx, nm, &req)
		return m, storageFull(err)
	}
	nm.BlobPending = true
	m, err := s.appendNew(ctx, nm, &req)
	werr := p.wait()
	switch {
	case err != nil:
		// nothing names the file, which GC collects; the key's mark
		// went with the transaction
		return nil, storageFull(err)
	case werr != nil:
		return nil, s.dropUnwritten(ctx, m, werr)
	}
	pending.BlobsDurable(p.key)
	return m, nil
}

// KeepsInline reports whether a message of size bytes is kept in the
// database instead of a file (AppendRequest.Content): when the blob
// backend reads the store's inline blobs (blob.Inline over SQLite, as
// cmd/postroom wires it) and the message is no larger than
// blob.InlineMax. With PostgreSQL, or a bare file backend, never.
func (s *Service) KeepsInline(size int64) bool {
	return blob.KeepsInline(s.Blobs, s.Store, size)
}

// storageFull marks an error of the message files or of the database that
// ran out of room with ErrStorageFull.
func storageFull(err error) error {
	if err != nil && (errors.Is(err, blob.ErrFull) || errors.Is(err, store.ErrFull)) {
		return fmt.Errorf("%w: %w", ErrStorageFull, err)
	}
	return err
}

// checkQuota returns store.ErrOverQuota when size more bytes would exceed
// the account's quota or its domain's.
func (s *Service) checkQuota(ctx context.Context, accountID, size int64) error {
	acct, err := s.Store.Account(ctx, accountID)
	if err != nil {
		return fmt.Errorf("quota of account %d: %w", accountID, err)
	}
	if acct.QuotaBytes > 0 && acct.Usage.Bytes+size > acct.QuotaBytes {
		return fmt.Errorf("account %s: %w", acct.Address(), store.ErrOverQuota)
	}
	dom, err := s.Store.DomainByID(ctx, acct.DomainID)
	if err != nil {
		return fmt.Errorf("quota of domain %d: %w", acct.DomainID, err)
	}
	if dom.QuotaBytes > 0 && dom.UsedBytes+size > dom.QuotaBytes {
		return fmt.Errorf("domain %s: %w", dom.Name, store.ErrOverQuota)
	}
	return nil
}
