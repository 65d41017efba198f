package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/dnsrecords"
	"postroom/internal/store"
)

func cmdDomain(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("domain")
	suspend := fs.Bool("suspend", false, "put the domain on hold: no login, no mail accepted (set)")
	resume := fs.Bool("resume", false, "lift the hold (set)")
	maxUsers := fs.Int("max-users", 0, "the most accounts the domain may have, 0 = no limit (set)")
	quota := fs.String("quota", "", "the domain's quota: bytes, or with K, M, G, T; 0 = unlimited (set)")
	language := fs.String("language", "", "default language of new accounts: ko or en (set)")
	timeZone := fs.String("time-zone", "", "default time zone of new accounts, like Asia/Seoul (set)")
	perHour := fs.Int("messages-per-hour", 0, "messages each user may send per hour: 0 = the server's [limits] default, -1 = no limit (set)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: domain add|list|remove|set|dns", errUsage)
	}
	if len(pos) == 2 && pos[0] == "set" {
		// Only the flags given change; checked before the data is opened.
		var c admin.DomainChange
		var bad error
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "suspend", "resume":
				on := *suspend
				if f.Name == "resume" {
					on = !*resume
				}
				if c.Suspended != nil && *c.Suspended != on {
					bad = fmt.Errorf("%w: --suspend or --resume, not both", errUsage)
				}
				c.Suspended = &on
			case "max-users":
				c.MaxUsers = maxUsers
			case "quota":
				n, err := parseSize(*quota)
				if err != nil {
					bad = err
				}
				c.QuotaBytes = &n
			case "language":
				c.Language = language
			case "time-zone":
				c.TimeZone = timeZone
			case "messages-per-hour":
				c.MessagesPerHour = perHour
			}
		})
		if bad != nil {
			return bad
		}
		if c == (admin.DomainChange{}) {
			return fmt.Errorf("%w: domain set NAME needs a flag to change", errUsage)
		}
		return domainSet(ctx, *data, pos[1], c, out)
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
			hold := ""
			if dom.Suspended {
				hold = "\tsuspended"
			}
			fmt.Fprintf(out, "%s\t%d accounts%s\n", dom.Name, dom.Accounts, hold)
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
	return fmt.Errorf("%w: domain add NAME | list | remove NAME | set NAME | dns NAME", errUsage)
}

// domainSet changes a domain's terms and defaults through the service the
// consoles use, and says what the domain is now.
func domainSet(ctx context.Context, data, name string, c admin.DomainChange, out io.Writer) error {
	d, err := openData(data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	dom, err := adminService(d).UpdateDomain(ctx, actor.CommandLine, name, c)
	if err != nil {
		return adminError(err)
	}
	state, limit, quota := "active", "no limit", "unlimited"
	if dom.Suspended {
		state = "suspended"
	}
	if dom.MaxUsers > 0 {
		limit = fmt.Sprint(dom.MaxUsers)
	}
	if dom.QuotaBytes > 0 {
		quota = fmt.Sprintf("%d bytes", dom.QuotaBytes)
	}
	// the hourly limit only when the domain has its own (0: the server's)
	hourly := ""
	switch {
	case dom.MessagesPerHour > 0:
		hourly = fmt.Sprintf("\tmessages per hour %d", dom.MessagesPerHour)
	case dom.MessagesPerHour < 0:
		hourly = "\tmessages per hour no limit"
	}
	fmt.Fprintf(out, "%s\t%s\tmax users %s\tquota %s\tlanguage %s\ttime zone %s%s\n", dom.Name, state, limit, quota, dom.Language, dom.TimeZone, hourly)
	return nil
}

// parseSize reads a size: bytes, or a number with K, M, G or T (powers
// of 1024; "KB", "KiB" and lower case alike).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult, t = int64(1)<<(10*(i+1)), t[:n-1]
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%w: --quota %q is not a size (like 500M, 10G or a number of bytes)", errUsage, s)
	}
	return n * mult, nil
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
