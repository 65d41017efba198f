package main

import (
	"context"
	"fmt"
	"io"

	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/store"
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
	doms, err := d.Store.Domains(ctx)
	if err != nil {
		return err
	}
	total := 0
	for _, dom := range doms {
		accts, err := d.Store.Accounts(ctx, dom.ID)
		if err != nil {
			return err
		}
		for _, a := range accts {
			mbs, err := d.Store.Mailboxes(ctx, a.ID)
			if err != nil {
				return err
			}
			for _, mb := range mbs {
				var msgs []*store.Message
				if err := d.Store.Messages(ctx, a.ID, mb.ID, func(m *store.Message) error { msgs = append(msgs, m); return nil }); err != nil {
					return err
				}
				for _, m := range msgs {
					r, err := d.Blobs.Open(m.BlobKey)
					if err != nil {
						return fmt.Errorf("message %d: %w", m.ID, err)
					}
					raw, err := io.ReadAll(r)
					r.Close()
					if err != nil {
						return err
					}
					if err := d.Store.SetIndex(ctx, a.ID, m.ID, mail.IndexText(message.Parse(raw))); err != nil {
						return fmt.Errorf("message %d: %w", m.ID, err)
					}
					total++
				}
			}
			fmt.Fprintf(out, "%s: indexed\n", a.Address())
		}
	}
	fmt.Fprintf(out, "%d messages indexed\n", total)
	return nil
}
