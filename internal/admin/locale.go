package admin

import (
	"context"
	"fmt"
	"slices"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"

	// Zone names are checked the same way on every host, with or without
	// /usr/share/zoneinfo (minimal containers lack it).
	_ "time/tzdata"
)

// Languages are the languages Postroom speaks (the webmail's catalogues,
// the API's messages, bounces): an account's or a domain's language is
// one of them.
var Languages = []string{"ko", "en"}

// Locale is a change of an account's language and time zone; nil fields
// stay as they are.
type Locale struct {
	Language *string // one of Languages
	TimeZone *string // an IANA zone name ("Asia/Seoul") or "UTC"
}

// SetLocale changes the language and time zone of the actor's own account
// (the user's settings; his administrator's console will call it for
// him). Both values are checked before either is written; only these two
// fields are written, so an administrator's change made meanwhile stays.
func (s *Service) SetLocale(ctx context.Context, p actor.Actor, l Locale) (*store.Account, error) {
	if (p.Role != actor.RoleUser && p.Role != actor.RoleDomainAdmin) || p.AccountID == 0 {
		return nil, ErrForbidden
	}
	if l.Language != nil && !slices.Contains(Languages, *l.Language) {
		return nil, invalid("language", "invalid_language", *l.Language)
	}
	if l.TimeZone != nil && !ValidTimeZone(*l.TimeZone) {
		return nil, invalid("time_zone", "invalid_time_zone", *l.TimeZone)
	}
	a, err := s.Store.Account(ctx, p.AccountID)
	if err != nil {
		return nil, fmt.Errorf("account %d: %w", p.AccountID, err)
	}
	if l.Language != nil {
		a.Language = *l.Language
	}
	if l.TimeZone != nil {
		a.TimeZone = *l.TimeZone
	}
	if err := s.Store.SetAccountLocale(ctx, a.ID, a.Language, a.TimeZone); err != nil {
		return nil, fmt.Errorf("settings of %s: %w", a.Address(), err)
	}
	return a, nil
}

// ValidTimeZone accepts IANA zone names and "UTC"; not "" or "Local",
// which time.LoadLocation also accepts but which mean the server's zone,
// not a place.
func ValidTimeZone(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}
