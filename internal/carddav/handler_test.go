package carddav

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"postroom/internal/auth"
	"postroom/internal/contacts"
)

// RFC 6352 §6.1: OPTIONS says "addressbook" in DAV, without a login.
func TestOptions_advertisesAddressbookWithoutLogin(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/dav/", "/dav/addressbooks/kim@example.test/personal/"} {
		r := e.do(nil, http.MethodOptions, path, nil, "").want(t, http.StatusOK)
		if got := r.header.Get("DAV"); got != "1, 3, addressbook" {
			t.Errorf("%s: DAV %q", path, got)
		}
		for _, m := range []string{"PROPFIND", "REPORT", "PUT", "DELETE"} {
			if !strings.Contains(r.header.Get("Allow"), m) {
				t.Errorf("%s: Allow %q lacks %s", path, r.header.Get("Allow"), m)
			}
		}
	}
	if n, _ := e.logins.counts(); n != 0 {
		t.Errorf("OPTIONS logged in %d times", n)
	}
}

// RFC 6764 §5: the well-known URI redirects to the context path.
func TestWellKnown_redirectsToDav(t *testing.T) {
	e := newEnv(t)
	for _, m := range []string{http.MethodGet, "PROPFIND"} {
		r := e.do(nil, m, "/.well-known/carddav", nil, "").want(t, http.StatusMovedPermanently)
		if loc := r.header.Get("Location"); loc != "/dav/" {
			t.Errorf("%s: Location %q", m, loc)
		}
	}
}

func TestAuth_noOrWrongLogin_401WithChallenge(t *testing.T) {
	e := newEnv(t)
	wrong := *kim
	wrong.LocalPart = "nobody"
	for name, r := range map[string]reply{
		"none":  e.do(nil, "PROPFIND", "/dav/", map[string]string{"Depth": "0"}, ""),
		"wrong": e.do(&wrong, "PROPFIND", "/dav/", map[string]string{"Depth": "0"}, ""),
	} {
		r.want(t, http.StatusUnauthorized)
		if got := r.header.Get("WWW-Authenticate"); got != `Basic realm="Postroom", charset="UTF-8"` {
			t.Errorf("%s: WWW-Authenticate %q", name, got)
		}
	}
}

// A password does not cross plain HTTP from another host: 403, and no
// challenge that would invite one; over TLS the same request logs in.
func TestAuth_plainHTTPFromAnotherHost_403WithoutChallenge(t *testing.T) {
	e := newEnv(t)
	req := httptest.NewRequest("PROPFIND", "/dav/", nil)
	req.RemoteAddr = "192.0.2.7:40000"
	req.Header.Set("Depth", "0")
	req.SetBasicAuth(kim.Address(), "kim-pw")
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	if w.Code != http.StatusForbidden || w.Header().Get("WWW-Authenticate") != "" {
		t.Fatalf("plain from afar: %d, challenge %q", w.Code, w.Header().Get("WWW-Authenticate"))
	}
	if n, _ := e.logins.counts(); n != 0 {
		t.Errorf("the password was checked %d times", n)
	}
	req.TLS = &tls.ConnectionState{}
	w = httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	if w.Code != http.StatusMultiStatus {
		t.Fatalf("over TLS: %d %s", w.Code, w.Body)
	}
}

// A login is remembered between requests and rechecked at each: the
// second request does not log in again (one access-log line per sync),
// and once the login no longer holds the next request is refused.
func TestAuth_rememberedLoginIsRechecked(t *testing.T) {
	e := newEnv(t)
	hdr := map[string]string{"Depth": "0"}
	e.do(kim, "PROPFIND", "/dav/", hdr, "").want(t, http.StatusMultiStatus)
	e.do(kim, "PROPFIND", "/dav/", hdr, "").want(t, http.StatusMultiStatus)
	if logins, rechecks := e.logins.counts(); logins != 1 || rechecks != 1 {
		t.Fatalf("logins %d, rechecks %d; want 1, 1", logins, rechecks)
	}
	e.logins.mu.Lock()
	e.logins.ended[kim.ID] = true // suspended, or the password changed
	e.logins.mu.Unlock()
	e.do(kim, "PROPFIND", "/dav/", hdr, "").want(t, http.StatusUnauthorized)
	if logins, _ := e.logins.counts(); logins != 2 {
		t.Errorf("after the login ended: %d logins, want a fresh one", logins)
	}
}

// The authenticator's refusals keep their meaning over HTTP.
func TestAuth_refusals(t *testing.T) {
	for _, c := range []struct {
		err  error
		code int
	}{
		{auth.ErrSuspended, http.StatusUnauthorized},
		{auth.ErrClientAccessOff, http.StatusUnauthorized},
		{auth.ErrTLSRequired, http.StatusForbidden},
		{auth.ErrTooManyFailures, http.StatusTooManyRequests},
		{auth.ErrBusy, http.StatusServiceUnavailable},
		{errors.New("store down"), http.StatusInternalServerError},
	} {
		e := newEnv(t)
		e.logins.failWith = c.err
		r := e.do(kim, "PROPFIND", "/dav/", map[string]string{"Depth": "0"}, "")
		if r.code != c.code {
			t.Errorf("%v: %d, want %d", c.err, r.code, c.code)
		}
	}
}

// Another user's principal, home, books and cards answer 404 exactly as
// an address that does not exist, for every method.
func TestOtherUsersPaths_404(t *testing.T) {
	e := newEnv(t)
	e.book.add(t, actorOf(lee), contacts.Personal, contacts.Contact{Name: "Secret", UID: "secret-1"})
	e.book.add(t, actorOf(park), contacts.Shared, contacts.Contact{Name: "Other domain", UID: "other-1"})
	vcard := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nUID:secret-1\r\nEND:VCARD\r\n"
	for _, path := range []string{
		"/dav/principals/lee@example.test/",
		"/dav/addressbooks/lee@example.test/",
		"/dav/addressbooks/lee@example.test/personal/",
		"/dav/addressbooks/lee@example.test/personal/secret-1.vcf",
		"/dav/addressbooks/park@other.test/shared/other-1.vcf",
		"/dav/addressbooks/nobody@example.test/personal/secret-1.vcf",
	} {
		for _, m := range []string{"PROPFIND", http.MethodGet, http.MethodPut, http.MethodDelete, "REPORT"} {
			r := e.do(kim, m, path, map[string]string{"Depth": "0", "Content-Type": "text/vcard"}, vcard)
			if r.code != http.StatusNotFound {
				t.Errorf("%s %s: %d, want 404", m, path, r.code)
			}
		}
	}
	if c, err := e.book.ByUID(context.Background(), actorOf(lee), contacts.Personal, "secret-1"); err != nil || c.Version != 1 || !c.Deleted.IsZero() {
		t.Errorf("lee's card after kim's attempts: %+v %v", c, err)
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/dav/calendars/", "/dav/addressbooks/kim@example.test/work/", "/dav/addressbooks/kim@example.test/personal/a.txt",
		"/dav/addressbooks/kim@example.test/personal/a/b.vcf", "/davx/"} {
		if r := e.do(kim, "PROPFIND", path, map[string]string{"Depth": "0"}, ""); r.code != http.StatusNotFound {
			t.Errorf("PROPFIND %s: %d", path, r.code)
		}
	}
	r := e.do(kim, "MKCOL", "/dav/addressbooks/kim@example.test/new/", nil, "")
	if r.code != http.StatusNotFound {
		t.Errorf("MKCOL of an unknown book: %d", r.code)
	}
	r = e.do(kim, "MKCOL", "/dav/addressbooks/kim@example.test/personal/", nil, "").want(t, http.StatusMethodNotAllowed)
	if !strings.Contains(r.header.Get("Allow"), "PROPFIND") {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
}

// A failing service is a 500, not a partial answer.
func TestServiceFailure_500(t *testing.T) {
	e := newEnv(t)
	e.book.failList = errors.New("disk on fire")
	e.do(kim, "PROPFIND", "/dav/addressbooks/kim@example.test/personal/", map[string]string{"Depth": "1"}, "").want(t, http.StatusInternalServerError)
}
