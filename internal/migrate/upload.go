package migrate

// Uploads: a file a user hands the webmail (Settings > 메일함 관리 >
// 가져오기) to bring into one of his folders: a single message (.eml,
// message/rfc822), an mbox file, or a .zip holding .eml and .mbox files.
//
// The kind is read from the content, not the name (browsers and mail
// programs name files freely): a zip starts "PK\x03\x04", an mbox "From ",
// and a message with a header field; anything else is ErrUnknownKind.
//
// Where a zip's messages go: into the chosen folder, except that the
// directories of the zip become subfolders under it ("거래처/2026/a.eml"
// lands in <folder>/거래처/2026). An mbox's own file name makes no folder:
// a zip of "inbox.mbox" fills the chosen folder, as its single upload
// would. This keeps the user's choice of folder the place where the mail
// is, while a zip exported as a tree keeps its shape.
//
// Zip safety: the sizes and count are checked from the zip's directory
// before anything is unpacked (at most Limits.MaxEntries files and
// Limits.MaxTotal bytes once unpacked, an .eml at most
// Limits.MaxMessage), and every read is held to the size the directory
// declared, so a zip that lies about its sizes (a zip bomb) stops at
// them. Names are never used as paths on disk, only as folder names:
// names that climb out ("../x", "/x", "C:\x") are refused and named among
// the failures; directories, __MACOSX and the Finder's and Explorer's
// litter are ignored.

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"

	"postroom/internal/store"
)

// UploadKind is what an uploaded file holds.
type UploadKind string

// The kinds of uploads.
const (
	KindMessage UploadKind = "eml"
	KindMbox    UploadKind = "mbox"
	KindZip     UploadKind = "zip"
)

// Errors of OpenUpload: the file is refused whole.
var (
	ErrUnknownKind = errors.New("migrate: not a message, an mbox or a zip of them")
	ErrTooBig      = errors.New("migrate: the file unpacks to more than may be imported")
)

// Defaults of UploadLimits.
const (
	DefaultMaxEntries  = 10000
	DefaultMaxUnpacked = 4 << 30
)

// UploadLimits bound what one upload may unpack to.
type UploadLimits struct {
	MaxEntries int   // files in a zip (DefaultMaxEntries when 0)
	MaxTotal   int64 // bytes once unpacked (DefaultMaxUnpacked when 0)
	MaxMessage int64 // one message file of a zip (MaxTotal when 0)
}

func (l UploadLimits) entries() int {
	if l.MaxEntries > 0 {
		return l.MaxEntries
	}
	return DefaultMaxEntries
}

func (l UploadLimits) total() int64 {
	if l.MaxTotal > 0 {
		return l.MaxTotal
	}
	return DefaultMaxUnpacked
}

func (l UploadLimits) message() int64 {
	if l.MaxMessage > 0 {
		return l.MaxMessage
	}
	return l.total()
}

// Upload is a Source of one uploaded file, made by OpenUpload.
type Upload struct {
	Kind UploadKind
	// Size is the bytes it unpacks to: the progress's total.
	Size int64

	name    string
	data    []byte
	folder  string
	role    store.Role
	limits  UploadLimits
	zip     *zip.Reader
	entries []*zip.File // the zip's files to read, in name order
	failed  []string
}

// OpenUpload reads what kind of file data is (name is the file's name,
// for the failures) and checks a zip's directory against the limits.
// Every message goes to folder (the folder's name, role its role), a
// zip's directories to subfolders of it. ErrUnknownKind or ErrTooBig
// refuse the file whole.
func OpenUpload(name string, data []byte, folder string, role store.Role, lim UploadLimits) (*Upload, error) {
	data = noBOM(data)
	kind, err := DetectKind(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	u := &Upload{Kind: kind, Size: int64(len(data)), name: name, data: data, folder: folder, role: role, limits: lim}
	if kind != KindZip {
		if u.Size > lim.total() {
			return nil, fmt.Errorf("%s: %w", name, ErrTooBig)
		}
		return u, nil
	}
	u.zip, err = zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrUnknownKind, err)
	}
	u.Size = 0
	for _, f := range u.zip.File {
		if ignored(f) {
			continue
		}
		if len(u.entries) == lim.entries() {
			return nil, fmt.Errorf("%s: more than %d files: %w", name, lim.entries(), ErrTooBig)
		}
		u.entries = append(u.entries, f)
		u.Size += int64(min(f.UncompressedSize64, 1<<62))
		if u.Size > lim.total() {
			return nil, fmt.Errorf("%s: over %d bytes unpacked: %w", name, lim.total(), ErrTooBig)
		}
	}
	sort.SliceStable(u.entries, func(i, j int) bool { return u.entries[i].Name < u.entries[j].Name })
	return u, nil
}

// DetectKind says what data holds, from its first bytes.
func DetectKind(data []byte) (UploadKind, error) {
	data = noBOM(data)
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")): // an empty zip
		return KindZip, nil
	case bytes.HasPrefix(data, []byte("From ")):
		return KindMbox, nil
	case looksLikeMessage(data):
		return KindMessage, nil
	}
	return "", ErrUnknownKind
}

// noBOM is data without the UTF-8 byte order mark some Windows editors
// write first: it would hide a message's first header field or an mbox's
// first separator.
func noBOM(data []byte) []byte { return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) }

// looksLikeMessage reports whether data starts with a header field:
// RFC 5322 §3.6.8, a name of printable characters but ':' and a colon,
// and no NUL in the first kilobyte (a binary file that happens to).
func looksLikeMessage(data []byte) bool {
	head := data[:min(len(data), 1024)]
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	name, _, ok := bytes.Cut(head, []byte(":"))
	if !ok || len(name) == 0 || bytes.ContainsAny(name, "\r\n") {
		return false
	}
	for _, c := range name {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

// Failures are the files of the upload that were not read, as "name:
// why" (a zip's unsafe names, files that are no mail, unreadable ones);
// the Importer's Result names the messages it could not store.
func (u *Upload) Failures() []string { return u.failed }

// Each implements Source.
func (u *Upload) Each(ctx context.Context, fn func(*Message) error) error {
	switch u.Kind {
	case KindMessage:
		return fn(u.message(u.name, u.data, ""))
	case KindMbox:
		return readMbox(bytes.NewReader(u.data), u.name, u.folder, u.withRole(fn))
	}
	budget := &budget{left: u.limits.total()}
	for _, f := range u.entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := u.entry(f, budget, fn); err != nil {
			return err
		}
	}
	return nil
}

// withRole gives the messages of the chosen folder its role, so that a
// special folder is found by what it is whatever it is called.
func (u *Upload) withRole(fn func(*Message) error) func(*Message) error {
	return func(m *Message) error {
		if m.Folder == u.folder {
			m.Role = u.role
		}
		return fn(m)
	}
}

func (u *Upload) message(where string, raw []byte, dir string) *Message {
	m := &Message{Folder: u.subfolder(dir), Raw: raw, Date: dateField(raw), Where: where}
	if dir == "" {
		m.Role = u.role
	}
	return m
}

func (u *Upload) subfolder(dir string) string {
	if dir == "" {
		return u.folder
	}
	return u.folder + store.MailboxDelimiter + dir
}

func (u *Upload) fail(name, why string) {
	u.failed = append(u.failed, name+": "+why)
}

// entry reads one file of the zip. Only a Source error stops the
// upload (fn's, or the budget spent); a bad file is a failure.
func (u *Upload) entry(f *zip.File, b *budget, fn func(*Message) error) error {
	name := entryName(f)
	dir, ok := entryDir(name)
	if !ok {
		u.fail(name, "unsafe file name")
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		u.fail(name, "unreadable: "+err.Error())
		return nil
	}
	defer rc.Close()
	// held to the declared size: archive/zip fails past it, and the
	// budget past the whole upload's
	in := b.reader(io.LimitReader(rc, int64(min(f.UncompressedSize64, 1<<62))+1))
	head := make([]byte, 1024)
	n, err := io.ReadFull(in, head)
	head = noBOM(head[:n])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return u.readFail(name, err)
	}
	kind, kerr := DetectKind(head)
	switch {
	case kerr != nil || kind == KindZip:
		u.fail(name, "not a message or an mbox")
		return nil
	case kind == KindMbox:
		var fnErr error // fn's own error stops the upload; the file's is a failure
		err := readMbox(io.MultiReader(bytes.NewReader(head), in), name, u.subfolder(dir), u.withRole(func(m *Message) error {
			fnErr = fn(m)
			return fnErr
		}))
		if err != nil && fnErr == nil {
			return u.readFail(name, err)
		}
		return err
	}
	if f.UncompressedSize64 > uint64(u.limits.message()) {
		u.fail(name, fmt.Sprintf("too big (over %d bytes)", u.limits.message()))
		return nil
	}
	rest, err := io.ReadAll(in)
	if err != nil {
		return u.readFail(name, err)
	}
	return fn(u.message(name, append(head, rest...), dir))
}

// readFail records a file that could not be read; the budget spent
// stops the whole upload.
func (u *Upload) readFail(name string, err error) error {
	if errors.Is(err, errBudget) {
		return fmt.Errorf("%s: %w", u.name, ErrTooBig)
	}
	u.fail(name, "unreadable: "+err.Error())
	return nil
}

// ignored reports the files of a zip that are not the user's mail:
// directories, the Mac's resource forks and the desktop's litter.
func ignored(f *zip.File) bool {
	name := strings.ReplaceAll(entryName(f), "\\", "/")
	base := path.Base(name)
	return f.FileInfo().IsDir() || strings.HasSuffix(name, "/") ||
		name == "__MACOSX" || strings.HasPrefix(name, "__MACOSX/") || strings.Contains(name, "/__MACOSX/") ||
		strings.HasPrefix(base, "._") || base == ".DS_Store" || strings.EqualFold(base, "Thumbs.db") || strings.EqualFold(base, "desktop.ini")
}

// entryName is a zip file's name as text: Windows' own zips of Korean
// names are in CP949 without the UTF-8 flag (APPNOTE 4.4.4 bit 11).
func entryName(f *zip.File) string {
	if utf8.ValidString(f.Name) {
		return f.Name
	}
	if s, err := korean.EUCKR.NewDecoder().String(f.Name); err == nil && utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(f.Name, "\uFFFD")
}

// entryDir is the directory of a zip file's name as a folder path under
// the chosen folder ("" for the top), or false for a name that climbs
// out of the zip or is absolute.
func entryDir(name string) (string, bool) {
	name = strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':') {
		return "", false
	}
	parts := strings.Split(name, "/")
	var dir []string
	for _, p := range parts[:len(parts)-1] {
		p = strings.TrimSpace(p)
		switch {
		case p == "" || p == ".":
		case strings.Trim(p, ". ") == "":
			return "", false // "..", and ". ." which Windows reads as ".."
		default:
			dir = append(dir, folderLevel.Replace(p))
		}
	}
	return strings.Join(dir, "/"), true
}

// folderLevel makes a directory's name a folder level the store takes:
// IMAP's wildcards and control characters are not (RFC 3501 §5.1).
var folderLevel = strings.NewReplacer("*", "_", "%", "_", "\t", " ", "\r", "", "\n", "", "\x00", "")

var errBudget = errors.New("migrate: the upload's unpacked size is spent")

// budget is what is left of an upload's unpacked size.
type budget struct{ left int64 }

func (b *budget) reader(r io.Reader) io.Reader { return &budgetReader{r: r, b: b} }

type budgetReader struct {
	r io.Reader
	b *budget
}

// Read reads at most one byte past the budget, to tell a stream that
// ends on it from one that goes on.
func (br *budgetReader) Read(p []byte) (int, error) {
	if br.b.left < 0 {
		return 0, errBudget
	}
	if int64(len(p)) > br.b.left+1 {
		p = p[:br.b.left+1]
	}
	n, err := br.r.Read(p)
	br.b.left -= int64(n)
	if br.b.left < 0 {
		return n, errBudget
	}
	return n, err
}
