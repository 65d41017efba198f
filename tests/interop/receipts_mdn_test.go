package interop

// Read receipts across the internet (issue 18, RFC 8098): the server's
// smart host is a test SMTP peer on 127.0.0.1 standing for the external
// domain remote.example. Our message reaches it with
// Disposition-Notification-To, and the MDN it answers (sent to our MX with
// swaks) marks the receipt read; a recipient it refuses comes back as a
// DSN from the queue and marks it failed. A message submitted over SMTP
// asking for a receipt to its sender is tracked like a webmail send. On
// the recipient's side, the webmail offers to answer a request and its
// answer, an RFC 8098 report, reaches the peer.

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// mdnPeer is the external domain's mail server: it keeps what it receives
// and refuses RCPT TO of addresses starting with "nobody".
type mdnPeer struct {
	addr string
	mu   sync.Mutex
	got  []peerMessage
	// arrived has a token after each message received (waitAll waits on
	// it, not on a timer)
	arrived chan struct{}
}

type peerMessage struct {
	from string
	to   []string
	raw  string
}

func startMDNPeer(t *testing.T) *mdnPeer {
	t.Helper()
	p := &mdnPeer{arrived: make(chan struct{}, 1)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mdnPeerSession{p: p}, nil }))
	srv.Domain = "mx.remote.example"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	p.addr = l.Addr().String()
	return p
}

// wait returns the first message received whose raw text holds want.
func (p *mdnPeer) wait(t *testing.T, want string) peerMessage {
	t.Helper()
	return p.waitAll(t, want, 1)[0]
}

// waitAll returns the messages received whose raw text holds want, once
// there are n of them; it fails after a generous bound (a missing
// message, not a slow one).
func (p *mdnPeer) waitAll(t *testing.T, want string, n int) []peerMessage {
	t.Helper()
	bound := time.NewTimer(60 * time.Second)
	defer bound.Stop()
	for {
		var out []peerMessage
		p.mu.Lock()
		for _, m := range p.got {
			if strings.Contains(m.raw, want) {
				out = append(out, m)
			}
		}
		p.mu.Unlock()
		if len(out) >= n {
			return out
		}
		select {
		case <-p.arrived:
		case <-bound.C:
			t.Fatalf("the peer received %d messages with %q, want %d", len(out), want, n)
		}
	}
}

type mdnPeerSession struct {
	p    *mdnPeer
	from string
	to   []string
}

func (s *mdnPeerSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *mdnPeerSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "nobody") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.to = append(s.to, to)
	return nil
}
func (s *mdnPeerSession) Reset()        { s.from, s.to = "", nil }
func (s *mdnPeerSession) Logout() error { return nil }
func (s *mdnPeerSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.p.mu.Lock()
	s.p.got = append(s.p.got, peerMessage{from: s.from, to: s.to, raw: string(b)})
	s.p.mu.Unlock()
	select {
	case s.p.arrived <- struct{}{}:
	default: // a token is waiting already
	}
	return nil
}

// mdnServer is a server whose internet mail goes to the peer and whose
// webmail sends at once.
func mdnServer(t *testing.T, peer *mdnPeer) *Server {
	s := newServer(t, serverOptions{listen: []string{"smtp", "submission", "http"},
		tables: fmt.Sprintf("\n[relay]\nhost = %q\ntls = \"none\"\n", peer.addr)})
	setBrowserRootConfig(t, s, `undo_send = "0s"`)
	return s
}

// receiptStatuses reads the sender's receipts of one message by recipient.
func receiptStatuses(t *testing.T, c *curlWeb, messageID string) map[string]string {
	t.Helper()
	var got receiptsJSON
	if code := c.do("GET", "/api/v1/receipts", nil, &got); code != 200 {
		t.Fatalf("GET /api/v1/receipts: %d", code)
	}
	out := map[string]string{}
	for _, m := range got.Messages {
		if m.MessageID == messageID {
			for _, r := range m.Recipients {
				out[r.Address] = r.Status
			}
		}
	}
	return out
}

// waitReceipt waits until the receipt of rcpt has status want.
func waitReceipt(t *testing.T, c *curlWeb, messageID, rcpt, want string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := receiptStatuses(t, c, messageID)
		if got[rcpt] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("receipt of %s for %s: %q, want %q (all: %v)", messageID, rcpt, got[rcpt], want, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// externalMDN is an RFC 8098 report as a remote client writes it.
func externalMDN(from, to, originalID, disposition string) string {
	return strings.Join([]string{
		"From: " + from, "To: " + to, "Subject: Read: hello", "Message-ID: <" + uniqueID("mdn") + ">",
		"Date: Mon, 1 Dec 2026 10:00:00 +0000", "MIME-Version: 1.0",
		`Content-Type: multipart/report; report-type=disposition-notification; boundary="xyz"`, "",
		"--xyz", "Content-Type: text/plain; charset=utf-8", "", "The message was displayed.", "",
		"--xyz", "Content-Type: message/disposition-notification", "",
		"Reporting-UA: mx.remote.example; Thunderbird", "Final-Recipient: rfc822;" + from,
		"Original-Message-ID: <" + originalID + ">", "Disposition: " + disposition, "",
		"--xyz--", ""}, "\n")
}

func swaksData(t *testing.T, port int, from, to, data string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mail.eml")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := swaks(t, port, "--from", from, "--to", to, "--data", path); code != 0 {
		t.Fatalf("swaks from %s: exit %d:\n%s", from, code, out)
	}
}

func TestReceipts_externalMDNMarksReadAndDSNMarksFailed(t *testing.T) {
	peer := startMDNPeer(t)
	s := mdnServer(t, peer)
	sender := newCurlWeb(t, s)
	sender.login(adminAddr)
	var ans struct {
		MessageID string `json:"message_id"`
	}
	if code := sender.do("POST", "/api/v1/send", map[string]any{"to": []string{"ann@remote.example", "nobody@remote.example"},
		"subject": "external receipts", "text": "본문", "read_receipt": true}, &ans); code != 202 || ans.MessageID == "" {
		t.Fatalf("send: %d %+v", code, ans)
	}
	got := peer.wait(t, ans.MessageID)
	if !strings.Contains(got.raw, "Disposition-Notification-To: ") || !strings.Contains(got.raw, adminAddr) {
		t.Fatalf("the message reached the peer without Disposition-Notification-To:\n%s", got.raw)
	}
	waitReceipt(t, sender, ans.MessageID, "nobody@remote.example", "failed") // the queue's DSN
	if st := receiptStatuses(t, sender, ans.MessageID)["ann@remote.example"]; st != "unknown" {
		t.Fatalf("ann before her report: %q", st)
	}
	// "deleted" is no read; another message's id matches nothing
	swaksData(t, s.Port(t, "smtp"), "ann@remote.example", adminAddr, externalMDN("ann@remote.example", adminAddr, ans.MessageID, "manual-action/MDN-sent-manually; deleted"))
	swaksData(t, s.Port(t, "smtp"), "ann@remote.example", adminAddr, externalMDN("ann@remote.example", adminAddr, "forged@example.test", "manual-action/MDN-sent-manually; displayed"))
	if st := receiptStatuses(t, sender, ans.MessageID)["ann@remote.example"]; st != "unknown" {
		t.Fatalf("ann after a 'deleted' report: %q", st)
	}
	swaksData(t, s.Port(t, "smtp"), "ann@remote.example", adminAddr, externalMDN("ann@remote.example", adminAddr, ans.MessageID, "manual-action/MDN-sent-manually; displayed"))
	waitReceipt(t, sender, ans.MessageID, "ann@remote.example", "read")
	// the report stays in the sender's mailbox, as mail clients show it
	n := 0
	for _, m := range s.Messages(t, adminAddr, "") {
		if m.Subject == "Read: hello" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("the sender's INBOX holds %d reports, want 3", n)
	}
}

// A message a mail client submits with Disposition-Notification-To its
// own sender is tracked: the internal recipient exactly, the external one
// unknown until its report.
func TestReceipts_smtpSubmittedWithDispositionNotificationTo(t *testing.T) {
	peer := startMDNPeer(t)
	s := mdnServer(t, peer)
	from, rcpt := uniqueAddr("rr-smtp"), uniqueAddr("rr-smtp-to")
	s.AddUser(t, from)
	s.AddUser(t, rcpt)
	id, plain := uniqueID("smtp-dnt"), uniqueID("smtp-plain")
	for _, m := range []struct {
		id  string
		dnt string
	}{{id, from}, {plain, ""}} {
		args := []string{"--from", from, "--to", rcpt + ",ann@remote.example", "--auth", "PLAIN", "--auth-user", from,
			"--auth-password", testPassword, "--header", "Message-Id: <" + m.id + ">", "--header", "Subject: smtp " + m.id}
		if m.dnt != "" {
			args = append(args, "--header", "Disposition-Notification-To: <"+m.dnt+">")
		}
		if out, code := swaks(t, s.Port(t, "submission"), args...); code != 0 {
			t.Fatalf("swaks submission: exit %d:\n%s", code, out)
		}
	}
	c := newCurlWeb(t, s)
	c.login(from)
	if got := receiptStatuses(t, c, id); got[rcpt] != "unread" || got["ann@remote.example"] != "unknown" || len(got) != 2 {
		t.Fatalf("receipts of the submitted message: %v", got)
	}
	if got := receiptStatuses(t, c, plain); len(got) != 0 {
		t.Fatalf("a message without the request was tracked: %v", got)
	}
	r := newCurlWeb(t, s)
	r.login(rcpt)
	mid := r.messageBySubject("INBOX", "smtp "+id)
	if code := r.do("POST", "/api/v1/messages/actions", map[string]any{"action": "read", "ids": []int64{mid}}, nil); code != 200 && code != 204 {
		t.Fatalf("read: %d", code)
	}
	waitReceipt(t, c, id, rcpt, "read")
	peer.wait(t, id) // and it went out to the external recipient
	swaksData(t, s.Port(t, "smtp"), "ann@remote.example", from, externalMDN("ann@remote.example", from, id, "automatic-action/MDN-sent-automatically; displayed"))
	waitReceipt(t, c, id, "ann@remote.example", "read")
}

// The recipient's side: a message from outside asking for a read receipt
// is offered ("ask"), the user's answer sends an RFC 8098 report to the
// peer once; with "never" nothing is offered; in Spam nothing is offered.
func TestReceipts_webmailAnswersARequestWithAnMDN(t *testing.T) {
	peer := startMDNPeer(t)
	s := mdnServer(t, peer)
	lee := uniqueAddr("rr-mdn")
	s.AddUser(t, lee)
	ask, never := uniqueID("ask"), uniqueID("never")
	for _, id := range []string{ask, never} {
		swaksData(t, s.Port(t, "smtp"), "ann@remote.example", lee, strings.Join([]string{
			"From: Ann <ann@remote.example>", "To: " + lee, "Subject: req " + id, "Message-ID: <" + id + ">",
			"Date: Mon, 1 Dec 2026 10:00:00 +0000", "Disposition-Notification-To: Ann <ann@remote.example>", "", "please confirm", ""}, "\n"))
	}
	c := newCurlWeb(t, s)
	c.login(lee)
	type offer struct {
		MDN *struct{ Action, To string } `json:"mdn"`
	}
	var o offer
	mid := c.messageBySubject("INBOX", "req "+ask)
	if code := c.do("GET", fmt.Sprintf("/api/v1/messages/%d", mid), nil, &o); code != 200 || o.MDN == nil || o.MDN.Action != "ask" || o.MDN.To != "ann@remote.example" {
		t.Fatalf("offer: %d %+v", code, o.MDN)
	}
	if code := c.do("POST", fmt.Sprintf("/api/v1/messages/%d/mdn", mid), map[string]any{"send": true, "automatic": true}, nil); code != 409 {
		t.Fatalf("automatic answer in ask mode: %d, want 409", code)
	}
	if code := c.do("POST", fmt.Sprintf("/api/v1/messages/%d/mdn", mid), map[string]any{"send": true}, nil); code != 200 {
		t.Fatalf("answer: %d", code)
	}
	got := peer.wait(t, "Original-Message-ID: <"+ask+">")
	if !strings.Contains(got.raw, "report-type=disposition-notification") || !strings.Contains(got.raw, "Disposition: manual-action/MDN-sent-manually; displayed") ||
		!strings.Contains(got.raw, "Final-Recipient: rfc822;"+lee) || len(got.to) != 1 || got.to[0] != "ann@remote.example" {
		t.Fatalf("the report the peer got (to %v):\n%s", got.to, got.raw)
	}
	if !bytes.Contains([]byte(got.raw), []byte("Reporting-UA: ")) {
		t.Fatalf("no Reporting-UA:\n%s", got.raw)
	}
	o = offer{}
	if c.do("GET", fmt.Sprintf("/api/v1/messages/%d", mid), nil, &o); o.MDN != nil {
		t.Fatalf("offered again after the answer: %+v", o.MDN)
	}
	if code := c.do("POST", fmt.Sprintf("/api/v1/messages/%d/mdn", mid), map[string]any{"send": true}, nil); code != 409 {
		t.Fatalf("second answer: %d, want 409", code)
	}
	if code := c.do("PATCH", "/api/v1/settings", map[string]any{"mail": map[string]any{"mdn": "never"}}, nil); code != 200 {
		t.Fatalf("setting: %d", code)
	}
	o = offer{}
	if c.do("GET", fmt.Sprintf("/api/v1/messages/%d", c.messageBySubject("INBOX", "req "+never)), nil, &o); o.MDN != nil {
		t.Fatalf("offered with 'never': %+v", o.MDN)
	}
}

// curlStatus fetches url with curl, no session: the status line's code
// and the headers.
func curlStatus(t *testing.T, url string) (int, http.Header) {
	t.Helper()
	bin := requireTool(t, "curl", "curl")
	out, err := exec.Command(bin, "-sS", "-D", "-", "-o", os.DevNull, url).Output()
	if err != nil {
		t.Fatalf("curl %s: %v", url, err)
	}
	r, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(out)), nil)
	if err != nil {
		t.Fatalf("curl %s: %v\n%s", url, err, out)
	}
	return r.StatusCode, r.Header
}

var imageToken = regexp.MustCompile(`/r/([0-9a-f]{32})\.gif`)

// htmlPart finds the text/html part (decoded) of an entity with header h,
// with Go's own MIME reader.
func htmlPart(h map[string][]string, body io.Reader) (string, bool) {
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	typ, params, err := mime.ParseMediaType(get("Content-Type"))
	if err != nil {
		return "", false
	}
	if strings.HasPrefix(typ, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return "", false
			}
			if html, ok := htmlPart(p.Header, p); ok {
				return html, true
			}
		}
	}
	if typ != "text/html" {
		return "", false
	}
	switch strings.ToLower(get("Content-Transfer-Encoding")) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &noSpace{r: body})
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	return string(b), err == nil
}

// noSpace drops line breaks from base64 text.
type noSpace struct{ r io.Reader }

func (n *noSpace) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	j := 0
	for _, c := range p[:k] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}
