package web

import (
	"slices"
	"testing"

	"postroom/internal/store"
)

type spamAnswer struct {
	BlockedSenders []string `json:"blocked_senders"`
	BlockedPhrases []string `json:"blocked_phrases"`
	Error          fieldError
}

// The spam lists over HTTP (M2): the administrator reads empty lists,
// saves them (normalised as a user's own), a refused entry is 400 naming
// it in his language and saves nothing; a user is refused; another
// domain's administrator reads and writes only his own domain's lists.
func TestAdminSpam_overHTTP(t *testing.T) {
	f := newFixture(t)
	f.Account("boss", func(a *store.Account) { a.Admin = true; a.Language = "ko" })
	other := &store.Domain{Name: "other.test"}
	if err := f.Store.CreateDomain(f.Ctx, other); err != nil {
		t.Fatal(err)
	}
	f.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true; a.Language = "en" })
	boss, alice, eve := f.login(t, "boss@example.test"), f.login(t, "alice@example.test"), f.login(t, "eve@other.test")

	var got spamAnswer
	if code := boss.do("GET", "/api/v1/admin/spam", nil, &got); code != 200 || got.BlockedSenders == nil || got.BlockedPhrases == nil ||
		len(got.BlockedSenders)+len(got.BlockedPhrases) != 0 {
		t.Fatalf("GET before any: %d %+v", code, got)
	}
	body := map[string]any{"blocked_senders": []string{" @Pest.Example ", "Boss@Remote.test", "@pest.example"}, "blocked_phrases": []string{" 대출 상담 "}}
	if code := boss.do("PUT", "/api/v1/admin/spam", body, &got); code != 200 ||
		!slices.Equal(got.BlockedSenders, []string{"@pest.example", "boss@remote.test"}) || !slices.Equal(got.BlockedPhrases, []string{"대출 상담"}) {
		t.Fatalf("PUT: %d %+v", code, got)
	}
	d, err := f.Store.Domain(f.Ctx, "example.test")
	if err != nil || !slices.Equal(d.BlockedSenders, got.BlockedSenders) || !slices.Equal(d.BlockedPhrases, got.BlockedPhrases) {
		t.Fatalf("stored %+v %v", d, err)
	}
	entries, err := f.Store.AuditEntries(f.Ctx, d.ID, 0, 10)
	if err != nil || len(entries) == 0 || entries[0].Action != "spam.update" || entries[0].Actor == "" {
		t.Errorf("audit: %+v %v", entries, err)
	}

	for _, c := range []struct {
		body          map[string]any
		field, reason string
	}{
		{map[string]any{"blocked_senders": []string{"ok.example", "", "x"}}, "blocked_senders[1]", "entry_required"},
		{map[string]any{"blocked_senders": []string{"ok.example", "x@y.example", "nodot"}}, "blocked_senders[2]", "invalid_sender"},
		{map[string]any{"blocked_phrases": []string{"fine", string(make([]rune, 101))}}, "blocked_phrases[1]", "phrase_too_long"},
		{map[string]any{"blocked_phrases": []string{"   "}}, "blocked_phrases[0]", "entry_required"},
		{map[string]any{"blocked_senders": make([]string, 1001)}, "blocked_senders", "too_many_entries"},
	} {
		var e spamAnswer
		if code := boss.do("PUT", "/api/v1/admin/spam", c.body, &e); code != 400 || e.Error.Field != c.field || e.Error.Reason != c.reason ||
			e.Error.Message != spamMessages["ko"][c.reason] {
			t.Errorf("PUT %.60v: %d %+v", c.body, code, e.Error)
		}
	}
	if code := boss.do("PUT", "/api/v1/admin/spam", map[string]any{"nonsense": 1}, nil); code != 400 {
		t.Errorf("an unknown field: %d", code)
	}
	if code := boss.do("GET", "/api/v1/admin/spam", nil, &got); code != 200 || len(got.BlockedSenders) != 2 {
		t.Errorf("a refusal changed the lists: %+v", got)
	}

	if code := alice.do("GET", "/api/v1/admin/spam", nil, nil); code != 403 {
		t.Errorf("a user's GET: %d", code)
	}
	if code := alice.do("PUT", "/api/v1/admin/spam", map[string]any{}, nil); code != 403 {
		t.Errorf("a user's PUT: %d", code)
	}
	var theirs spamAnswer
	if code := eve.do("GET", "/api/v1/admin/spam", nil, &theirs); code != 200 || len(theirs.BlockedSenders) != 0 {
		t.Errorf("another domain's administrator reads: %d %+v", code, theirs)
	}
	if code := eve.do("PUT", "/api/v1/admin/spam", map[string]any{"blocked_senders": []string{"x.example"}}, &theirs); code != 200 {
		t.Fatalf("eve's PUT: %d", code)
	}
	if code := boss.do("GET", "/api/v1/admin/spam", nil, &got); code != 200 || !slices.Equal(got.BlockedSenders, []string{"@pest.example", "boss@remote.test"}) {
		t.Errorf("eve's PUT changed example.test's lists: %+v", got)
	}
	var e spamAnswer
	if code := eve.do("PUT", "/api/v1/admin/spam", map[string]any{"blocked_senders": []string{"nodot"}}, &e); code != 400 || e.Error.Message != spamMessages["en"]["invalid_sender"] {
		t.Errorf("eve's refusal not in English: %d %+v", code, e.Error)
	}
}
