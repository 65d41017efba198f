package admin

// A domain's settings (issue 16): its defaults (language, time zone),
// which its own administrator may change, and the operator's terms
// (quota, hold, account limit), which only the operator may.

import (
	"context"
	"fmt"
	"slices"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// DomainChange is a change of a domain's settings; nil fields stay as
// they are.
type DomainChange struct {
	Language   *string // default of new accounts: one of Languages
	TimeZone   *string // default of new accounts: an IANA zone or "UTC"
	QuotaBytes *int64  // whole-domain quota, 0 = unlimited (operator only)
	Suspended  *bool   // the operator's hold (operator only)
	MaxUsers   *int    // the account limit, 0 = none (operator only)
	// MessagesPerHour: what each user may send per hour, 0 = the
	// server's default, -1 = no limit (operator only; internal/send)
	MessagesPerHour *int
	// TrackingImage: read receipts' tracking image for external
	// recipients (internal/receipts/image.go), the domain's own choice
	TrackingImage *bool
}

// operatorTerms reports whether c touches what only the operator sets.
func (c DomainChange) operatorTerms() bool {
	return c.QuotaBytes != nil || c.Suspended != nil || c.MaxUsers != nil || c.MessagesPerHour != nil
}

// UpdateDomain changes the domain named name: its defaults by the
// operator or its own administrator, its quota, hold and account limit
// by the operator only (ErrForbidden for an administrator). Every value
// is checked before anything is written. Putting the domain on hold ends
// the live logins of all its accounts (each is announced as changed, so
// web sessions and mail clients check again and find the hold).
func (s *Service) UpdateDomain(ctx context.Context, a actor.Actor, name string, c DomainChange) (*store.Domain, error) {
	d, err := s.domainFor(ctx, a, name)
	if err != nil {
		return nil, err
	}
	if c.operatorTerms() && !a.IsOperator() {
		return nil, ErrForbidden
	}
	if c.Language != nil && !slices.Contains(Languages, *c.Language) {
		return nil, invalid("language", "invalid_language", *c.Language)
	}
	if c.TimeZone != nil && !ValidTimeZone(*c.TimeZone) {
		return nil, invalid("time_zone", "invalid_time_zone", *c.TimeZone)
	}
	if c.QuotaBytes != nil && *c.QuotaBytes < 0 {
		return nil, invalid("quota", "invalid_quota", fmt.Sprint(*c.QuotaBytes))
	}
	if c.MaxUsers != nil && *c.MaxUsers < 0 {
		return nil, invalid("max_users", "invalid_max_users", fmt.Sprint(*c.MaxUsers))
	}
	if c.MessagesPerHour != nil && *c.MessagesPerHour < -1 {
		return nil, invalid("messages_per_hour", "invalid_messages_per_hour", fmt.Sprint(*c.MessagesPerHour))
	}
	detail := map[string]any{}
	if c.Language != nil && *c.Language != d.Language {
		d.Language, detail["language"] = *c.Language, *c.Language
	}
	if c.TimeZone != nil && *c.TimeZone != d.TimeZone {
		d.TimeZone, detail["time_zone"] = *c.TimeZone, *c.TimeZone
	}
	if c.QuotaBytes != nil && *c.QuotaBytes != d.QuotaBytes {
		d.QuotaBytes, detail["quota"] = *c.QuotaBytes, *c.QuotaBytes
	}
	if c.MaxUsers != nil && *c.MaxUsers != d.MaxUsers {
		d.MaxUsers, detail["max_users"] = *c.MaxUsers, *c.MaxUsers
	}
	if c.MessagesPerHour != nil && *c.MessagesPerHour != d.MessagesPerHour {
		d.MessagesPerHour, detail["messages_per_hour"] = *c.MessagesPerHour, *c.MessagesPerHour
	}
	if c.TrackingImage != nil && *c.TrackingImage != d.TrackingImage {
		d.TrackingImage, detail["tracking_image"] = *c.TrackingImage, *c.TrackingImage
	}
	holdChanged := c.Suspended != nil && *c.Suspended != d.Suspended
	if holdChanged {
		d.Suspended, detail["suspended"] = *c.Suspended, *c.Suspended
	}
	if len(detail) == 0 {
		return d, nil
	}
	if err := s.Store.UpdateDomain(ctx, d); err != nil {
		return nil, fmt.Errorf("update domain %s: %w", d.Name, err)
	}
	if holdChanged {
		if err := s.announceDomain(ctx, d); err != nil {
			return nil, err
		}
	}
	action := "domain.update"
	if holdChanged && d.Suspended {
		action = "domain.suspend"
	} else if holdChanged {
		action = "domain.resume"
	}
	s.audit(ctx, a, d.ID, action, d.Name, detail)
	return d, nil
}

// announceDomain announces every account of d as changed: whoever holds
// a login for one checks it again.
func (s *Service) announceDomain(ctx context.Context, d *store.Domain) error {
	accts, err := s.Store.Accounts(ctx, d.ID)
	if err != nil {
		return fmt.Errorf("the accounts of %s: %w", d.Name, err)
	}
	for _, acct := range accts {
		s.accountChanged(acct.ID)
	}
	return nil
}
