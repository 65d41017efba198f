package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/migrate"
	"postroom/internal/spam"
)

// cmdSpam is `postroom spam train`: the operator teaches the learning
// filter (issue 18) from an mbox file or an account's folder, for a
// whole domain or one account. The rules (who may, what counts once)
// are spam.Learner.TrainRaw's.
func cmdSpam(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("spam")
	var spamSrc, hamSrc sources
	fs.Var(&spamSrc, "spam", "mbox file or ADDRESS:FOLDER of spam (repeatable)")
	fs.Var(&hamSrc, "ham", "mbox file or ADDRESS:FOLDER of ham (repeatable)")
	domain := fs.String("domain", "", "train the domain's counts")
	account := fs.String("account", "", "train an account's counts")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 1 || pos[0] != "train":
		return fmt.Errorf("%w: spam train", errUsage)
	case len(spamSrc)+len(hamSrc) == 0:
		return fmt.Errorf("%w: --spam or --ham", errUsage)
	case (*domain == "") == (*account == ""):
		return fmt.Errorf("%w: one of --domain and --account", errUsage)
	}
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	svc := adminService(d)
	var domainID, accountID int64
	if *account != "" {
		a, err := svc.Account(ctx, actor.CommandLine, *account)
		if err != nil {
			return err
		}
		domainID, accountID = a.DomainID, a.ID
	} else {
		dom, err := svc.Domain(ctx, actor.CommandLine, *domain)
		if err != nil {
			return err
		}
		domainID = dom.ID
	}
	learner := &spam.Learner{Store: d.Store, Blobs: d.Blobs}
	for _, src := range []struct {
		list   sources
		isSpam bool
		kind   string
	}{{spamSrc, true, "spam"}, {hamSrc, false, "ham"}} {
		for _, from := range src.list {
			read, learned := 0, 0
			err := eachRaw(ctx, d, from, func(raw []byte) error {
				read++
				changed, err := learner.TrainRaw(ctx, actor.CommandLine, domainID, accountID, raw, src.isSpam)
				if changed {
					learned++
				}
				return err
			})
			if err != nil {
				return fmt.Errorf("%s: %w", from, err)
			}
			fmt.Fprintf(out, "%s: %d messages read, %d learned as %s\n", from, read, learned, src.kind)
		}
	}
	return nil
}

// sources is a repeatable flag.
type sources []string

var _ flag.Value = (*sources)(nil)

func (s *sources) String() string     { return strings.Join(*s, ",") }
func (s *sources) Set(v string) error { *s = append(*s, v); return nil }

// eachRaw calls fn with each message of src: ADDRESS:FOLDER is an
// account's folder (read through the mailbox service), anything else an
// mbox file or a directory of them.
func eachRaw(ctx context.Context, d *dataDir, src string, fn func(raw []byte) error) error {
	addr, folder, ok := strings.Cut(src, ":")
	if !ok || !strings.Contains(addr, "@") {
		return migrate.Mbox{Path: src}.Each(ctx, func(m *migrate.Message) error { return fn(m.Raw) })
	}
	who, err := adminService(d).ActFor(ctx, actor.CommandLine, addr)
	if err != nil {
		return err
	}
	mailSvc := d.mailService()
	mb, err := mailSvc.MailboxByName(ctx, who, folder)
	if err != nil {
		return err
	}
	uids, err := mailSvc.UIDs(ctx, who, mb.ID, 0)
	if err != nil {
		return err
	}
	for _, uid := range uids {
		m, err := mailSvc.MessageByUID(ctx, who, mb.ID, uid)
		if err != nil {
			return err
		}
		_, raw, err := mailSvc.Load(ctx, who, m.ID)
		if err != nil {
			return err
		}
		if err := fn(raw); err != nil {
			return err
		}
	}
	return nil
}
