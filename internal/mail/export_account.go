package mail

// ExportAccount is the backup an administrator downloads before deleting
// an account (M3): every folder of it as one mbox (export_mbox.go) in a
// .zip, named by the folder's path ("INBOX.mbox", "거래처/2026.mbox"),
// the folder hierarchy as the archive's directories. Memory stays flat
// as in Export: messages stream from their files through the mbox writer
// into a deflated entry; the archive keeps one header per folder.

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// ExportAccount writes every folder of the actor's account (an
// administrator acts through admin.Service.ActFor: the system for that
// account) to w as a .zip of mbox files. An error after the first byte
// leaves w cut short (no central directory), never a complete-looking
// archive.
func (s *Service) ExportAccount(ctx context.Context, a actor.Actor, w io.Writer) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	mbs, err := s.Store.Mailboxes(ctx, accountID)
	if err != nil {
		return fmt.Errorf("export account %d: %w", accountID, err)
	}
	zw := zip.NewWriter(w)
	seen := map[string]bool{}
	for _, mb := range mbs {
		name := folderEntryName(mb.Name, seen)
		ew, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mb.CreatedAt})
		if err != nil {
			return fmt.Errorf("export account %d: %w", accountID, err)
		}
		if err := exportMbox(ew, s.eachMessage(ctx, a, accountID, mb.ID)); err != nil {
			return fmt.Errorf("export account %d, folder %d: %w", accountID, mb.ID, err)
		}
	}
	return zw.Close()
}

// folderEntryName is a folder's entry: each level of its path made a
// safe file name (safeName), joined by "/", with ".mbox"; unique in the
// archive without regard to case (a second "Inbox" beside "INBOX" gets
// " (2)").
func folderEntryName(path string, seen map[string]bool) string {
	parts := strings.Split(path, store.MailboxDelimiter)
	for i, p := range parts {
		if parts[i] = safeName(p, maxSubjectRunes); parts[i] == "" {
			parts[i] = "_"
		}
	}
	base := strings.Join(parts, "/")
	name := base + ".mbox"
	for i := 2; seen[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s (%d).mbox", base, i)
	}
	seen[strings.ToLower(name)] = true
	return name
}
