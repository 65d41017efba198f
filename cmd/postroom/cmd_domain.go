package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"postroom/internal/dkim"
	"postroom/internal/dnsrecords"

	"postroom/internal/store"
)

func cmdDomain(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("domain")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: domain add|list|remove", errUsage)
	}
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	switch sub := pos[0]; {
	case sub == "list" && len(pos) == 1:
		doms, err := d.Store.Domains(ctx)
		if err != nil {
			return err
		}
		for _, dom := range doms {
			accts, err := d.Store.Accounts(ctx, dom.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%s\t%d accounts\n", dom.Name, len(accts))
		}
		return nil
	case sub == "add" && len(pos) == 2:
		dom, err := addDomain(ctx, d, pos[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "added domain %s\n", dom.Name)
		return nil
	case sub == "dns" && len(pos) == 2:
		dom, err := d.Store.Domain(ctx, pos[1])
		if err != nil {
			return fmt.Errorf("%s: %w", pos[1], err)
		}
		keys, err := dkim.StoredKeys(ctx, d.Store, dom.ID)
		if err != nil {
			return err
		}
		records, err := dnsrecords.Records(dom.Name, d.Config.Hostname, keys, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "; DNS records to publish for %s (mail server %s)\n", dom.Name, d.Config.Hostname)
		fmt.Fprint(out, dnsrecords.Format(records))
		fmt.Fprintf(out, "; https://mta-sts.%s/.well-known/mta-sts.txt must serve:\n", dom.Name)
		for _, l := range strings.Split(strings.TrimSpace(dnsrecords.MTASTSPolicy(d.Config.Hostname)), "\n") {
			fmt.Fprintf(out, ";   %s\n", l)
		}
		return nil
	case sub == "remove" && len(pos) == 2:
		dom, err := d.Store.Domain(ctx, pos[1])
		if err != nil {
			return fmt.Errorf("%s: %w", pos[1], err)
		}
		if err := d.Store.DeleteDomain(ctx, dom.ID); err != nil {
			return fmt.Errorf("remove %s: %w", dom.Name, err)
		}
		fmt.Fprintf(out, "removed domain %s with its accounts and their mail\n", dom.Name)
		return nil
	}
	return fmt.Errorf("%w: domain add NAME | list | remove NAME | dns NAME", errUsage)
}

func describeAccount(a *store.Account) string {
	state := "enabled"
	if !a.Enabled {
		state = "disabled"
	}
	role := ""
	if a.Admin {
		role = "\tadmin"
	}
	quota := "unlimited"
	if a.QuotaBytes > 0 {
		quota = fmt.Sprint(a.QuotaBytes)
	}
	return fmt.Sprintf("%s\t%s\t%s\tused %d/%s bytes, %d messages%s", a.Address(), a.DisplayName, state, a.Usage.Bytes, quota, a.Usage.Messages, role)
}
