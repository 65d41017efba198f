package interop

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"golang.org/x/text/unicode/norm"
)

// folderDots are folder names with a level of dots: a client that mirrors
// folders to disk would walk out of the account's tree with them.
var folderDots = []string{"..", ".", "INBOX/..", "../carol@b.test/INBOX", "Projects/../../x", ". ."}

// TestImaplibFolderNames: Python's imaplib cannot CREATE or RENAME a folder
// with a level of dots (NO [CANNOT], nothing made, not even a parent); a
// name sent decomposed (NFD, as a Mac types Hangul) is stored composed
// (NFC): it is the same folder as the composed name, never a twin, and
// SELECT finds it by either form.
func TestImaplibFolderNames(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imappy-names")
	s.AddUser(t, user)
	nfc := "거래처/견적서"
	nfd := norm.NFD.String(nfc)
	var ops []map[string]any
	for i, name := range folderDots {
		ops = append(ops, pyOp("dots"+string(rune('a'+i)), "create", "mailbox", name))
	}
	ops = append(ops,
		pyOp("mk", "create", "mailbox", "Projects"),
		pyOp("ren", "rename", "mailbox", "Projects", "new", "Archive/.."),
		pyOp("nfd", "create", "mailbox", nfd),
		pyOp("twin", "create", "mailbox", nfc),
		pyOp("selnfd", "select", "mailbox", nfd),
		pyOp("unsel", "unselect"),
		pyOp("list", "list", "pattern", "*"),
	)
	r := runImapPy(t, s.imapPyParams(t, "plain", user), ops...)
	requireImapPyOK(t, "folder names", r)
	for i, name := range folderDots {
		o := r.op(t, "dots"+string(rune('a'+i)))
		if o.Typ == "OK" || !strings.Contains(o.Error+strings.Join(o.dataTexts(), " "), "[CANNOT]") {
			t.Errorf("CREATE %q: %s, want NO [CANNOT]", name, o)
		}
	}
	if o := r.op(t, "ren"); o.Typ == "OK" || !strings.Contains(o.Error+strings.Join(o.dataTexts(), " "), "[CANNOT]") {
		t.Errorf("RENAME Projects Archive/..: %s, want NO [CANNOT]", o)
	}
	r.ok(t, "nfd")
	if o := r.op(t, "twin"); o.Typ == "OK" || !strings.Contains(o.Error+strings.Join(o.dataTexts(), " "), "[ALREADYEXISTS]") {
		t.Errorf("CREATE of the NFC twin of a folder created by its NFD name: %s, want NO [ALREADYEXISTS]", o)
	}
	r.ok(t, "selnfd")
	var names []string
	for _, mb := range r.ok(t, "list").Mailboxes {
		names = append(names, mb.Name)
	}
	if !slices.Contains(names, nfc) || slices.Contains(names, nfd) {
		t.Errorf("LIST: %q; want %+q (NFC) and not its NFD form", names, nfc)
	}
	boxes := igMailboxList(t, s, user)
	for name := range boxes {
		for _, level := range strings.Split(name, "/") {
			if strings.Trim(level, ". ") == "" {
				t.Errorf("postroom mailbox list shows %q, a folder with a level of dots", name)
			}
		}
	}
	if _, ok := boxes["Projects"]; !ok {
		t.Errorf("the refused RENAME lost Projects: %v", igKeys(boxes))
	}
}

// dataTexts is the server's text of a refused operation.
func (o imapPyOp) dataTexts() []string {
	switch d := o.Data.(type) {
	case []any:
		var out []string
		for _, v := range d {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return []string{d}
	}
	return nil
}

// TestIMAPGoFolderNames: the go-imap client gets NO [CANNOT] for a folder
// with a level of dots, by CREATE or RENAME, and NO [ALREADYEXISTS] for the
// composed twin of a folder it created by its decomposed name.
func TestIMAPGoFolderNames(t *testing.T) {
	s := igServer(t)
	user := igUser(t, s, "imapgo-names")
	c := igLogin(t, s, "names", user, nil)
	for _, name := range folderDots {
		igWantErr(t, "CREATE "+name, c.Create(name, nil).Wait(), imap.StatusResponseTypeNo, imap.ResponseCodeCannot)
	}
	if err := c.Create("Projects", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	igWantErr(t, "RENAME Projects ../Projects", c.Rename("Projects", "../Projects", nil).Wait(), imap.StatusResponseTypeNo, imap.ResponseCodeCannot)
	nfd := norm.NFD.String("보관함")
	if err := c.Create(nfd, nil).Wait(); err != nil {
		t.Fatalf("CREATE of a decomposed name: %v", err)
	}
	igWantErr(t, "CREATE of the composed twin", c.Create("보관함", nil).Wait(), imap.StatusResponseTypeNo, imap.ResponseCodeAlreadyExists)
	if _, err := c.Select(nfd, nil).Wait(); err != nil {
		t.Errorf("SELECT by the decomposed name: %v", err)
	}
	if _, ok := igMailboxList(t, s, user)["보관함"]; !ok {
		t.Errorf("postroom mailbox list does not show the composed 보관함")
	}
}

// TestWebmailFolderNames: the webmail (its API, with curl) follows the same
// rule: a level of dots is 400 invalid, creating or renaming; a decomposed
// name is stored composed and its twin is 409 exists.
func TestWebmailFolderNames(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "http"}})
	user := uniqueAddr("web-names")
	s.AddUser(t, user)
	c := newCurlWeb(t, s)
	c.login(user)
	var apiErr apiErrorJSON
	for _, req := range []map[string]string{{"name": ".."}, {"name": "."}, {"name": "..", "parent": "INBOX"}, {"name": ". ."}} {
		if code := c.do("POST", "/api/v1/mailboxes", req, &apiErr); code != 400 {
			t.Errorf("POST /api/v1/mailboxes %v: %d, want 400", req, code)
		}
	}
	var made struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	if code := c.do("POST", "/api/v1/mailboxes", map[string]string{"name": norm.NFD.String("견적서")}, &made); code != 201 {
		t.Fatalf("POST /api/v1/mailboxes with a decomposed name: %d", code)
	}
	if made.Name != "견적서" {
		t.Errorf("the decomposed name was stored as %+q, want the composed %+q", made.Name, "견적서")
	}
	if code := c.do("POST", "/api/v1/mailboxes", map[string]string{"name": "견적서"}, &apiErr); code != 409 {
		t.Errorf("POST of the composed twin: %d, want 409", code)
	}
	path := "/api/v1/mailboxes/" + strconv.FormatInt(made.ID, 10)
	if code := c.do("PATCH", path, map[string]string{"name": ".."}, &apiErr); code != 400 {
		t.Errorf("PATCH %s to ..: %d, want 400", path, code)
	}
	boxes := igMailboxList(t, s, user)
	if _, ok := boxes["견적서"]; !ok || len(boxes) != 7 {
		t.Errorf("postroom mailbox list: %v; want the 6 standard folders and 견적서", igKeys(boxes))
	}
}
