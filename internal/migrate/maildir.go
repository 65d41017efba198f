package migrate

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"postroom/internal/store"
)

// Maildir reads a Maildir++ tree as Dovecot and Courier keep it: the
// Inbox in Path/cur and Path/new, each other folder in Path/.Name (levels
// separated by ".", names in IMAP's modified UTF-7). A message's flags
// are the letters after ":2," in its file name (S seen, R answered, F
// flagged, T deleted, D draft; a-z keywords from dovecot-keywords), its
// received date the file's modification time, as Dovecot keeps it.
type Maildir struct {
	Path string
}

// Each implements Source.
func (m Maildir) Each(ctx context.Context, fn func(*Message) error) error {
	if _, err := os.Stat(filepath.Join(m.Path, "cur")); err != nil {
		return fmt.Errorf("maildir %s: no cur directory: not a Maildir", m.Path)
	}
	if err := eachInMaildir(m.Path, "INBOX", fn); err != nil {
		return err
	}
	entries, err := os.ReadDir(m.Path)
	if err != nil {
		return fmt.Errorf("maildir: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, ".") || name == "." || name == ".." {
			continue
		}
		folder := decodeMUTF7(strings.ReplaceAll(name[1:], ".", "/"))
		if err := eachInMaildir(filepath.Join(m.Path, name), folder, fn); err != nil {
			return err
		}
	}
	return nil
}

// eachInMaildir reads one folder's new and cur, in file name order (the
// names start with the delivery time).
func eachInMaildir(dir, folder string, fn func(*Message) error) error {
	keywords := dovecotKeywords(dir)
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("maildir: %w", err)
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, e := range entries {
			if !e.Type().IsRegular() {
				continue
			}
			p := filepath.Join(dir, sub, e.Name())
			raw, err := os.ReadFile(p)
			if err != nil {
				return fmt.Errorf("maildir: %w", err)
			}
			info, err := e.Info()
			if err != nil {
				return fmt.Errorf("maildir: %w", err)
			}
			m := &Message{Folder: folder, Raw: raw, Date: info.ModTime(), Where: filepath.Join(filepath.Base(dir), sub, e.Name())}
			if sub == "cur" {
				m.Flags = maildirFlags(e.Name(), keywords)
			}
			if err := fn(m); err != nil {
				return err
			}
		}
	}
	return nil
}

// maildirFlags reads the flags of a file name's ":2," part.
func maildirFlags(name string, keywords map[byte]string) []string {
	_, info, ok := strings.Cut(name, ":2,")
	if !ok {
		return nil
	}
	var flags []string
	for i := 0; i < len(info); i++ {
		c := info[i]
		switch {
		case c == 'S':
			flags = append(flags, store.FlagSeen)
		case c == 'R':
			flags = append(flags, store.FlagAnswered)
		case c == 'F':
			flags = append(flags, store.FlagFlagged)
		case c == 'T':
			flags = append(flags, store.FlagDeleted)
		case c == 'D':
			flags = append(flags, store.FlagDraft)
		case c >= 'a' && c <= 'z' && keywords[c] != "":
			flags = append(flags, keywords[c])
		}
	}
	return flags
}

// dovecotKeywords reads a folder's keyword letters (dovecot-keywords:
// "0 $Label1" is the letter a).
func dovecotKeywords(dir string) map[byte]string {
	f, err := os.Open(filepath.Join(dir, "dovecot-keywords"))
	if err != nil {
		return nil
	}
	defer f.Close()
	out := map[byte]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		num, kw, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		n, err := strconv.Atoi(num)
		if ok && err == nil && n >= 0 && n < 26 && kw != "" {
			out['a'+byte(n)] = kw
		}
	}
	return out
}
