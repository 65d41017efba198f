package carddav

import (
	"net/http"
	"strings"
	"testing"

	"postroom/internal/contacts"
)

const (
	kimHome     = "/dav/addressbooks/kim@example.test/"
	kimPersonal = kimHome + "personal/"
	kimShared   = kimHome + "shared/"
)

// The discovery a client walks (RFC 6764 §6, RFC 5397, RFC 6352 §7.1):
// the context path gives current-user-principal, the principal gives
// addressbook-home-set, the home at Depth 1 gives the books.
func TestPropfind_discovery(t *testing.T) {
	e := newEnv(t)
	r := e.do(kim, "PROPFIND", "/dav/", map[string]string{"Depth": "0"},
		`<?xml version="1.0"?><propfind xmlns="DAV:"><prop><current-user-principal/><resourcetype/></prop></propfind>`)
	ms, _ := r.multistatus(t)
	if got := ms["/dav/"].get(t, dav("current-user-principal")).inner; got != "<d:href>/dav/principals/kim@example.test/</d:href>" {
		t.Fatalf("current-user-principal %q", got)
	}

	// RFC 6352 §7.1.1's example, on our principal.
	r = e.do(kim, "PROPFIND", "/dav/principals/kim@example.test/", map[string]string{"Depth": "0", "Content-Type": `text/xml; charset="utf-8"`},
		`<?xml version="1.0" encoding="utf-8" ?>
<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:prop>
    <C:addressbook-home-set/>
  </D:prop>
</D:propfind>`)
	ms, _ = r.multistatus(t)
	if got := ms["/dav/principals/kim@example.test/"].get(t, card("addressbook-home-set")).inner; !strings.Contains(got, ">"+kimHome+"<") {
		t.Fatalf("addressbook-home-set %q", got)
	}

	r = e.do(kim, "PROPFIND", kimHome, map[string]string{"Depth": "1"},
		`<propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav" xmlns:CS="http://calendarserver.org/ns/">
		<prop><resourcetype/><displayname/><CS:getctag/><current-user-privilege-set/><C:supported-address-data/></prop></propfind>`)
	ms, order := r.multistatus(t)
	if strings.Join(order, " ") != kimHome+" "+kimPersonal+" "+kimShared {
		t.Fatalf("Depth 1 on the home: %v", order)
	}
	for _, b := range []string{kimPersonal, kimShared} {
		if rt := ms[b].get(t, dav("resourcetype")).inner; !strings.Contains(rt, "addressbook") || !strings.Contains(rt, "collection") {
			t.Errorf("%s resourcetype %q", b, rt)
		}
		if ct := ms[b].get(t, cs("getctag")).text; ct != "0" {
			t.Errorf("%s getctag %q of an empty book", b, ct)
		}
		if ad := ms[b].get(t, card("supported-address-data")).inner; !strings.Contains(ad, `version="3.0"`) {
			t.Errorf("%s supported-address-data %q", b, ad)
		}
	}
	if ms[kimHome].props[cs("getctag")].status != "404" {
		t.Errorf("the home has a getctag: %+v", ms[kimHome].props[cs("getctag")])
	}
	// kim's language is Korean: the manual's names.
	if n := ms[kimPersonal].get(t, dav("displayname")).text; n != "내 주소록" {
		t.Errorf("personal displayname %q", n)
	}
	if n := ms[kimShared].get(t, dav("displayname")).text; n != "공용 주소록" {
		t.Errorf("shared displayname %q", n)
	}
	// The shared book is read-only for a user: no write privilege.
	if p := ms[kimShared].get(t, dav("current-user-privilege-set")).inner; strings.Contains(p, "write") || strings.Contains(p, "bind") || !strings.Contains(p, "read") {
		t.Errorf("shared privileges for a user: %q", p)
	}
	if p := ms[kimPersonal].get(t, dav("current-user-privilege-set")).inner; !strings.Contains(p, "write-content") || !strings.Contains(p, "<d:bind/>") {
		t.Errorf("personal privileges: %q", p)
	}
}

// A domain administrator sees the shared book writable, and an English
// account its English name.
func TestPropfind_sharedBookForAdministratorAndEnglish(t *testing.T) {
	e := newEnv(t)
	r := e.do(boss, "PROPFIND", "/dav/addressbooks/boss@example.test/shared/", map[string]string{"Depth": "0"},
		`<propfind xmlns="DAV:"><prop><current-user-privilege-set/></prop></propfind>`)
	ms, _ := r.multistatus(t)
	if p := ms["/dav/addressbooks/boss@example.test/shared/"].get(t, dav("current-user-privilege-set")).inner; !strings.Contains(p, "write-content") || !strings.Contains(p, "unbind") {
		t.Errorf("shared privileges for the administrator: %q", p)
	}
	r = e.do(lee, "PROPFIND", "/dav/addressbooks/lee@example.test/shared/", map[string]string{"Depth": "0"},
		`<propfind xmlns="DAV:"><prop><displayname/><owner/></prop></propfind>`)
	ms, _ = r.multistatus(t)
	if n := ms["/dav/addressbooks/lee@example.test/shared/"].get(t, dav("displayname")).text; n != "Shared contacts" {
		t.Errorf("lee's shared displayname %q", n)
	}
	// The domain's book has no owner among the principals.
	if o := ms["/dav/addressbooks/lee@example.test/shared/"].props[dav("owner")]; o.status != "404" {
		t.Errorf("the shared book's owner: %+v", o)
	}
}

// Depth 0 answers the book, Depth 1 the book and each card that is not
// in the trash; an infinite walk is refused (RFC 4918 §9.1) and an
// unknown Depth is a bad request.
func TestPropfind_depth(t *testing.T) {
	e := newEnv(t)
	a := e.book.add(t, actorOf(kim), contacts.Personal, contacts.Contact{Name: "가나다", UID: "a-1", Emails: []contacts.Email{{Address: "a@example.test"}}})
	b := e.book.add(t, actorOf(kim), contacts.Personal, contacts.Contact{Name: "Trashed", UID: "b-2"})
	if err := e.book.Trash(t.Context(), actorOf(kim), b.ID); err != nil {
		t.Fatal(err)
	}
	body := `<propfind xmlns="DAV:"><prop><getetag/><getcontenttype/><resourcetype/></prop></propfind>`

	_, order := e.do(kim, "PROPFIND", kimPersonal, map[string]string{"Depth": "0"}, body).multistatus(t)
	if len(order) != 1 || order[0] != kimPersonal {
		t.Errorf("Depth 0: %v", order)
	}
	ms, order := e.do(kim, "PROPFIND", kimPersonal, map[string]string{"Depth": "1"}, body).multistatus(t)
	href := kimPersonal + "a-1.vcf"
	if len(order) != 2 || order[1] != href {
		t.Fatalf("Depth 1: %v", order)
	}
	if tag := ms[href].get(t, dav("getetag")).text; tag != `"1"` || a.Version != 1 {
		t.Errorf("getetag %q (version %d)", tag, a.Version)
	}
	if ct := ms[href].get(t, dav("getcontenttype")).text; ct != "text/vcard; charset=utf-8" {
		t.Errorf("getcontenttype %q", ct)
	}
	if rt := ms[href].get(t, dav("resourcetype")).inner; rt != "" {
		t.Errorf("a card's resourcetype %q", rt)
	}
	if ms[kimPersonal].props[dav("getetag")].status != "404" {
		t.Errorf("the book's getetag: %+v", ms[kimPersonal].props[dav("getetag")])
	}

	for _, d := range []string{"infinity", ""} {
		hdr := map[string]string{}
		if d != "" {
			hdr["Depth"] = d
		}
		r := e.do(kim, "PROPFIND", kimPersonal, hdr, body).want(t, http.StatusForbidden)
		if errs := r.davErrorOf(t); len(errs) != 1 || errs[0] != dav("propfind-finite-depth") {
			t.Errorf("Depth %q: %v", d, errs)
		}
	}
	e.do(kim, "PROPFIND", kimPersonal, map[string]string{"Depth": "2"}, body).want(t, http.StatusBadRequest)

	// On a card any Depth answers the card alone.
	_, order = e.do(kim, "PROPFIND", href, map[string]string{"Depth": "infinity"}, body).multistatus(t)
	if len(order) != 1 || order[0] != href {
		t.Errorf("a card at Depth infinity: %v", order)
	}
	e.do(kim, "PROPFIND", kimPersonal+"b-2.vcf", map[string]string{"Depth": "0"}, body).want(t, http.StatusNotFound)
}

// An empty body is allprop (RFC 4918 §9.1); propname lists names without
// values; an unknown property is 404 in its own propstat, whatever its
// namespace; a malformed body is 400.
func TestPropfind_allpropPropnameUnknownAndBadXML(t *testing.T) {
	e := newEnv(t)
	ms, _ := e.do(kim, "PROPFIND", kimPersonal, map[string]string{"Depth": "0"}, "").multistatus(t)
	for _, n := range allprops(kBook) {
		ms[kimPersonal].get(t, n)
	}
	if _, ok := ms[kimPersonal].props[card("address-data")]; ok {
		t.Error("allprop answered address-data")
	}
	ms, _ = e.do(kim, "PROPFIND", kimPersonal, map[string]string{"Depth": "0"},
		`<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>`).multistatus(t)
	if ms[kimPersonal].get(t, cs("getctag")).text != "0" {
		t.Error("allprop without getctag")
	}
	ms, _ = e.do(kim, "PROPFIND", kimPersonal, map[string]string{"Depth": "0"},
		`<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>`).multistatus(t)
	if p := ms[kimPersonal].get(t, dav("displayname")); p.text != "" {
		t.Errorf("propname gave a value: %q", p.text)
	}
	ms, _ = e.do(kim, "PROPFIND", kimPersonal, map[string]string{"Depth": "0"},
		`<D:propfind xmlns:D="DAV:" xmlns:X="urn:example:x"><D:prop><X:color/><D:quota-used-bytes/><plain xmlns=""/><D:displayname/></D:prop></D:propfind>`).multistatus(t)
	for _, n := range []struct{ space, local string }{{"urn:example:x", "color"}, {"DAV:", "quota-used-bytes"}, {"", "plain"}} {
		p, ok := ms[kimPersonal].props[nameOfXML(n.space, n.local)]
		if !ok || p.status != "404" {
			t.Errorf("%v: %+v %v", n, p, ok)
		}
	}
	ms[kimPersonal].get(t, dav("displayname"))
	for _, body := range []string{"<propfind", `<D:propfind xmlns:D="DAV:"></D:propfind>`, "not xml at all"} {
		e.do(kim, "PROPFIND", kimPersonal, map[string]string{"Depth": "0"}, body).want(t, http.StatusBadRequest)
	}
}

// PROPPATCH changes nothing: every property 403 in a 207.
func TestProppatch_refusedPropertyByProperty(t *testing.T) {
	e := newEnv(t)
	ms, _ := e.do(kim, "PROPPATCH", kimPersonal, nil, `<?xml version="1.0"?>
<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:set><D:prop><D:displayname>Work</D:displayname><C:addressbook-description>x</C:addressbook-description></D:prop></D:set>
</D:propertyupdate>`).multistatus(t)
	for _, n := range []string{"displayname", "addressbook-description"} {
		var found bool
		for name, p := range ms[kimPersonal].props {
			if name.Local == n {
				found = p.status == "403"
			}
		}
		if !found {
			t.Errorf("%s not refused: %+v", n, ms[kimPersonal])
		}
	}
}
