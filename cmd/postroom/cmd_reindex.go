package main

import (
	"context"
	"fmt"
	"io"

	"postroom/internal/actor"
)

// cmdReindex rebuilds the search terms of every message (after an upgrade
// that added the index, or a change of the tokenizer).
func cmdReindex(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("reindex")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	svc, mailSvc := adminService(d), d.mailService()
	doms, err := svc.Domains(ctx, actor.CommandLine)
	if err != nil {
		return err
	}
	total := 0
	for _, dom := range doms {
		accts, err := svc.Accounts(ctx, actor.CommandLine, dom.Name)
		if err != nil {
			return err
		}
		for _, a := range accts {
			who, err := svc.ActFor(ctx, actor.CommandLine, a.Address())
			if err != nil {
				return err
			}
			n, err := mailSvc.Reindex(ctx, who)
			total += n
			if err != nil {
				return fmt.Errorf("%s: %w", a.Address(), err)
			}
			fmt.Fprintf(out, "%s: %d messages indexed\n", a.Address(), n)
		}
	}
	fmt.Fprintf(out, "%d messages indexed\n", total)
	return nil
}
