package migrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// Format is the shape of an export.
type Format string

const (
	// FormatMaildir is a Maildir++ tree: the Inbox in cur/, each other
	// folder in .Name (levels joined by ".", names in modified UTF-7, a
	// "." in a name written &AC4-), flags in the file names, keywords in
	// dovecot-keywords, the received date as the file's time: what
	// Dovecot reads.
	FormatMaildir Format = "maildir"
	// FormatMbox is one mboxrd file per folder, named by its path
	// ("INBOX.mbox", "거래처/2026.mbox"), as the console's backup.
	FormatMbox Format = "mbox"
)

// ExportResult says what an export wrote.
type ExportResult struct {
	Folders, Messages int
	Bytes             int64
}

// Exporter writes an account's mail into a directory.
type Exporter struct {
	Mail *mail.Service
	// Progress, when set, hears of every message written.
	Progress func(r *ExportResult)
}

// Export writes every folder of the account a acts for into dir (made;
// it must be absent or empty).
func (e *Exporter) Export(ctx context.Context, a actor.Actor, dir string, f Format) (*ExportResult, error) {
	if f != FormatMaildir && f != FormatMbox {
		return nil, fmt.Errorf("export: format %q: maildir or mbox", f)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("export into %s: the directory is not empty", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	mbs, err := e.Mail.Mailboxes(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	res := &ExportResult{}
	for _, mb := range mbs {
		if f == FormatMbox {
			err = e.mbox(ctx, a, dir, mb, res)
		} else {
			err = e.maildir(ctx, a, dir, mb, res)
		}
		if err != nil {
			return res, fmt.Errorf("export folder %s: %w", mb.Name, err)
		}
		res.Folders++
	}
	return res, nil
}

func (e *Exporter) mbox(ctx context.Context, a actor.Actor, dir string, mb store.Mailbox, res *ExportResult) error {
	path := filepath.Join(dir, filepath.FromSlash(mb.Name)+".mbox")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = e.Mail.Export(ctx, a, mb.ID, mail.ExportMbox, f)
	if err == nil {
		err = f.Sync()
	}
	var info os.FileInfo
	if err == nil {
		info, err = f.Stat()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	res.Bytes += info.Size()
	if st, err := e.Mail.Status(ctx, a, mb.ID); err == nil {
		res.Messages += int(st.Messages)
	}
	if e.Progress != nil {
		e.Progress(res)
	}
	return nil
}

// maildirFolder is a folder's directory in a Maildir++ tree.
func maildirFolder(dir, name string) string {
	if name == "INBOX" {
		return dir
	}
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(encodeMUTF7(p), ".", "&AC4-")
	}
	return filepath.Join(dir, "."+strings.Join(parts, "."))
}

func (e *Exporter) maildir(ctx context.Context, a actor.Actor, dir string, mb store.Mailbox, res *ExportResult) error {
	fdir := maildirFolder(dir, mb.Name)
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(fdir, sub), 0o700); err != nil {
			return err
		}
	}
	uids, err := e.Mail.UIDs(ctx, a, mb.ID, 0)
	if err != nil {
		return err
	}
	keywords := map[string]byte{}
	for start := 0; start < len(uids); start += 200 {
		msgs, err := e.Mail.MessagesByUID(ctx, a, mb.ID, uids[start:min(start+200, len(uids))])
		if err != nil {
			return err
		}
		batch := make([]*store.Message, 0, len(msgs))
		for _, m := range msgs {
			batch = append(batch, m)
		}
		sort.Slice(batch, func(i, j int) bool { return batch[i].UID < batch[j].UID })
		for _, m := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := e.maildirMessage(ctx, a, fdir, mb, m, keywords, res); err != nil {
				return err
			}
		}
	}
	return writeKeywords(fdir, keywords)
}

func (e *Exporter) maildirMessage(ctx context.Context, a actor.Actor, fdir string, mb store.Mailbox, m *store.Message, keywords map[string]byte, res *ExportResult) error {
	var letters []byte
	for _, f := range m.Flags {
		switch f {
		case store.FlagDraft:
			letters = append(letters, 'D')
		case store.FlagFlagged:
			letters = append(letters, 'F')
		case store.FlagAnswered:
			letters = append(letters, 'R')
		case store.FlagSeen:
			letters = append(letters, 'S')
		case store.FlagDeleted:
			letters = append(letters, 'T')
		default:
			if strings.HasPrefix(f, `\`) {
				continue
			}
			c, ok := keywords[f]
			if !ok {
				if len(keywords) == 26 {
					continue // Maildir has 26 keyword letters
				}
				c = 'a' + byte(len(keywords))
				keywords[f] = c
			}
			letters = append(letters, c)
		}
	}
	sort.Slice(letters, func(i, j int) bool { return letters[i] < letters[j] })
	name := fmt.Sprintf("%d.M%dP%d.postroom:2,%s", m.InternalDate.Unix(), m.ID, mb.UIDValidity, letters)
	path := filepath.Join(fdir, "cur", name)
	r, err := e.Mail.Open(ctx, a, m)
	if err != nil {
		return err
	}
	defer r.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Chtimes(path, m.InternalDate, m.InternalDate); err != nil {
		return err
	}
	res.Messages++
	res.Bytes += n
	if e.Progress != nil {
		e.Progress(res)
	}
	return nil
}

// writeKeywords writes a folder's keyword letters as Dovecot does.
func writeKeywords(fdir string, keywords map[string]byte) error {
	if len(keywords) == 0 {
		return nil
	}
	lines := make([]string, 0, len(keywords))
	for kw, c := range keywords {
		lines = append(lines, fmt.Sprintf("%d %s", c-'a', kw))
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i] < lines[j] })
	err := os.WriteFile(filepath.Join(fdir, "dovecot-keywords"), []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	if err != nil {
		return errors.Join(errors.New("keywords"), err)
	}
	return nil
}
