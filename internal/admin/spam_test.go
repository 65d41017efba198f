package admin

import (
	"errors"
	"slices"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// The domain's spam lists: checked and normalised like a user's own,
// the first bad entry named, nothing saved then; audited; another
// domain's administrator finds no such domain, a user may not.
func TestDomainSpam_validatedSavedAudited(t *testing.T) {
	s, b, boss := securityService(t)
	l, err := s.DomainSpam(b.Ctx, boss, "example.test")
	if err != nil || l.BlockedSenders == nil || l.BlockedPhrases == nil || len(l.BlockedSenders)+len(l.BlockedPhrases) != 0 {
		t.Fatalf("before any: %+v %v", l, err)
	}
	saved, err := s.SetDomainSpam(b.Ctx, boss, "example.test", SpamLists{
		BlockedSenders: []string{"@Spam.Example", "x@Y.example", "@spam.example"}, BlockedPhrases: []string{" 광고 ", "FREE"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(saved.BlockedSenders, []string{"@spam.example", "x@y.example"}) || !slices.Equal(saved.BlockedPhrases, []string{"광고", "FREE"}) {
		t.Fatalf("saved %+v", saved)
	}
	for _, c := range []struct {
		l           SpamLists
		field, code string
	}{
		{SpamLists{BlockedSenders: []string{"a.example", "b.example", "no domain"}}, "blocked_senders[2]", "invalid_sender"},
		{SpamLists{BlockedSenders: []string{""}}, "blocked_senders[0]", "entry_required"},
		{SpamLists{BlockedPhrases: []string{"ok", " "}}, "blocked_phrases[1]", "entry_required"},
		{SpamLists{BlockedPhrases: make([]string, 201)}, "blocked_phrases", "too_many_entries"},
	} {
		_, err := s.SetDomainSpam(b.Ctx, boss, "example.test", c.l)
		if f, code := invalidOf(err); f != c.field || code != c.code {
			t.Errorf("%v: %v, want %s %s", c.l, err, c.field, c.code)
		}
	}
	if l, _ := s.DomainSpam(b.Ctx, boss, "example.test"); !slices.Equal(l.BlockedSenders, saved.BlockedSenders) {
		t.Errorf("a refusal changed the lists: %+v", l)
	}
	entries, err := b.Store.AuditEntries(b.Ctx, b.Domain.ID, 0, 10)
	if err != nil || len(entries) != 1 || entries[0].Action != "spam.update" || entries[0].Target != "example.test" {
		t.Errorf("audit: %+v %v", entries, err)
	}

	other := &store.Domain{Name: "other.test"}
	if err := b.Store.CreateDomain(b.Ctx, other); err != nil {
		t.Fatal(err)
	}
	eve := actor.User(b.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true }))
	if _, err := s.SetDomainSpam(b.Ctx, eve, "example.test", SpamLists{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("another domain's administrator: %v", err)
	}
	if _, err := s.DomainSpam(b.Ctx, eve, "example.test"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another domain's administrator reads: %v", err)
	}
	alice := actor.User(b.Account("alice", nil))
	if _, err := s.SetDomainSpam(b.Ctx, alice, "example.test", SpamLists{}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user: %v", err)
	}
}
