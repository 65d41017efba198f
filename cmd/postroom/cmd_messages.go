package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"postroom/internal/store"
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
	a, err := d.Store.AccountByAddress(ctx, pos[0])
	if err != nil {
		return fmt.Errorf("user %s: %w", pos[0], err)
	}
	mb, err := d.Store.MailboxByName(ctx, a.ID, mailbox)
	if err != nil {
		return fmt.Errorf("mailbox %s: %w", mailbox, err)
	}
	oneLine := strings.NewReplacer("\t", " ", "\r", " ", "\n", " ")
	return d.Store.Messages(ctx, a.ID, mb.ID, func(m *store.Message) error {
		_, err := fmt.Fprintf(out, "%d\t%d\t%s\t%s\n", m.UID, m.Size, oneLine.Replace(m.Envelope.MessageID), oneLine.Replace(m.Envelope.Subject))
		return err
	})
}
