package admin

// A domain's security policy (M7–M12): its administrators (or the
// operator) read it and replace it whole; internal/auth enforces it at
// every web login and session use, and at every password set. An
// administrator cannot lock himself out with it: the access rules never
// apply to administrators, so allowed addresses that exclude his own are
// saved as they are.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/auth"
)

// Bounds of the policy's values.
const (
	maxAllowedIPs     = 1000
	maxAutoLogoutMins = 1440 // a day
	maxPolicyDays     = 3650 // ten years
)

// Security reads the policy of a domain the actor manages
// (auth.DefaultSecurity when none was saved).
func (s *Service) Security(ctx context.Context, p actor.Actor, domain string) (auth.Security, error) {
	d, err := s.domainFor(ctx, p, domain)
	if err != nil {
		return auth.Security{}, err
	}
	return auth.LoadSecurity(ctx, s.Store, d.ID)
}

// SetSecurity replaces the policy of a domain the actor manages, once
// every value is valid (an *InvalidError names the first that is not,
// and nothing is saved). It returns the policy as saved: networks
// written in their canonical form.
func (s *Service) SetSecurity(ctx context.Context, p actor.Actor, domain string, sec auth.Security) (auth.Security, error) {
	d, err := s.domainFor(ctx, p, domain)
	if err != nil {
		return auth.Security{}, err
	}
	if err := checkSecurity(&sec); err != nil {
		return auth.Security{}, err
	}
	doc, err := json.Marshal(sec)
	if err != nil {
		return auth.Security{}, fmt.Errorf("security policy of %s: %w", d.Name, err)
	}
	if err := s.Store.SaveDomainSecurity(ctx, d.ID, doc); err != nil {
		return auth.Security{}, fmt.Errorf("security policy of %s: %w", d.Name, err)
	}
	// the policy holds no secret: saved as it is, for the log to show
	s.audit(ctx, p, d.ID, "security.update", d.Name, json.RawMessage(doc))
	return sec, nil
}

// checkSecurity checks every value of sec and writes its networks in
// their canonical form.
func checkSecurity(sec *auth.Security) error {
	if len(sec.AllowedIPs) > maxAllowedIPs {
		return invalid("allowed_ips", "too_many_networks", fmt.Sprint(len(sec.AllowedIPs)))
	}
	nets := make([]string, 0, len(sec.AllowedIPs))
	for _, n := range sec.AllowedIPs {
		pfx, err := auth.ParseNetwork(n)
		if err != nil {
			return invalid("allowed_ips", "invalid_network", n)
		}
		if pfx.IsSingleIP() && !strings.Contains(n, "/") {
			nets = append(nets, pfx.Addr().String())
		} else {
			nets = append(nets, pfx.String())
		}
	}
	sec.AllowedIPs = nets
	w := &sec.TimeWindow
	for _, f := range []struct{ field, value string }{{"time_window.deny_from", w.DenyFrom}, {"time_window.deny_to", w.DenyTo}} {
		if f.value == "" && !w.Enabled {
			continue
		}
		if _, err := auth.ParseClock(f.value); err != nil {
			return invalid(f.field, "invalid_time", f.value)
		}
	}
	if sec.AutoLogoutMinutes < 0 || sec.AutoLogoutMinutes > maxAutoLogoutMins {
		return invalid("auto_logout_minutes", "invalid_minutes", fmt.Sprint(sec.AutoLogoutMinutes))
	}
	pp := sec.PasswordPolicy
	if _, ok := auth.PasswordLevels[pp.Level]; !ok && pp.Level != 0 {
		return invalid("password_policy.level", "invalid_level", fmt.Sprint(pp.Level))
	}
	if pp.ChangeDays < 0 || pp.ChangeDays > maxPolicyDays {
		return invalid("password_policy.change_days", "invalid_days", fmt.Sprint(pp.ChangeDays))
	}
	lw := &sec.LoginWatch
	lw.Class = strings.ToUpper(lw.Class)
	switch lw.Class {
	case "A", "B", "C":
	default:
		return invalid("login_watch.class", "invalid_class", lw.Class)
	}
	if lw.Days < 0 || lw.Days > maxPolicyDays || (lw.Enabled && lw.Days == 0) {
		return invalid("login_watch.days", "invalid_days", fmt.Sprint(lw.Days))
	}
	return nil
}

// checkNewPassword is the one password rule (auth.PasswordPolicy.Check,
// at the level of the domain's policy) for an account of domainID, as
// the admin service's refusal. Until the console chooses a level, an
// administrator's password needs MinPasswordLength characters.
func (s *Service) checkNewPassword(ctx context.Context, domainID int64, local, password string) error {
	sec, err := auth.LoadSecurity(ctx, s.Store, domainID)
	if err != nil {
		return err
	}
	pol := sec.PasswordPolicy.Policy()
	if sec.PasswordPolicy.Level == 0 {
		pol.MinLength = MinPasswordLength
	}
	err = pol.Check(local, password)
	if pe, ok := auth.IsPolicyError(err); ok {
		switch pe.Reason {
		case "required":
			return invalid("password", "password_required", "")
		case "invalid_characters":
			return invalid("password", "invalid_characters", "")
		}
		return invalid("password", "password_"+pe.Reason, "")
	}
	return err
}
