package storetest

// env carries one subtest's store and the helpers the tests share: fixtures
// (domains, accounts, messages) that fail the test on any error, and checks
// that compare what the store reports with what the test expects.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"postroom/internal/store"
)

type env struct {
	*testing.T
	s   store.Store
	ctx context.Context
}

var (
	blobSeq atomic.Uint64
	msgSeq  atomic.Uint64
)

// newBlobKey returns a fresh, well-formed blob key (64 hex chars).
func newBlobKey() string {
	sum := sha256.Sum256(fmt.Appendf(nil, "postroom storetest blob %d", blobSeq.Add(1)))
	return hex.EncodeToString(sum[:])
}

// baseTime is a whole second in UTC; message dates are built from it.
var baseTime = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// kst is a non-UTC zone used to check that times come back in UTC.
var kst = time.FixedZone("KST", 9*60*60)

// domain returns the domain called name, creating it if needed.
func (e *env) domain(name string) *store.Domain {
	e.Helper()
	d, err := e.s.Domain(e.ctx, name)
	if err == nil {
		return d
	}
	if !errors.Is(err, store.ErrNotFound) {
		e.Fatalf("Domain(%q): %v", name, err)
	}
	d = &store.Domain{Name: name, Language: "ko", TimeZone: "Asia/Seoul"}
	if err := e.s.CreateDomain(e.ctx, d); err != nil {
		e.Fatalf("CreateDomain(%q): %v", name, err)
	}
	if d.ID == 0 {
		e.Fatalf("CreateDomain(%q) left ID 0", name)
	}
	return d
}

// account creates the account with the given address (and its domain if
// needed) and returns it as the store reads it back.
func (e *env) account(address string) *store.Account {
	e.Helper()
	local, dom, ok := strings.Cut(address, "@")
	if !ok {
		e.Fatalf("bad test address %q", address)
	}
	d := e.domain(dom)
	a := &store.Account{
		DomainID:     d.ID,
		LocalPart:    local,
		DisplayName:  "User " + local,
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
		Enabled:      true,
		ClientAccess: true,
		Language:     "ko",
		TimeZone:     "Asia/Seoul",
	}
	if err := e.s.CreateAccount(e.ctx, a); err != nil {
		e.Fatalf("CreateAccount(%q): %v", address, err)
	}
	if a.ID == 0 {
		e.Fatalf("CreateAccount(%q) left ID 0", address)
	}
	got, err := e.s.Account(e.ctx, a.ID)
	if err != nil {
		e.Fatalf("Account(%d) after create: %v", a.ID, err)
	}
	return got
}

// byRole returns the account's special mailbox of role.
func (e *env) byRole(accountID int64, role store.Role) *store.Mailbox {
	e.Helper()
	m, err := e.s.MailboxByRole(e.ctx, accountID, role)
	if err != nil {
		e.Fatalf("MailboxByRole(%d, %q): %v", accountID, role, err)
	}
	return m
}

func (e *env) inbox(accountID int64) *store.Mailbox {
	e.Helper()
	return e.byRole(accountID, store.RoleInbox)
}

// mkdir creates a user mailbox.
func (e *env) mkdir(accountID int64, name string) *store.Mailbox {
	e.Helper()
	m, err := e.s.CreateMailbox(e.ctx, accountID, name)
	if err != nil {
		e.Fatalf("CreateMailbox(%d, %q): %v", accountID, name, err)
	}
	if m == nil || m.ID == 0 {
		e.Fatalf("CreateMailbox(%d, %q) returned %+v", accountID, name, m)
	}
	return m
}

// mbox reads a mailbox again (fresh UIDNEXT, HIGHESTMODSEQ).
func (e *env) mbox(accountID, mailboxID int64) *store.Mailbox {
	e.Helper()
	m, err := e.s.Mailbox(e.ctx, accountID, mailboxID)
	if err != nil {
		e.Fatalf("Mailbox(%d, %d): %v", accountID, mailboxID, err)
	}
	return m
}

func (e *env) mboxByName(accountID int64, name string) *store.Mailbox {
	e.Helper()
	m, err := e.s.MailboxByName(e.ctx, accountID, name)
	if err != nil {
		e.Fatalf("MailboxByName(%d, %q): %v", accountID, name, err)
	}
	return m
}

func (e *env) mailboxes(accountID int64) []store.Mailbox {
	e.Helper()
	ms, err := e.s.Mailboxes(e.ctx, accountID)
	if err != nil {
		e.Fatalf("Mailboxes(%d): %v", accountID, err)
	}
	return ms
}

// newMsg returns a message to append with a fresh blob key, size 1000, a
// distinct date, subject and Message-ID, and no flags.
func (e *env) newMsg(accountID, mailboxID int64) *store.NewMessage {
	n := msgSeq.Add(1)
	return &store.NewMessage{
		AccountID:    accountID,
		MailboxID:    mailboxID,
		BlobKey:      newBlobKey(),
		Size:         1000,
		InternalDate: baseTime.Add(time.Duration(n) * time.Minute),
		Envelope: store.Envelope{
			Date:      baseTime.Add(time.Duration(n) * time.Minute),
			Subject:   fmt.Sprintf("message %d", n),
			From:      []store.Address{{Name: "Sender", Addr: "sender@example.net"}},
			MessageID: fmt.Sprintf("<%d.storetest@example.net>", n),
		},
		Preview: fmt.Sprintf("body of message %d", n),
	}
}

// add appends nm and fails the test on error.
func (e *env) add(nm *store.NewMessage) *store.Message {
	e.Helper()
	m, err := e.s.AppendMessage(e.ctx, nm)
	if err != nil {
		e.Fatalf("AppendMessage(account %d, mailbox %d, size %d): %v", nm.AccountID, nm.MailboxID, nm.Size, err)
	}
	if m == nil || m.ID == 0 || m.UID == 0 {
		e.Fatalf("AppendMessage returned %+v", m)
	}
	return m
}

// put appends a default message.
func (e *env) put(accountID, mailboxID int64) *store.Message {
	e.Helper()
	return e.add(e.newMsg(accountID, mailboxID))
}

// putN appends n default messages.
func (e *env) putN(accountID, mailboxID int64, n int) []*store.Message {
	e.Helper()
	out := make([]*store.Message, n)
	for i := range out {
		out[i] = e.put(accountID, mailboxID)
	}
	return out
}

// msgs walks a mailbox.
func (e *env) msgs(accountID, mailboxID int64) []store.Message {
	e.Helper()
	var out []store.Message
	err := e.s.Messages(e.ctx, accountID, mailboxID, func(m *store.Message) error {
		out = append(out, *m)
		return nil
	})
	if err != nil {
		e.Fatalf("Messages(%d, %d): %v", accountID, mailboxID, err)
	}
	return out
}

// uids walks a mailbox and returns its UIDs in walk order.
func (e *env) uids(accountID, mailboxID int64) []uint32 {
	e.Helper()
	var out []uint32
	for _, m := range e.msgs(accountID, mailboxID) {
		out = append(out, m.UID)
	}
	return out
}

func (e *env) byUID(accountID, mailboxID int64, uid uint32) *store.Message {
	e.Helper()
	m, err := e.s.MessageByUID(e.ctx, accountID, mailboxID, uid)
	if err != nil {
		e.Fatalf("MessageByUID(%d, %d, %d): %v", accountID, mailboxID, uid, err)
	}
	return m
}

func (e *env) status(accountID, mailboxID int64) store.MailboxStatus {
	e.Helper()
	st, err := e.s.MailboxStatus(e.ctx, accountID, mailboxID)
	if err != nil {
		e.Fatalf("MailboxStatus(%d, %d): %v", accountID, mailboxID, err)
	}
	return st
}

func (e *env) usage(accountID int64) store.Usage {
	e.Helper()
	u, err := e.s.Usage(e.ctx, accountID)
	if err != nil {
		e.Fatalf("Usage(%d): %v", accountID, err)
	}
	return u
}

func (e *env) wantUsage(accountID int64, bytes, messages int64) {
	e.Helper()
	if u := e.usage(accountID); u != (store.Usage{Bytes: bytes, Messages: messages}) {
		e.Errorf("Usage(%d) = %+v, want {Bytes:%d Messages:%d}", accountID, u, bytes, messages)
	}
}

// wantRefs checks BlobRefCount and BlobReferenced agree with n.
func (e *env) wantRefs(key string, n int64) {
	e.Helper()
	got, err := e.s.BlobRefCount(e.ctx, key)
	if err != nil {
		e.Fatalf("BlobRefCount(%s): %v", key[:12], err)
	}
	if got != n {
		e.Errorf("BlobRefCount(%s…) = %d, want %d", key[:12], got, n)
	}
	ref, err := e.s.BlobReferenced(e.ctx, key)
	if err != nil {
		e.Fatalf("BlobReferenced(%s): %v", key[:12], err)
	}
	if ref != (n > 0) {
		e.Errorf("BlobReferenced(%s…) = %v, want %v", key[:12], ref, n > 0)
	}
}

// consistent checks that CheckConsistency finds nothing.
func (e *env) consistent() {
	e.Helper()
	problems, err := e.s.CheckConsistency(e.ctx)
	if err != nil {
		e.Fatalf("CheckConsistency: %v", err)
	}
	for _, p := range problems {
		e.Errorf("CheckConsistency: %s", p)
	}
}

// wantErr checks that err matches target.
func (e *env) wantErr(err, target error, what string) {
	e.Helper()
	if !errors.Is(err, target) {
		e.Errorf("%s: error %v, want %v", what, err, target)
	}
}

// notFoundOrNil accepts ErrNotFound or success (the caller then checks that
// nothing happened).
func (e *env) notFoundOrNil(err error, what string) {
	e.Helper()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		e.Errorf("%s: error %v, want %v or nil", what, err, store.ErrNotFound)
	}
}

// ok fails the test on a non-nil error.
func (e *env) ok(err error, what string) {
	e.Helper()
	if err != nil {
		e.Fatalf("%s: %v", what, err)
	}
}
