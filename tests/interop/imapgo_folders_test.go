package interop

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// igSpecialFolders are the folders every account has, with their
// SPECIAL-USE attribute and the role `postroom mailbox list` shows.
var igSpecialFolders = []struct {
	Name string
	Attr imap.MailboxAttr
	Role string
}{
	{"Sent", imap.MailboxAttrSent, "sent"},
	{"Drafts", imap.MailboxAttrDrafts, "drafts"},
	{"Trash", imap.MailboxAttrTrash, "trash"},
	{"Spam", imap.MailboxAttrJunk, "spam"},
	{"Archive", imap.MailboxAttrArchive, "archive"},
}

// TestIMAPGoListAndNamespace: LIST with SPECIAL-USE attributes,
// LIST-EXTENDED selection and return options, LIST-STATUS, CHILDREN,
// NAMESPACE, SUBSCRIBE/UNSUBSCRIBE with LIST (SUBSCRIBED) and LSUB.
func TestIMAPGoListAndNamespace(t *testing.T) {
	s := igServer(t)
	user := igUser(t, s, "imapgo-list")
	igMXDeliver(t, s, user, "first")
	igMXDeliver(t, s, user, "second")

	c := igLogin(t, s, "list", user, nil)
	c.igAppend(t, "Archive", igMessage("<a@remote.example>", "<"+user+">", "archived", uniqueID("arch"), time.Now(), "", "old\n"),
		&imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}})
	if err := c.Create("Parent/Child", nil).Wait(); err != nil {
		t.Fatalf("CREATE Parent/Child: %v", err)
	}

	all := c.igList(t, "", "*", nil)
	want := []string{"INBOX", "Sent", "Drafts", "Trash", "Spam", "Archive", "Parent", "Parent/Child"}
	for _, name := range want {
		d := all[name]
		if d == nil {
			t.Errorf("LIST \"\" \"*\" lacks %q (got %v)", name, igKeys(all))
			continue
		}
		if d.Delim != '/' {
			t.Errorf("LIST %q: delimiter %q, want \"/\"", name, d.Delim)
		}
	}
	if len(all) != len(want) {
		t.Errorf("LIST \"\" \"*\" on a new account with one folder made: got %v, want %v", igKeys(all), want)
	}
	for _, sf := range igSpecialFolders {
		if d := all[sf.Name]; d != nil && !igHasAttr(d.Attrs, sf.Attr) {
			t.Errorf("LIST %q: attributes %v lack %s", sf.Name, d.Attrs, sf.Attr)
		}
	}
	if d := all["INBOX"]; d != nil {
		for _, sf := range igSpecialFolders {
			if igHasAttr(d.Attrs, sf.Attr) {
				t.Errorf("LIST INBOX carries the special-use attribute %s", sf.Attr)
			}
		}
	}
	// CHILDREN.
	if d := all["Parent"]; d != nil {
		if !igHasAttr(d.Attrs, imap.MailboxAttrHasChildren) {
			t.Errorf("LIST Parent: attributes %v lack \\HasChildren", d.Attrs)
		}
		if igHasAttr(d.Attrs, imap.MailboxAttrHasNoChildren) {
			t.Errorf("LIST Parent: attributes %v include \\HasNoChildren", d.Attrs)
		}
	}
	for _, name := range []string{"Parent/Child", "INBOX", "Sent"} {
		if d := all[name]; d != nil && !igHasAttr(d.Attrs, imap.MailboxAttrHasNoChildren) {
			t.Errorf("LIST %q: attributes %v lack \\HasNoChildren", name, d.Attrs)
		}
	}
	// The % wildcard does not descend.
	top := c.igList(t, "", "%", nil)
	if top["Parent/Child"] != nil || top["Parent"] == nil || top["INBOX"] == nil {
		t.Errorf("LIST \"\" \"%%\": got %v, want the top level only (INBOX, Parent, ... without Parent/Child)", igKeys(top))
	}
	sub := c.igList(t, "Parent/", "%", nil)
	if len(sub) != 1 || sub["Parent/Child"] == nil {
		t.Errorf("LIST \"Parent/\" \"%%\": got %v, want [Parent/Child]", igKeys(sub))
	}

	// LIST-EXTENDED: (SPECIAL-USE) selection returns only special folders.
	special := c.igList(t, "", "*", &imap.ListOptions{SelectSpecialUse: true})
	var gotSpecial []string
	for name := range special {
		gotSpecial = append(gotSpecial, name)
	}
	slices.Sort(gotSpecial)
	if !slices.Equal(gotSpecial, []string{"Archive", "Drafts", "Sent", "Spam", "Trash"}) {
		t.Errorf("LIST (SPECIAL-USE) \"\" \"*\": got %v, want Archive Drafts Sent Spam Trash", gotSpecial)
	}
	withChildren := c.igList(t, "", "Parent", &imap.ListOptions{ReturnChildren: true, ReturnSpecialUse: true})
	if d := withChildren["Parent"]; d == nil || !igHasAttr(d.Attrs, imap.MailboxAttrHasChildren) {
		t.Errorf("LIST \"\" Parent RETURN (CHILDREN): %+v, want \\HasChildren", d)
	}

	// LIST-STATUS.
	withStatus := c.igList(t, "", "*", &imap.ListOptions{ReturnStatus: &imap.StatusOptions{NumMessages: true, NumUnseen: true}})
	wantStatus := map[string][2]uint32{"INBOX": {2, 2}, "Archive": {1, 0}, "Sent": {0, 0}, "Parent/Child": {0, 0}}
	for name, ws := range wantStatus {
		d := withStatus[name]
		if d == nil {
			t.Errorf("LIST RETURN (STATUS ...) lacks %q", name)
			continue
		}
		if d.Status == nil || d.Status.NumMessages == nil || d.Status.NumUnseen == nil {
			t.Errorf("LIST RETURN (STATUS (MESSAGES UNSEEN)) %q: no STATUS data (%+v)", name, d.Status)
			continue
		}
		if *d.Status.NumMessages != ws[0] || *d.Status.NumUnseen != ws[1] {
			t.Errorf("LIST-STATUS %q: MESSAGES %d UNSEEN %d, want %d %d", name, *d.Status.NumMessages, *d.Status.NumUnseen, ws[0], ws[1])
		}
	}
	for name, d := range withStatus {
		if d.Status == nil && !igHasAttr(d.Attrs, imap.MailboxAttrNoSelect) && !igHasAttr(d.Attrs, imap.MailboxAttrNonExistent) {
			t.Errorf("LIST-STATUS: selectable %q came without STATUS", name)
		}
	}
	// STATUS with SIZE and APPENDLIMIT.
	st, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true, Size: true, UIDNext: true, UIDValidity: true}).Wait()
	if err != nil {
		t.Errorf("STATUS INBOX (MESSAGES SIZE UIDNEXT UIDVALIDITY): %v", err)
	} else {
		c.igSelect(t, "INBOX")
		var total int64
		for _, m := range c.igFetch(t, imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{RFC822Size: true}) {
			total += m.RFC822Size
		}
		if err := c.Unselect().Wait(); err != nil {
			t.Errorf("UNSELECT: %v", err)
		}
		if st.Size == nil || *st.Size != total || total == 0 {
			t.Errorf("STATUS INBOX SIZE: %v, want %d (the sum of RFC822.SIZE of its 2 messages)", igDerefInt(st.Size), total)
		}
		if st.UIDNext < 3 || st.UIDValidity == 0 {
			t.Errorf("STATUS INBOX: UIDNEXT %d UIDVALIDITY %d, want UIDNEXT >= 3 and UIDVALIDITY > 0", st.UIDNext, st.UIDValidity)
		}
	}

	// NAMESPACE: one personal namespace "" with delimiter "/".
	ns, err := c.Namespace().Wait()
	if err != nil {
		t.Fatalf("NAMESPACE: %v", err)
	}
	if len(ns.Personal) != 1 || ns.Personal[0].Prefix != "" || ns.Personal[0].Delim != '/' {
		t.Errorf("NAMESPACE personal: %+v, want [{Prefix:\"\" Delim:'/'}]", ns.Personal)
	}
	if len(ns.Other) != 0 || len(ns.Shared) != 0 {
		t.Errorf("NAMESPACE: other %+v shared %+v, want none", ns.Other, ns.Shared)
	}

	// SUBSCRIBE / UNSUBSCRIBE.
	if err := c.Create("Subscribed-Here", nil).Wait(); err != nil {
		t.Fatalf("CREATE Subscribed-Here: %v", err)
	}
	if err := c.Subscribe("Subscribed-Here").Wait(); err != nil {
		t.Fatalf("SUBSCRIBE Subscribed-Here: %v", err)
	}
	subs := c.igList(t, "", "*", &imap.ListOptions{SelectSubscribed: true})
	if d := subs["Subscribed-Here"]; d == nil || !igHasAttr(d.Attrs, imap.MailboxAttrSubscribed) {
		t.Errorf("LIST (SUBSCRIBED) after SUBSCRIBE: %v lacks Subscribed-Here with \\Subscribed (%+v)", igKeys(subs), d)
	}
	if subs["INBOX"] == nil {
		t.Errorf("LIST (SUBSCRIBED): INBOX is not subscribed on a new account (got %v)", igKeys(subs))
	}
	raw := igLoginRaw(t, s, "lsub", user)
	lsub := raw.cmd(`LSUB "" "*"`)
	if lsub.Status != "OK" || !igAnyContains(lsub.Untagged, "LSUB", "Subscribed-Here") {
		t.Errorf("LSUB \"\" \"*\" after SUBSCRIBE: %s, want an LSUB line for Subscribed-Here", lsub)
	}
	if err := c.Unsubscribe("Subscribed-Here").Wait(); err != nil {
		t.Fatalf("UNSUBSCRIBE Subscribed-Here: %v", err)
	}
	subs = c.igList(t, "", "*", &imap.ListOptions{SelectSubscribed: true})
	if subs["Subscribed-Here"] != nil {
		t.Errorf("LIST (SUBSCRIBED) after UNSUBSCRIBE still shows Subscribed-Here")
	}
	if lsub := raw.cmd(`LSUB "" "*"`); igAnyContains(lsub.Untagged, "LSUB", "Subscribed-Here") {
		t.Errorf("LSUB after UNSUBSCRIBE still shows Subscribed-Here: %s", lsub)
	}
	if all := c.igList(t, "", "Subscribed-Here", nil); all["Subscribed-Here"] == nil {
		t.Errorf("UNSUBSCRIBE removed the folder itself from LIST")
	}
}

// TestIMAPGoFolders: CREATE nested and Korean folders, folders made with
// the CLI (the webmail's mailbox service) and over IMAP seen from the
// other side, RENAME with children, DELETE, and the refusals for special
// folders, existing names and missing folders.
func TestIMAPGoFolders(t *testing.T) {
	s := igServer(t)
	user := igUser(t, s, "imapgo-folders")
	c := igLogin(t, s, "folders", user, nil)

	const korean = "프로젝트/견적서"
	for _, name := range []string{"Projects/2026", korean} {
		if err := c.Create(name, nil).Wait(); err != nil {
			t.Fatalf("CREATE %q: %v", name, err)
		}
	}
	all := c.igList(t, "", "*", nil)
	for _, name := range []string{"Projects", "Projects/2026", "프로젝트", korean} {
		if all[name] == nil {
			t.Errorf("LIST after CREATE lacks %q (got %v)", name, igKeys(all))
		}
	}
	// On the wire the Korean name travels in modified UTF-7.
	wire := igMUTF7(korean)
	if !strings.Contains(c.log.String(), wire) {
		t.Errorf("no LIST line carries the modified UTF-7 name %q", wire)
	}

	// A message in the Korean folder; the CLI sees name, role and counts.
	c.igAppend(t, korean, igMessage("<a@remote.example>", "<"+user+">", "견적", uniqueID("kr"), time.Now(), "", "첨부합니다\n"), nil)
	rows := igMailboxList(t, s, user)
	if r, ok := rows[korean]; !ok {
		t.Errorf("postroom mailbox list lacks %q:\n%v", korean, rows)
	} else if r.Role != "-" || r.Messages != 1 || r.Unseen != 1 {
		t.Errorf("postroom mailbox list %q: %+v, want role - 1 message 1 unseen", korean, r)
	}
	if _, ok := rows["Projects/2026"]; !ok {
		t.Errorf("postroom mailbox list lacks Projects/2026:\n%v", rows)
	}
	if r := rows["INBOX"]; !strings.EqualFold(r.Role, "inbox") {
		t.Errorf("postroom mailbox list INBOX: role %q, want inbox", r.Role)
	}
	for _, sf := range igSpecialFolders {
		if r, ok := rows[sf.Name]; !ok || !strings.EqualFold(r.Role, sf.Role) {
			t.Errorf("postroom mailbox list %s: %+v, want role %s", sf.Name, r, sf.Role)
		}
	}

	// A folder made in "webmail" (the CLI) appears over IMAP, Korean too.
	s.MustCLI(t, "mailbox add", user, "웹메일/보관")
	s.MustCLI(t, "mailbox add", user, "Web Made")
	all = c.igList(t, "", "*", nil)
	for _, name := range []string{"웹메일", "웹메일/보관", "Web Made"} {
		if all[name] == nil {
			t.Errorf("folder made with `postroom mailbox add` missing from LIST: %q (got %v)", name, igKeys(all))
		}
	}
	if d, err := c.Select("웹메일/보관", nil).Wait(); err != nil || d.NumMessages != 0 {
		t.Errorf("SELECT a folder made with the CLI: %v %+v", err, d)
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Errorf("UNSELECT: %v", err)
	}

	// RENAME carries the children along; messages stay.
	c.igAppend(t, "Projects/2026", igMessage("<a@remote.example>", "<"+user+">", "in 2026", uniqueID("p"), time.Now(), "", "x\n"), nil)
	if err := c.Rename("Projects", "Clients", nil).Wait(); err != nil {
		t.Fatalf("RENAME Projects Clients: %v", err)
	}
	all = c.igList(t, "", "*", nil)
	if all["Clients"] == nil || all["Clients/2026"] == nil || all["Projects"] != nil || all["Projects/2026"] != nil {
		t.Errorf("LIST after RENAME Projects Clients: %v, want Clients and Clients/2026 and no Projects*", igKeys(all))
	}
	if st := c.igStatus(t, "Clients/2026"); st.NumMessages == nil || *st.NumMessages != 1 {
		t.Errorf("STATUS Clients/2026 after RENAME: %+v, want 1 message", st)
	}
	rows = igMailboxList(t, s, user)
	if _, ok := rows["Clients/2026"]; !ok {
		t.Errorf("postroom mailbox list after RENAME lacks Clients/2026:\n%v", rows)
	}
	if _, ok := rows["Projects/2026"]; ok {
		t.Errorf("postroom mailbox list after RENAME still shows Projects/2026")
	}
	// RENAME onto an existing name.
	err := c.Rename("Clients", "Archive", nil).Wait()
	igWantErr(t, "RENAME Clients Archive (exists)", err, imap.StatusResponseTypeNo, imap.ResponseCodeAlreadyExists)
	err = c.Rename("No-Such-Folder", "Whatever", nil).Wait()
	igWantErr(t, "RENAME a missing folder", err, imap.StatusResponseTypeNo, imap.ResponseCodeNonExistent)

	// Renamed and removed in "webmail": IMAP sees it.
	s.MustCLI(t, "mailbox rename", user, "Web Made", "Web Renamed")
	all = c.igList(t, "", "*", nil)
	if all["Web Renamed"] == nil || all["Web Made"] != nil {
		t.Errorf("LIST after `postroom mailbox rename`: %v, want Web Renamed and no Web Made", igKeys(all))
	}
	s.MustCLI(t, "mailbox remove", user, "Web Renamed")
	if all = c.igList(t, "", "*", nil); all["Web Renamed"] != nil {
		t.Errorf("LIST after `postroom mailbox remove` still shows Web Renamed")
	}

	// DELETE a user folder; it is gone for IMAP and the CLI.
	if err := c.Delete("Clients/2026").Wait(); err != nil {
		t.Fatalf("DELETE Clients/2026: %v", err)
	}
	if all = c.igList(t, "", "*", nil); all["Clients/2026"] != nil {
		t.Errorf("LIST after DELETE still shows Clients/2026")
	}
	if _, ok := igMailboxList(t, s, user)["Clients/2026"]; ok {
		t.Errorf("postroom mailbox list after DELETE still shows Clients/2026")
	}
	_, err = c.Select("Clients/2026", nil).Wait()
	igWantErr(t, "SELECT a deleted folder", err, imap.StatusResponseTypeNo, imap.ResponseCodeNonExistent)
	err = c.Delete("Clients/2026").Wait()
	igWantErr(t, "DELETE a folder that no longer exists", err, imap.StatusResponseTypeNo, imap.ResponseCodeNonExistent)

	// Special folders cannot be deleted.
	for _, name := range []string{"INBOX", "Sent", "Drafts", "Trash", "Spam", "Archive"} {
		err := c.Delete(name).Wait()
		igWantErr(t, "DELETE "+name, err, imap.StatusResponseTypeNo, "")
	}
	all = c.igList(t, "", "*", nil)
	for _, name := range []string{"INBOX", "Sent", "Drafts", "Trash", "Spam", "Archive"} {
		if all[name] == nil {
			t.Errorf("%s vanished after a refused DELETE", name)
		}
	}

	// CREATE an existing name.
	for _, name := range []string{"Archive", "Clients", korean, "INBOX"} {
		err := c.Create(name, nil).Wait()
		igWantErr(t, "CREATE existing "+name, err, imap.StatusResponseTypeNo, imap.ResponseCodeAlreadyExists)
	}
	// SELECT a missing folder.
	_, err = c.Select("Does/Not/Exist", nil).Wait()
	igWantErr(t, "SELECT a missing folder", err, imap.StatusResponseTypeNo, imap.ResponseCodeNonExistent)
	_, err = c.Status("Does/Not/Exist", &imap.StatusOptions{NumMessages: true}).Wait()
	igWantErr(t, "STATUS a missing folder", err, imap.StatusResponseTypeNo, imap.ResponseCodeNonExistent)

	// Tenancy: another account's folders and mail are out of reach.
	other := igUser(t, s, "imapgo-other")
	s.MustCLI(t, "mailbox add", other, "Other-Secret")
	igMXDeliver(t, s, other, "for the other account only")
	if all := c.igList(t, "", "*", nil); all["Other-Secret"] != nil {
		t.Errorf("LIST shows another account's folder Other-Secret")
	}
	for _, name := range []string{"Other-Secret", other + "/INBOX", "../" + other + "/INBOX", "/INBOX"} {
		_, err := c.Select(name, nil).Wait()
		igWantErr(t, "SELECT "+name+" (another account's)", err, imap.StatusResponseTypeNo, imap.ResponseCodeNonExistent)
	}
	if st := c.igStatus(t, "INBOX"); *st.NumMessages != 0 {
		t.Errorf("STATUS INBOX: %d messages; the mail went to another account", *st.NumMessages)
	}
	_, err = igTryAppend(c, "Other-Secret", igMessage("<a@remote.example>", "<"+other+">", "x", uniqueID("t"), time.Now(), "", "x\n"), nil)
	igWantErr(t, "APPEND to another account's folder name", err, imap.StatusResponseTypeNo, imap.ResponseCodeTryCreate)
	if row := igMailboxList(t, s, other)["Other-Secret"]; row.Messages != 0 {
		t.Errorf("another account's Other-Secret got %d messages", row.Messages)
	}

	// Without UTF8=ACCEPT no LIST line may carry raw 8-bit bytes.
	for _, line := range strings.Split(c.log.String(), "\n") {
		if strings.HasPrefix(line, "* LIST") && !igIsASCII(line) {
			t.Errorf("LIST line with raw 8-bit bytes although UTF8=ACCEPT is not enabled: %q", line)
		}
	}

	// UTF8=ACCEPT: names travel as raw UTF-8 once enabled.
	raw := igLoginRaw(t, s, "utf8", user)
	if r := raw.cmd("ENABLE UTF8=ACCEPT"); r.Status != "OK" || !igAnyContains(r.Untagged, "ENABLED", "UTF8=ACCEPT") {
		t.Errorf("ENABLE UTF8=ACCEPT: %s", r)
	} else {
		if r := raw.cmd(`CREATE "유니코드/폴더"`); r.Status != "OK" {
			t.Errorf("CREATE with a raw UTF-8 name after ENABLE UTF8=ACCEPT: %s", r)
		}
		r := raw.cmd(`LIST "" "*"`)
		if !igAnyContains(r.Untagged, "LIST", "유니코드/폴더") || !igAnyContains(r.Untagged, "LIST", korean) {
			t.Errorf("LIST after ENABLE UTF8=ACCEPT: want raw UTF-8 names 유니코드/폴더 and %s: %s", korean, r)
		}
		if _, ok := igMailboxList(t, s, user)["유니코드/폴더"]; !ok {
			t.Errorf("postroom mailbox list lacks 유니코드/폴더 made with a raw UTF-8 name")
		}
	}
}

func igKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// igAnyContains reports whether some line contains every one of subs.
func igAnyContains(lines []string, subs ...string) bool {
	for _, l := range lines {
		ok := true
		for _, s := range subs {
			if !strings.Contains(l, s) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func igIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func igDerefInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
