package settings

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"postroom/internal/compose"
	"postroom/internal/safehtml"
)

// Limits of what a user may set. Lists and texts are bounded so that a
// settings document stays small enough to read on every delivery.
const (
	MinPerPage          = 10
	MaxPerPage          = 200 // the message list's own cap
	MaxSendDelaySeconds = 600 // or the config's undo_send when longer
	MinKeepDays         = 1
	MaxKeepDays         = 365
	MaxForwards         = 10
	MaxBlockedSenders   = 1000
	MaxBlockedPhrases   = 200
	MaxPhrase           = 100      // characters
	MaxName             = 100      // characters
	MaxSubject          = 200      // characters
	MaxHTML             = 64 << 10 // bytes of a signature or an out-of-office text
	maxFirstFolder      = 64
)

// Languages are the languages the webmail speaks.
var Languages = []string{"ko", "en"}

// InvalidError is a value the service refuses: Field is its path in the
// JSON shape ("vacation.end", "forwarding.addresses[1]"), Reason a stable
// word for why ("required", "invalid_address", "own_address", "range",
// "too_long", "too_many", "before_start", "unknown_field", "type").
type InvalidError struct {
	Field  string
	Reason string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("settings: %s: %s", e.Field, e.Reason)
}

func invalid(field, reason string) error { return &InvalidError{Field: field, Reason: reason} }

// IsInvalid reports whether err is an InvalidError and returns it.
func IsInvalid(err error) (*InvalidError, bool) {
	var ie *InvalidError
	ok := errors.As(err, &ie)
	return ie, ok
}

// validate checks every field of s, cleaning what has a canonical form
// (addresses lower-cased, HTML sanitised), and refuses the first bad one.
// own lists the account's own addresses (lower-case).
func validate(s *Settings, own []string, maxDelay int) error {
	if s.Mail.SendDelaySeconds < 0 || s.Mail.SendDelaySeconds > maxDelay {
		return invalid("mail.send_delay_seconds", "range")
	}
	checks := []func(*Settings, []string) error{validateMail, validateForwarding, validateVacation,
		validateSignature, validateSpam, validateAccount}
	for _, c := range checks {
		if err := c(s, own); err != nil {
			return err
		}
	}
	return nil
}

func validateMail(s *Settings, _ []string) error {
	m := &s.Mail
	if m.FirstFolder == "" || len(m.FirstFolder) > maxFirstFolder || !printable(m.FirstFolder) {
		return invalid("mail.first_folder", "invalid")
	}
	if m.Layout != "split" && m.Layout != "list" {
		return invalid("mail.layout", "invalid")
	}
	if m.PerPage < MinPerPage || m.PerPage > MaxPerPage {
		return invalid("mail.per_page", "range")
	}
	if m.MDN != MDNAsk && m.MDN != MDNAlways && m.MDN != MDNNever {
		return invalid("mail.mdn", "invalid")
	}
	return nil
}

func validateForwarding(s *Settings, own []string) error {
	f := &s.Forwarding
	if len(f.Addresses) > MaxForwards {
		return invalid("forwarding.addresses", "too_many")
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(f.Addresses))
	for i, a := range f.Addresses {
		field := fmt.Sprintf("forwarding.addresses[%d]", i)
		addr, err := address(field, a)
		if err != nil {
			return err
		}
		if slices.Contains(own, addr) {
			return invalid(field, "own_address")
		}
		if !seen[addr] {
			seen[addr] = true
			out = append(out, addr)
		}
	}
	f.Addresses = out
	return nil
}

func validateVacation(s *Settings, _ []string) error {
	v := &s.Vacation
	var start, end time.Time
	var err error
	if v.Start != "" {
		if start, err = time.Parse(time.DateOnly, v.Start); err != nil {
			return invalid("vacation.start", "invalid_date")
		}
	}
	if v.End != "" {
		if end, err = time.Parse(time.DateOnly, v.End); err != nil {
			return invalid("vacation.end", "invalid_date")
		}
	}
	if v.Enabled && v.Start == "" {
		return invalid("vacation.start", "required")
	}
	if v.Enabled && v.End == "" {
		return invalid("vacation.end", "required")
	}
	if v.Start != "" && v.End != "" && end.Before(start) {
		return invalid("vacation.end", "before_start")
	}
	if utf8.RuneCountInString(v.Subject) > MaxSubject || !printable(v.Subject) {
		return invalid("vacation.subject", "too_long")
	}
	if v.HTML, err = cleanHTML("vacation.html", v.HTML); err != nil {
		return err
	}
	return nil
}

func validateSignature(s *Settings, _ []string) error {
	var err error
	s.Signature.HTML, err = cleanHTML("signature.html", s.Signature.HTML)
	return err
}

func validateSpam(s *Settings, _ []string) error {
	p := &s.Spam
	if p.Method != "personal" && p.Method != "system" && p.Method != "both" {
		return invalid("spam.method", "invalid")
	}
	if p.Action != "move" && p.Action != "delete" {
		return invalid("spam.action", "invalid")
	}
	if p.KeepDays < MinKeepDays || p.KeepDays > MaxKeepDays {
		return invalid("spam.keep_days", "range")
	}
	return CleanSpamLists("spam.", p.BlockedSenders, p.BlockedPhrases)
}

// CleanSpamLists checks blocked senders and phrases, the account's (S5)
// or the domain's (M2) alike, and writes each in its canonical form in
// place (senders lower-case, phrases trimmed). The first bad entry is an
// *InvalidError whose Field is prefix + "blocked_senders[i]" (or
// "blocked_phrases[i]"; the list itself when it is too long).
func CleanSpamLists(prefix string, senders, phrases []string) error {
	if len(senders) > MaxBlockedSenders {
		return invalid(prefix+"blocked_senders", "too_many")
	}
	for i, b := range senders {
		field := fmt.Sprintf("%sblocked_senders[%d]", prefix, i)
		v, err := blockedSender(field, b)
		if err != nil {
			return err
		}
		senders[i] = v
	}
	if len(phrases) > MaxBlockedPhrases {
		return invalid(prefix+"blocked_phrases", "too_many")
	}
	for i, ph := range phrases {
		field := fmt.Sprintf("%sblocked_phrases[%d]", prefix, i)
		ph = strings.TrimSpace(ph)
		if ph == "" {
			return invalid(field, "required")
		}
		if utf8.RuneCountInString(ph) > MaxPhrase || !printable(ph) {
			return invalid(field, "too_long")
		}
		phrases[i] = ph
	}
	return nil
}

func validateAccount(s *Settings, own []string) error {
	s.Name = strings.TrimSpace(s.Name)
	if utf8.RuneCountInString(s.Name) > MaxName || !printable(s.Name) {
		return invalid("name", "invalid")
	}
	if !slices.Contains(Languages, s.Language) {
		return invalid("language", "invalid")
	}
	if !validTimeZone(s.TimeZone) {
		return invalid("time_zone", "invalid")
	}
	if s.RecoveryEmail != "" {
		addr, err := address("recovery_email", s.RecoveryEmail)
		if err != nil {
			return err
		}
		if slices.Contains(own, addr) {
			return invalid("recovery_email", "own_address") // a locked-out mailbox cannot receive its own reset link
		}
		s.RecoveryEmail = addr
	}
	return nil
}

// address checks one bare address (no display name) and returns it with
// its domain lower-cased.
func address(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", invalid(field, "required")
	}
	a, err := compose.ParseAddress(field, v)
	if err != nil || a.Name != "" || !strings.EqualFold(a.Addr, v) {
		return "", invalid(field, "invalid_address")
	}
	// one form to compare with the user's own addresses; every server we
	// forward to treats local parts without case
	return strings.ToLower(a.Addr), nil
}

// blockedSender is an address or a whole domain ("@example.com" or
// "example.com"), stored lower-case as typed.
func blockedSender(field, v string) (string, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	switch {
	case v == "":
		return "", invalid(field, "required")
	case strings.Contains(strings.TrimPrefix(v, "@"), "@"):
		return address(field, v)
	}
	d := strings.TrimPrefix(v, "@")
	if len(d) > 253 || !strings.Contains(d, ".") || strings.ContainsAny(d, " \t\r\n,;<>()[]\"\\") ||
		strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") || strings.Contains(d, "..") {
		return "", invalid(field, "invalid_address")
	}
	return v, nil
}

// cleanHTML size-caps and sanitises rich text the user writes for others
// to read (signature, out-of-office): what compose and the reply insert
// is already safe.
func cleanHTML(field, h string) (string, error) {
	if len(h) > MaxHTML {
		return "", invalid(field, "too_long")
	}
	if strings.TrimSpace(h) == "" {
		return "", nil
	}
	return safehtml.Sanitize(h, safehtml.Options{AllowRemote: true}).HTML, nil
}

// printable refuses control characters (line breaks in a name would be
// header injection in From).
func printable(s string) bool {
	return !strings.ContainsFunc(s, unicode.IsControl)
}

// validTimeZone accepts IANA zone names and "UTC"; not "" or "Local",
// which mean the server's zone, not a place.
func validTimeZone(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}
