package admin

import (
	"errors"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// A user sets his own language and time zone; a refused value changes
// nothing (neither field), and nobody but the account itself sets them
// here.
func TestSetLocale_ownAccountCheckedBeforeWritten(t *testing.T) {
	s, b := newService(t)
	alice := b.Account("alice", func(a *store.Account) { a.Language, a.TimeZone = "ko", "Asia/Seoul" })
	p := actor.User(alice)
	str := func(v string) *string { return &v }

	a, err := s.SetLocale(b.Ctx, p, Locale{Language: str("en")})
	if err != nil || a.Language != "en" || a.TimeZone != "Asia/Seoul" {
		t.Fatalf("language only: %+v, %v", a, err)
	}
	if a, err = s.SetLocale(b.Ctx, p, Locale{TimeZone: str("America/St_Johns")}); err != nil || a.Language != "en" || a.TimeZone != "America/St_Johns" {
		t.Fatalf("zone only: %+v, %v", a, err)
	}
	for _, c := range []struct {
		l           Locale
		field, code string
	}{
		{Locale{Language: str("fr"), TimeZone: str("UTC")}, "language", "invalid_language"},
		{Locale{Language: str("ko"), TimeZone: str("Mars/Olympus")}, "time_zone", "invalid_time_zone"},
		{Locale{Language: str("ko"), TimeZone: str("")}, "time_zone", "invalid_time_zone"},
		{Locale{Language: str("ko"), TimeZone: str("Local")}, "time_zone", "invalid_time_zone"},
	} {
		_, err := s.SetLocale(b.Ctx, p, c.l)
		wantInvalid(t, err, c.field, c.code)
	}
	if a, _ := b.Store.Account(b.Ctx, alice.ID); a.Language != "en" || a.TimeZone != "America/St_Johns" {
		t.Fatalf("a refused change wrote %s %s", a.Language, a.TimeZone)
	}
	if a, err := s.SetLocale(b.Ctx, p, Locale{TimeZone: str("UTC")}); err != nil || a.TimeZone != "UTC" {
		t.Fatalf("UTC: %+v, %v", a, err)
	}
	for _, other := range []actor.Actor{actor.CommandLine, actor.System(alice.ID, "test")} {
		if _, err := s.SetLocale(b.Ctx, other, Locale{Language: str("ko")}); !errors.Is(err, ErrForbidden) {
			t.Errorf("SetLocale as %+v: %v, want ErrForbidden", other, err)
		}
	}
}
