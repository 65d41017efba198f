package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/store"
)

func cmdUser(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("user")
	password := fs.String("password", "", "password")
	name := fs.String("name", "", "display name")
	quota := fs.Int64("quota", 0, "quota in bytes (0 = unlimited)")
	isAdmin := fs.Bool("admin", false, "domain administrator")
	clients := fs.Bool("clients", true, `"use mail clients": IMAP, POP3 and SMTP logins (set)`)
	enabled := fs.Bool("enabled", true, "service on (set)")
	pop3Delete := fs.String("pop3-delete", "keep", "what a POP3 client's delete does: keep, trash or delete (set)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("%w: user add|list|passwd|disable|enable|remove ADDRESS (list takes a DOMAIN)", errUsage)
	}
	sub, arg := pos[0], pos[1]
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	switch sub {
	case "add":
		a, err := adminService(d).CreateAccount(ctx, actor.CommandLine,
			admin.NewAccount{Address: arg, Password: *password, Name: *name, Quota: *quota, Admin: *isAdmin})
		if err != nil {
			return adminError(err)
		}
		fmt.Fprintf(out, "added user %s\n", a.Address())
		return nil
	case "list":
		accts, err := adminService(d).Accounts(ctx, actor.CommandLine, arg)
		if err != nil {
			return err
		}
		for i := range accts {
			fmt.Fprintln(out, describeAccount(&accts[i]))
		}
		return nil
	case "passwd", "disable", "enable", "remove", "set", "log":
	default:
		return fmt.Errorf("%w: unknown user command %q", errUsage, sub)
	}
	a, err := d.Store.AccountByAddress(ctx, arg)
	if err != nil {
		return fmt.Errorf("user %s: %w", arg, err)
	}
	switch sub {
	case "passwd":
		if err := adminService(d).SetPassword(ctx, actor.CommandLine, a.Address(), *password); err != nil {
			return adminError(err)
		}
		fmt.Fprintf(out, "%s: %s done\n", a.Address(), sub)
		return nil
	case "disable", "enable":
		a.Enabled = sub == "enable"
	case "set":
		// Only the flags given change.
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "clients":
				a.ClientAccess = *clients
			case "enabled":
				a.Enabled = *enabled
			case "quota":
				a.QuotaBytes = *quota
			case "name":
				a.DisplayName = *name
			case "admin":
				a.Admin = *isAdmin
			case "pop3-delete":
				a.POP3Delete = *pop3Delete
			}
		})
		if a.QuotaBytes < 0 {
			return fmt.Errorf("quota must not be negative")
		}
		if p := a.POP3Delete; p != store.POP3Keep && p != store.POP3Trash && p != store.POP3Delete {
			return fmt.Errorf("--pop3-delete must be keep, trash or delete, not %q", p)
		}
	case "log":
		logins, err := d.Store.Logins(ctx, a.ID, 100)
		if err != nil {
			return err
		}
		for _, l := range logins {
			result := "failed"
			if l.Success {
				result = "ok"
			}
			fmt.Fprintf(out, "%s\t%s\t%s\t%s\n", l.Time.Format(time.RFC3339), l.Protocol, l.IP, result)
		}
		return nil
	case "remove":
		if err := d.Store.DeleteAccount(ctx, a.ID); err != nil {
			return fmt.Errorf("remove %s: %w", a.Address(), err)
		}
		fmt.Fprintf(out, "removed user %s and its mail\n", a.Address())
		return nil
	}
	if err := d.Store.UpdateAccount(ctx, a); err != nil {
		return fmt.Errorf("update %s: %w", a.Address(), err)
	}
	fmt.Fprintf(out, "%s: %s done\n", a.Address(), sub)
	return nil
}
