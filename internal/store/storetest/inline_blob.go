package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"postroom/internal/store"
)

// Small messages kept in the database (NewMessage.Content,
// store.InlineBlobStore; issue 21). A store that keeps them keeps them
// exactly as long as their key has a reference, whichever path drops
// the last one; a store that does not refuses Content loudly.
var inlineBlobTests = []test{
	{"inlineBlob_keptWithItsMessage", testInlineKept},
	{"inlineBlob_sameContentKeptOnceUntilItsLastMessageIsExpunged", testInlineSharedUntilLastExpunge},
	{"inlineBlob_goneWithItsMailboxAndAccount", testInlineGoneWithMailbox},
	{"inlineBlob_keptWhileQueuedAndGoneWhenDequeued", testInlineGoneWithQueue},
	{"inlineBlob_refusedAppendKeepsNothing", testInlineRefused},
}

// inlineMsg is a message of about 10 KB with its content and key.
func (e *env) inlineMsg(accountID, mailboxID int64, body string) *store.NewMessage {
	nm := e.newMsg(accountID, mailboxID)
	content := []byte(fmt.Sprintf("Subject: %s\r\n\r\n%s\r\n", nm.Envelope.Subject, strings.Repeat(body+" ", 10000/(len(body)+1))))
	sum := sha256.Sum256(content)
	nm.BlobKey, nm.Size, nm.Content = hex.EncodeToString(sum[:]), int64(len(content)), content
	return nm
}

// inlineStore is the store as an InlineBlobStore; a store without inline
// blobs must refuse Content and store nothing, and the test ends there.
func (e *env) inlineStore(kim *store.Account, nm *store.NewMessage) store.InlineBlobStore {
	e.Helper()
	st, ok := e.s.(store.InlineBlobStore)
	if ok {
		return st
	}
	if _, err := e.s.AppendMessage(e.ctx, nm); !errors.Is(err, store.ErrInvalid) {
		e.Fatalf("a store without inline blobs took NewMessage.Content: %v", err)
	}
	if n, err := e.s.BlobRefCount(e.ctx, nm.BlobKey); err != nil || n != 0 {
		e.Fatalf("refused content: %d references, %v", n, err)
	}
	if a, err := e.s.Account(e.ctx, kim.ID); err != nil || a.Usage.Messages != 0 {
		e.Fatalf("refused content: usage %+v, %v", a, err)
	}
	e.SkipNow()
	return nil
}

// wantInline checks whether the store keeps key, with content when it does.
func (e *env) wantInline(st store.InlineBlobStore, key string, content []byte, kept bool, when string) {
	e.Helper()
	got, ok, err := st.OpenInline(e.ctx, key)
	e.ok(err, "OpenInline "+when)
	switch {
	case ok != kept:
		e.Fatalf("%s: kept %v, want %v", when, ok, kept)
	case kept && string(got) != string(content):
		e.Fatalf("%s: %d bytes read back, not the %d stored", when, len(got), len(content))
	}
}

func testInlineKept(e *env) {
	kim := e.account("kim@example.com")
	nm := e.inlineMsg(kim.ID, e.inbox(kim.ID).ID, "안녕하세요")
	st := e.inlineStore(kim, nm)
	m := e.add(nm)
	e.wantInline(st, m.BlobKey, nm.Content, true, "after AppendMessage")
	if n, err := e.s.BlobRefCount(e.ctx, m.BlobKey); err != nil || n != 1 {
		e.Fatalf("references %d, %v", n, err)
	}
	e.wantInline(st, newBlobKey(), nil, false, "of a key never stored")
	plain := e.add(e.newMsg(kim.ID, e.inbox(kim.ID).ID)) // no Content: a file's key
	e.wantInline(st, plain.BlobKey, nil, false, "of a message stored without content")
}

// One content delivered twice (two recipients, or two accounts) is kept
// once, referenced twice, and stays until its last message goes.
func testInlineSharedUntilLastExpunge(e *env) {
	kim, lee := e.account("kim@example.com"), e.account("lee@example.com")
	first := e.inlineMsg(kim.ID, e.inbox(kim.ID).ID, "shared")
	st := e.inlineStore(kim, first)
	second := e.newMsg(lee.ID, e.inbox(lee.ID).ID)
	second.BlobKey, second.Size, second.Content = first.BlobKey, first.Size, first.Content
	a, b := e.add(first), e.add(second)
	if n, err := e.s.BlobRefCount(e.ctx, a.BlobKey); err != nil || n != 2 {
		e.Fatalf("references %d, %v", n, err)
	}
	expunge := func(m *store.Message) {
		e.Helper()
		_, err := e.s.StoreFlags(e.ctx, m.AccountID, m.MailboxID, []uint32{m.UID}, store.FlagsAdd, []string{store.FlagDeleted})
		e.ok(err, "StoreFlags")
		gone, err := e.s.Expunge(e.ctx, m.AccountID, m.MailboxID, []uint32{m.UID})
		e.ok(err, "Expunge")
		if len(gone) != 1 {
			e.Fatalf("expunged %v", gone)
		}
	}
	expunge(a)
	e.wantInline(st, b.BlobKey, first.Content, true, "after the first of two messages was expunged")
	expunge(b)
	e.wantInline(st, b.BlobKey, nil, false, "after the last message was expunged")
}

// Deleting a mailbox, or an account, drops the references of all its
// messages at once (the store's other path).
func testInlineGoneWithMailbox(e *env) {
	kim := e.account("kim@example.com")
	box := e.mkdir(kim.ID, "보관함")
	nm := e.inlineMsg(kim.ID, box.ID, "folder")
	st := e.inlineStore(kim, nm)
	e.add(nm)
	other := e.inlineMsg(kim.ID, e.inbox(kim.ID).ID, "inbox")
	inInbox := e.add(other)
	e.ok(e.s.DeleteMailbox(e.ctx, kim.ID, box.ID), "DeleteMailbox")
	e.wantInline(st, nm.BlobKey, nil, false, "after its mailbox was deleted")
	e.wantInline(st, inInbox.BlobKey, other.Content, true, "of another mailbox's message")
	e.ok(e.s.DeleteAccount(e.ctx, kim.ID), "DeleteAccount")
	e.wantInline(st, inInbox.BlobKey, nil, false, "after its account was deleted")
}

// A queued message naming the key of a kept message holds it too: the
// bytes stay after the message is expunged, until the queue lets go.
func testInlineGoneWithQueue(e *env) {
	kim := e.account("kim@example.com")
	nm := e.inlineMsg(kim.ID, e.inbox(kim.ID).ID, "forwarded")
	st := e.inlineStore(kim, nm)
	m := e.add(nm)
	q := &store.QueuedMessage{AccountID: kim.ID, From: "kim@example.com", BlobKey: m.BlobKey, Size: m.Size, CreatedAt: baseTime,
		Recipients: []store.QueuedRecipient{{Address: "far@example.net"}}}
	e.ok(e.s.Enqueue(e.ctx, q), "Enqueue")
	_, err := e.s.StoreFlags(e.ctx, kim.ID, m.MailboxID, []uint32{m.UID}, store.FlagsAdd, []string{store.FlagDeleted})
	e.ok(err, "StoreFlags")
	_, err = e.s.Expunge(e.ctx, kim.ID, m.MailboxID, []uint32{m.UID})
	e.ok(err, "Expunge")
	e.wantInline(st, m.BlobKey, nm.Content, true, "while queued, its message expunged")
	e.ok(e.s.Dequeue(e.ctx, q.ID), "Dequeue")
	e.wantInline(st, m.BlobKey, nil, false, "after the queue let it go")
}

// A message the store refuses (over quota) leaves no bytes behind.
func testInlineRefused(e *env) {
	kim := e.account("kim@example.com")
	nm := e.inlineMsg(kim.ID, e.inbox(kim.ID).ID, "refused")
	st := e.inlineStore(kim, nm)
	kim.QuotaBytes = 1000
	e.ok(e.s.UpdateAccount(e.ctx, kim), "UpdateAccount")
	if _, err := e.s.AppendMessage(e.ctx, nm); !errors.Is(err, store.ErrOverQuota) {
		e.Fatalf("append over quota: %v", err)
	}
	e.wantInline(st, nm.BlobKey, nil, false, "after a refused append")
	if n, err := e.s.BlobRefCount(e.ctx, nm.BlobKey); err != nil || n != 0 {
		e.Fatalf("references %d, %v", n, err)
	}
}
