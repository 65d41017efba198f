package web

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
)

type sessionState struct {
	Authenticated bool
	Expired       bool
	CSRF          string
}

// GET /api/v1/session is how the page asks whether to show the login
// form: without a session that is a 200 answer, not a 401 (which the
// browser logs as an error on every first visit), and "expired" tells a
// session that ended from one that never was.
func TestSessionGet_withoutASessionIsAnAnswerNotAnError(t *testing.T) {
	f := newFixture(t)
	jar, _ := cookiejar.New(nil)
	anon := &client{t: t, f: f, http: &http.Client{Jar: jar}}
	var got sessionState
	if code := anon.do("GET", "/api/v1/session?per_page=50", nil, &got); code != 200 || got.Authenticated || got.Expired {
		t.Fatalf("first visit: %d %+v; want 200, not authenticated, not expired", code, got)
	}
	c := f.login(t, "alice@example.test")
	got = sessionState{}
	if code := c.do("GET", "/api/v1/session", nil, &got); code != 200 || !got.Authenticated || got.CSRF != c.csrf {
		t.Fatalf("logged in: %d %+v", code, got)
	}
	token := cookieValue(t, c)
	if code := c.do("DELETE", "/api/v1/session", nil, nil); code != 204 {
		t.Fatalf("logout: %d", code)
	}
	got = sessionState{}
	if code := c.do("GET", "/api/v1/session", nil, &got); code != 200 || got.Authenticated || got.Expired {
		t.Fatalf("after logout: %d %+v; want 200, not authenticated, not expired", code, got)
	}
	// the cookie of a session that has ended (here: logged out in another tab)
	u, _ := url.Parse(f.ts.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: cookieName, Value: token, Path: "/"}})
	got = sessionState{}
	if code := c.do("GET", "/api/v1/session", nil, &got); code != 200 || got.Authenticated || !got.Expired {
		t.Fatalf("an ended session: %d %+v; want 200, not authenticated, expired", code, got)
	}
	if code := anon.do("GET", "/api/v1/mailboxes", nil, nil); code != 401 {
		t.Fatalf("the other routes without a session: %d, want 401", code)
	}
	if code := anon.do("PATCH", "/api/v1/session", map[string]string{"language": "en"}, nil); code != 401 {
		t.Fatalf("PATCH /api/v1/session without a session: %d, want 401", code)
	}
}
