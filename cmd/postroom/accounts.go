package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/store"
)

// operatorFile keeps the generated operator password for the operator to
// read once; it is readable by the server's user only.
const operatorFile = "operator-password.txt"

// OperatorName is the system operator's login.
const OperatorName = admin.OperatorName

// ensureOperator creates the system operator with a random password if
// none exists, keeps the password in DIR/operator-password.txt for the
// operator to read, and returns it ("" when an operator existed).
func ensureOperator(ctx context.Context, d *dataDir) (string, error) {
	pw, err := adminService(d).EnsureOperator(ctx, actor.CommandLine)
	if err != nil || pw == "" {
		return "", err
	}
	path := filepath.Join(d.Config.DataDir, operatorFile)
	if err := os.WriteFile(path, []byte(OperatorName+"\n"+pw+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return pw, nil
}

// adminService is the administrators' service on the data directory; the
// command line acts as the operator (actor.CommandLine). It publishes
// through events(): a server running beside hears of every account
// changed, suspended, removed or given a new password, and ends the
// logins that no longer hold (serve's own service shares serve's bus).
func adminService(d *dataDir) *admin.Service {
	return &admin.Service{Store: d.Store, Blobs: d.Blobs, Events: d.events()}
}

// adminError words a refused value for the command line: the flag or
// argument it came from and why.
func adminError(err error) error {
	var ie *admin.InvalidError
	if !errors.As(err, &ie) {
		return err
	}
	switch ie.Code {
	case "domain_not_hosted":
		return fmt.Errorf("domain %s is not hosted here (postroom domain add %s)", ie.Value, ie.Value)
	case "account_exists", "domain_exists":
		return fmt.Errorf("%s: %w", ie.Value, store.ErrExists)
	case "invalid_address":
		return fmt.Errorf("%q is not an e-mail address (user@domain; letters, digits and . _ - + in the user part)", ie.Value)
	case "invalid_domain":
		return fmt.Errorf("%q is not a domain name (like example.co.kr)", ie.Value)
	case "address_taken_by_list":
		return fmt.Errorf("%s is the address of a mailing list of the domain (the console's 메일링 리스트): choose another", ie.Value)
	case "user_limit":
		return fmt.Errorf("domain %s has as many accounts as its limit allows (postroom domain set %s --max-users N)", ie.Value, ie.Value)
	case "confirm_mismatch":
		return fmt.Errorf("the name typed back is not %s: nothing was deleted", ie.Value)
	}
	flag := "--" + strings.ReplaceAll(ie.Field, "_", "-")
	why := map[string]string{
		"password_required":         "is required",
		"password_too_short":        fmt.Sprintf("must be at least %d characters", admin.MinPasswordLength),
		"invalid_quota":             "must not be negative",
		"invalid_max_users":         "must not be negative",
		"invalid_messages_per_hour": "must be 0 (the server's default), -1 (no limit) or more",
		"invalid_language":          "must be ko or en",
		"invalid_time_zone":         "must be an IANA time zone (like Asia/Seoul) or UTC",
		"invalid_pop3_delete":       "must be keep, trash or delete",
		"invalid_characters":        "contains characters that are not allowed",
		"name_too_long":             "is too long",
	}[ie.Code]
	if why == "" {
		why = "is not valid (" + ie.Code + ")"
	}
	return fmt.Errorf("%s %s", flag, why)
}

// isCode reports whether err is the admin service's refusal with code.
func isCode(err error, code string) bool {
	var ie *admin.InvalidError
	return errors.As(err, &ie) && ie.Code == code
}
