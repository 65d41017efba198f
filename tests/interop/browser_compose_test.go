package interop

// Browser end-to-end tests of writing mail (issue 7): compose with Cc, Bcc
// and an attachment, reply, forward, resend, draft autosave, undo of a
// delayed send, rich text, bad input, keyboard, scheduled send. The
// scenarios are tests/interop/browser/compose-scenarios.mjs, run by the
// same runner as browser_test.go, on a server of their own: a short undo
// window (so that a send arrives in seconds) and a small max_message_size
// (so that an attachment over the limit is a small buffer).
//
// Invariants:
//   - What arrived is checked outside the UI: the control listener reads
//     mailboxes over IMAP with the go-imap client (GET /imap) and answers
//     with the parsed message (headers, flags, parts with their decoded
//     file names and SHA-256), so the scenarios can compare bytes.
//   - Every listener is on 127.0.0.1 (the server's, the control's).

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// browserComposeUndo is the server's undo_send for these scenarios: long
// enough to click "undo" in, short enough to wait for every send.
const browserComposeUndo = 3 * time.Second

// browserComposeMaxMessage is max_message_size: the upload limit the
// compose screen shows is about three quarters of it.
const browserComposeMaxMessage = 1 << 20

// browserComposeScenarios are compose-scenarios.mjs's, in the order they
// run; none depends on another having passed.
var browserComposeScenarios = []string{
	"compose_send",           // To, Cc, Bcc, a Korean-named attachment; IMAP: Bcc hidden, Sent keeps it
	"reply_quote",            // #tb-reply quotes the original; In-Reply-To over IMAP
	"forward_attach",         // #tb-forward keeps the attachment; same bytes arrive
	"resend",                 // #tb-resend on a Sent message: same recipients and file
	"draft_autosave",         // autosave, reload, the draft reopens with its file; \Draft over IMAP
	"draft_on_leave",         // leaving saves the draft; the next compose starts blank
	"discard_keeps_draft",    // cancel asks for a saved draft: keep it, or discard it to Trash
	"address_picker",         // 받는사람 opens the picker; "이름 또는 주소 검색"; a colleague to To
	"session_expiry_compose", // the session ends while writing: log in, the text is back
	"undo_send",              // #undo-send: back as a draft, never delivered
	"rich_text",              // bold, colour, bullets reach the received text/html
	"bad_input",              // invalid chip, no recipients, file over the limit
	"keyboard",               // c opens compose, Ctrl+Enter sends
	"scheduled_cancel",       // schedule, the scheduled view, cancel
}

// browserComposeFixtures is cfg.compose for the runner.
type browserComposeFixtures struct {
	UndoSeconds int                  `json:"undoSeconds"`
	Users       browserComposeUsers  `json:"users"`
	Reply       browserComposeReply  `json:"reply"`
	Forward     browserComposeFile   `json:"forward"`
	Resend      browserComposeResend `json:"resend"`
}

// browserComposeUsers are the accounts of the domain besides the one
// logged in; Colleague's name is typed in part for the autocomplete.
type browserComposeUsers struct {
	Colleague     string `json:"colleague"`
	ColleagueName string `json:"colleagueName"`
	To            string `json:"to"`
	Cc            string `json:"cc"`
	Bcc           string `json:"bcc"`
}

// browserComposeReply: a plain-text message from Colleague to the user;
// Quote is a sentence of its body.
type browserComposeReply struct {
	Subject   string `json:"subject"`
	MessageID string `json:"messageId"`
	Quote     string `json:"quote"`
}

// browserComposeFile: a message to the user with one attachment.
type browserComposeFile struct {
	Subject   string `json:"subject"`
	MessageID string `json:"messageId"`
	Filename  string `json:"filename"`
	SHA256    string `json:"sha256"`
	Size      int    `json:"size"`
}

// browserComposeResend: a message the user sent (in Sent, with its Bcc
// field) to To, Cc and Bcc, with one attachment.
type browserComposeResend struct {
	browserComposeFile
	To  string `json:"to"`
	Cc  string `json:"cc"`
	Bcc string `json:"bcc"`
}

func TestBrowser_compose(t *testing.T) {
	dir, node, selected := browserStart(t, browserComposeScenarios)

	s := newServer(t, serverOptions{
		listen:         []string{"smtp", "submission", "http", "imap"},
		maxMessageSize: browserComposeMaxMessage,
	})
	setBrowserRootConfig(t, s, fmt.Sprintf("undo_send = %q", browserComposeUndo.String()))

	user := uniqueAddr("writer")
	u := browserComposeUsers{
		Colleague: uniqueAddr("colleague"), ColleagueName: "박지훈",
		To: uniqueAddr("to"), Cc: uniqueAddr("cc"), Bcc: uniqueAddr("bcc"),
	}
	s.AddUser(t, user, "--name", "김민지")
	s.AddUser(t, u.Colleague, "--name", u.ColleagueName)
	s.AddUser(t, u.To, "--name", "이수진")
	s.AddUser(t, u.Cc, "--name", "최영호")
	s.AddUser(t, u.Bcc, "--name", "감사팀")

	fx := deliverBrowserComposeFixtures(t, s, user, u)
	control := startBrowserComposeControl(t, s)

	shots := browserOutputDir(t, "compose")
	t.Logf("screenshots: %s", shots)

	runBrowserScenarios(t, node, dir, browserConfig{
		BaseURL:       "http://" + s.Addr(t, "http"),
		Email:         user,
		Password:      testPassword,
		WrongPassword: testPassword + "-wrong",
		Chromium:      browserChromium,
		Shots:         shots,
		Control:       control,
		Scenarios:     selected,
		Compose:       &fx,
	})
}

// setBrowserRootConfig adds top-level lines to the server's config (before
// its first table, where serverOptions.tables cannot put them) and
// restarts it on the same data.
func setBrowserRootConfig(t *testing.T, s *Server, lines string) {
	t.Helper()
	s.stop()
	b, err := os.ReadFile(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(b)
	i := strings.Index(cfg, "\n[")
	if i < 0 {
		t.Fatalf("config %s has no table to insert before:\n%s", s.Config, cfg)
	}
	cfg = cfg[:i+1] + lines + "\n" + cfg[i+1:]
	if err := os.WriteFile(s.Config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	s.Restart(t)
}

// browserAttachmentBytes is size bytes that no text decoding leaves alone
// (every byte value), the same for a seed.
func browserAttachmentBytes(seed uint64, size int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// browserMultipart is a multipart/mixed browserMail: a text part and one
// attachment sent base64 with an RFC 2231 file name.
func browserMultipart(text, filename, contentType string, data []byte) browserMail {
	const boundary = "=_postroom_browser_boundary"
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": filename})
	body := "This is a multi-part message in MIME format.\n" +
		"--" + boundary + "\n" +
		"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text + "\n" +
		"--" + boundary + "\n" +
		"Content-Type: " + contentType + "\nContent-Transfer-Encoding: base64\nContent-Disposition: " + disp + "\n\n" +
		igBase64Lines(data) +
		"--" + boundary + "--\n"
	return browserMail{ContentType: `multipart/mixed; boundary="` + boundary + `"`, Encoding: "7bit", Body: body}
}

// deliverBrowserComposeFixtures delivers what reply, forward and resend
// start from, and waits until the store lists it.
func deliverBrowserComposeFixtures(t *testing.T, s *Server, user string, u browserComposeUsers) browserComposeFixtures {
	t.Helper()
	fx := browserComposeFixtures{UndoSeconds: int(browserComposeUndo / time.Second), Users: u}
	date := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
	next := func() time.Time { date = date.Add(time.Minute); return date }
	submit := func(from string, rcpts []string, m browserMail) {
		t.Helper()
		m.Date = next()
		c := mustDialSubmission(t, s, from, testPassword)
		if r, err := c.Send(from, rcpts, m.Bytes()); err != nil || r.Code != 250 {
			t.Fatalf("submission by %s of %q: %v %v", from, m.Subject, r, err)
		}
		_, _ = c.Cmd("QUIT")
	}

	// Reply: plain text from the colleague.
	fx.Reply = browserComposeReply{Subject: "예산안 검토 부탁드립니다", MessageID: uniqueID("reply-orig"),
		Quote: "다음 주 월요일까지 2분기 예산안을 보내 주세요."}
	m := browserMail{From: utf8Word(u.ColleagueName) + " <" + u.Colleague + ">", To: "<" + user + ">",
		Subject: utf8Word(fx.Reply.Subject), MessageID: fx.Reply.MessageID,
		ContentType: "text/plain; charset=utf-8", Encoding: "8bit",
		Body: "안녕하세요.\n" + fx.Reply.Quote + "\n감사합니다.\n"}
	submit(u.Colleague, []string{user}, m)

	// Forward: from the internet, with a file.
	data := browserAttachmentBytes(1, 6000)
	fx.Forward = browserComposeFile{Subject: "계약서 사본 전달", MessageID: uniqueID("fwd-orig"),
		Filename: "계약서_사본.pdf", SHA256: sha256Hex(data), Size: len(data)}
	m = browserMultipart("계약서 사본을 첨부합니다.", fx.Forward.Filename, "application/pdf", data)
	m.From, m.To, m.Subject, m.MessageID, m.Date = "Legal <legal@remote.example>", "<"+user+">",
		utf8Word(fx.Forward.Subject), fx.Forward.MessageID, next()
	if r := mxSend(t, s, "legal@remote.example", []string{user}, m.Bytes()); r.Code != 250 {
		t.Fatalf("MX delivery of %q: %s", fx.Forward.Subject, r)
	}

	// Resend: sent by the user to To, Cc and Bcc, with a file; the Sent
	// copy keeps the Bcc field.
	data = browserAttachmentBytes(2, 5000)
	fx.Resend = browserComposeResend{
		browserComposeFile: browserComposeFile{Subject: "월간 실적 보고", MessageID: uniqueID("resend-orig"),
			Filename: "실적_보고서.xlsx", SHA256: sha256Hex(data), Size: len(data)},
		To: u.To, Cc: u.Cc, Bcc: u.Bcc,
	}
	m = browserMultipart("이번 달 실적을 보고드립니다.", fx.Resend.Filename,
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
	m.From, m.To, m.Subject, m.MessageID = utf8Word("김민지")+" <"+user+">", "<"+u.To+">",
		utf8Word(fx.Resend.Subject), fx.Resend.MessageID
	m.Headers = "Cc: <" + u.Cc + ">\r\nBcc: <" + u.Bcc + ">\r\n"
	submit(user, []string{u.To, u.Cc, u.Bcc}, m)

	waitBrowserStored(t, s, user, "", []string{fx.Reply.MessageID, fx.Forward.MessageID})
	waitBrowserStored(t, s, user, "Sent", []string{fx.Resend.MessageID})
	waitBrowserStored(t, s, u.Bcc, "", []string{fx.Resend.MessageID})
	return fx
}

// imapPart is one leaf of a message as GET /imap answers it.
type imapPart struct {
	ContentType string `json:"contentType"`
	Disposition string `json:"disposition"`
	Filename    string `json:"filename"`
	Size        int    `json:"size"`
	SHA256      string `json:"sha256"`
	Text        string `json:"text,omitempty"` // text/* parts, decoded
}

// imapMessage is one message as GET /imap answers it.
type imapMessage struct {
	UID        uint32              `json:"uid"`
	Flags      []string            `json:"flags"`
	Subject    string              `json:"subject"`
	MessageID  string              `json:"messageId"`
	InReplyTo  []string            `json:"inReplyTo"`
	References []string            `json:"references"`
	To         []string            `json:"to"`
	Cc         []string            `json:"cc"`
	Bcc        []string            `json:"bcc"`
	Headers    map[string][]string `json:"headers"` // by lower-case name, raw values
	Parts      []imapPart          `json:"parts"`
	ParseError string              `json:"parseError,omitempty"`
}

// startBrowserComposeControl serves the runner's callbacks and returns its
// URL:
//
//	GET /imap?user=A&mailbox=M[&subject=S]  every message of M (whose
//	    subject contains S) read over IMAP as A: [imapMessage]
func startBrowserComposeControl(t *testing.T, s *Server) string {
	t.Helper()
	imapAddr := s.Addr(t, "imap")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /imap", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		msgs, err := browserIMAPFetch(imapAddr, q.Get("user"), q.Get("mailbox"), q.Get("subject"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		browserWriteJSON(w, msgs)
	})
	return serveLoopback(t, mux)
}

// browserIMAPFetch logs in as user over the plain loopback imap listener
// and reads every message of mailbox (read-only, BODY.PEEK[]).
func browserIMAPFetch(addr, user, mailbox, subject string) ([]imapMessage, error) {
	if user == "" || mailbox == "" {
		return nil, errors.New("want user and mailbox")
	}
	c, err := imapclient.DialInsecure(addr, &imapclient.Options{
		WordDecoder: igWordDecoder(),
		Dialer:      &net.Dialer{Timeout: 10 * time.Second},
	})
	if err != nil {
		return nil, fmt.Errorf("IMAP connect: %w", err)
	}
	defer c.Close()
	if err := c.Login(user, testPassword).Wait(); err != nil {
		return nil, fmt.Errorf("IMAP LOGIN %s: %w", user, err)
	}
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("IMAP EXAMINE %q as %s: %w", mailbox, user, err)
	}
	out := []imapMessage{}
	if sel.NumMessages == 0 {
		_ = c.Logout().Wait()
		return out, nil
	}
	whole := &imap.FetchItemBodySection{Peek: true}
	set := imap.SeqSet{}
	set.AddRange(1, 0) // 1:*
	bufs, err := c.Fetch(set, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{whole}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("IMAP FETCH 1:* in %q as %s: %w", mailbox, user, err)
	}
	for _, b := range bufs {
		m := browserParseMessage(b.FindBodySection(whole))
		m.UID = uint32(b.UID)
		for _, f := range b.Flags {
			m.Flags = append(m.Flags, string(f))
		}
		if subject != "" && !strings.Contains(m.Subject, subject) {
			continue
		}
		out = append(out, m)
	}
	_ = c.Logout().Wait()
	return out, nil
}

// browserParseMessage reads what a mail client would show of raw.
func browserParseMessage(raw []byte) imapMessage {
	m := imapMessage{Headers: map[string][]string{}, Parts: []imapPart{}, Flags: []string{}}
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil {
		m.ParseError = fmt.Sprint(err)
		return m
	}
	if err != nil {
		m.ParseError = err.Error()
	}
	fields := e.Header.Fields()
	for fields.Next() {
		k := strings.ToLower(fields.Key())
		m.Headers[k] = append(m.Headers[k], fields.Value())
	}
	h := mail.Header{Header: e.Header}
	m.Subject, _ = h.Subject()
	m.MessageID, _ = h.MessageID()
	m.InReplyTo, _ = h.MsgIDList("In-Reply-To")
	m.References, _ = h.MsgIDList("References")
	list := func(key string) []string {
		out := []string{}
		as, _ := h.AddressList(key)
		for _, a := range as {
			out = append(out, strings.ToLower(a.Address))
		}
		return out
	}
	m.To, m.Cc, m.Bcc = list("To"), list("Cc"), list("Bcc")
	werr := e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		ct, _, _ := part.Header.ContentType()
		if strings.HasPrefix(ct, "multipart/") {
			return nil
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			return err
		}
		p := imapPart{ContentType: ct, Size: len(body), SHA256: sha256Hex(body)}
		p.Disposition, _, _ = part.Header.ContentDisposition()
		ah := mail.AttachmentHeader{Header: part.Header}
		p.Filename, _ = ah.Filename()
		if strings.HasPrefix(ct, "text/") && len(body) <= 256*1024 {
			p.Text = string(body)
		}
		m.Parts = append(m.Parts, p)
		return nil
	})
	if werr != nil && m.ParseError == "" {
		m.ParseError = werr.Error()
	}
	return m
}
