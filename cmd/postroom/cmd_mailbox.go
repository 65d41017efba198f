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
	who, err := adminService(d).ActFor(ctx, actor.CommandLine, addr)
	if err != nil {
		return adminError(err)
	}
	svc := d.mailService() // publishes: a server running beside sees the change
	switch {
	case sub == "list" && len(pos) == 2:
		folders, err := svc.Folders(ctx, who)
		if err != nil {
			return err
		}
		for _, f := range folders {
			role := string(f.Role)
			if role == "" {
				role = "-"
			}
			fmt.Fprintf(out, "%s\t%s\t%d\t%d\n", f.Name, role, f.Status.Messages, f.Status.Unseen)
		}
		return nil
	case sub == "add" && len(pos) == 3:
		mb, err := svc.CreateMailbox(ctx, who, pos[2])
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "added %s\n", mb.Name)
		return nil
	case (sub == "remove" && len(pos) == 3) || (sub == "rename" && len(pos) == 4):
		mb, err := svc.MailboxByName(ctx, who, pos[2])
		if err != nil {
			return fmt.Errorf("mailbox %s: %w", pos[2], err)
		}
		if sub == "remove" {
			if err := svc.DeleteMailbox(ctx, who, mb.ID); err != nil {
				return err
			}
			fmt.Fprintf(out, "removed %s and its messages\n", mb.Name)
			return nil
		}
		if err := svc.RenameMailbox(ctx, who, mb.ID, pos[3]); err != nil {
			return err
		}
		fmt.Fprintf(out, "renamed %s to %s\n", mb.Name, pos[3])
		return nil
	}
	return fmt.Errorf("%w: mailbox list ADDRESS | add ADDRESS NAME | remove ADDRESS NAME | rename ADDRESS OLD NEW", errUsage)
}
