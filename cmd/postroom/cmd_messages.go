package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"postroom/internal/actor"
)

// cmdMessages lists a mailbox: UID, size, Message-ID and subject per line.
func cmdMessages(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("messages")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return fmt.Errorf("%w: messages ADDRESS [MAILBOX]", errUsage)
	}
	mailbox := "INBOX"
	if len(pos) == 2 {
		mailbox = pos[1]
	}
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	who, err := adminService(d).ActFor(ctx, actor.CommandLine, pos[0])
	if err != nil {
		return adminError(err)
	}
	svc := d.mailService()
	mb, err := svc.MailboxByName(ctx, who, mailbox)
	if err != nil {
		return fmt.Errorf("mailbox %s: %w", mailbox, err)
	}
	uids, err := svc.UIDs(ctx, who, mb.ID, 0)
	if err != nil {
		return err
	}
	oneLine := strings.NewReplacer("\t", " ", "\r", " ", "\n", " ")
	for len(uids) > 0 {
		chunk := uids[:min(len(uids), 500)]
		uids = uids[len(chunk):]
		msgs, err := svc.MessagesByUID(ctx, who, mb.ID, chunk)
		if err != nil {
			return err
		}
		for _, uid := range chunk {
			if m := msgs[uid]; m != nil { // expunged meanwhile: gone
				fmt.Fprintf(out, "%d\t%d\t%s\t%s\n", m.UID, m.Size, oneLine.Replace(m.Envelope.MessageID), oneLine.Replace(m.Envelope.Subject))
			}
		}
	}
	return nil
}
