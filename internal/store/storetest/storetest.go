// Package storetest is the conformance suite every storage backend passes
// (store/sqlite and store/postgres). A backend's test calls Run with a
// function that opens an empty store; a backend being written calls
// RunGroups with the groups it implements so far.
//
// The suite asserts the contract written in package store: the doc comments of
// the interfaces and the invariants at the top of store.go. Each subtest gets
// its own empty store, so a failure names one behaviour. Nothing here depends
// on a backend's schema; the suite only calls the store.Store interface.
//
// Blob keys are plain strings to the store (it never reads blob files), so the
// tests make them up as SHA-256 hex of a counter.
package storetest

import (
	"testing"

	"postroom/internal/store"
)

// test is one behaviour of the contract.
type test struct {
	name string
	fn   func(e *env)
}

// Run runs every conformance test against fresh stores made by open (each
// subtest calls open for an empty store; open registers its own cleanup with
// t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, g := range groups {
		runGroup(t, open, g.tests)
	}
}

// RunGroups runs only the named groups (names as in groups: "domain",
// "account", "mailbox", "append", ...), in the suite's order. It is how a
// backend in progress runs what it implements so far; a finished backend
// calls Run. An unknown name fails the test, so that a renamed group is
// not silently skipped.
func RunGroups(t *testing.T, open func(t *testing.T) store.Store, names ...string) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, g := range groups {
		if want[g.name] {
			runGroup(t, open, g.tests)
			delete(want, g.name)
		}
	}
	for n := range want {
		t.Errorf("RunGroups: no group %q", n)
	}
}

// groups are the suite's tests by group, in the order Run runs them.
var groups = []struct {
	name  string
	tests []test
}{
	{"domain", domainTests},
	{"operator", operatorTests},
	{"account", accountTests},
	{"mailbox", mailboxTests},
	{"append", appendTests},
	{"messageRead", messageReadTests},
	{"flag", flagTests},
	{"flagBatch", flagBatchTests},
	{"copyMove", copyMoveTests},
	{"expunge", expungeTests},
	{"thread", threadTests},
	{"subjectThread", subjectThreadTests},
	{"threadView", threadViewTests},
	{"quota", quotaTests},
	{"blob", blobTests},
	{"queue", queueTests},
	{"tenancy", tenancyTests},
	{"concurrency", concurrencyTests},
	{"context", contextTests},
	{"login", loginTests},
	{"loginEpoch", loginEpochTests},
	{"clientPolicy", clientPolicyTests},
	{"pop3", pop3Tests},
	{"dkim", dkimTests},
	{"id", idTests},
	{"page", pageTests},
	{"search", searchTests},
	{"upload", uploadTests},
	{"webSession", webSessionTests},
	{"eventLog", eventLogTests},
	{"secret", secretTests},
	{"limit", limitTests},
	{"settings", settingsTests},
	{"autoReply", autoReplyTests},
	{"filter", filterTests},
	{"job", jobTests},
	{"contact", contactTests},
	{"department", departmentTests},
	{"token", tokenTests},
	{"audit", auditTests},
	{"bayes", bayesTests},
	{"spamVerdict", spamVerdictTests},
	{"loginLink", loginLinkTests},
	{"list", listTests},
	{"mailboxCopy", mailboxCopyTests},
	{"externalAccount", externalAccountTests},
	{"receipt", receiptTests},
	{"imapIndex", imapIndexTests},
	{"envelopeMatch", envelopeMatchTests},
	{"bodyMatch", bodyMatchTests},
	{"imapMeta", imapMetaTests},
	{"inlineBlob", inlineBlobTests},
	{"certCache", certCacheTests},
}

func runGroup(t *testing.T, open func(t *testing.T) store.Store, tests []test) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			if s == nil {
				t.Fatal("open returned a nil store")
			}
			tc.fn(&env{T: t, s: s, ctx: t.Context()})
		})
	}
}
