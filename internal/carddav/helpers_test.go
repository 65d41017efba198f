package carddav

import (
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

func actorOf(a *store.Account) actor.Actor { return actor.User(a) }

// env is a Handler on a loopback test server with fake services.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	h      *Handler
	book   *fakeContacts
	logins *fakeLogins
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, book: newFakeContacts(), logins: newFakeLogins()}
	e.h = &Handler{Contacts: e.book, Auth: e.logins, Log: slog.New(slog.NewTextHandler(t.Output(), nil))}
	mux := http.NewServeMux()
	mux.Handle("/dav/", e.h)
	mux.Handle("/.well-known/carddav", e.h)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// reply is an answer read whole.
type reply struct {
	code   int
	header http.Header
	body   string
}

// do sends a request as acct (nil: without a login).
func (e *env) do(acct *store.Account, method, path string, hdr map[string]string, body string) reply {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if acct != nil {
		req.SetBasicAuth(acct.Address(), acct.LocalPart+"-pw")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return reply{code: resp.StatusCode, header: resp.Header, body: string(b)}
}

// want fails unless the reply has code.
func (r reply) want(t *testing.T, code int) reply {
	t.Helper()
	if r.code != code {
		t.Fatalf("status %d, want %d; body:\n%s", r.code, code, r.body)
	}
	return r
}

// prop is one property of a parsed multistatus.
type prop struct {
	status string // "200", "404", ...
	inner  string // its content as XML
	text   string // its character data
}

// msResponse is one DAV:response.
type msResponse struct {
	status string // a response without propstat
	props  map[xml.Name]prop
	errs   []xml.Name // DAV:error children
}

type xAny struct {
	XMLName xml.Name
	Inner   string `xml:",innerxml"`
	Text    string `xml:",chardata"`
}

type xMultistatus struct {
	XMLName   xml.Name `xml:"DAV: multistatus"`
	Responses []struct {
		Href      string `xml:"DAV: href"`
		Status    string `xml:"DAV: status"`
		Propstats []struct {
			Prop struct {
				Any []xAny `xml:",any"`
			} `xml:"DAV: prop"`
			Status string `xml:"DAV: status"`
		} `xml:"DAV: propstat"`
		Error struct {
			Any []xAny `xml:",any"`
		} `xml:"DAV: error"`
	} `xml:"DAV: response"`
}

func statusCode(line string) string {
	f := strings.Fields(line)
	if len(f) < 2 {
		return ""
	}
	return f[1]
}

// multistatus parses a 207 body by href, in order.
func (r reply) multistatus(t *testing.T) (map[string]msResponse, []string) {
	t.Helper()
	r.want(t, http.StatusMultiStatus)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
		t.Errorf("Content-Type %q", ct)
	}
	var x xMultistatus
	if err := xml.Unmarshal([]byte(r.body), &x); err != nil {
		t.Fatalf("multistatus: %v\n%s", err, r.body)
	}
	out := map[string]msResponse{}
	var order []string
	for _, resp := range x.Responses {
		m := msResponse{status: statusCode(resp.Status), props: map[xml.Name]prop{}}
		for _, ps := range resp.Propstats {
			for _, p := range ps.Prop.Any {
				m.props[p.XMLName] = prop{status: statusCode(ps.Status), inner: p.Inner, text: p.Text}
			}
		}
		for _, e := range resp.Error.Any {
			m.errs = append(m.errs, e.XMLName)
		}
		if _, dup := out[resp.Href]; dup {
			t.Errorf("href %s answered twice", resp.Href)
		}
		out[resp.Href] = m
		order = append(order, resp.Href)
	}
	return out, order
}

// davErrorOf parses a DAV:error body: the names of its children.
func (r reply) davErrorOf(t *testing.T) []xml.Name {
	t.Helper()
	var x struct {
		XMLName xml.Name `xml:"DAV: error"`
		Any     []xAny   `xml:",any"`
	}
	if err := xml.Unmarshal([]byte(r.body), &x); err != nil {
		t.Fatalf("DAV:error: %v\n%s", err, r.body)
	}
	var out []xml.Name
	for _, a := range x.Any {
		out = append(out, a.XMLName)
	}
	return out
}

// get fails unless resp has property n with status 200, and returns it.
func (m msResponse) get(t *testing.T, n xml.Name) prop {
	t.Helper()
	p, ok := m.props[n]
	if !ok || p.status != "200" {
		t.Fatalf("property %v: %+v (present %v)", n, p, ok)
	}
	return p
}

func nameOfXML(space, local string) xml.Name { return xml.Name{Space: space, Local: local} }
