package storetest

import (
	"fmt"
	"slices"
	"sync"

	"postroom/internal/store"
)

var contactTests = []test{
	{"contacts_createReadUpdateListBySortKeyThenID", testContactsCRUD},
	{"contacts_textIsAPlainSubstring", testContactsText},
	{"contacts_folderAndGroupFilters", testContactsFilters},
	{"contacts_groupsAndFoldersNamesAndMembers", testContactGroupsFolders},
	{"contacts_trashRestoreDeleteAndGroupsHideTheTrash", testContactsTrash},
	{"contacts_versionRisesOnEachChangeAndConflictWritesNothing", testContactsVersion},
	{"contacts_saveIsAllOrNothing", testContactsAllOrNothing},
	{"contacts_otherBooksAreNotFound", testContactsTenancy},
	{"contacts_goWithTheAccountAndTheDomain", testContactsGone},
	{"contacts_concurrentSavesIntoOneBook", testContactsConcurrent},
}

// newContact is an unsaved contact; its search text is its name and uid.
func newContact(uid, name, sortKey string) *store.ContactRow {
	return &store.ContactRow{UID: uid, Name: name, SortKey: sortKey, Search: name + " " + uid,
		Data: fmt.Appendf(nil, `{"name":%q}`, name)}
}

func (e *env) saveContacts(book store.ContactBook, rows ...*store.ContactRow) {
	e.Helper()
	e.ok(e.s.SaveContacts(e.ctx, book, rows), "SaveContacts")
	for _, r := range rows {
		if r.ID == 0 || r.Version == 0 || r.Updated.IsZero() {
			e.Fatalf("SaveContacts left %+v", r)
		}
	}
}

func (e *env) contact(book store.ContactBook, id int64) *store.ContactRow {
	e.Helper()
	c, err := e.s.Contact(e.ctx, book, id)
	e.ok(err, "Contact")
	return c
}

// contactIDs lists the ids q selects and how many match in all.
func (e *env) contactIDs(q store.ContactQuery) ([]int64, int) {
	e.Helper()
	rows, total, err := e.s.Contacts(e.ctx, q)
	e.ok(err, "Contacts")
	ids := []int64{}
	for _, r := range rows {
		if r.Book != q.Book {
			e.Errorf("Contacts(%+v) listed %d of book %v", q, r.ID, r.Book)
		}
		ids = append(ids, r.ID)
	}
	return ids, total
}

func (e *env) wantContacts(q store.ContactQuery, total int, want ...int64) {
	e.Helper()
	got, n := e.contactIDs(q)
	if want == nil {
		want = []int64{}
	}
	if !slices.Equal(got, want) || n != total {
		e.Errorf("Contacts(%+v) = %v of %d, want %v of %d", q, got, n, want, total)
	}
}

func (e *env) bookVersion(book store.ContactBook) int64 {
	e.Helper()
	v, err := e.s.ContactBookVersion(e.ctx, book)
	e.ok(err, "ContactBookVersion")
	return v
}

func (e *env) contactGroup(book store.ContactBook, name string, members ...int64) *store.ContactGroup {
	e.Helper()
	g := &store.ContactGroup{Book: book, Name: name, Members: members}
	e.ok(e.s.CreateContactGroup(e.ctx, g), "CreateContactGroup")
	if g.ID == 0 {
		e.Fatal("CreateContactGroup left ID 0")
	}
	return g
}

func (e *env) groupMembers(book store.ContactBook, id int64) []int64 {
	e.Helper()
	g, err := e.s.ContactGroup(e.ctx, book, id)
	e.ok(err, "ContactGroup")
	return g.Members
}

func (e *env) contactFolder(accountID int64, name string) *store.ContactFolder {
	e.Helper()
	f := &store.ContactFolder{AccountID: accountID, Name: name}
	e.ok(e.s.CreateContactFolder(e.ctx, f), "CreateContactFolder")
	if f.ID == 0 {
		e.Fatal("CreateContactFolder left ID 0")
	}
	return f
}

func testContactsCRUD(e *env) {
	a := e.account("alice@example.com")
	book := store.PersonalBook(a.DomainID, a.ID)
	// the same sort key twice: the older (lower id) first
	c1, c2, c3 := newContact("u1", "홍길동", "ㅎ"), newContact("u2", "Alice", "a"), newContact("u3", "김철수", "ㄱ")
	c4 := newContact("u4", "김철수", "ㄱ")
	e.saveContacts(book, c1, c2, c3, c4)
	if c1.Version != c4.Version || c1.Book != book || !c1.Deleted.IsZero() {
		e.Errorf("one call, one version and the book: %+v, %+v", c1, c4)
	}
	got := e.contact(book, c1.ID)
	if got.UID != "u1" || got.Name != "홍길동" || got.SortKey != "ㅎ" || got.Search != c1.Search || string(got.Data) != `{"name":"홍길동"}` ||
		got.Folder != 0 || got.Book != book || got.Version != c1.Version || !got.Updated.Equal(c1.Updated) ||
		got.Updated.Location().String() != "UTC" || !got.Deleted.IsZero() || len(got.Groups) != 0 {
		e.Errorf("read back %+v, saved %+v", got, c1)
	}
	byUID, err := e.s.ContactByUID(e.ctx, book, "u3")
	e.ok(err, "ContactByUID")
	if byUID.ID != c3.ID {
		e.Errorf("ContactByUID(u3) = %d, want %d", byUID.ID, c3.ID)
	}
	_, err = e.s.ContactByUID(e.ctx, book, "nobody")
	e.wantErr(err, store.ErrNotFound, "ContactByUID unknown")
	_, err = e.s.Contact(e.ctx, book, c4.ID+1000)
	e.wantErr(err, store.ErrNotFound, "Contact unknown")

	all := store.ContactQuery{Book: book}
	e.wantContacts(all, 4, c2.ID, c3.ID, c4.ID, c1.ID)
	e.wantContacts(store.ContactQuery{Book: book, Offset: 1, Limit: 2}, 4, c3.ID, c4.ID)
	e.wantContacts(store.ContactQuery{Book: book, Offset: 3, Limit: 2}, 4, c1.ID)
	e.wantContacts(store.ContactQuery{Book: book, Offset: 9, Limit: 2}, 4)

	// an update replaces the columns and moves the contact in the order
	c2.Name, c2.SortKey, c2.Search, c2.UID, c2.Data = "Zed", "ㅎㅎ", "zed", "u2-new", []byte(`{"name":"Zed"}`)
	e.saveContacts(book, c2)
	got = e.contact(book, c2.ID)
	if got.Name != "Zed" || got.SortKey != "ㅎㅎ" || got.Search != "zed" || got.UID != "u2-new" || string(got.Data) != `{"name":"Zed"}` {
		e.Errorf("after update: %+v", got)
	}
	if _, err := e.s.ContactByUID(e.ctx, book, "u2"); err == nil {
		e.Error("the old UID still finds the contact")
	}
	e.wantContacts(all, 4, c3.ID, c4.ID, c1.ID, c2.ID)
	// an unknown id is not created
	e.wantErr(e.s.SaveContacts(e.ctx, book, []*store.ContactRow{{ID: c4.ID + 1000, UID: "x"}}), store.ErrNotFound, "update unknown")
	e.wantErr(e.s.SaveContacts(e.ctx, book, []*store.ContactRow{{UID: "u1"}}), store.ErrExists, "UID taken")
	e.wantErr(e.s.SaveContacts(e.ctx, book, []*store.ContactRow{{UID: "u4", ID: c1.ID}}), store.ErrExists, "UID taken by update")
	e.ok(e.s.SaveContacts(e.ctx, book, nil), "SaveContacts of nothing")
}

func testContactsText(e *env) {
	a := e.account("alice@example.com")
	book := store.PersonalBook(a.DomainID, a.ID)
	rows := []*store.ContactRow{
		newContact("1", "김철수", "1"), newContact("2", "박철민", "2"), newContact("3", "100% 상사", "3"),
		newContact("4", "a_b", "4"), newContact("5", "axb", "5"),
	}
	e.saveContacts(book, rows...)
	id := func(i int) int64 { return rows[i].ID }
	e.wantContacts(store.ContactQuery{Book: book, Text: "철"}, 2, id(0), id(1))
	e.wantContacts(store.ContactQuery{Book: book, Text: "철", Limit: 1, Offset: 1}, 2, id(1))
	e.wantContacts(store.ContactQuery{Book: book, Text: "철수"}, 1, id(0))
	e.wantContacts(store.ContactQuery{Book: book, Text: "%"}, 1, id(2))
	e.wantContacts(store.ContactQuery{Book: book, Text: "a_b"}, 1, id(3))
	e.wantContacts(store.ContactQuery{Book: book, Text: "없음"}, 0)
}

func testContactsFilters(e *env) {
	a := e.account("alice@example.com")
	book := store.PersonalBook(a.DomainID, a.ID)
	work, home := e.contactFolder(a.ID, "회사"), e.contactFolder(a.ID, "home")
	c1, c2, c3 := newContact("1", "one", "1"), newContact("2", "two", "2"), newContact("3", "three", "3")
	c1.Folder, c2.Folder = work.ID, work.ID
	e.saveContacts(book, c1, c2, c3)
	g := e.contactGroup(book, "팀", c3.ID, c1.ID)
	e.wantContacts(store.ContactQuery{Book: book, Folder: work.ID}, 2, c1.ID, c2.ID)
	e.wantContacts(store.ContactQuery{Book: book, Folder: home.ID}, 0)
	e.wantContacts(store.ContactQuery{Book: book, Group: g.ID}, 2, c1.ID, c3.ID)
	e.wantContacts(store.ContactQuery{Book: book, Group: g.ID, Folder: work.ID}, 1, c1.ID)
	e.wantContacts(store.ContactQuery{Book: book, Group: g.ID, Text: "three"}, 1, c3.ID)
	if got := e.contact(book, c1.ID); got.Folder != work.ID || !slices.Equal(got.Groups, []int64{g.ID}) {
		e.Errorf("c1 in folder %d, groups %v", got.Folder, got.Groups)
	}

	// memberships through SaveContacts, listed in ascending id order
	g2 := e.contactGroup(book, "가족")
	c2.Groups = []int64{g2.ID, g.ID, g2.ID}
	c2.Folder = home.ID
	e.saveContacts(book, c2)
	if got := e.contact(book, c2.ID); got.Folder != home.ID || !slices.Equal(got.Groups, []int64{g.ID, g2.ID}) {
		e.Errorf("c2 in folder %d, groups %v", got.Folder, got.Groups)
	}
	e.wantContacts(store.ContactQuery{Book: book, Group: g.ID}, 3, c1.ID, c2.ID, c3.ID)
	c2.Groups = []int64{g2.ID}
	e.saveContacts(book, c2)
	if m := e.groupMembers(book, g.ID); !slices.Equal(m, []int64{c1.ID, c3.ID}) {
		e.Errorf("group after c2 left it: %v", m)
	}
	if m := e.groupMembers(book, g2.ID); !slices.Equal(m, []int64{c2.ID}) {
		e.Errorf("group after c2 joined it: %v", m)
	}
	fs, err := e.s.ContactFolders(e.ctx, a.ID)
	e.ok(err, "ContactFolders")
	if len(fs) != 2 || fs[0].ID != home.ID || fs[0].Count != 1 || fs[1].ID != work.ID || fs[1].Count != 1 {
		e.Errorf("folders: %+v", fs)
	}
}

func testContactGroupsFolders(e *env) {
	a := e.account("alice@example.com")
	book := store.PersonalBook(a.DomainID, a.ID)
	c1, c2, c3 := newContact("1", "one", "1"), newContact("2", "two", "2"), newContact("3", "three", "3")
	e.saveContacts(book, c1, c2, c3)
	g := e.contactGroup(book, "b", c2.ID, c1.ID)
	if !slices.Equal(g.Members, []int64{c1.ID, c2.ID}) {
		e.Errorf("created members %v", g.Members)
	}
	e.contactGroup(book, "a")
	e.wantErr(e.s.CreateContactGroup(e.ctx, &store.ContactGroup{Book: book, Name: "b"}), store.ErrExists, "group name taken")
	e.wantErr(e.s.CreateContactGroup(e.ctx, &store.ContactGroup{Book: book}), store.ErrInvalid, "empty group name")
	e.wantErr(e.s.CreateContactGroup(e.ctx, &store.ContactGroup{Book: book, Name: "c", Members: []int64{c3.ID + 1000}}), store.ErrInvalid, "unknown member")
	gs, err := e.s.ContactGroups(e.ctx, book)
	e.ok(err, "ContactGroups")
	if len(gs) != 2 || gs[0].Name != "a" || gs[1].Name != "b" || !slices.Equal(gs[1].Members, []int64{c1.ID, c2.ID}) || gs[1].Book != book {
		e.Errorf("groups: %+v", gs)
	}

	g.Name, g.Members = "b2", []int64{c3.ID, c2.ID}
	e.ok(e.s.UpdateContactGroup(e.ctx, g), "UpdateContactGroup")
	got, err := e.s.ContactGroup(e.ctx, book, g.ID)
	e.ok(err, "ContactGroup")
	if got.Name != "b2" || !slices.Equal(got.Members, []int64{c2.ID, c3.ID}) {
		e.Errorf("updated group: %+v", got)
	}
	e.wantErr(e.s.UpdateContactGroup(e.ctx, &store.ContactGroup{ID: g.ID, Book: book, Name: "a"}), store.ErrExists, "rename onto a")
	e.wantErr(e.s.UpdateContactGroup(e.ctx, &store.ContactGroup{ID: g.ID + 1000, Book: book, Name: "x"}), store.ErrNotFound, "update unknown group")
	if m := e.groupMembers(book, g.ID); !slices.Equal(m, []int64{c2.ID, c3.ID}) {
		e.Errorf("a refused update changed the members: %v", m)
	}
	e.ok(e.s.DeleteContactGroup(e.ctx, book, g.ID), "DeleteContactGroup")
	e.wantErr(e.s.DeleteContactGroup(e.ctx, book, g.ID), store.ErrNotFound, "delete group twice")
	if got := e.contact(book, c2.ID); len(got.Groups) != 0 {
		e.Errorf("c2 still in groups %v", got.Groups)
	}
	e.wantContacts(store.ContactQuery{Book: book}, 3, c1.ID, c2.ID, c3.ID)

	// folders: names unique per account, a deleted one leaves its contacts in none
	f := e.contactFolder(a.ID, "x")
	e.contactFolder(a.ID, "y")
	e.wantErr(e.s.CreateContactFolder(e.ctx, &store.ContactFolder{AccountID: a.ID, Name: "x"}), store.ErrExists, "folder name taken")
	e.wantErr(e.s.RenameContactFolder(e.ctx, a.ID, f.ID, "y"), store.ErrExists, "rename folder onto y")
	e.ok(e.s.RenameContactFolder(e.ctx, a.ID, f.ID, "z"), "RenameContactFolder")
	e.wantErr(e.s.RenameContactFolder(e.ctx, a.ID, f.ID+1000, "w"), store.ErrNotFound, "rename unknown folder")
	c1.Folder, c1.Version = f.ID, 0 // the group's changes stamped it
	e.saveContacts(book, c1)
	v := e.bookVersion(book)
	e.ok(e.s.DeleteContactFolder(e.ctx, a.ID, f.ID), "DeleteContactFolder")
	e.wantErr(e.s.DeleteContactFolder(e.ctx, a.ID, f.ID), store.ErrNotFound, "delete folder twice")
	got1 := e.contact(book, c1.ID)
	if got1.Folder != 0 || got1.Version != v+1 || e.bookVersion(book) != v+1 {
		e.Errorf("after its folder went: folder %d, version %d (book %d, was %d)", got1.Folder, got1.Version, e.bookVersion(book), v)
	}
	fs, err := e.s.ContactFolders(e.ctx, a.ID)
	e.ok(err, "ContactFolders")
	if len(fs) != 1 || fs[0].Name != "y" || fs[0].Count != 0 {
		e.Errorf("folders: %+v", fs)
	}
	// the shared book has no folders
	c4 := newContact("4", "four", "4")
	c4.Folder = fs[0].ID
	e.wantErr(e.s.SaveContacts(e.ctx, store.SharedBook(a.DomainID), []*store.ContactRow{c4}), store.ErrInvalid, "a folder in the shared book")
}

func testContactsTrash(e *env) {
	a := e.account("alice@example.com")
	book := store.PersonalBook(a.DomainID, a.ID)
	c1, c2, c3 := newContact("1", "one", "1"), newContact("2", "two", "2"), newContact("3", "three", "3")
	e.saveContacts(book, c1, c2, c3)
	g := e.contactGroup(book, "g", c1.ID, c2.ID)
	e.ok(e.s.TrashContacts(e.ctx, book, []int64{c1.ID}), "TrashContacts")
	e.wantContacts(store.ContactQuery{Book: book}, 2, c2.ID, c3.ID)
	e.wantContacts(store.ContactQuery{Book: book, Trash: true}, 1, c1.ID)
	e.wantContacts(store.ContactQuery{Book: book, Group: g.ID}, 1, c2.ID)
	e.wantContacts(store.ContactQuery{Book: book, Trash: true, Text: "one"}, 1, c1.ID)
	trashed := e.contact(book, c1.ID)
	if trashed.Deleted.IsZero() || !slices.Equal(trashed.Groups, []int64{g.ID}) {
		e.Errorf("trashed contact: deleted %v, groups %v", trashed.Deleted, trashed.Groups)
	}
	if m := e.groupMembers(book, g.ID); !slices.Equal(m, []int64{c2.ID}) {
		e.Errorf("group shows trashed members: %v", m)
	}
	gs, err := e.s.ContactGroups(e.ctx, book)
	e.ok(err, "ContactGroups")
	if len(gs) != 1 || !slices.Equal(gs[0].Members, []int64{c2.ID}) {
		e.Errorf("groups show trashed members: %+v", gs)
	}
	// an update naming only the visible members keeps the trashed one
	g.Members = []int64{c2.ID, c3.ID}
	e.ok(e.s.UpdateContactGroup(e.ctx, g), "UpdateContactGroup")
	e.ok(e.s.RestoreContacts(e.ctx, book, []int64{c1.ID}), "RestoreContacts")
	if got := e.contact(book, c1.ID); !got.Deleted.IsZero() {
		e.Errorf("restored contact still deleted at %v", got.Deleted)
	}
	e.wantContacts(store.ContactQuery{Book: book}, 3, c1.ID, c2.ID, c3.ID)
	e.wantContacts(store.ContactQuery{Book: book, Trash: true}, 0)
	if m := e.groupMembers(book, g.ID); !slices.Equal(m, []int64{c1.ID, c2.ID, c3.ID}) {
		e.Errorf("after restore the group has %v", m)
	}

	// one id not of the book: nothing trashed
	v := e.bookVersion(book)
	e.wantErr(e.s.TrashContacts(e.ctx, book, []int64{c2.ID, c3.ID + 1000}), store.ErrNotFound, "trash with an unknown id")
	e.wantErr(e.s.DeleteContacts(e.ctx, book, []int64{c2.ID, c3.ID + 1000}), store.ErrNotFound, "delete with an unknown id")
	e.wantContacts(store.ContactQuery{Book: book}, 3, c1.ID, c2.ID, c3.ID)
	if e.bookVersion(book) != v {
		e.Error("a refused trash or delete raised the version")
	}

	e.ok(e.s.TrashContacts(e.ctx, book, []int64{c2.ID}), "TrashContacts")
	e.ok(e.s.DeleteContacts(e.ctx, book, []int64{c2.ID, c3.ID}), "DeleteContacts")
	for _, id := range []int64{c2.ID, c3.ID} {
		_, err := e.s.Contact(e.ctx, book, id)
		e.wantErr(err, store.ErrNotFound, "read deleted")
	}
	_, err = e.s.ContactByUID(e.ctx, book, "2")
	e.wantErr(err, store.ErrNotFound, "read deleted by UID")
	e.wantContacts(store.ContactQuery{Book: book, Trash: true}, 0)
	if m := e.groupMembers(book, g.ID); !slices.Equal(m, []int64{c1.ID}) {
		e.Errorf("deleted contacts still members: %v", m)
	}
	e.wantErr(e.s.RestoreContacts(e.ctx, book, []int64{c2.ID}), store.ErrNotFound, "restore deleted")
	// the UID is free again
	e.saveContacts(book, newContact("2", "two again", "2"))
}

func testContactsVersion(e *env) {
	a := e.account("alice@example.com")
	book := store.PersonalBook(a.DomainID, a.ID)
	if v := e.bookVersion(book); v != 0 {
		e.Fatalf("new book at version %d", v)
	}
	c1, c2 := newContact("1", "one", "1"), newContact("2", "two", "2")
	e.saveContacts(book, c1, c2)
	want := int64(1)
	step := func(what string, stamped ...int64) {
		e.Helper()
		if v := e.bookVersion(book); v != want {
			e.Errorf("after %s: book at %d, want %d", what, v, want)
		}
		for _, id := range stamped {
			if c := e.contact(book, id); c.Version != want {
				e.Errorf("after %s: contact %d at %d, want %d", what, id, c.Version, want)
			}
		}
		want++
	}
	step("create", c1.ID, c2.ID)
	c1.Name = "uno"
	e.saveContacts(book, c1)
	step("update", c1.ID)
	if c := e.contact(book, c2.ID); c.Version != 1 {
		e.Errorf("an unchanged contact restamped: %d", c.Version)
	}
	e.ok(e.s.TrashContacts(e.ctx, book, []int64{c1.ID}), "TrashContacts")
	step("trash", c1.ID)
	e.ok(e.s.RestoreContacts(e.ctx, book, []int64{c1.ID}), "RestoreContacts")
	step("restore", c1.ID)
	g := e.contactGroup(book, "g", c2.ID)
	step("group create", c2.ID)
	g.Name = "g2"
	e.ok(e.s.UpdateContactGroup(e.ctx, g), "UpdateContactGroup")
	step("group rename", c2.ID)
	g.Members = []int64{c1.ID, c2.ID}
	e.ok(e.s.UpdateContactGroup(e.ctx, g), "UpdateContactGroup")
	step("group member added", c1.ID)
	e.ok(e.s.DeleteContactGroup(e.ctx, book, g.ID), "DeleteContactGroup")
	step("group delete", c1.ID, c2.ID)
	e.ok(e.s.DeleteContacts(e.ctx, book, []int64{c1.ID}), "DeleteContacts")
	step("delete")

	// a stale version: ErrConflict, nothing written
	cur := e.contact(book, c2.ID)
	stale := *cur
	stale.Version--
	stale.Name = "stale"
	before := e.bookVersion(book)
	e.wantErr(e.s.SaveContacts(e.ctx, book, []*store.ContactRow{&stale}), store.ErrConflict, "stale version")
	if got := e.contact(book, c2.ID); got.Name != cur.Name || got.Version != cur.Version || e.bookVersion(book) != before {
		e.Errorf("a conflict wrote: %+v (book %d, was %d)", got, e.bookVersion(book), before)
	}
	if stale.Version != cur.Version-1 {
		e.Error("a conflict changed the caller's row")
	}
	// the current version, or 0, writes
	fresh := *cur
	fresh.Name = "fresh"
	e.saveContacts(book, &fresh)
	fresh.Version, fresh.Name = 0, "blind"
	e.saveContacts(book, &fresh)
	if got := e.contact(book, c2.ID); got.Name != "blind" || got.Version != before+2 {
		e.Errorf("after two writes: %+v, want version %d", got, before+2)
	}
}

func testContactsAllOrNothing(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	book := store.PersonalBook(a.DomainID, a.ID)
	old := newContact("old", "old", "0")
	e.saveContacts(book, old)
	foreign := e.contactFolder(b.ID, "bob's")
	otherGroup := e.contactGroup(store.SharedBook(a.DomainID), "shared")
	v := e.bookVersion(book)
	for _, tc := range []struct {
		name  string
		third func(*store.ContactRow)
		want  error
	}{
		{"a UID of the book", func(r *store.ContactRow) { r.UID = "old" }, store.ErrExists},
		{"a UID of the same batch", func(r *store.ContactRow) { r.UID = "n1" }, store.ErrExists},
		{"another account's folder", func(r *store.ContactRow) { r.Folder = foreign.ID }, store.ErrInvalid},
		{"another book's group", func(r *store.ContactRow) { r.Groups = []int64{otherGroup.ID} }, store.ErrInvalid},
		{"an unknown folder", func(r *store.ContactRow) { r.Folder = foreign.ID + 1000 }, store.ErrInvalid},
		{"an empty UID", func(r *store.ContactRow) { r.UID = "" }, store.ErrInvalid},
	} {
		upd := *old
		upd.Name = "changed"
		rows := []*store.ContactRow{newContact("n1", "new one", "1"), &upd, newContact("n3", "new three", "3")}
		tc.third(rows[2])
		e.wantErr(e.s.SaveContacts(e.ctx, book, rows), tc.want, tc.name)
		if rows[0].ID != 0 || rows[0].Version != 0 || upd.Version != old.Version {
			e.Errorf("%s: a failed save filled in the rows: %+v", tc.name, rows[0])
		}
		e.wantContacts(store.ContactQuery{Book: book}, 1, old.ID)
		if got := e.contact(book, old.ID); got.Name != "old" {
			e.Errorf("%s: the update in the batch was written", tc.name)
		}
		if e.bookVersion(book) != v {
			e.Errorf("%s: the version rose", tc.name)
		}
	}
}

func testContactsTenancy(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	x := e.account("xavier@example.org")
	alice, bob := store.PersonalBook(a.DomainID, a.ID), store.PersonalBook(b.DomainID, b.ID)
	shared, otherShared := store.SharedBook(a.DomainID), store.SharedBook(x.DomainID)
	xavier := store.PersonalBook(x.DomainID, x.ID)
	// one UID in every book: unique per book only
	mine := newContact("same", "비밀 연락처", "1")
	e.saveContacts(alice, mine)
	sharedOne := newContact("same", "공용 연락처", "1")
	e.saveContacts(shared, sharedOne)
	myGroup := e.contactGroup(alice, "mine", mine.ID)
	myFolder := e.contactFolder(a.ID, "mine")
	for _, book := range []store.ContactBook{bob, otherShared, xavier, shared} {
		_, err := e.s.Contact(e.ctx, book, mine.ID)
		e.wantErr(err, store.ErrNotFound, fmt.Sprintf("book %v reads alice's by id", book))
		e.wantContacts(store.ContactQuery{Book: book, Text: "비밀"}, 0)
		e.wantErr(e.s.TrashContacts(e.ctx, book, []int64{mine.ID}), store.ErrNotFound, "trash another's")
		e.wantErr(e.s.RestoreContacts(e.ctx, book, []int64{mine.ID}), store.ErrNotFound, "restore another's")
		e.wantErr(e.s.DeleteContacts(e.ctx, book, []int64{mine.ID}), store.ErrNotFound, "delete another's")
		e.wantErr(e.s.SaveContacts(e.ctx, book, []*store.ContactRow{{ID: mine.ID, UID: "taken", Name: "taken"}}), store.ErrNotFound, "update another's")
		_, err = e.s.ContactGroup(e.ctx, book, myGroup.ID)
		e.wantErr(err, store.ErrNotFound, "read another's group")
		e.wantErr(e.s.UpdateContactGroup(e.ctx, &store.ContactGroup{ID: myGroup.ID, Book: book, Name: "taken"}), store.ErrNotFound, "update another's group")
		e.wantErr(e.s.DeleteContactGroup(e.ctx, book, myGroup.ID), store.ErrNotFound, "delete another's group")
		e.wantContacts(store.ContactQuery{Book: book, Group: myGroup.ID}, 0)
		e.wantContacts(store.ContactQuery{Book: book, Folder: myFolder.ID}, 0)
		// a member of another book
		e.wantErr(e.s.CreateContactGroup(e.ctx, &store.ContactGroup{Book: book, Name: "steal", Members: []int64{mine.ID}}), store.ErrInvalid, "another's member")
	}
	for _, book := range []store.ContactBook{bob, otherShared, xavier} {
		_, err := e.s.ContactByUID(e.ctx, book, "same")
		e.wantErr(err, store.ErrNotFound, fmt.Sprintf("book %v reads by UID", book))
		_, err = e.s.Contact(e.ctx, book, sharedOne.ID)
		e.wantErr(err, store.ErrNotFound, fmt.Sprintf("book %v reads the shared one", book))
		e.wantContacts(store.ContactQuery{Book: book, Text: "연락처"}, 0)
		if gs, err := e.s.ContactGroups(e.ctx, book); err != nil || len(gs) != 0 {
			e.Errorf("book %v lists groups %+v (%v)", book, gs, err)
		}
	}
	if got, err := e.s.ContactByUID(e.ctx, shared, "same"); err != nil || got.ID != sharedOne.ID {
		e.Errorf("the shared book's own UID: %+v, %v", got, err)
	}
	// a group of the book may not take another book's contact
	e.wantErr(e.s.UpdateContactGroup(e.ctx, &store.ContactGroup{ID: myGroup.ID, Book: alice, Name: "mine", Members: []int64{sharedOne.ID}}), store.ErrInvalid, "another book's member")
	// another account's folders
	e.wantErr(e.s.RenameContactFolder(e.ctx, b.ID, myFolder.ID, "x"), store.ErrNotFound, "rename another's folder")
	e.wantErr(e.s.DeleteContactFolder(e.ctx, b.ID, myFolder.ID), store.ErrNotFound, "delete another's folder")
	if fs, err := e.s.ContactFolders(e.ctx, b.ID); err != nil || len(fs) != 0 {
		e.Errorf("bob lists folders %+v (%v)", fs, err)
	}
	// a book that does not exist: an account in another domain's book
	e.wantErr(e.s.SaveContacts(e.ctx, store.PersonalBook(x.DomainID, a.ID), []*store.ContactRow{newContact("n", "n", "n")}), store.ErrNotFound, "a mismatched book")

	got := e.contact(alice, mine.ID)
	if got.Name != "비밀 연락처" || got.UID != "same" || !got.Deleted.IsZero() || !slices.Equal(got.Groups, []int64{myGroup.ID}) {
		e.Errorf("alice's contact after the others' attempts: %+v", got)
	}
	if e.bookVersion(bob) != 0 || e.bookVersion(otherShared) != 0 || e.bookVersion(xavier) != 0 {
		e.Error("a refused change raised another book's version")
	}
}

func testContactsGone(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	alice, bob, shared := store.PersonalBook(a.DomainID, a.ID), store.PersonalBook(b.DomainID, b.ID), store.SharedBook(a.DomainID)
	f := e.contactFolder(a.ID, "f")
	c := newContact("1", "one", "1")
	c.Folder = f.ID
	e.saveContacts(alice, c)
	e.contactGroup(alice, "g", c.ID)
	kept := newContact("2", "bob's", "2")
	e.saveContacts(bob, kept)
	s := newContact("3", "shared", "3")
	e.saveContacts(shared, s)
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	_, err := e.s.Contact(e.ctx, alice, c.ID)
	e.wantErr(err, store.ErrNotFound, "a deleted account's contact")
	e.wantContacts(store.ContactQuery{Book: alice}, 0)
	if gs, err := e.s.ContactGroups(e.ctx, alice); err != nil || len(gs) != 0 {
		e.Errorf("groups of a deleted account: %+v (%v)", gs, err)
	}
	if fs, err := e.s.ContactFolders(e.ctx, a.ID); err != nil || len(fs) != 0 {
		e.Errorf("folders of a deleted account: %+v (%v)", fs, err)
	}
	if v := e.bookVersion(alice); v != 0 {
		e.Errorf("a deleted account's book at version %d", v)
	}
	e.wantContacts(store.ContactQuery{Book: bob}, 1, kept.ID)
	e.wantContacts(store.ContactQuery{Book: shared}, 1, s.ID)

	e.ok(e.s.DeleteDomain(e.ctx, a.DomainID), "DeleteDomain")
	e.wantContacts(store.ContactQuery{Book: shared}, 0)
	e.wantContacts(store.ContactQuery{Book: bob}, 0)
	if e.bookVersion(shared) != 0 || e.bookVersion(bob) != 0 {
		e.Error("a deleted domain's books keep their versions")
	}
}

func testContactsConcurrent(e *env) {
	a := e.account("alice@example.com")
	book := store.PersonalBook(a.DomainID, a.ID)
	const writers, each = 2, 15
	var wg sync.WaitGroup
	var mu sync.Mutex
	versions := map[int64]bool{}
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				r := newContact(fmt.Sprintf("w%d-%d", w, i), "x", "x")
				if err := e.s.SaveContacts(e.ctx, book, []*store.ContactRow{r}); err != nil {
					e.Errorf("writer %d: SaveContacts: %v", w, err)
					return
				}
				mu.Lock()
				if versions[r.Version] {
					e.Errorf("version %d given twice", r.Version)
				}
				versions[r.Version] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(versions) != writers*each || e.bookVersion(book) != writers*each {
		e.Errorf("%d distinct versions, book at %d; want %d", len(versions), e.bookVersion(book), writers*each)
	}
	if _, total := e.contactIDs(store.ContactQuery{Book: book, Limit: 1}); total != writers*each {
		e.Errorf("%d contacts, want %d", total, writers*each)
	}
}
