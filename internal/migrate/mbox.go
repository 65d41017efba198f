package migrate

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"postroom/internal/store"
)

// Mbox reads mbox files: Path is one file, or a directory whose *.mbox
// files (at any depth) are read, each into the folder named by its path
// without the extension ("INBOX.mbox", "거래처/2026.mbox": what the
// console's backup download and most mail programs write).
//
// A message starts at a "From sender date" line (isFromLine) that begins
// the file or follows an empty line; ">From " lines are unescaped one level (mboxrd). Its flags
// come from Status/X-Status (and Thunderbird's X-Mozilla-Status), its
// received date from the "From " line, else from its Date field.
type Mbox struct {
	Path string
}

// Each implements Source.
func (m Mbox) Each(ctx context.Context, fn func(*Message) error) error {
	info, err := os.Stat(m.Path)
	if err != nil {
		return fmt.Errorf("mbox: %w", err)
	}
	if !info.IsDir() {
		return eachInMbox(m.Path, folderOfFile(filepath.Base(m.Path)), fn)
	}
	return filepath.WalkDir(m.Path, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(strings.ToLower(p), ".mbox") {
			return err
		}
		rel, err := filepath.Rel(m.Path, p)
		if err != nil {
			return err
		}
		return eachInMbox(p, folderOfFile(filepath.ToSlash(rel)), fn)
	})
}

// folderOfFile is the folder of an mbox file's name: without .mbox.
func folderOfFile(name string) string {
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".mbox"), ".MBOX")
	if strings.EqualFold(name, "inbox") {
		return "INBOX"
	}
	return name
}

func eachInMbox(path, folder string, fn func(*Message) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("mbox: %w", err)
	}
	defer f.Close()
	return readMbox(f, filepath.Base(path), folder, fn)
}

// readMbox reads the messages of one mbox stream; name is its file's, for
// the messages' Where.
func readMbox(in io.Reader, name, folder string, fn func(*Message) error) error {
	r := bufio.NewReaderSize(in, 64<<10)
	var cur *Message
	var body bytes.Buffer
	n, lineNo, startLine := 0, 0, 0
	prevBlank := true
	flush := func() error {
		if cur == nil {
			return nil
		}
		raw := body.Bytes()
		// the empty line before the next separator belongs to the mbox
		raw = bytes.TrimSuffix(raw, []byte("\n"))
		raw = bytes.TrimSuffix(raw, []byte("\r"))
		cur.Raw = append([]byte(nil), raw...)
		cur.Flags = mboxFlags(cur.Raw)
		if cur.Date.IsZero() {
			cur.Date = dateField(cur.Raw)
		}
		body.Reset()
		err := fn(cur)
		cur = nil
		return err
	}
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			lineNo++
			if prevBlank && isFromLine(line) {
				if ferr := flush(); ferr != nil {
					return ferr
				}
				n++
				startLine = lineNo
				cur = &Message{Folder: folder, Date: fromLineDate(line),
					Where: fmt.Sprintf("%s message %d (line %d)", name, n, startLine)}
			} else if cur != nil {
				body.Write(unescapeFrom(line))
			}
			trimmed := bytes.TrimRight(line, "\r\n")
			prevBlank = len(trimmed) == 0
		}
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			return fmt.Errorf("mbox %s line %d: %w", name, lineNo, err)
		}
	}
}

// isFromLine reports whether line is an mbox separator: "From ", a
// sender, and a date ending in a year ("From - Sat Dec  5 12:00:00 2026"
// from Thunderbird too). A body line starting with "From " that a sloppy
// writer did not escape rarely ends so.
func isFromLine(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("From ")) {
		return false
	}
	fields := strings.Fields(string(line))
	if len(fields) < 4 {
		return false
	}
	year, err := strconv.Atoi(fields[len(fields)-1])
	return err == nil && year >= 1970 && year < 10000
}

// unescapeFrom drops one '>' of a ">From " (">>From " ...) line.
func unescapeFrom(line []byte) []byte {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	if i > 0 && bytes.HasPrefix(line[i:], []byte("From ")) {
		return line[1:]
	}
	return line
}

// fromLineDate is the date of a "From sender Mon Jan  2 15:04:05 2006"
// line; zero when it has none.
func fromLineDate(line []byte) time.Time {
	fields := strings.Fields(string(line))
	if len(fields) < 7 {
		return time.Time{}
	}
	t, err := time.Parse(time.ANSIC, strings.Join(fields[2:7], " "))
	if err != nil {
		return time.Time{}
	}
	return t
}

// header is the header part of raw.
func header(raw []byte) []byte {
	if i := bytes.Index(raw, []byte("\n\r\n")); i >= 0 {
		return raw[:i+1]
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		return raw[:i+1]
	}
	return raw
}

// field is the first value of a header field of raw ("" when absent).
func field(raw []byte, name string) string {
	for _, line := range strings.Split(string(header(raw)), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// dateField is the message's Date field, zero when it has none.
func dateField(raw []byte) time.Time {
	t, err := mail.ParseDate(field(raw, "Date"))
	if err != nil {
		return time.Time{}
	}
	return t
}

// mboxFlags reads the flags mail programs keep in an mbox message's
// header.
func mboxFlags(raw []byte) []string {
	var flags []string
	add := func(f string) {
		for _, g := range flags {
			if g == f {
				return
			}
		}
		flags = append(flags, f)
	}
	if strings.Contains(field(raw, "Status"), "R") {
		add(store.FlagSeen)
	}
	xs := field(raw, "X-Status")
	for c, f := range map[byte]string{'A': store.FlagAnswered, 'F': store.FlagFlagged, 'T': store.FlagDraft, 'D': store.FlagDeleted} {
		if strings.IndexByte(xs, c) >= 0 {
			add(f)
		}
	}
	if v, err := strconv.ParseUint(field(raw, "X-Mozilla-Status"), 16, 32); err == nil {
		if v&0x1 != 0 {
			add(store.FlagSeen)
		}
		if v&0x2 != 0 {
			add(store.FlagAnswered)
		}
		if v&0x4 != 0 {
			add(store.FlagFlagged)
		}
	}
	return flags
}
