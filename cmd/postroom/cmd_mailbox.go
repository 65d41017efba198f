package main

import (
	"context"
	"fmt"
	"io"

	"postroom/internal/actor"
)

// cmdMailbox lists and changes an account's folders through the mailbox
// service, the same path the webmail takes.
func cmdMailbox(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("mailbox")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return fmt.Errorf("%w: mailbox list|add|remove|rename ADDRESS [NAME] [NEW]", errUsage)
	}
	sub, addr := pos[0], pos[1]
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := d.Store.AccountByAddress(ctx, addr)
	if err != nil {
		return fmt.Errorf("user %s: %w", addr, err)
	}
	svc := d.mailService() // publishes: a server running beside sees the change
	switch {
	case sub == "list" && len(pos) == 2:
		mbs, err := d.Store.Mailboxes(ctx, a.ID)
		if err != nil {
			return err
		}
		for _, mb := range mbs {
			st, err := d.Store.MailboxStatus(ctx, a.ID, mb.ID)
			if err != nil {
				return err
			}
			role := string(mb.Role)
			if role == "" {
				role = "-"
			}
			fmt.Fprintf(out, "%s\t%s\t%d\t%d\n", mb.Name, role, st.Messages, st.Unseen)
		}
		return nil
	case sub == "add" && len(pos) == 3:
		mb, err := svc.CreateMailbox(ctx, actor.System(a.ID, "command line"), pos[2])
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "added %s\n", mb.Name)
		return nil
	case (sub == "remove" && len(pos) == 3) || (sub == "rename" && len(pos) == 4):
		mb, err := d.Store.MailboxByName(ctx, a.ID, pos[2])
		if err != nil {
			return fmt.Errorf("mailbox %s: %w", pos[2], err)
		}
		if sub == "remove" {
			if err := svc.DeleteMailbox(ctx, actor.System(a.ID, "command line"), mb.ID); err != nil {
				return err
			}
			fmt.Fprintf(out, "removed %s and its messages\n", mb.Name)
			return nil
		}
		if err := svc.RenameMailbox(ctx, actor.System(a.ID, "command line"), mb.ID, pos[3]); err != nil {
			return err
		}
		fmt.Fprintf(out, "renamed %s to %s\n", mb.Name, pos[3])
		return nil
	}
	return fmt.Errorf("%w: mailbox list ADDRESS | add ADDRESS NAME | remove ADDRESS NAME | rename ADDRESS OLD NEW", errUsage)
}
