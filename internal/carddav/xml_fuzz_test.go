package carddav

import (
	"context"
	"encoding/xml"
	"net/http/httptest"
	"testing"

	"postroom/internal/contacts"
)

// FuzzRequestBody feeds any bytes to the PROPFIND, PROPPATCH and REPORT
// parsers: none may panic, and whatever property names they accept, the
// multistatus we answer with them is well-formed XML that a client can
// read (names of other namespaces are written back as they came).
func FuzzRequestBody(f *testing.F) {
	for _, s := range []string{
		``,
		`<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>`,
		`<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>`,
		`<D:propfind xmlns:D="DAV:" xmlns:X="urn:x"><D:prop><D:getetag/><X:y/><z xmlns=""/></D:prop></D:propfind>`,
		`<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>x</D:displayname></D:prop></D:set></D:propertyupdate>`,
		`<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data><C:prop name="FN"/></C:address-data></D:prop><D:href>/dav/a.vcf</D:href></C:addressbook-multiget>`,
		`<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/></D:prop><C:filter test="allof"><C:prop-filter name="FN" test="anyof"><C:is-not-defined/><C:text-match collation="i;octet" negate-condition="yes" match-type="starts-with">a</C:text-match><C:param-filter name="TYPE"/></C:prop-filter></C:filter><C:limit><C:nresults>3</C:nresults></C:limit></C:addressbook-query>`,
		`<D:sync-collection xmlns:D="DAV:"/>`,
		`<a:b xmlns:a="">`,
		`<x:prop xmlns:x="DAV:"><a:b:c/></x:prop>`,
	} {
		f.Add([]byte(s))
	}
	c := &contacts.Contact{Name: "김 <&> \"x\"", UID: "u]]>1", Version: 3, Emails: []contacts.Email{{Address: "a@b.test"}}}
	f.Fuzz(func(t *testing.T, body []byte) {
		var reqs []propRequest
		if pf, err := parsePropfind(body); err == nil {
			reqs = append(reqs, pf)
		}
		if names, err := parseProppatch(body); err == nil {
			reqs = append(reqs, propRequest{props: names})
		}
		if rq, err := parseReport(body); err == nil {
			reqs = append(reqs, rq.props)
			rq.filter.matches(c) // must not panic
		}
		h := &Handler{Contacts: newFakeContacts()}
		rc := &reqCtx{ctx: context.Background(), actor: actorOf(kim), address: "kim@example.test", lang: "ko"}
		for _, req := range reqs {
			var ms multistatus
			for _, res := range []*resource{{p: davPath{kind: kBook, owner: rc.address, book: contacts.Personal}},
				{p: davPath{kind: kCard, owner: rc.address, book: contacts.Personal, uid: c.UID}, c: c}} {
				props, err := h.propsOf(rc, res, req)
				if err != nil {
					t.Fatal(err)
				}
				ms.add(res.p.href(), props)
			}
			w := httptest.NewRecorder()
			ms.write(w)
			var x xMultistatus
			if err := xml.Unmarshal(w.Body.Bytes(), &x); err != nil || len(x.Responses) != 2 {
				t.Fatalf("answer to %q is not a multistatus of 2: %v\n%s", body, err, w.Body)
			}
			// Strict namespace check: every element must be readable again
			// token by token.
			d := xml.NewDecoder(w.Body)
			for {
				_, err := d.Token()
				if err != nil {
					if err.Error() != "EOF" {
						t.Fatalf("answer to %q: %v", body, err)
					}
					break
				}
			}
		}
	})
}
