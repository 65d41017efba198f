package main

import (
	"context"
	"fmt"
	"io"

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
	return fmt.Errorf("%w: domain add NAME | list | remove NAME", errUsage)
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
