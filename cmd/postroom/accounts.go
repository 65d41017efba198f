package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"postroom/internal/auth"
	"postroom/internal/deliver"
	"postroom/internal/dkim"
	"postroom/internal/store"
)

// OperatorName is the system operator's login.
const OperatorName = "operator"

// operatorFile keeps the generated operator password for the operator to
// read once; it is readable by the server's user only.
const operatorFile = "operator-password.txt"

// ensureOperator creates the system operator with a random password if
// none exists and returns that password ("" when it existed).
func ensureOperator(ctx context.Context, d *dataDir) (string, error) {
	ops, err := d.Store.Operators(ctx)
	if err != nil || len(ops) > 0 {
		return "", err
	}
	pw := auth.RandomPassword(16)
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return "", err
	}
	if err := d.Store.CreateOperator(ctx, &store.Operator{Name: OperatorName, PasswordHash: hash}); err != nil {
		if errors.Is(err, store.ErrExists) {
			return "", nil // another process was first
		}
		return "", fmt.Errorf("create operator: %w", err)
	}
	path := filepath.Join(d.Config.DataDir, operatorFile)
	if err := os.WriteFile(path, []byte(OperatorName+"\n"+pw+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return pw, nil
}

// addUser creates an account with a hashed password.
func addUser(ctx context.Context, d *dataDir, address, password, name string, quota int64, admin bool) (*store.Account, error) {
	local, domainName, ok := deliver.SplitAddress(strings.TrimSpace(address))
	if !ok {
		return nil, fmt.Errorf("%q is not an e-mail address (user@domain)", address)
	}
	if password == "" {
		return nil, fmt.Errorf("%w: --password is required", errUsage)
	}
	if quota < 0 {
		return nil, fmt.Errorf("quota must not be negative")
	}
	dom, err := d.Store.Domain(ctx, domainName)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("domain %s is not hosted here (postroom domain add %s)", domainName, domainName)
	}
	if err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	a := &store.Account{DomainID: dom.ID, LocalPart: local, DisplayName: name, PasswordHash: hash,
		QuotaBytes: quota, Enabled: true, ClientAccess: true, Admin: admin}
	switch err := d.Store.CreateAccount(ctx, a); {
	case errors.Is(err, store.ErrExists):
		return nil, fmt.Errorf("%s: %w", address, store.ErrExists)
	case errors.Is(err, store.ErrInvalid):
		return nil, fmt.Errorf("%q is not a valid user name", local)
	case err != nil:
		return nil, err
	}
	return a, nil
}

func addDomain(ctx context.Context, d *dataDir, name string) (*store.Domain, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if !validDomain(name) {
		return nil, fmt.Errorf("%q is not a domain name", name)
	}
	dom := &store.Domain{Name: name}
	if err := d.Store.CreateDomain(ctx, dom); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	// Every domain signs its mail from the start (P5).
	keys, err := dkim.GenerateKeys(time.Now())
	if err == nil {
		err = dkim.AddKeys(ctx, d.Store, dom, keys)
	}
	if err != nil {
		return nil, fmt.Errorf("dkim keys for %s: %w", name, err)
	}
	return dom, nil
}

func validDomain(name string) bool {
	if len(name) == 0 || len(name) > 253 || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r > 127) {
			return false
		}
	}
	return true
}
