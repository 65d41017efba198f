package interop

// CardDAV (RFC 6352, C1) with real clients against `postroom serve` over
// plain HTTP on 127.0.0.1 (loopback may send a password in clear): curl
// sending the RFC's PROPFIND, PUT and REPORT examples (adapted to our
// paths), and vdirsyncer syncing a user's books both ways with a folder
// of .vcf files (carddav_vdirsyncer_test.go).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// davReply is one answer as curl got it.
type davReply struct {
	code   int
	header http.Header
	body   string
}

// curlDAV sends one request with curl as user (with testPassword; ""
// for none, or user:password for another password), headers given as
// "Name: value".
func curlDAV(t *testing.T, base, user, method, path string, headers []string, body string) davReply {
	t.Helper()
	bin := requireTool(t, "curl", "curl")
	dir := t.TempDir()
	hfile, bfile, in := filepath.Join(dir, "headers"), filepath.Join(dir, "body"), filepath.Join(dir, "request")
	args := []string{"-sS", "--max-time", "60", "-X", method, "-D", hfile, "-o", bfile, "-w", "%{http_code}"}
	if user != "" {
		if !strings.Contains(user, ":") {
			user += ":" + testPassword
		}
		args = append(args, "-u", user)
	}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	if body != "" {
		if err := os.WriteFile(in, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--data-binary", "@"+in)
	}
	args = append(args, base+path)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("curl %s %s: %v\n%s", method, path, err, out)
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("curl %s %s: status %q", method, path, out)
	}
	rawHeaders, _ := os.ReadFile(hfile)
	respBody, _ := os.ReadFile(bfile)
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(rawHeaders)))
	if _, err := r.ReadLine(); err != nil { // the status line
		t.Fatalf("curl %s %s: headers %q: %v", method, path, rawHeaders, err)
	}
	mh, err := r.ReadMIMEHeader()
	if err != nil && len(mh) == 0 {
		t.Fatalf("curl %s %s: headers %q: %v", method, path, rawHeaders, err)
	}
	return davReply{code: code, header: http.Header(mh), body: string(respBody)}
}

func (r davReply) want(t *testing.T, what string, code int) davReply {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.code, code, r.body)
	}
	return r
}

// davProp is one property of a parsed multistatus.
type davProp struct {
	status string // "200", "404", ...
	inner  string // as XML
	text   string
}

type davResponse struct {
	status string // a response without properties: its own status
	props  map[xml.Name]davProp
}

type davAny struct {
	XMLName xml.Name
	Inner   string `xml:",innerxml"`
	Text    string `xml:",chardata"`
}

// multistatus parses a 207 answer by href, and the hrefs in order.
func (r davReply) multistatus(t *testing.T, what string) (map[string]davResponse, []string) {
	t.Helper()
	r.want(t, what, http.StatusMultiStatus)
	var x struct {
		XMLName   xml.Name `xml:"DAV: multistatus"`
		Responses []struct {
			Href      string `xml:"DAV: href"`
			Status    string `xml:"DAV: status"`
			Propstats []struct {
				Prop struct {
					Any []davAny `xml:",any"`
				} `xml:"DAV: prop"`
				Status string `xml:"DAV: status"`
			} `xml:"DAV: propstat"`
		} `xml:"DAV: response"`
	}
	if err := xml.Unmarshal([]byte(r.body), &x); err != nil {
		t.Fatalf("%s: not a multistatus: %v\n%s", what, err, r.body)
	}
	code := func(line string) string {
		if f := strings.Fields(line); len(f) > 1 {
			return f[1]
		}
		return ""
	}
	out := map[string]davResponse{}
	var order []string
	for _, resp := range x.Responses {
		d := davResponse{status: code(resp.Status), props: map[xml.Name]davProp{}}
		for _, ps := range resp.Propstats {
			for _, p := range ps.Prop.Any {
				d.props[p.XMLName] = davProp{status: code(ps.Status), inner: p.Inner, text: p.Text}
			}
		}
		out[resp.Href] = d
		order = append(order, resp.Href)
	}
	return out, order
}

// prop is property space:local of the response, failing unless it is
// there with 200.
func (d davResponse) prop(t *testing.T, space, local string) davProp {
	t.Helper()
	p, ok := d.props[xml.Name{Space: space, Local: local}]
	if !ok || p.status != "200" {
		t.Fatalf("property %s%s: %+v (present %v); response %+v", space, local, p, ok, d)
	}
	return p
}

const (
	nsDAV  = "DAV:"
	nsCard = "urn:ietf:params:xml:ns:carddav"
)

// The card of RFC 6352 §6.3.2's example.
const rfcDabooCard = "BEGIN:VCARD\r\n" +
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

// TestCardDAV_curlRFCExamples walks a client's discovery and sends the
// RFC 6352 examples with curl, checking the status codes and the XML.
func TestCardDAV_curlRFCExamples(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"http"}})
	alice := uniqueAddr("dav-alice")
	s.AddUser(t, alice)
	base := "http://" + s.Addr(t, "http")
	principal := "/dav/principals/" + alice + "/"
	home := "/dav/addressbooks/" + alice + "/"
	personal, shared := home+"personal/", home+"shared/"
	xmlCT := `Content-Type: text/xml; charset="utf-8"`

	// RFC 6352 §6.1: the DAV header names addressbook.
	r := curlDAV(t, base, "", "OPTIONS", "/dav/", nil, "").want(t, "OPTIONS", http.StatusOK)
	if dav := r.header.Get("DAV"); !strings.Contains(dav, "addressbook") || !strings.Contains(dav, "3") {
		t.Errorf("DAV: %q", dav)
	}
	// RFC 6764 §5: the well-known URI.
	r = curlDAV(t, base, alice, "PROPFIND", "/.well-known/carddav", []string{"Depth: 0"}, "").want(t, "well-known", http.StatusMovedPermanently)
	if loc := r.header.Get("Location"); loc != "/dav/" {
		t.Errorf("well-known Location %q", loc)
	}
	// RFC 7617: no or a wrong password is 401 with the Basic challenge.
	for _, user := range []string{"", alice + ":wrong-password"} {
		r = curlDAV(t, base, user, "PROPFIND", "/dav/", []string{"Depth: 0"}, "").want(t, "PROPFIND as "+user, http.StatusUnauthorized)
		if got := r.header.Get("WWW-Authenticate"); got != `Basic realm="Postroom", charset="UTF-8"` {
			t.Errorf("WWW-Authenticate %q", got)
		}
	}

	// RFC 5397 §3: current-user-principal at the context path.
	ms, _ := curlDAV(t, base, alice, "PROPFIND", "/dav/", []string{"Depth: 0", xmlCT},
		`<?xml version="1.0" encoding="utf-8" ?><D:propfind xmlns:D="DAV:"><D:prop><D:current-user-principal/></D:prop></D:propfind>`).
		multistatus(t, "PROPFIND /dav/")
	if got := ms["/dav/"].prop(t, nsDAV, "current-user-principal").inner; !strings.Contains(got, ">"+principal+"<") {
		t.Fatalf("current-user-principal %q", got)
	}
	// RFC 6352 §7.1.1's example.
	ms, _ = curlDAV(t, base, alice, "PROPFIND", principal, []string{"Depth: 0", xmlCT}, `<?xml version="1.0" encoding="utf-8" ?>
<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:prop>
    <C:addressbook-home-set/>
  </D:prop>
</D:propfind>`).multistatus(t, "PROPFIND the principal")
	if got := ms[principal].prop(t, nsCard, "addressbook-home-set").inner; !strings.Contains(got, ">"+home+"<") {
		t.Fatalf("addressbook-home-set %q", got)
	}
	// RFC 6352 §6.2.1's example asks a book's description; at Depth 1 on
	// the home, both books, the shared one read-only for a user.
	ms, order := curlDAV(t, base, alice, "PROPFIND", home, []string{"Depth: 1", xmlCT}, `<?xml version="1.0" encoding="utf-8" ?>
<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:prop>
    <D:resourcetype/>
    <D:displayname/>
    <D:current-user-privilege-set/>
    <C:addressbook-description/>
  </D:prop>
</D:propfind>`).multistatus(t, "PROPFIND the home")
	if strings.Join(order, " ") != home+" "+personal+" "+shared {
		t.Fatalf("the home at Depth 1: %v", order)
	}
	for _, b := range []string{personal, shared} {
		if rt := ms[b].prop(t, nsDAV, "resourcetype").inner; !strings.Contains(rt, "addressbook") {
			t.Errorf("%s resourcetype %q", b, rt)
		}
		ms[b].prop(t, nsCard, "addressbook-description")
	}
	if p := ms[shared].prop(t, nsDAV, "current-user-privilege-set").inner; strings.Contains(p, "write") || strings.Contains(p, "bind") {
		t.Errorf("a user may write the shared book: %s", p)
	}
	if p := ms[personal].prop(t, nsDAV, "current-user-privilege-set").inner; !strings.Contains(p, "write-content") {
		t.Errorf("the personal book is not writable: %s", p)
	}

	// RFC 6352 §6.3.2's example: create with If-None-Match: *. The card
	// is named after its UID; Location says where.
	vcardCT := "Content-Type: text/vcard"
	cyrus := personal + "1234-5678-9000-1.vcf"
	r = curlDAV(t, base, alice, "PUT", personal+"newvcard.vcf", []string{"If-None-Match: *", vcardCT}, rfcDabooCard).want(t, "PUT §6.3.2", http.StatusCreated)
	if loc := r.header.Get("Location"); loc != cyrus {
		t.Errorf("Location %q, want %q", loc, cyrus)
	}
	// Again: the UID exists (§6.3.2.1 CARDDAV:no-uid-conflict).
	r = curlDAV(t, base, alice, "PUT", personal+"newvcard.vcf", []string{"If-None-Match: *", vcardCT}, rfcDabooCard).want(t, "PUT §6.3.2 again", http.StatusConflict)
	if !strings.Contains(r.body, "no-uid-conflict") || !strings.Contains(r.body, cyrus) {
		t.Errorf("409 body %s", r.body)
	}
	bernard := personal + "vcf103.vcf"
	curlDAV(t, base, alice, "PUT", bernard, []string{"If-None-Match: *", vcardCT},
		"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:vcf103\r\nFN:Bernard Desruisseaux\r\nEMAIL:daboo-fan@example.org\r\nEND:VCARD\r\n").want(t, "PUT vcf103", http.StatusCreated)
	curlDAV(t, base, alice, "PUT", personal+"vcf104.vcf", []string{vcardCT},
		"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:vcf104\r\nFN:김철수\r\nEMAIL:cs.kim@example.kr\r\nEND:VCARD\r\n").want(t, "PUT vcf104", http.StatusCreated)

	// RFC 6352 §8.7.1's example: one href found, one not.
	ms, order = curlDAV(t, base, alice, "REPORT", personal, []string{"Depth: 1", xmlCT}, `<?xml version="1.0" encoding="utf-8" ?>
<C:addressbook-multiget xmlns:D="DAV:"
                        xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:prop>
    <D:getetag/>
    <C:address-data>
      <C:prop name="VERSION"/>
      <C:prop name="UID"/>
      <C:prop name="NICKNAME"/>
      <C:prop name="EMAIL"/>
      <C:prop name="FN"/>
    </C:address-data>
  </D:prop>
  <D:href>`+cyrus+`</D:href>
  <D:href>`+personal+`vcf1.vcf</D:href>
</C:addressbook-multiget>`).multistatus(t, "REPORT addressbook-multiget")
	if len(order) != 2 {
		t.Fatalf("multiget answers %v", order)
	}
	if data := ms[cyrus].prop(t, nsCard, "address-data").text; !strings.Contains(data, "FN:Cyrus Daboo") || !strings.Contains(data, "UID:1234-5678-9000-1") {
		t.Errorf("address-data %q", data)
	}
	etag := ms[cyrus].prop(t, nsDAV, "getetag").text
	if ms[personal+"vcf1.vcf"].status != "404" {
		t.Errorf("a missing href: %+v", ms[personal+"vcf1.vcf"])
	}

	// RFC 6352 §8.6.5's example: FN or EMAIL containing "daboo".
	_, order = curlDAV(t, base, alice, "REPORT", personal, []string{"Depth: 1", xmlCT}, `<?xml version="1.0" encoding="utf-8" ?>
<C:addressbook-query xmlns:D="DAV:"
                  xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:prop>
    <D:getetag/>
    <C:address-data>
      <C:prop name="VERSION"/>
      <C:prop name="UID"/>
      <C:prop name="NICKNAME"/>
      <C:prop name="EMAIL"/>
      <C:prop name="FN"/>
    </C:address-data>
  </D:prop>
  <C:filter test="anyof">
    <C:prop-filter name="FN">
      <C:text-match collation="i;unicode-casemap"
                    match-type="contains"
      >daboo</C:text-match>
    </C:prop-filter>
    <C:prop-filter name="EMAIL">
      <C:text-match collation="i;unicode-casemap"
                    match-type="contains"
      >daboo</C:text-match>
    </C:prop-filter>
  </C:filter>
</C:addressbook-query>`).multistatus(t, "REPORT addressbook-query")
	got := strings.Join(order, " ")
	if len(order) != 2 || !strings.Contains(got, cyrus) || !strings.Contains(got, bernard) {
		t.Errorf("query matches %v, want %s and %s", order, cyrus, bernard)
	}

	// GET with its ETag; a stale If-Match is 412 and changes nothing; a
	// DELETE with the right one goes (to the contacts' trash).
	r = curlDAV(t, base, alice, "GET", cyrus, nil, "").want(t, "GET", http.StatusOK)
	if r.header.Get("ETag") != etag || !strings.HasPrefix(r.header.Get("Content-Type"), "text/vcard") {
		t.Errorf("GET: ETag %q (multiget %q), Content-Type %q", r.header.Get("ETag"), etag, r.header.Get("Content-Type"))
	}
	curlDAV(t, base, alice, "PUT", cyrus, []string{`If-Match: "999999"`, vcardCT}, strings.Replace(rfcDabooCard, "Cyrus Daboo", "Changed", 1)).
		want(t, "PUT with a stale If-Match", http.StatusPreconditionFailed)
	curlDAV(t, base, alice, "DELETE", cyrus, []string{`If-Match: "999999"`}, "").want(t, "DELETE with a stale If-Match", http.StatusPreconditionFailed)
	if r := curlDAV(t, base, alice, "GET", cyrus, nil, "").want(t, "GET after the refusals", http.StatusOK); !strings.Contains(r.body, "FN:Cyrus Daboo") {
		t.Errorf("changed by a refused PUT: %s", r.body)
	}
	curlDAV(t, base, alice, "DELETE", cyrus, []string{"If-Match: " + etag}, "").want(t, "DELETE", http.StatusNoContent)
	curlDAV(t, base, alice, "GET", cyrus, nil, "").want(t, "GET after DELETE", http.StatusNotFound)

	// The shared book: a user's PUT is 403 DAV:need-privileges; the
	// domain's administrator writes it and the user reads it.
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:shared-1\r\nFN:거래처 담당자\r\nEMAIL:vendor@vendor.example\r\nEND:VCARD\r\n"
	r = curlDAV(t, base, alice, "PUT", shared+"shared-1.vcf", []string{vcardCT}, card).want(t, "a user's PUT to the shared book", http.StatusForbidden)
	if !strings.Contains(r.body, "need-privileges") {
		t.Errorf("403 body %s", r.body)
	}
	adminShared := "/dav/addressbooks/" + adminAddr + "/shared/"
	curlDAV(t, base, adminAddr, "PUT", adminShared+"shared-1.vcf", []string{vcardCT}, card).want(t, "the administrator's PUT", http.StatusCreated)
	if r := curlDAV(t, base, alice, "GET", shared+"shared-1.vcf", nil, "").want(t, "a user's GET of the shared card", http.StatusOK); !strings.Contains(r.body, "거래처 담당자") {
		t.Errorf("shared card %s", r.body)
	}
	curlDAV(t, base, alice, "DELETE", shared+"shared-1.vcf", nil, "").want(t, "a user's DELETE in the shared book", http.StatusForbidden)

	// Another user's paths are not found, whatever is there.
	for _, p := range []string{"/dav/principals/" + adminAddr + "/", "/dav/addressbooks/" + adminAddr + "/", adminShared + "shared-1.vcf"} {
		curlDAV(t, base, alice, "PROPFIND", p, []string{"Depth: 0"}, "").want(t, "PROPFIND "+p, http.StatusNotFound)
	}
}
