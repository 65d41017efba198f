package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/config"
)

// cmdInit creates a data directory with a commented config, the system
// operator, a domain and its administrator. Running it again only reports
// what exists.
func cmdInit(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("init")
	domain := fs.String("domain", "", "first hosted domain")
	adminAddr := fs.String("admin", "", "address of the domain administrator")
	password := fs.String("password", "", "administrator password")
	name := fs.String("name", "", "the administrator's display name (e.g. 홍길동)")
	hostname := fs.String("hostname", "", "server host name (default mail.DOMAIN)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *domain == "" || *adminAddr == "" || *password == "" {
		return fmt.Errorf("%w: --domain, --admin and --password are required", errUsage)
	}
	dir, err := filepath.Abs(*data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	cfgPath := filepath.Join(dir, config.FileName)
	if config.Exists(cfgPath) {
		fmt.Fprintf(out, "exists: config %s\n", cfgPath)
	} else {
		host := *hostname
		if host == "" {
			host = "mail." + *domain
		}
		if err := os.WriteFile(cfgPath, []byte(config.Example(dir, host)), 0o600); err != nil {
			return fmt.Errorf("write config: %w", err)
		}
		fmt.Fprintf(out, "created: config %s\n", cfgPath)
	}
	d, err := openData(dir, "")
	if err != nil {
		return err
	}
	defer d.Close()
	pw, err := ensureOperator(ctx, d)
	if err != nil {
		return err
	}
	if pw != "" {
		fmt.Fprintf(out, "created: operator login %q password %q (also in %s)\n", OperatorName, pw, filepath.Join(dir, operatorFile))
	} else {
		fmt.Fprintf(out, "exists: operator %q\n", OperatorName)
	}
	svc := adminService(d)
	if dom, err := svc.CreateDomain(ctx, actor.CommandLine, *domain); isCode(err, "domain_exists") {
		fmt.Fprintf(out, "exists: domain %s\n", *domain)
	} else if err != nil {
		return adminError(err)
	} else {
		fmt.Fprintf(out, "created: domain %s\n", dom.Name)
	}
	a, err := svc.CreateAccount(ctx, actor.CommandLine, admin.NewAccount{Address: *adminAddr, Password: *password, Name: *name, Admin: true})
	if isCode(err, "account_exists") {
		fmt.Fprintf(out, "exists: administrator %s (password unchanged)\n", *adminAddr)
	} else if err != nil {
		return adminError(err)
	} else {
		fmt.Fprintf(out, "created: administrator %s\n", a.Address())
	}
	fmt.Fprintf(out, "next: postroom serve --data %s\n", dir)
	return nil
}
