package carddav

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"postroom/internal/contacts"
)

// rfcCard is the vCard of RFC 6352 §6.3.2's example (Cyrus Daboo).
const rfcCard = "BEGIN:VCARD\r\n" +
	"VERSION:3.0\r\n" +
	"FN:Cyrus Daboo\r\n" +
	"N:Daboo;Cyrus\r\n" +
	"ADR;TYPE=POSTAL:;2822 Email HQ;Suite 2821;RFCVille;PA;15213;USA\r\n" +
	"EMAIL;TYPE=INTERNET,PREF:cyrus@example.com\r\n" +
	"NICKNAME:me\r\n" +
	"NOTE:Example VCard.\r\n" +
	"ORG:Self Employed\r\n" +
	"TEL;TYPE=WORK,VOICE:412 605 0499\r\n" +
	"TEL;TYPE=FAX:412 605 0705\r\n" +
	"URL:http://www.example.com\r\n" +
	"UID:1234-5678-9000-1\r\n" +
	"END:VCARD\r\n"

var vcardHdr = map[string]string{"Content-Type": "text/vcard"}

func hdr(kv ...string) map[string]string {
	m := map[string]string{"Content-Type": "text/vcard"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// RFC 6352 §6.3.2: a PUT with If-None-Match: * creates the card. Its UID
// names it (the example's newvcard.vcf is told where: Location), and a
// GET there gives it back with the ETag a PROPFIND shows.
func TestPut_rfcExampleCreates(t *testing.T) {
	e := newEnv(t)
	r := e.do(kim, http.MethodPut, kimPersonal+"newvcard.vcf", hdr("If-None-Match", "*"), rfcCard).want(t, http.StatusCreated)
	href := kimPersonal + "1234-5678-9000-1.vcf"
	if loc := r.header.Get("Location"); loc != href {
		t.Errorf("Location %q, want %q", loc, href)
	}
	// We keep the fields of our model, not NICKNAME or URL: the stored
	// card differs from what was sent, so no ETag (RFC 6352 §6.3.2.3).
	if tag := r.header.Get("ETag"); tag != "" {
		t.Errorf("ETag %q on a card stored differently", tag)
	}
	g := e.do(kim, http.MethodGet, href, nil, "").want(t, http.StatusOK)
	if ct := g.header.Get("Content-Type"); ct != "text/vcard; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{"UID:1234-5678-9000-1\r\n", "FN:Cyrus Daboo\r\n", "cyrus@example.com", "412 605 0499", "ORG:Self Employed", "NOTE:Example VCard."} {
		if !strings.Contains(g.body, want) {
			t.Errorf("GET lacks %q:\n%s", want, g.body)
		}
	}
	ms, _ := e.do(kim, "PROPFIND", href, map[string]string{"Depth": "0"}, `<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>`).multistatus(t)
	if tag := ms[href].get(t, dav("getetag")).text; tag != g.header.Get("ETag") || tag == "" {
		t.Errorf("PROPFIND getetag %q, GET ETag %q", tag, g.header.Get("ETag"))
	}
	// The same PUT again: the UID is taken (§6.3.2.1 no-uid-conflict).
	r = e.do(kim, http.MethodPut, kimPersonal+"newvcard.vcf", hdr("If-None-Match", "*"), rfcCard).want(t, http.StatusConflict)
	if errs := r.davErrorOf(t); len(errs) != 1 || errs[0] != card("no-uid-conflict") || !strings.Contains(r.body, href) {
		t.Errorf("no-uid-conflict: %s", r.body)
	}
}

// A card without a UID takes its name's; one we write back exactly as
// sent gets its ETag at once; a UID that is not a safe name gets a
// stable escaped one.
func TestPut_namesAndETag(t *testing.T) {
	e := newEnv(t)
	e.do(kim, http.MethodPut, kimPersonal+"no-uid.vcf", vcardHdr, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nameless\r\nEND:VCARD\r\n").want(t, http.StatusCreated)
	c, err := e.book.ByUID(t.Context(), actorOf(kim), contacts.Personal, "no-uid")
	if err != nil || c.Name != "Nameless" {
		t.Fatalf("card without UID: %+v %v", c, err)
	}

	// What GET gives, PUT back, is stored as it is: the ETag comes back.
	g := e.do(kim, http.MethodGet, kimPersonal+"no-uid.vcf", nil, "").want(t, http.StatusOK)
	r := e.do(kim, http.MethodPut, kimPersonal+"no-uid.vcf", hdr("If-Match", g.header.Get("ETag")), g.body).want(t, http.StatusNoContent)
	if tag := r.header.Get("ETag"); tag == "" || tag == g.header.Get("ETag") {
		t.Errorf("ETag after an identical PUT %q (before %q)", tag, g.header.Get("ETag"))
	}

	uid := "urn:uuid:김/민수 1"
	r = e.do(kim, http.MethodPut, kimPersonal+"x.vcf", vcardHdr, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Odd\r\nUID:"+uid+"\r\nEND:VCARD\r\n").want(t, http.StatusCreated)
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, kimPersonal+"~") || strings.ContainsAny(strings.TrimPrefix(loc, kimPersonal), "/% ") {
		t.Fatalf("Location of an unsafe UID %q", loc)
	}
	g = e.do(kim, http.MethodGet, loc, nil, "").want(t, http.StatusOK)
	if !strings.Contains(g.body, "FN:Odd") {
		t.Errorf("GET %s: %s", loc, g.body)
	}
	ms, _ := e.do(kim, "PROPFIND", kimPersonal, map[string]string{"Depth": "1"}, `<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>`).multistatus(t)
	if _, ok := ms[loc]; !ok {
		t.Errorf("Depth 1 does not list %s: %v", loc, ms)
	}
}

// If-Match and If-None-Match: * (RFC 9110 §13.1): a failed condition is
// 412 and changes nothing; a matching one goes through.
func TestPut_preconditions(t *testing.T) {
	e := newEnv(t)
	c := e.book.add(t, actorOf(kim), contacts.Personal, contacts.Contact{Name: "Before", UID: "p-1"})
	href := kimPersonal + "p-1.vcf"
	after := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:After\r\nUID:p-1\r\nEND:VCARD\r\n"
	for _, h := range []map[string]string{
		hdr("If-None-Match", "*"),
		hdr("If-Match", `"99"`),
		hdr("If-Match", `"99", "100"`),
	} {
		e.do(kim, http.MethodPut, href, h, after).want(t, http.StatusPreconditionFailed)
	}
	// If-Match on a name nothing has.
	e.do(kim, http.MethodPut, kimPersonal+"p-2.vcf", hdr("If-Match", `"1"`), strings.Replace(after, "p-1", "p-2", 1)).want(t, http.StatusPreconditionFailed)
	if got, _ := e.book.ByUID(t.Context(), actorOf(kim), contacts.Personal, "p-1"); got.Name != "Before" || got.Version != c.Version {
		t.Fatalf("changed by a failed PUT: %+v", got)
	}
	if _, err := e.book.ByUID(t.Context(), actorOf(kim), contacts.Personal, "p-2"); err == nil {
		t.Fatal("p-2 created by a failed PUT")
	}
	e.do(kim, http.MethodPut, href, hdr("If-Match", `W/"1"`), after).want(t, http.StatusNoContent)
	got, _ := e.book.ByUID(t.Context(), actorOf(kim), contacts.Personal, "p-1")
	if got.Name != "After" || got.Version == c.Version || got.ID != c.ID {
		t.Fatalf("after a PUT with the right If-Match: %+v", got)
	}
	// Without a condition a PUT replaces whatever is there.
	e.do(kim, http.MethodPut, href, vcardHdr, strings.Replace(after, "After", "Again", 1)).want(t, http.StatusNoContent)
	// A card cannot take another card's UID, nor change its own.
	e.book.add(t, actorOf(kim), contacts.Personal, contacts.Contact{Name: "Other", UID: "p-3"})
	r := e.do(kim, http.MethodPut, href, vcardHdr, strings.Replace(after, "UID:p-1", "UID:p-3", 1)).want(t, http.StatusConflict)
	if !strings.Contains(r.body, kimPersonal+"p-3.vcf") {
		t.Errorf("no-uid-conflict without the other's href: %s", r.body)
	}
	e.do(kim, http.MethodPut, href, vcardHdr, strings.Replace(after, "UID:p-1", "UID:p-9", 1)).want(t, http.StatusConflict)
}

// What is not one vCard of a size we take is refused with the
// precondition that says why, and nothing is stored.
func TestPut_badBodies(t *testing.T) {
	e := newEnv(t)
	two := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nEND:VCARD\r\n"
	for _, c := range []struct {
		name, ctype, body string
		code              int
		cond              string
	}{
		{"not a vCard", "text/vcard", "hello", http.StatusBadRequest, "valid-address-data"},
		{"two cards", "text/vcard", two, http.StatusBadRequest, "valid-address-data"},
		{"no name or e-mail", "text/vcard", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\r\nEND:VCARD\r\n", http.StatusBadRequest, "valid-address-data"},
		{"an iCalendar", "text/calendar", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", http.StatusUnsupportedMediaType, "supported-address-data"},
		{"too large", "text/vcard", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + strings.Repeat("x", maxResourceSize) + "\r\nEND:VCARD\r\n", http.StatusRequestEntityTooLarge, "max-resource-size"},
	} {
		r := e.do(kim, http.MethodPut, kimPersonal+"bad.vcf", map[string]string{"Content-Type": c.ctype}, c.body)
		if r.code != c.code {
			t.Errorf("%s: %d, want %d: %s", c.name, r.code, c.code, r.body)
			continue
		}
		if errs := r.davErrorOf(t); len(errs) != 1 || errs[0] != card(c.cond) {
			t.Errorf("%s: %v", c.name, errs)
		}
	}
	if p, _ := e.book.List(t.Context(), actorOf(kim), contacts.Query{Book: contacts.Personal, PageSize: -1}); len(p.Contacts) != 0 {
		t.Errorf("stored: %+v", p.Contacts)
	}
	// A card without Content-Type is taken (some clients send none).
	e.do(kim, http.MethodPut, kimPersonal+"bare.vcf", nil, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bare\r\nEND:VCARD\r\n").want(t, http.StatusCreated)
	// A collection takes no PUT.
	e.do(kim, http.MethodPut, kimPersonal, vcardHdr, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEND:VCARD\r\n").want(t, http.StatusMethodNotAllowed)
}

// GET with If-None-Match is 304; HEAD has the headers and no body; a
// collection has no GET; a trashed card is gone.
func TestGet_conditionalHeadAndGone(t *testing.T) {
	e := newEnv(t)
	c := e.book.add(t, actorOf(kim), contacts.Personal, contacts.Contact{Name: "홍길동", UID: "g-1", Phones: []contacts.Phone{{Number: "010-1234-5678", Label: "mobile"}}})
	href := kimPersonal + "g-1.vcf"
	g := e.do(kim, http.MethodGet, href, nil, "").want(t, http.StatusOK)
	if g.header.Get("ETag") != `"1"` || g.header.Get("Last-Modified") == "" {
		t.Errorf("headers %v", g.header)
	}
	cards, err := contacts.DecodeVCards([]byte(g.body))
	if err != nil || len(cards) != 1 || cards[0].Contact.Name != "홍길동" || cards[0].Contact.UID != "g-1" || cards[0].Contact.Phones[0].Number != "010-1234-5678" {
		t.Fatalf("GET body decodes to %+v %v", cards, err)
	}
	e.do(kim, http.MethodGet, href, map[string]string{"If-None-Match": `"1"`}, "").want(t, http.StatusNotModified)
	e.do(kim, http.MethodGet, href, map[string]string{"If-None-Match": `"7"`}, "").want(t, http.StatusOK)
	h := e.do(kim, http.MethodHead, href, nil, "").want(t, http.StatusOK)
	if h.body != "" || h.header.Get("ETag") != `"1"` {
		t.Errorf("HEAD: %q %v", h.body, h.header)
	}
	e.do(kim, http.MethodGet, kimPersonal, nil, "").want(t, http.StatusMethodNotAllowed)
	if err := e.book.Trash(t.Context(), actorOf(kim), c.ID); err != nil {
		t.Fatal(err)
	}
	e.do(kim, http.MethodGet, href, nil, "").want(t, http.StatusNotFound)
}

// DELETE moves the card to the contacts' trash (the webmail restores
// it), under If-Match; a missing card is 404.
func TestDelete_toTrashWithPrecondition(t *testing.T) {
	e := newEnv(t)
	c := e.book.add(t, actorOf(kim), contacts.Personal, contacts.Contact{Name: "Gone", UID: "d-1"})
	href := kimPersonal + "d-1.vcf"
	e.do(kim, http.MethodDelete, href, map[string]string{"If-Match": `"5"`}, "").want(t, http.StatusPreconditionFailed)
	e.do(kim, http.MethodDelete, href, map[string]string{"If-Match": `"1"`}, "").want(t, http.StatusNoContent)
	got, err := e.book.ByUID(t.Context(), actorOf(kim), contacts.Personal, "d-1")
	if err != nil || got.ID != c.ID || got.Deleted.IsZero() {
		t.Fatalf("after DELETE: %+v %v (want it in the trash)", got, err)
	}
	e.do(kim, http.MethodDelete, href, nil, "").want(t, http.StatusNotFound)
	e.do(kim, http.MethodDelete, kimPersonal+"never.vcf", nil, "").want(t, http.StatusNotFound)
	e.do(kim, http.MethodDelete, kimPersonal, nil, "").want(t, http.StatusMethodNotAllowed)
}

// The shared book: every user of the domain reads it; a user's PUT and
// DELETE are 403 with DAV:need-privileges and change nothing; the
// domain's administrator changes it.
func TestSharedBook_readOnlyUnlessAdministrator(t *testing.T) {
	e := newEnv(t)
	c := e.book.add(t, actorOf(boss), contacts.Shared, contacts.Contact{Name: "거래처", UID: "s-1", Emails: []contacts.Email{{Address: "client@vendor.test"}}})
	href := kimShared + "s-1.vcf"
	if g := e.do(kim, http.MethodGet, href, nil, ""); g.code != http.StatusOK || !strings.Contains(g.body, "client@vendor.test") {
		t.Fatalf("a user reading the shared book: %d %s", g.code, g.body)
	}
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Changed\r\nUID:s-1\r\nEND:VCARD\r\n"
	for _, c := range []struct {
		method, path, privilege string
	}{
		{http.MethodPut, href, "bind"},
		{http.MethodPut, kimShared + "new.vcf", "bind"},
		{http.MethodDelete, href, "unbind"},
	} {
		r := e.do(kim, c.method, c.path, vcardHdr, card).want(t, http.StatusForbidden)
		if errs := r.davErrorOf(t); len(errs) != 1 || errs[0] != dav("need-privileges") || !strings.Contains(r.body, "<d:"+c.privilege+"/>") {
			t.Errorf("%s %s: %s", c.method, c.path, r.body)
		}
	}
	got, _ := e.book.ByUID(t.Context(), actorOf(kim), contacts.Shared, "s-1")
	if got.Name != "거래처" || got.Version != c.Version || !got.Deleted.IsZero() {
		t.Fatalf("the shared card after a user's attempts: %+v", got)
	}
	e.do(boss, http.MethodPut, "/dav/addressbooks/boss@example.test/shared/s-1.vcf", vcardHdr, card).want(t, http.StatusNoContent)
	if g := e.do(kim, http.MethodGet, href, nil, ""); !strings.Contains(g.body, "FN:Changed") {
		t.Errorf("kim does not see the administrator's change: %s", g.body)
	}
	e.do(boss, http.MethodDelete, "/dav/addressbooks/boss@example.test/shared/s-1.vcf", nil, "").want(t, http.StatusNoContent)
}

// A change raises the book's getctag and the card's ETag, so that a
// client knows to look again.
func TestCtagAndETagFollowChanges(t *testing.T) {
	e := newEnv(t)
	ctag := func() string {
		ms, _ := e.do(kim, "PROPFIND", kimPersonal, map[string]string{"Depth": "0"},
			`<propfind xmlns="DAV:"><prop><getctag xmlns="http://calendarserver.org/ns/"/></prop></propfind>`).multistatus(t)
		return ms[kimPersonal].get(t, cs("getctag")).text
	}
	before := ctag()
	e.do(kim, http.MethodPut, kimPersonal+"c-1.vcf", vcardHdr, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:One\r\nUID:c-1\r\nEND:VCARD\r\n").want(t, http.StatusCreated)
	afterPut := ctag()
	e1 := e.do(kim, http.MethodGet, kimPersonal+"c-1.vcf", nil, "").header.Get("ETag")
	e.do(kim, http.MethodPut, kimPersonal+"c-1.vcf", vcardHdr, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Two\r\nUID:c-1\r\nEND:VCARD\r\n").want(t, http.StatusNoContent)
	e2 := e.do(kim, http.MethodGet, kimPersonal+"c-1.vcf", nil, "").header.Get("ETag")
	e.do(kim, http.MethodDelete, kimPersonal+"c-1.vcf", nil, "").want(t, http.StatusNoContent)
	afterDelete := ctag()
	if before == afterPut || afterPut == afterDelete || e1 == e2 || e1 == "" {
		t.Errorf("ctags %s %s %s, etags %s %s", before, afterPut, afterDelete, e1, e2)
	}
	if !bytes.Equal([]byte(before), []byte("0")) {
		t.Errorf("empty book's ctag %q", before)
	}
}

// A card deleted (to the trash) in the webmail while a client still had
// it: the client's next PUT of it, even If-None-Match: * as a new card,
// brings it back with the client's content instead of failing on its
// UID at every sync from then on.
func TestPut_cardInTheTrashComesBack(t *testing.T) {
	e := newEnv(t)
	c := e.book.add(t, actorOf(kim), contacts.Personal, contacts.Contact{Name: "Old", UID: "t-1", Folder: 7})
	if err := e.book.Trash(t.Context(), actorOf(kim), c.ID); err != nil {
		t.Fatal(err)
	}
	href := kimPersonal + "t-1.vcf"
	e.do(kim, http.MethodPut, href, hdr("If-Match", `"2"`), "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:New\r\nUID:t-1\r\nEND:VCARD\r\n").want(t, http.StatusPreconditionFailed)
	e.do(kim, http.MethodPut, href, hdr("If-None-Match", "*"), "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:New\r\nUID:t-1\r\nEND:VCARD\r\n").want(t, http.StatusCreated)
	got, err := e.book.ByUID(t.Context(), actorOf(kim), contacts.Personal, "t-1")
	if err != nil || got.ID != c.ID || !got.Deleted.IsZero() || got.Name != "New" || got.Folder != 7 {
		t.Fatalf("after the PUT: %+v %v", got, err)
	}
	// The same through another name (the card's UID decides).
	if err := e.book.Trash(t.Context(), actorOf(kim), c.ID); err != nil {
		t.Fatal(err)
	}
	r := e.do(kim, http.MethodPut, kimPersonal+"other-name.vcf", vcardHdr, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Newer\r\nUID:t-1\r\nEND:VCARD\r\n").want(t, http.StatusCreated)
	if r.header.Get("Location") != href {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	// A user cannot bring back a card of the shared book.
	s := e.book.add(t, actorOf(boss), contacts.Shared, contacts.Contact{Name: "Shared", UID: "t-2"})
	if err := e.book.Trash(t.Context(), actorOf(boss), s.ID); err != nil {
		t.Fatal(err)
	}
	e.do(kim, http.MethodPut, kimShared+"t-2.vcf", vcardHdr, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Back\r\nUID:t-2\r\nEND:VCARD\r\n").want(t, http.StatusForbidden)
}

// Groups travel as CATEGORIES: a GET names the contact's groups; a PUT
// with CATEGORIES sets the groups of those names (a name of no group is
// left out); a PUT without CATEGORIES keeps the contact's groups, since
// many clients drop what they do not show.
func TestGroupsAsCategories(t *testing.T) {
	e := newEnv(t)
	e.book.addGroup(actorOf(kim), contacts.Personal, 10, "가족")
	e.book.addGroup(actorOf(kim), contacts.Personal, 11, "Work, Seoul")
	e.book.add(t, actorOf(kim), contacts.Personal, contacts.Contact{Name: "Grouped", UID: "gr-1", Groups: []int64{10, 11}})
	href := kimPersonal + "gr-1.vcf"
	g := e.do(kim, http.MethodGet, href, nil, "").want(t, http.StatusOK)
	if !strings.Contains(g.body, "CATEGORIES:가족,Work\\, Seoul\r\n") {
		t.Fatalf("GET without the groups:\n%s", g.body)
	}
	groups := func() []int64 {
		c, err := e.book.ByUID(t.Context(), actorOf(kim), contacts.Personal, "gr-1")
		if err != nil {
			t.Fatal(err)
		}
		return c.Groups
	}
	e.do(kim, http.MethodPut, href, vcardHdr, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grouped\r\nUID:gr-1\r\nEND:VCARD\r\n").want(t, http.StatusNoContent)
	if got := groups(); len(got) != 2 {
		t.Errorf("groups after a PUT without CATEGORIES: %v", got)
	}
	e.do(kim, http.MethodPut, href, vcardHdr, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grouped\r\nUID:gr-1\r\nCATEGORIES:Work\\, Seoul,Unknown\r\nEND:VCARD\r\n").want(t, http.StatusNoContent)
	if got := groups(); len(got) != 1 || got[0] != 11 {
		t.Errorf("groups after CATEGORIES Work, Seoul and Unknown: %v", got)
	}
	e.do(kim, http.MethodPut, kimPersonal+"gr-2.vcf", vcardHdr, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:New\r\nUID:gr-2\r\nCATEGORIES:가족\r\nEND:VCARD\r\n").want(t, http.StatusCreated)
	if c, _ := e.book.ByUID(t.Context(), actorOf(kim), contacts.Personal, "gr-2"); len(c.Groups) != 1 || c.Groups[0] != 10 {
		t.Errorf("a new card's groups: %v", c.Groups)
	}
}

// If-Match is checked again by the service at the write: another change
// between the handler's check and the write is a 412 too, not a lost
// update.
func TestPut_ifMatchRaceIs412(t *testing.T) {
	e := newEnv(t)
	e.book.add(t, actorOf(kim), contacts.Personal, contacts.Contact{Name: "Before", UID: "race-1"})
	e.book.beforeUpdate = func(c *contacts.Contact) { c.Name, c.Version = "Other writer", c.Version+1 }
	e.do(kim, http.MethodPut, kimPersonal+"race-1.vcf", hdr("If-Match", `"1"`), "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mine\r\nUID:race-1\r\nEND:VCARD\r\n").
		want(t, http.StatusPreconditionFailed)
	if c, _ := e.book.ByUID(t.Context(), actorOf(kim), contacts.Personal, "race-1"); c.Name != "Other writer" {
		t.Errorf("after the race: %+v", c)
	}
}
