package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"postroom/internal/actor"
	"postroom/internal/admin"
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
	svc := adminService(d)
	a, err := svc.Account(ctx, actor.CommandLine, arg)
	if err != nil {
		return adminError(err)
	}
	var change admin.AccountChange
	switch sub {
	case "passwd":
		if err := svc.SetPassword(ctx, actor.CommandLine, a.Address(), *password); err != nil {
			return adminError(err)
		}
		fmt.Fprintf(out, "%s: %s done\n", a.Address(), sub)
		return nil
	case "disable", "enable":
		on := sub == "enable"
		change.Enabled = &on
	case "set":
		// Only the flags given change.
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "clients":
				change.Clients = clients
			case "enabled":
				change.Enabled = enabled
			case "quota":
				change.Quota = quota
			case "name":
				change.Name = name
			case "admin":
				change.Admin = isAdmin
			case "pop3-delete":
				change.POP3Delete = pop3Delete
			}
		})
	case "log":
		logins, err := svc.AccessLog(ctx, actor.CommandLine, a.Address(), 100)
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
		if err := svc.DeleteAccount(ctx, actor.CommandLine, a.Address()); err != nil {
			return err
		}
		fmt.Fprintf(out, "removed user %s and its mail\n", a.Address())
		return nil
	}
	if _, err := svc.UpdateAccount(ctx, actor.CommandLine, a.Address(), change); err != nil {
		return adminError(err)
	}
	fmt.Fprintf(out, "%s: %s done\n", a.Address(), sub)
	return nil
}
