// Package storetest is the conformance suite every storage backend passes
// (store/sqlite now, store/postgres later). A backend's test calls Run with a
// function that opens an empty store.
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
	groups := [][]test{
		domainTests,
		operatorTests,
		accountTests,
		mailboxTests,
		appendTests,
		messageReadTests,
		flagTests,
		copyMoveTests,
		expungeTests,
		threadTests,
		subjectThreadTests,
		threadViewTests,
		quotaTests,
		blobTests,
		queueTests,
		tenancyTests,
		concurrencyTests,
		contextTests,
		loginTests,
		clientPolicyTests,
		pop3Tests,
		dkimTests,
		idTests,
		pageTests,
		searchTests,
		uploadTests,
		webSessionTests,
		eventLogTests,
		secretTests,
		limitTests,
		settingsTests,
		autoReplyTests,
		filterTests,
		jobTests,
		contactTests,
		departmentTests,
		tokenTests,
		auditTests,
		bayesTests,
		spamVerdictTests,
		loginLinkTests,
		listTests,
		mailboxCopyTests,
		externalAccountTests,
		receiptTests,
		imapIndexTests,
		imapMetaTests,
	}
	for _, g := range groups {
		for _, tc := range g {
			t.Run(tc.name, func(t *testing.T) {
				s := open(t)
				if s == nil {
					t.Fatal("open returned a nil store")
				}
				tc.fn(&env{T: t, s: s, ctx: t.Context()})
			})
		}
	}
}
