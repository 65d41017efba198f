package carddav

import (
	"net/url"
	"strings"
	"testing"

	"postroom/internal/contacts"
)

// A UID gives one name and the name gives the UID back, for safe UIDs
// (as they are) and any other (escaped); the two kinds never collide.
func TestNames_roundTrip(t *testing.T) {
	for _, c := range []struct{ uid, name string }{
		{"1234-5678-9000-1", "1234-5678-9000-1"},
		{"a.b_c@d", "a.b_c@d"},
		{"urn:uuid:f81d4fae-7dec", ""},
		{"with space", ""},
		{"슬래시/한글", ""},
		{".hidden", ""},
		{"~Zm9v", ""},
		{strings.Repeat("x", maxSafeUID+1), ""},
	} {
		name := nameOf(c.uid)
		if c.name != "" && name != c.name {
			t.Errorf("nameOf(%q) = %q, want %q", c.uid, name, c.name)
		}
		if c.name == "" && (!strings.HasPrefix(name, "~") || url.PathEscape(name) != name) {
			t.Errorf("nameOf(%q) = %q, want an escaped name", c.uid, name)
		}
		if back := uidOf(name); back != c.uid {
			t.Errorf("uidOf(nameOf(%q)) = %q", c.uid, back)
		}
		p, ok := parsePath(cardHref("kim@example.test", contacts.Personal, c.uid))
		if !ok || p.kind != kCard || p.uid != c.uid {
			t.Errorf("parsePath(cardHref(%q)) = %+v %v", c.uid, p, ok)
		}
	}
	// A client's own name for a card without a UID is the UID as it is,
	// even one that looks escaped but is not ours.
	for _, name := range []string{"foo bar", "~not-base64!", "~Zm9v"} {
		if got := uidOf(name); got != name {
			t.Errorf("uidOf(%q) = %q", name, got)
		}
	}
}

func TestParsePath(t *testing.T) {
	for _, c := range []struct {
		path  string
		ok    bool
		kind  kind
		owner string
		book  contacts.Book
		uid   string
	}{
		{"/dav", true, kRoot, "", "", ""},
		{"/dav/", true, kRoot, "", "", ""},
		{"/dav/principals/", true, kPrincipals, "", "", ""},
		{"/dav/principals/Kim@Example.TEST/", true, kPrincipal, "kim@example.test", "", ""},
		{"/dav/principals/kim%40example.test", true, kPrincipal, "kim@example.test", "", ""},
		{"/dav/addressbooks/", true, kHomes, "", "", ""},
		{"/dav/addressbooks/kim@example.test/", true, kHome, "kim@example.test", "", ""},
		{"/dav/addressbooks/kim@example.test/shared", true, kBook, "kim@example.test", contacts.Shared, ""},
		{"/dav/addressbooks/kim@example.test/personal/a%20b.vcf", true, kCard, "kim@example.test", contacts.Personal, "a b"},
		{"/dav/addressbooks/kim@example.test/personal/a%2Fb.vcf", false, 0, "", "", ""},
		{"/dav/addressbooks/kim@example.test/personal/a.vcf/", false, 0, "", "", ""},
		{"/dav/addressbooks/kim@example.test/personal/.vcf", false, 0, "", "", ""},
		{"/dav/addressbooks/kim@example.test/other/", false, 0, "", "", ""},
		{"/dav/addressbooks//personal/", false, 0, "", "", ""},
		{"/dav/principals/a/b/", false, 0, "", "", ""},
		{"/davs/", false, 0, "", "", ""},
		{"/", false, 0, "", "", ""},
	} {
		p, ok := parsePath(c.path)
		if ok != c.ok || ok && (p.kind != c.kind || p.owner != c.owner || p.book != c.book || p.uid != c.uid) {
			t.Errorf("parsePath(%q) = %+v %v", c.path, p, ok)
		}
	}
}
