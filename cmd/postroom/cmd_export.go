package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/migrate"
	"postroom/internal/store"
)

// cmdExport writes an account's mail, or every account's of a domain, as
// a Maildir++ tree or one mbox per folder (internal/migrate), for moving
// out or for `postroom import` elsewhere.
func cmdExport(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("export")
	maildir := fs.Bool("maildir", false, "write Maildir++ (Dovecot's layout)")
	mbox := fs.Bool("mbox", false, "write one mbox file per folder")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || *maildir == *mbox {
		return fmt.Errorf("%w: export needs --maildir or --mbox, ADDRESS or DOMAIN, and DEST", errUsage)
	}
	format := migrate.FormatMbox
	if *maildir {
		format = migrate.FormatMaildir
	}
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	svc := adminService(d)
	var accounts []store.Account
	dests := map[int64]string{}
	if strings.Contains(pos[0], "@") {
		acct, err := svc.Account(ctx, actor.CommandLine, pos[0])
		if err != nil {
			return adminError(err)
		}
		accounts, dests[acct.ID] = []store.Account{*acct}, pos[1]
	} else {
		if accounts, err = svc.Accounts(ctx, actor.CommandLine, pos[0]); err != nil {
			return adminError(err)
		}
		for _, a := range accounts {
			dests[a.ID] = filepath.Join(pos[1], a.Address())
		}
	}
	for _, a := range accounts {
		ex := &migrate.Exporter{Mail: d.mailService()}
		if p := terminalProgress(a.Address() + ": messages"); p != nil {
			ex.Progress = func(r *migrate.ExportResult) { p(r.Messages, 0) }
		}
		res, err := ex.Export(ctx, actor.System(a.ID, "export"), dests[a.ID], format)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Address(), err)
		}
		fmt.Fprintf(out, "%s: %d folders, %d messages (%s) in %s\n", a.Address(), res.Folders, res.Messages, mib(res.Bytes), dests[a.ID])
	}
	return nil
}
