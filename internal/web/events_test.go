package web

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"postroom/internal/events"
)

// stream is an open GET /api/v1/events of a client: its lines, and
// closed when the server ends it.
type stream struct {
	lines <-chan string
	ended <-chan struct{}
	body  io.Closer
}

// close ends the stream from the client's side.
func (s *stream) close() { s.body.Close() }

func openStream(t *testing.T, c *client, base string) *stream {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/events", nil)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		t.Fatalf("GET /api/v1/events: %d", resp.StatusCode)
	}
	r := bufio.NewReader(resp.Body)
	if l, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(l, ": connected") {
		t.Fatalf("stream opened with %q, %v", l, err)
	}
	lines, ended := make(chan string, 100), make(chan struct{})
	go func() {
		defer close(ended)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			lines <- l
		}
	}()
	return &stream{lines: lines, ended: ended, body: resp.Body}
}

// waitEnd waits for the server to end the stream: 30 s tells one that
// stays open from a slow machine.
func (s *stream) waitEnd(t *testing.T, why string) {
	t.Helper()
	start := time.Now()
	select {
	case <-s.ended:
		t.Logf("%s: the stream ended after %v", why, time.Since(start).Round(time.Millisecond))
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: the stream is still open after 30 s", why)
	}
}

// waitData returns the next event's data line.
func (s *stream) waitData(t *testing.T, why string) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l := <-s.lines:
			if strings.HasPrefix(l, "data:") {
				return l
			}
		case <-s.ended:
			t.Fatalf("%s: the stream ended", why)
		case <-timeout:
			t.Fatalf("%s: no event in 30 s", why)
		}
	}
}

// Logging out ends the stream of that session, not the account's other
// sessions' streams.
func TestEventStream_endsOnLogout(t *testing.T) {
	f := newFixture(t)
	tab, other := f.login(t, "alice@example.test"), f.login(t, "alice@example.test")
	st, otherSt := openStream(t, tab, f.ts.URL), openStream(t, other, f.ts.URL)
	if code := tab.do("DELETE", "/api/v1/session", nil, nil); code != 204 {
		t.Fatalf("logout: %d", code)
	}
	st.waitEnd(t, "logout")
	f.Put(f.alice.ID, "INBOX", "Subject: hi\r\n\r\nx\r\n")
	if l := otherSt.waitData(t, "the other session's stream"); !strings.Contains(l, `"kind":"message.new"`) {
		t.Fatalf("the other session's stream got %q", l)
	}
	// a logout on another node comes as session.end through the event log:
	// the same check
	other2 := f.login(t, "alice@example.test")
	st2 := openStream(t, other2, f.ts.URL)
	if err := f.Store.DeleteWebSession(f.Ctx, hashOf(cookieValue(t, other2))); err != nil {
		t.Fatal(err)
	}
	f.Bus.Publish(events.Event{Kind: events.SessionEnd, AccountID: f.alice.ID})
	st2.waitEnd(t, "a logout announced by another node")
	f.Put(f.alice.ID, "INBOX", "Subject: again\r\n\r\nx\r\n")
	if l := otherSt.waitData(t, "the live session's stream after the others ended"); !strings.Contains(l, `"kind":"message.new"`) {
		t.Fatalf("the live session's stream got %q", l)
	}
}

// Suspending the account ends its streams: at once when the suspension is
// announced (account.change, as the admin service does), else at the
// next heartbeat; and so does the idle time (auto logout) and a change
// of the access rules.
func TestEventStream_endsOnSuspensionAnnouncedOrNot(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "alice@example.test")
	st := openStream(t, c, f.ts.URL)
	suspend := func(on bool) {
		a, _ := f.Store.Account(f.Ctx, f.alice.ID)
		a.Enabled = !on
		if err := f.Store.UpdateAccount(f.Ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	suspend(true)
	f.Bus.Publish(events.Event{Kind: events.AccountChange, AccountID: f.alice.ID})
	st.waitEnd(t, "suspension announced")

	suspend(false)
	f.srv.beat = 10 * time.Millisecond // unannounced: the heartbeat checks
	c = f.login(t, "alice@example.test")
	st = openStream(t, c, f.ts.URL)
	suspend(true)
	st.waitEnd(t, "suspension not announced")

	suspend(false)
	f.sessions.Idle = 30 * time.Minute
	c = f.login(t, "alice@example.test")
	st = openStream(t, c, f.ts.URL)
	f.clock.Add(31 * time.Minute) // an open stream is no use of the session
	st.waitEnd(t, "idle")
}

// The server's shutdown ends the streams at once (EndStreams, registered
// on the HTTP server) instead of waiting its whole grace period for them;
// a stream asked for after that is refused.
func TestEventStream_endsAtShutdown(t *testing.T) {
	f := newFixture(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: f.srv.Handler()}
	hs.RegisterOnShutdown(f.srv.EndStreams)
	go hs.Serve(l)
	base := "http://" + l.Addr().String()
	c := f.login(t, "alice@example.test") // on the fixture's server: same store
	st := openStream(t, c, base)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	if err := hs.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown with a stream open: %v after %v (the stream held it)", err, time.Since(start))
	}
	t.Logf("shutdown with a stream open took %v", time.Since(start).Round(time.Millisecond))
	st.waitEnd(t, "shutdown")
	// once the streams were ended, a new one is refused (here on the
	// fixture's server, which shares the Server)
	req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/events", nil)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a stream asked for during shutdown: %d, want 503", resp.StatusCode)
	}
}

// An account holds at most max_event_streams_per_user streams at once:
// one more is 429 too_many_streams (each is a connection held while a tab
// is open), another account is not affected, and a closed stream makes
// room.
func TestEvents_streamsPerAccountAreLimited(t *testing.T) {
	f := newFixture(t)
	f.srv.MaxStreamsPerAccount = 2
	alice := f.login(t, "alice@example.test")
	first := openStream(t, alice, f.ts.URL)
	openStream(t, alice, f.ts.URL)
	third := func() (int, string) {
		req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/events", nil)
		resp, err := alice.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e errorAnswer
		if resp.StatusCode != 200 {
			json.NewDecoder(resp.Body).Decode(&e)
		}
		return resp.StatusCode, e.Error.Code
	}
	if code, e := third(); code != 429 || e != "too_many_streams" {
		t.Fatalf("a third stream: %d %s, want 429 too_many_streams", code, e)
	}
	openStream(t, f.login(t, "bob@example.test"), f.ts.URL)
	first.close()
	// the server learns of the close when its next write fails or its
	// read of the connection ends: wait until a new stream is admitted
	for i := 0; ; i++ {
		code, _ := third()
		if code == 200 {
			break
		}
		if i == 200 {
			t.Fatalf("a closed stream made no room: %d", code)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
