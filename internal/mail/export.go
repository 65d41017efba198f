package mail

// Export is Settings > Folder management's backup (S3): one folder as a
// .zip of .eml files (what Outlook, Windows Live Mail and Thunderbird
// open one by one) or as an mbox (what Thunderbird and Apple Mail import
// whole). Each message is written exactly as stored.
//
// Invariant: memory does not grow with the messages' size. Messages are
// walked a page at a time (store.Messages) and copied from their file to
// the writer through a fixed buffer. The mbox holds nothing per message.
// The .zip holds, per message, what the format writes at its end: the
// entry's header for the central directory (archive/zip keeps it until
// Close, about 250 bytes with the name) and a hash of the name
// (export_names.go): some 12 MiB for a folder of 50,000 messages.

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// ExportFormat is the file an export makes.
type ExportFormat string

const (
	ExportZip  ExportFormat = "zip"
	ExportMbox ExportFormat = "mbox"
)

// ErrExportFormat: neither zip nor mbox.
var ErrExportFormat = fmt.Errorf("mail: export format must be zip or mbox: %w", store.ErrInvalid)

// Export writes one of the actor's folders to w in format f. It reads the
// folder first (store.ErrNotFound for another account's) and writes
// nothing before; an error after the first byte leaves w cut short, so
// the caller must not present what was written as complete.
func (s *Service) Export(ctx context.Context, a actor.Actor, mailboxID int64, f ExportFormat, w io.Writer) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	if f != ExportZip && f != ExportMbox {
		return ErrExportFormat
	}
	if _, err := s.Store.Mailbox(ctx, accountID, mailboxID); err != nil {
		return fmt.Errorf("export mailbox %d: %w", mailboxID, err)
	}
	zone := time.UTC
	if acct, err := s.Store.Account(ctx, accountID); err == nil && acct.TimeZone != "" {
		if z, err := time.LoadLocation(acct.TimeZone); err == nil {
			zone = z
		}
	}
	each := s.eachMessage(ctx, a, accountID, mailboxID)
	if f == ExportMbox {
		err = exportMbox(w, each)
	} else {
		err = exportZip(w, zone, each)
	}
	if err != nil {
		return fmt.Errorf("export mailbox %d as %s: %w", mailboxID, f, err)
	}
	return nil
}

// exportZip writes every message as an .eml entry: deflated, named from
// its date (in the account's zone) and subject, dated by its arrival.
// archive/zip marks a name that is not ASCII as UTF-8 (general purpose
// flag bit 11, APPNOTE 6.3 §4.4.4), which Windows' Explorer, 7-Zip and
// macOS read; sizes past 4 GiB switch to Zip64 by themselves.
func exportZip(w io.Writer, zone *time.Location, each func(func(*store.Message, io.Reader) error) error) error {
	zw := zip.NewWriter(w)
	names := newEntryNames()
	buf := make([]byte, 32<<10)
	err := each(func(m *store.Message, body io.Reader) error {
		fh := &zip.FileHeader{Name: names.next(m, zone), Method: zip.Deflate, Modified: m.InternalDate.In(zone)}
		ew, err := zw.CreateHeader(fh)
		if err != nil {
			return err
		}
		// (a bare Reader: a file's WriteTo would ignore buf and take a
		// buffer of its own for every message)
		_, err = io.CopyBuffer(ew, struct{ io.Reader }{body}, buf)
		return err
	})
	if err != nil {
		// no central directory: a cut-off archive must not open as a
		// complete one
		return err
	}
	return zw.Close()
}

// eachMessage walks a folder's messages with their bytes, a page at a
// time, for the exports.
func (s *Service) eachMessage(ctx context.Context, a actor.Actor, accountID, mailboxID int64) func(func(*store.Message, io.Reader) error) error {
	return func(fn func(m *store.Message, body io.Reader) error) error {
		return s.Store.Messages(ctx, accountID, mailboxID, func(m *store.Message) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			r, err := s.Open(ctx, a, m)
			if err != nil {
				return err
			}
			defer r.Close()
			return fn(m, r)
		})
	}
}
