package migrate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// EML reads a folder of .eml files (one message each, as Outlook and
// most webmails save them): files directly in Path go to the Inbox,
// files in a subfolder to the folder of that path. The received date is
// the message's Date field, else the file's modification time.
type EML struct {
	Path string
}

// Each implements Source.
func (e EML) Each(ctx context.Context, fn func(*Message) error) error {
	var paths []string
	err := filepath.WalkDir(e.Path, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && strings.EqualFold(filepath.Ext(p), ".eml") {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("eml: %w", err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("eml: %w", err)
		}
		rel, _ := filepath.Rel(e.Path, filepath.Dir(p))
		folder := filepath.ToSlash(rel)
		if folder == "." {
			folder = "INBOX"
		}
		m := &Message{Folder: folder, Raw: raw, Date: dateField(raw), Where: p}
		if m.Date.IsZero() {
			if info, err := os.Stat(p); err == nil {
				m.Date = info.ModTime()
			}
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}
