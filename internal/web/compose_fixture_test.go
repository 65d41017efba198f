package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"postroom/internal/deliver"
	"postroom/internal/queue"
	"postroom/internal/send"
	"postroom/internal/smtpclient"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// mailFixture is the web fixture with sending: the delivery pipeline, the
// queue worker (run by the test) and a relay on 127.0.0.1 standing for the
// internet.
type mailFixture struct {
	*fixture
	carol  *store.Account
	sink   *testbed.SMTPSink
	worker *queue.Worker
}

const testMaxMessage = 1 << 20

func newMailFixture(t *testing.T, delay time.Duration) *mailFixture {
	f := &mailFixture{fixture: newFixture(t)}
	f.carol = f.Account("carol", nil)
	f.sink = testbed.StartSMTPSink(t, nil, nil)
	p := &deliver.Pipeline{Store: f.Store, Blobs: f.Blobs, Mail: f.Mail, Hostname: "mail.example.test", Log: testbed.Quiet()}
	client := &smtpclient.Client{Hostname: "mail.example.test", Relay: &smtpclient.Relay{Host: f.sink.Addr, TLS: "none"}, Timeout: 10 * time.Second}
	t.Cleanup(client.Close)
	// The worker and the send service share the server's clock: a test
	// moves them to a send's time instead of sleeping until it. (The
	// pipeline's is the real one: tests schedule far enough ahead of it.)
	f.worker = &queue.Worker{Store: f.Store, Blobs: f.Blobs, Client: client, Pipeline: p, Mail: f.Mail, Hostname: "mail.example.test",
		Log: testbed.Quiet(), Now: f.clock.Now}
	f.srv.Send = &send.Service{Store: f.Store, Blobs: f.Blobs, Mail: f.Mail, Pipeline: p, MaxMessageSize: testMaxMessage,
		MaxRecipients: 20, UndoDelay: delay, Now: f.clock.Now, Log: testbed.Quiet()}
	return f
}

// runQueue sends what is due.
func (f *mailFixture) runQueue(t *testing.T) {
	t.Helper()
	if _, err := f.worker.RunOnce(f.Ctx); err != nil {
		t.Fatal(err)
	}
}

// stored returns the raw messages of an account's special mailbox.
func (f *mailFixture) stored(t *testing.T, a *store.Account, role store.Role) []string {
	t.Helper()
	mb, err := f.Store.MailboxByRole(f.Ctx, a.ID, role)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	f.Store.Messages(f.Ctx, a.ID, mb.ID, func(m *store.Message) error {
		r, err := f.Blobs.Open(m.BlobKey)
		if err != nil {
			return err
		}
		defer r.Close()
		b, _ := io.ReadAll(r)
		out = append(out, string(b))
		return nil
	})
	return out
}

// usage counts the blobs the store references: what a write leaves.
func (f *mailFixture) usage(t *testing.T) int {
	t.Helper()
	n := 0
	if err := f.Store.BlobKeys(f.Ctx, func(string) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *mailFixture) queueLen(t *testing.T) int {
	t.Helper()
	q, err := f.Store.Queue(f.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	return len(q)
}

// errorAnswer is the error form of the writing routes.
type errorAnswer struct {
	Error fieldError
}

// send posts to /api/v1/send.
func (c *client) send(body map[string]any) (int, sendAnswer, fieldError) {
	c.t.Helper()
	var raw json.RawMessage
	code := c.do("POST", "/api/v1/send", body, &raw)
	var ok sendAnswer
	var bad errorAnswer
	json.Unmarshal(raw, &ok)
	json.Unmarshal(raw, &bad)
	return code, ok, bad.Error
}

// upload sends a file as the raw body of POST /api/v1/uploads.
func (c *client) upload(name, contentType string, data []byte) uploadJSON {
	c.t.Helper()
	code, u, _ := c.uploadRaw(name, contentType, strings.NewReader(string(data)), int64(len(data)), c.csrf)
	if code != http.StatusCreated {
		c.t.Fatalf("upload %s: %d", name, code)
	}
	return u
}

// uploadRaw posts body as an upload; length -1 sends it chunked.
func (c *client) uploadRaw(name, contentType string, body io.Reader, length int64, csrf string) (int, uploadJSON, fieldError) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.f.ts.URL+"/api/v1/uploads?filename="+url.QueryEscape(name), body)
	req.ContentLength = length
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var u uploadJSON
	var e errorAnswer
	json.Unmarshal(b, &u)
	json.Unmarshal(b, &e)
	return resp.StatusCode, u, e.Error
}

// get reads a route's raw answer.
func (c *client) get(path string) (int, []byte, http.Header) {
	c.t.Helper()
	resp, err := c.http.Get(c.f.ts.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func pathf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
