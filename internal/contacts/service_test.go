package contacts_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/contacts"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// world is one installation with two domains: alice (a user) and boss
// (the domain's administrator) of example.test, and eve of other.test.
type world struct {
	*testbed.Bed
	svc              *contacts.Service
	alice, boss, eve actor.Actor
}

func newWorld(t *testing.T) *world {
	t.Helper()
	b := testbed.New(t)
	w := &world{Bed: b, svc: &contacts.Service{Store: b.Store, Sent: b.Mail, Directory: &admin.Service{Store: b.Store}, Log: testbed.Quiet()}}
	w.alice = actor.User(b.Account("alice", nil))
	w.boss = actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	other := &store.Domain{Name: "other.test"}
	if err := b.Store.CreateDomain(b.Ctx, other); err != nil {
		t.Fatal(err)
	}
	w.eve = actor.User(b.Account("eve", func(a *store.Account) { a.DomainID = other.ID; a.Admin = true }))
	return w
}

func (w *world) add(a actor.Actor, c contacts.Contact) contacts.Contact {
	w.TB.Helper()
	if err := w.svc.Create(w.Ctx, a, &c); err != nil {
		w.TB.Fatalf("create %q: %v", c.Name, err)
	}
	if c.ID == 0 || c.UID == "" || c.Version == 0 {
		w.TB.Fatalf("create %q left id %d uid %q version %d", c.Name, c.ID, c.UID, c.Version)
	}
	return c
}

func (w *world) names(a actor.Actor, q contacts.Query) []string {
	w.TB.Helper()
	p, err := w.svc.List(w.Ctx, a, q)
	if err != nil {
		w.TB.Fatalf("list %+v: %v", q, err)
	}
	var out []string
	for _, c := range p.Contacts {
		out = append(out, c.Name)
	}
	return out
}

func person(name, email string) contacts.Contact {
	c := contacts.Contact{Name: name}
	if email != "" {
		c.Emails = []contacts.Email{{Address: email}}
	}
	return c
}

// Names sort as a Korean address book does: Hangul in 가나다 order, then
// Latin without regard to case, then the rest; pages cut that order.
func TestList_koreanOrderAndPages(t *testing.T) {
	w := newWorld(t)
	for _, n := range []string{"Zed", "홍길동", "123 Corp", "alice", "김철수", "가나", "Bob", "까치"} {
		w.add(w.alice, person(n, ""))
	}
	want := []string{"가나", "김철수", "까치", "홍길동", "alice", "Bob", "Zed", "123 Corp"}
	if got := w.names(w.alice, contacts.Query{}); !slices.Equal(got, want) {
		t.Errorf("order: %q, want %q", got, want)
	}
	p, err := w.svc.List(w.Ctx, w.alice, contacts.Query{Page: 2, PageSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != len(want) || len(p.Contacts) != 3 || p.Contacts[0].Name != "홍길동" {
		t.Errorf("page 2 of 3: total %d, %d contacts, first %q", p.Total, len(p.Contacts), p.Contacts[0].Name)
	}
}

// q matches name, e-mail, company, department and phone: a part of a
// Hangul word, a syllable half typed, initial consonants, digits however
// the number was written.
func TestList_search(t *testing.T) {
	w := newWorld(t)
	w.add(w.alice, contacts.Contact{Name: "홍길동", Emails: []contacts.Email{{Address: "gildong@hanmail.test"}},
		Company: "활빈당", Department: "기획팀", Phones: []contacts.Phone{{Number: "010-1234-5678", Label: "mobile"}}, Memo: "비밀메모"})
	w.add(w.alice, contacts.Contact{Name: "Kim Minsu", Emails: []contacts.Email{{Address: "minsu@corp.test"}}, Company: "Acme", Department: "영업부"})
	w.add(w.alice, person("황진이", "jini@poem.test"))
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"길동", []string{"홍길동"}},
		{"홍기", []string{"홍길동"}}, // 길 while it is being typed
		{"ㅎㄱㄷ", []string{"홍길동"}},
		{"ㅎ", []string{"홍길동", "황진이"}},
		{"HANMAIL", []string{"홍길동"}},
		{"활빈", []string{"홍길동"}},
		{"기획", []string{"홍길동"}},
		{"영업", []string{"Kim Minsu"}},
		{"minsu", []string{"Kim Minsu"}},
		{"01012345678", []string{"홍길동"}},
		{"1234-5678", []string{"홍길동"}},
		{"비밀", nil}, // the memo is not searched
		{"없는사람", nil},
	} {
		if got := w.names(w.alice, contacts.Query{Text: c.q}); !slices.Equal(got, c.want) {
			t.Errorf("q %q: %q, want %q", c.q, got, c.want)
		}
	}
}

// The shared book: every user of the domain reads it, only its
// administrators change it, another domain sees nothing of it.
func TestSharedBook_permissionsAndTenancy(t *testing.T) {
	w := newWorld(t)
	shared := w.add(w.boss, contacts.Contact{Book: contacts.Shared, Name: "대표번호", Emails: []contacts.Email{{Address: "info@example.test"}}})
	if got := w.names(w.alice, contacts.Query{Book: contacts.Shared}); !slices.Equal(got, []string{"대표번호"}) {
		t.Errorf("alice reads the shared book: %q", got)
	}
	if w.svc.CanWrite(w.alice, contacts.Shared) || !w.svc.CanWrite(w.boss, contacts.Shared) {
		t.Errorf("CanWrite shared: alice %v, boss %v", w.svc.CanWrite(w.alice, contacts.Shared), w.svc.CanWrite(w.boss, contacts.Shared))
	}
	c := person("몰래", "x@example.test")
	c.Book = contacts.Shared
	if err := w.svc.Create(w.Ctx, w.alice, &c); !errors.Is(err, contacts.ErrForbidden) {
		t.Errorf("alice creates in shared: %v", err)
	}
	edit := shared
	edit.Name = "바뀐이름"
	if err := w.svc.Update(w.Ctx, w.alice, &edit); !errors.Is(err, contacts.ErrForbidden) {
		t.Errorf("alice edits shared: %v", err)
	}
	if err := w.svc.Trash(w.Ctx, w.alice, shared.ID); !errors.Is(err, contacts.ErrForbidden) {
		t.Errorf("alice trashes shared: %v", err)
	}
	if _, err := w.svc.Import(w.Ctx, w.alice, []byte("이름,이메일\n가,a@b.test\n"), contacts.ImportOptions{Book: contacts.Shared}); !errors.Is(err, contacts.ErrForbidden) {
		t.Errorf("alice imports into shared: %v", err)
	}
	if err := w.svc.CreateGroup(w.Ctx, w.alice, &contacts.Group{Book: contacts.Shared, Name: "g"}); !errors.Is(err, contacts.ErrForbidden) {
		t.Errorf("alice makes a shared group: %v", err)
	}
	// eve administers other.test: example.test's book does not exist for her.
	if _, err := w.svc.Get(w.Ctx, w.eve, shared.ID); !errors.Is(err, contacts.ErrNotFound) {
		t.Errorf("eve reads example.test's shared contact: %v", err)
	}
	if err := w.svc.Update(w.Ctx, w.eve, &edit); !errors.Is(err, contacts.ErrNotFound) {
		t.Errorf("eve edits example.test's shared contact: %v", err)
	}
	if err := w.svc.Trash(w.Ctx, w.eve, shared.ID); !errors.Is(err, contacts.ErrNotFound) {
		t.Errorf("eve trashes example.test's shared contact: %v", err)
	}
	if got := w.names(w.eve, contacts.Query{Book: contacts.Shared, Text: "대표"}); got != nil {
		t.Errorf("eve finds example.test's shared contact: %q", got)
	}
	if got := w.names(w.eve, contacts.Query{Book: contacts.Shared}); got != nil {
		t.Errorf("eve's shared book: %q", got)
	}
	var out bytes.Buffer
	if err := w.svc.Export(w.Ctx, w.eve, &out, contacts.ExportOptions{Book: contacts.Shared, Format: contacts.FormatVCard}); err != nil || out.Len() != 0 {
		t.Errorf("eve's shared book exported: %q %v", out.String(), err)
	}
	mine := w.add(w.alice, person("내친구", "friend@x.test"))
	if _, err := w.svc.Get(w.Ctx, w.boss, mine.ID); !errors.Is(err, contacts.ErrNotFound) {
		t.Errorf("boss reads alice's personal contact: %v", err)
	}
	if _, err := w.svc.ByUID(w.Ctx, w.boss, contacts.Personal, mine.UID); !errors.Is(err, contacts.ErrNotFound) {
		t.Errorf("boss finds alice's contact by UID: %v", err)
	}
	if got := w.names(w.boss, contacts.Query{Text: "내친구"}); got != nil {
		t.Errorf("boss finds alice's contact by search: %q", got)
	}
	op := actor.Operator(&store.Operator{ID: 1, Name: "op"})
	if _, err := w.svc.List(w.Ctx, op, contacts.Query{}); !errors.Is(err, contacts.ErrForbidden) {
		t.Errorf("the operator has no address book: %v", err)
	}
}

// Delete moves to the trash, which keeps the groups; restore brings the
// contact back in them; a permanent delete is for good.
func TestTrashRestoreDelete(t *testing.T) {
	w := newWorld(t)
	a, b := w.add(w.alice, person("가", "a@x.test")), w.add(w.alice, person("나", "b@x.test"))
	g := contacts.Group{Name: "팀", Members: []int64{a.ID, b.ID}}
	if err := w.svc.CreateGroup(w.Ctx, w.alice, &g); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Trash(w.Ctx, w.alice, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := w.names(w.alice, contacts.Query{}); !slices.Equal(got, []string{"나"}) {
		t.Errorf("after trash: %q", got)
	}
	if got := w.names(w.alice, contacts.Query{Trash: true}); !slices.Equal(got, []string{"가"}) {
		t.Errorf("trash: %q", got)
	}
	if got := w.names(w.alice, contacts.Query{Group: g.ID}); !slices.Equal(got, []string{"나"}) {
		t.Errorf("group while one is in the trash: %q", got)
	}
	if err := w.svc.Restore(w.Ctx, w.alice, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := w.names(w.alice, contacts.Query{Group: g.ID}); !slices.Equal(got, []string{"가", "나"}) {
		t.Errorf("group after restore: %q", got)
	}
	if err := w.svc.Delete(w.Ctx, w.alice, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Get(w.Ctx, w.alice, a.ID); !errors.Is(err, contacts.ErrNotFound) {
		t.Errorf("after permanent delete: %v", err)
	}
	if err := w.svc.Restore(w.Ctx, w.alice, a.ID); !errors.Is(err, contacts.ErrNotFound) {
		t.Errorf("restore after permanent delete: %v", err)
	}
}

// An edit based on an old version is refused, as a CardDAV If-Match or a
// second editor needs; nil groups keep the contact's groups.
func TestUpdate_versionAndGroups(t *testing.T) {
	w := newWorld(t)
	c := w.add(w.alice, person("가", "a@x.test"))
	g := contacts.Group{Name: "팀", Members: []int64{c.ID}}
	if err := w.svc.CreateGroup(w.Ctx, w.alice, &g); err != nil {
		t.Fatal(err)
	}
	cur, _ := w.svc.Get(w.Ctx, w.alice, c.ID)
	first := *cur
	first.Company, first.Groups = "회사1", nil
	if err := w.svc.Update(w.Ctx, w.alice, &first); err != nil {
		t.Fatal(err)
	}
	stale := *cur
	stale.Company = "회사2"
	if err := w.svc.Update(w.Ctx, w.alice, &stale); !errors.Is(err, contacts.ErrConflict) {
		t.Errorf("stale version: %v", err)
	}
	got, _ := w.svc.Get(w.Ctx, w.alice, c.ID)
	if got.Company != "회사1" || !slices.Equal(got.Groups, []int64{g.ID}) || got.Version <= cur.Version {
		t.Errorf("after updates: %+v", got)
	}
	bad := *got
	bad.Emails = []contacts.Email{{Address: "not an address"}}
	var ie *contacts.InvalidError
	if err := w.svc.Update(w.Ctx, w.alice, &bad); !errors.As(err, &ie) || ie.Field != "emails[0].address" || ie.Reason != "invalid_email" {
		t.Errorf("invalid address: %v", err)
	}
	none := contacts.Contact{Company: "이름도 주소도 없음"}
	if err := w.svc.Create(w.Ctx, w.alice, &none); !errors.Is(err, contacts.ErrInvalid) {
		t.Errorf("no name or e-mail: %v", err)
	}
}

// Folders: a [+] folder of the personal book, contacts moved into it,
// listed by folder, counted.
func TestFolders(t *testing.T) {
	w := newWorld(t)
	f, err := w.svc.CreateFolder(w.Ctx, w.alice, "거래처")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.CreateFolder(w.Ctx, w.alice, "거래처"); !errors.Is(err, contacts.ErrExists) {
		t.Errorf("same folder twice: %v", err)
	}
	a, _ := w.add(w.alice, person("가", "a@x.test")), w.add(w.alice, person("나", "b@x.test"))
	if err := w.svc.Move(w.Ctx, w.alice, f.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := w.names(w.alice, contacts.Query{Folder: f.ID}); !slices.Equal(got, []string{"가"}) {
		t.Errorf("folder: %q", got)
	}
	fs, err := w.svc.Folders(w.Ctx, w.alice)
	if err != nil || len(fs) != 1 || fs[0].Count != 1 {
		t.Errorf("folders: %+v %v", fs, err)
	}
	if fs, _ := w.svc.Folders(w.Ctx, w.boss); len(fs) != 0 {
		t.Errorf("boss sees alice's folders: %+v", fs)
	}
	if err := w.svc.Move(w.Ctx, w.boss, f.ID, a.ID); !errors.Is(err, contacts.ErrNotFound) {
		t.Errorf("boss moves alice's contact: %v", err)
	}
}

// Suggestions for compose: contacts first (personal, then shared), then
// recent recipients, then the directory; each address once, never the
// user's own; groups with their members' addresses.
func TestSuggest_orderAndGroups(t *testing.T) {
	w := newWorld(t)
	w.add(w.alice, person("김민수", "minsu@corp.test"))
	w.add(w.boss, contacts.Contact{Book: contacts.Shared, Name: "김대표", Emails: []contacts.Email{{Address: "ceo@example.test"}}})
	alice, _ := w.Store.Account(w.Ctx, w.alice.AccountID)
	w.Put(alice.ID, "Sent", "From: alice@example.test\r\nTo: 김과장 <kim@partner.test>, minsu@corp.test\r\nSubject: hi\r\n\r\nx\r\n")
	found, _, err := w.svc.Suggest(w.Ctx, w.alice, alice.Address(), "김", 50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, f.Source+":"+f.Email)
	}
	want := []string{"personal:minsu@corp.test", "shared:ceo@example.test", "recent:kim@partner.test"}
	if !slices.Equal(got, want) {
		t.Errorf("suggest 김: %q, want %q", got, want)
	}
	all, _, err := w.svc.Suggest(w.Ctx, w.alice, alice.Address(), "", 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range all {
		if f.Email == alice.Address() {
			t.Errorf("own address suggested: %+v", f)
		}
	}
	if last := all[len(all)-1]; last.Source != contacts.SourceDirectory {
		t.Errorf("the directory comes last: %+v", all)
	}
	m := w.add(w.alice, person("박영희", "young@x.test"))
	g := contacts.Group{Name: "영업팀", Members: []int64{m.ID}}
	if err := w.svc.CreateGroup(w.Ctx, w.alice, &g); err != nil {
		t.Fatal(err)
	}
	_, groups, err := w.svc.Suggest(w.Ctx, w.alice, alice.Address(), "영업", 50)
	if err != nil || len(groups) != 1 || len(groups[0].Members) != 1 || groups[0].Members[0].Email != "young@x.test" {
		t.Errorf("group suggestion: %+v %v", groups, err)
	}
}

// Recipients the user has in neither book are added on send; known ones,
// trashed ones and his own address are not.
func TestAutoAdd(t *testing.T) {
	w := newWorld(t)
	w.add(w.alice, person("아는사람", "known@x.test"))
	gone := w.add(w.alice, person("지운사람", "gone@x.test"))
	if err := w.svc.Trash(w.Ctx, w.alice, gone.ID); err != nil {
		t.Fatal(err)
	}
	sys := actor.System(w.alice.AccountID, "send")
	n, err := w.svc.AutoAdd(w.Ctx, sys, "alice@example.test", []store.Address{
		{Name: "새사람", Addr: "new@x.test"}, {Addr: "KNOWN@x.test"}, {Addr: "gone@x.test"}, {Addr: "alice@example.test"}, {Addr: "new@x.test"},
	})
	if err != nil || n != 1 {
		t.Fatalf("AutoAdd: %d %v", n, err)
	}
	if got := w.names(w.alice, contacts.Query{}); !slices.Equal(got, []string{"새사람", "아는사람"}) {
		t.Errorf("after AutoAdd: %q", got)
	}
}

func TestList_manyPagesAndSearch(t *testing.T) {
	w := newWorld(t)
	var csv []byte
	csv = append(csv, "이름,이메일,회사\n"...)
	for i := range 3000 {
		csv = fmt.Appendf(csv, "사람%05d,p%05d@x.test,회사%d\n", i, i, i%10)
	}
	rep, err := w.svc.Import(w.Ctx, w.alice, csv, contacts.ImportOptions{})
	if err != nil || rep.Imported != 3000 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	p, err := w.svc.List(w.Ctx, w.alice, contacts.Query{Page: 60})
	if err != nil || p.Total != 3000 || len(p.Contacts) != 50 || p.Contacts[0].Name != "사람02950" {
		t.Fatalf("last page: total %d, %d, %v", p.Total, len(p.Contacts), err)
	}
	p, err = w.svc.List(w.Ctx, w.alice, contacts.Query{Text: "람0299"})
	if err != nil || p.Total != 10 {
		t.Fatalf("search: %d %v", p.Total, err)
	}
}
