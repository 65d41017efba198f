package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/admin"
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
	svc := adminService(d)
	switch sub := pos[0]; {
	case sub == "list" && len(pos) == 1:
		doms, err := svc.Domains(ctx, actor.CommandLine)
		if err != nil {
			return err
		}
		for _, dom := range doms {
			fmt.Fprintf(out, "%s\t%d accounts\n", dom.Name, dom.Accounts)
		}
		return nil
	case sub == "add" && len(pos) == 2:
		dom, err := svc.CreateDomain(ctx, actor.CommandLine, pos[1])
		if err != nil {
			return adminError(err)
		}
		fmt.Fprintf(out, "added domain %s\n", dom.Name)
		return nil
	case sub == "dns" && len(pos) == 2:
		dom, err := svc.Domain(ctx, actor.CommandLine, pos[1])
		if err != nil {
			return err
		}
		return printDNS(ctx, out, svc, dom.Name, d.Config.Hostname)
	case sub == "remove" && len(pos) == 2:
		if err := svc.DeleteDomain(ctx, actor.CommandLine, pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(out, "removed domain %s with its accounts and their mail\n", pos[1])
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

// printDNS prints the records a domain must publish for the mail server
// hostname, as a zone file would hold them.
func printDNS(ctx context.Context, out io.Writer, svc *admin.Service, domain, hostname string) error {
	records, err := svc.DNSRecords(ctx, actor.CommandLine, domain, hostname)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "; DNS records to publish for %s (mail server %s)\n", domain, hostname)
	fmt.Fprint(out, dnsrecords.Format(records))
	fmt.Fprintf(out, "; https://mta-sts.%s/.well-known/mta-sts.txt must serve:\n", domain)
	for _, l := range strings.Split(strings.TrimSpace(dnsrecords.MTASTSPolicy(hostname)), "\n") {
		fmt.Fprintf(out, ";   %s\n", l)
	}
	return nil
}
