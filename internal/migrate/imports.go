// Package migrate owns moving a company's mail in and out (issue 19).
// In (`postroom import`): an mbox file, a Maildir (Maildir++, as Dovecot
// and Courier keep it), a folder of .eml files, or a live IMAP account. Each source yields messages with their folder, flags and
// received date; the Importer files them through the mailbox service,
// which checks size and quota, indexes and announces them, as an IMAP
// APPEND would. Out (`postroom export`, export.go): an account's folders
// as a Maildir++ tree or one mbox per folder, which the import reads
// back.
//
// Invariants:
//   - Run twice, an import brings nothing twice: a message whose bytes
//     (in stored form, CRLF line ends) the account already holds in any
//     folder is skipped. The fingerprint is the content's SHA-256, which
//     is also the message file's name, so an interrupted import resumes
//     by running it again.
//   - Folders keep their names (Korean ones included, decoded from
//     Maildir's modified UTF-7); the usual names of special folders in
//     other servers (Sent Items, Junk, 보낸편지함 ...) and IMAP's
//     SPECIAL-USE attributes land in the account's own special folders.
//   - A message that cannot be stored (too big, NUL characters) is
//     counted and named in the result, and the import goes on; quota
//     and storage errors stop it.
package migrate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// Message is one message of a source.
type Message struct {
	// Folder is its folder's name, "/" between levels; "" or "INBOX"
	// is the Inbox. Role, when the source knows it (IMAP SPECIAL-USE),
	// wins over the name.
	Folder string
	Role   store.Role
	Flags  []string
	Date   time.Time // received; zero: now
	Raw    []byte
	// Where says where it came from, for the result's failures ("file
	// 12 of inbox.mbox", "INBOX UID 7").
	Where string
}

// Source yields the messages of one mailbox store, folder after folder.
type Source interface {
	// Each calls fn with every message; an error of fn stops it.
	Each(ctx context.Context, fn func(*Message) error) error
}

// Result says what an import did.
type Result struct {
	Imported, Skipped int
	FoldersCreated    int
	Failed            []string // "where: why" of messages not stored
}

// Importer files messages into one account.
type Importer struct {
	Mail *mail.Service
	// Progress, when set, hears of every message looked at.
	Progress func(r *Result)
}

// Import brings src into the account a acts for (an operator acting
// through actor.System for the account, or the user himself). into,
// when set, is the folder every message goes to instead of its own.
func (im *Importer) Import(ctx context.Context, a actor.Actor, src Source, into string) (*Result, error) {
	run := &importRun{im: im, a: a, into: into, res: &Result{}, folders: map[string]int64{}}
	if err := run.loadHeld(ctx); err != nil {
		return nil, err
	}
	err := src.Each(ctx, func(m *Message) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := run.one(ctx, m)
		if im.Progress != nil {
			im.Progress(run.res)
		}
		return err
	})
	return run.res, err
}

type importRun struct {
	im      *Importer
	a       actor.Actor
	into    string
	res     *Result
	held    map[string]bool  // content keys the account holds
	folders map[string]int64 // folder name (or "role:x") -> mailbox id
}

// loadHeld reads the content keys of every message of the account.
func (r *importRun) loadHeld(ctx context.Context) error {
	r.held = map[string]bool{}
	mbs, err := r.im.Mail.Mailboxes(ctx, r.a)
	if err != nil {
		return fmt.Errorf("import: the account's folders: %w", err)
	}
	for _, mb := range mbs {
		uids, err := r.im.Mail.UIDs(ctx, r.a, mb.ID, 0)
		if err != nil {
			return fmt.Errorf("import: folder %s: %w", mb.Name, err)
		}
		for start := 0; start < len(uids); start += 500 {
			msgs, err := r.im.Mail.MessagesByUID(ctx, r.a, mb.ID, uids[start:min(start+500, len(uids))])
			if err != nil {
				return fmt.Errorf("import: folder %s: %w", mb.Name, err)
			}
			for _, m := range msgs {
				r.held[m.BlobKey] = true
			}
		}
	}
	return nil
}

// one files one message unless the account holds it already.
func (r *importRun) one(ctx context.Context, m *Message) error {
	raw := crlf(m.Raw)
	sum := sha256.Sum256(raw)
	key := hex.EncodeToString(sum[:])
	if r.held[key] {
		r.res.Skipped++
		return nil
	}
	mbID, err := r.folder(ctx, m)
	if err != nil {
		return err
	}
	stored, err := r.im.Mail.AppendRaw(ctx, r.a, mail.RawMessage{MailboxID: mbID, Body: bytes.NewReader(raw),
		Flags: m.Flags, InternalDate: m.Date})
	switch {
	case errors.Is(err, mail.ErrTooBig), errors.Is(err, mail.ErrNUL):
		r.res.Failed = append(r.res.Failed, fmt.Sprintf("%s: %v", m.Where, err))
		return nil
	case err != nil:
		return fmt.Errorf("import %s: %w", m.Where, err)
	}
	r.held[key] = true
	if stored != nil {
		r.held[stored.BlobKey] = true
	}
	r.res.Imported++
	return nil
}

// folder is the mailbox a message goes to, made when missing (with its
// parents).
func (r *importRun) folder(ctx context.Context, m *Message) (int64, error) {
	name, role := m.Folder, m.Role
	if r.into != "" {
		name, role = r.into, store.RoleNone
	}
	if role == store.RoleNone {
		role = roleOfName(name)
	}
	cacheKey := "name:" + name
	if role != store.RoleNone {
		cacheKey = "role:" + string(role)
	}
	if id, ok := r.folders[cacheKey]; ok {
		return id, nil
	}
	var mb *store.Mailbox
	var err error
	if role != store.RoleNone {
		mb, err = r.im.Mail.MailboxByRole(ctx, r.a, role)
		if errors.Is(err, store.ErrNotFound) {
			role, err = store.RoleNone, nil // no such special folder here: one of the name
		}
	}
	if mb == nil && err == nil {
		mb, err = r.byName(ctx, name)
	}
	if err != nil {
		return 0, fmt.Errorf("import: folder %q: %w", name, err)
	}
	r.folders[cacheKey] = mb.ID
	return mb.ID, nil
}

// byName finds or makes the folder name and its parents.
func (r *importRun) byName(ctx context.Context, name string) (*store.Mailbox, error) {
	parts := strings.Split(strings.Trim(name, "/"), "/")
	var mb *store.Mailbox
	for i := range parts {
		path := strings.Join(parts[:i+1], "/")
		var err error
		mb, err = r.im.Mail.MailboxByName(ctx, r.a, path)
		if errors.Is(err, store.ErrNotFound) {
			mb, err = r.im.Mail.CreateMailbox(ctx, r.a, path)
			if err == nil {
				r.res.FoldersCreated++
			} else if errors.Is(err, store.ErrExists) {
				mb, err = r.im.Mail.MailboxByName(ctx, r.a, path)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return mb, nil
}

// specialNames are other servers' names of the special folders, compared
// in lower case.
var specialNames = map[string]store.Role{
	"inbox": store.RoleInbox, "받은편지함": store.RoleInbox, "받은메일함": store.RoleInbox,
	"sent": store.RoleSent, "sent items": store.RoleSent, "sent messages": store.RoleSent, "sent mail": store.RoleSent,
	"보낸편지함": store.RoleSent, "보낸메일함": store.RoleSent,
	"drafts": store.RoleDrafts, "draft": store.RoleDrafts, "임시보관함": store.RoleDrafts,
	"trash": store.RoleTrash, "deleted items": store.RoleTrash, "deleted messages": store.RoleTrash, "휴지통": store.RoleTrash,
	"junk": store.RoleSpam, "spam": store.RoleSpam, "junk e-mail": store.RoleSpam, "junk email": store.RoleSpam,
	"스팸메일함": store.RoleSpam, "스팸편지함": store.RoleSpam,
	"archive": store.RoleArchive, "archives": store.RoleArchive,
}

func roleOfName(name string) store.Role {
	if name == "" {
		return store.RoleInbox
	}
	return specialNames[strings.ToLower(strings.TrimSpace(name))]
}

// crlf is raw with every line ending in CRLF, the form messages are
// stored in; raw itself when it is so already.
func crlf(raw []byte) []byte {
	bare := 0
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			bare++
		}
	}
	if bare == 0 {
		return raw
	}
	out := make([]byte, 0, len(raw)+bare)
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}
