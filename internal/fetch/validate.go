package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// InvalidError is settings the service refuses: Field is the API's name
// of the value at fault ("host", "security"; "" for the whole, too many
// accounts) and Reason a stable word ("required", "unknown", "too_long",
// "invalid", "not_found", "plain_needs_consent", "too_many").
type InvalidError struct {
	Field  string
	Reason string
}

func (e *InvalidError) Error() string { return fmt.Sprintf("fetch: %s: %s", e.Field, e.Reason) }

func invalid(field, reason string) error { return &InvalidError{Field: field, Reason: reason} }

// IsInvalid reports whether err is an InvalidError and returns it.
func IsInvalid(err error) (*InvalidError, bool) {
	var ie *InvalidError
	ok := errors.As(err, &ie)
	return ie, ok
}

// isLoopback: a host on this machine, the only one a password may go to
// unencrypted without the user's explicit consent.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// defaultPort is the standard port of a protocol in a security mode
// (RFC 8314 §3.3 for the implicit-TLS ones).
func defaultPort(protocol, security string) int {
	switch {
	case protocol == POP3 && security == TLS:
		return 995
	case protocol == POP3:
		return 110
	case security == TLS:
		return 993
	}
	return 143
}

// validHost: a DNS name or an IP address, nothing else (no scheme, port
// or spaces).
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if len(h) > 253 || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") || strings.Contains(h, "..") {
		return false
	}
	for _, r := range h {
		if !(r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// validate checks and normalises every field of in and refuses the
// first bad one. create: a password is required.
func (s *Service) validate(ctx context.Context, a actor.Actor, in *Settings, create bool) error {
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		return invalid("name", "required")
	case utf8.RuneCountInString(in.Name) > MaxName:
		return invalid("name", "too_long")
	case !printable(in.Name):
		return invalid("name", "invalid")
	}
	in.Protocol = strings.ToLower(strings.TrimSpace(in.Protocol))
	if in.Protocol != POP3 && in.Protocol != IMAP {
		return invalid("protocol", "unknown")
	}
	in.Host = strings.ToLower(strings.TrimSpace(in.Host))
	switch {
	case in.Host == "":
		return invalid("host", "required")
	case !validHost(in.Host):
		return invalid("host", "invalid")
	}
	in.Security = strings.ToLower(strings.TrimSpace(in.Security))
	if in.Security == "" {
		in.Security = TLS
	}
	switch in.Security {
	case TLS, STARTTLS:
		in.PlainOK = false
	case None:
		// The password would cross the network readable: only to this
		// machine, or with the user's explicit consent.
		if !isLoopback(in.Host) && !in.PlainOK {
			return invalid("security", "plain_needs_consent")
		}
	default:
		return invalid("security", "unknown")
	}
	if in.Port == 0 {
		in.Port = defaultPort(in.Protocol, in.Security)
	}
	if in.Port < 1 || in.Port > 65535 {
		return invalid("port", "invalid")
	}
	in.User = strings.TrimSpace(in.User)
	switch {
	case in.User == "":
		return invalid("user", "required")
	case len(in.User) > 320:
		return invalid("user", "too_long")
	case strings.ContainsAny(in.User, "\r\n") || !printable(in.User):
		return invalid("user", "invalid")
	}
	switch {
	case in.Password == "" && create:
		return invalid("password", "required")
	case len(in.Password) > 500:
		return invalid("password", "too_long")
	case strings.ContainsAny(in.Password, "\r\n\x00"):
		return invalid("password", "invalid")
	}
	if !slices.Contains(Everys, in.Every) {
		return invalid("every", "unknown")
	}
	if in.Protocol == IMAP {
		in.Leave = true // IMAP reads without changing anything there
	} else {
		in.AllFolders = false
	}
	in.Folder = strings.TrimSpace(in.Folder)
	if in.Folder == "" || strings.EqualFold(in.Folder, "INBOX") {
		in.Folder = "INBOX"
		return nil
	}
	if _, err := s.Mail.MailboxByName(ctx, a, in.Folder); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return invalid("folder", "not_found")
		}
		return fmt.Errorf("external account: folder %q: %w", in.Folder, err)
	}
	return nil
}
