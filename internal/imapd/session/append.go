package session

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"postroom/internal/imapd/wire"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// APPEND (RFC 9051 §6.3.12) with MULTIAPPEND (RFC 3502), CATENATE
// (RFC 4469, append_catenate.go), literal8 (RFC 3516) and APPENDUID
// (RFC 4315). The mail service checks size, quota and content and stores
// the message durably; APPEND answers OK only after that.

func (s *Session) appendMessages(cmd *wire.Command) error {
	args, okArgs := cmd.Args.(*wire.Append)
	if !okArgs || len(args.Messages) == 0 {
		return bad(wire.Code{}, "APPEND needs a mailbox and a message")
	}
	mb, err := s.cfg.Mail.MailboxByName(s.ctx, s.who(), args.Mailbox)
	if errors.Is(err, store.ErrNotFound) {
		return errTryCreate // RFC 9051 §6.3.12: the client may CREATE it and retry
	}
	if err != nil {
		return fmt.Errorf("append: mailbox %q: %w", args.Mailbox, err)
	}
	// Build every CATENATE message first: a bad URL refuses the whole
	// command before anything is stored.
	bodies := make([][]byte, len(args.Messages))
	for i := range args.Messages {
		m := &args.Messages[i]
		if m.Parts == nil {
			bodies[i] = m.Literal
			continue
		}
		if bodies[i], err = s.catenate(m.Parts); err != nil {
			return err
		}
	}
	// RFC 3502 §6.3.11: all messages or none. The mail service has no
	// batch append, so they are appended in order and, if one fails, the
	// ones already stored are expunged again before the NO (other
	// sessions may briefly see them come and go).
	var uids []uint32
	for i := range args.Messages {
		m := &args.Messages[i]
		stored, err := s.cfg.Mail.AppendRaw(s.ctx, s.who(), mail.RawMessage{
			MailboxID:    mb.ID,
			Bytes:        bodies[i],
			Flags:        appendFlags(m.Flags),
			InternalDate: m.Date,
			Binary:       m.Binary || catenatedBinary(m.Parts),
		})
		if err != nil {
			s.undoAppend(mb.ID, uids)
			return fmt.Errorf("append to mailbox %d: %w", mb.ID, err)
		}
		uids = append(uids, stored.UID)
		bodies[i] = nil // let the garbage collector have it
	}
	// The appending session learns of its new messages before the tagged
	// OK when the mailbox is the selected one (RFC 9051 §6.3.12 example).
	if s.sel != nil && s.sel.mailbox.ID == mb.ID {
		s.sel.view.Added(uids...)
	}
	return ok(wire.CodeAppendUID(mb.UIDValidity, uidSetOf(uids)), "APPEND completed")
}

// undoAppend expunges the messages a failed MULTIAPPEND stored before the
// failure.
func (s *Session) undoAppend(mailboxID int64, uids []uint32) {
	if len(uids) == 0 {
		return
	}
	if _, err := s.cfg.Mail.Expunge(s.ctx, s.who(), mailboxID, uids); err != nil {
		s.log().Error("imap: MULTIAPPEND: removing the messages of a failed append", "mailbox", mailboxID, "uids", uids, "err", err)
	}
}

// appendFlags drops \Recent, which is session state (RFC 3501 §6.3.11:
// the server sets it itself).
func appendFlags(flags []string) []string {
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		if !strings.EqualFold(f, `\Recent`) {
			out = append(out, f)
		}
	}
	return out
}

// catenatedBinary reports whether a CATENATE TEXT part came as literal8.
func catenatedBinary(parts []wire.CatenatePart) bool {
	return slices.ContainsFunc(parts, func(p wire.CatenatePart) bool { return p.Binary })
}
