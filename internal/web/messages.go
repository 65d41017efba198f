package web

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"postroom/internal/message"
	"postroom/internal/store"
)

type addressJSON struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

type messageJSON struct {
	ID            int64         `json:"id"`
	MailboxID     int64         `json:"mailbox_id"`
	UID           uint32        `json:"uid"`
	ThreadID      int64         `json:"thread_id"`
	Subject       string        `json:"subject"`
	From          *addressJSON  `json:"from"`
	To            []addressJSON `json:"to"`
	Cc            []addressJSON `json:"cc,omitempty"`
	Date          time.Time     `json:"date"`
	Received      time.Time     `json:"received"`
	Seen          bool          `json:"seen"`
	Flagged       bool          `json:"flagged"`
	Answered      bool          `json:"answered"`
	Size          int64         `json:"size"`
	Preview       string        `json:"preview"`
	HasAttachment bool          `json:"has_attachment"`
	// ThreadCount is set on the rows of a conversation list (thread=1), and
	// ThreadUnseen there counts the thread's unread messages in the folder:
	// the row is unread while it is not 0, whatever the newest one's seen.
	ThreadCount  int `json:"thread_count,omitempty"`
	ThreadUnseen int `json:"thread_unseen,omitempty"`
}

func addressesJSON(list []store.Address) []addressJSON {
	out := make([]addressJSON, 0, len(list))
	for _, a := range list {
		out = append(out, addressJSON{Name: a.Name, Email: a.Addr})
	}
	return out
}

func (s *Server) summary(m *store.Message) messageJSON {
	j := messageJSON{ID: s.outID(idMessage, m.ID), MailboxID: s.outID(idMailbox, m.MailboxID), UID: m.UID,
		ThreadID: s.outID(idThread, m.ThreadID), Subject: m.Envelope.Subject,
		To: addressesJSON(m.Envelope.To), Cc: addressesJSON(m.Envelope.Cc), Date: m.Envelope.Date, Received: m.InternalDate,
		Seen: m.HasFlag(store.FlagSeen), Flagged: m.HasFlag(store.FlagFlagged), Answered: m.HasFlag(store.FlagAnswered),
		Size: m.Size, Preview: m.Preview, HasAttachment: m.HasAttachment, ThreadCount: m.ThreadCount,
		ThreadUnseen: m.ThreadUnseen}
	if len(m.Envelope.From) > 0 {
		j.From = &addressJSON{Name: m.Envelope.From[0].Name, Email: m.Envelope.From[0].Addr}
	}
	if j.Date.IsZero() {
		j.Date = m.InternalDate
	}
	return j
}

func (s *Server) summaries(msgs []store.Message) []messageJSON {
	out := make([]messageJSON, 0, len(msgs))
	for i := range msgs {
		out = append(out, s.summary(&msgs[i]))
	}
	return out
}

// pageJSON is a page of a folder's list.
type pageJSON struct {
	Messages []messageJSON `json:"messages"`
	Total    int           `json:"total"`
	Page     int           `json:"page"`
	PerPage  int           `json:"per_page"`
}

// messageList lists a folder newest first, a page at a time.
func (s *Server) messageList(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idMailbox, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	out, err := s.messagePage(r, id, r.URL.Query())
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// messagePage reads the page of the session account's folder that q asks
// for: page (from 1), per_page, unread=1, thread=1 (one row per thread).
func (s *Server) messagePage(r *http.Request, mailboxID int64, q url.Values) (*pageJSON, error) {
	page, _ := strconv.Atoi(q.Get("page"))
	perPage, _ := strconv.Atoi(q.Get("per_page"))
	page = max(page, 1)
	if perPage <= 0 || perPage > 200 {
		perPage = s.defaultPerPage(r)
	}
	msgs, total, err := s.Mail.Page(r.Context(), sessionOf(r).actor, mailboxID,
		store.Page{Offset: (page - 1) * perPage, Limit: perPage, UnseenOnly: isTrue(q.Get("unread")), Threads: isTrue(q.Get("thread"))})
	if err != nil {
		return nil, err
	}
	return &pageJSON{Messages: s.summaries(msgs), Total: total, Page: page, PerPage: perPage}, nil
}

// isTrue reads a query flag: "1" or "true".
func isTrue(v string) bool { return v == "1" || v == "true" }

// loadMessage reads one of the session account's messages and its bytes.
func (s *Server) loadMessage(r *http.Request) (*store.Message, []byte, error) {
	id, ok := s.pathID(r, idMessage, "id")
	if !ok {
		return nil, nil, store.ErrNotFound
	}
	return s.Mail.Load(r.Context(), sessionOf(r).actor, id)
}

type attachmentJSON struct {
	Index       int    `json:"index"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	ContentID   string `json:"content_id,omitempty"`
	Inline      bool   `json:"inline"`
	// Embedded: a picture the HTML body shows by cid:, not a file to list
	// (message.Files; has_attachment does not count it).
	Embedded bool `json:"embedded"`
}

// messageGet returns one message for reading: header, text, the HTML
// part's source for the sandboxed view, and its attachments.
func (s *Server) messageGet(w http.ResponseWriter, r *http.Request) {
	m, raw, err := s.loadMessage(r)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	parsed := message.Parse(raw)
	files := map[*message.Part]bool{}
	for _, p := range parsed.Files() {
		files[p] = true
	}
	var atts []attachmentJSON
	for i, p := range parsed.Attachments() {
		atts = append(atts, attachmentJSON{Index: i + 1, Filename: p.Filename(), ContentType: p.ContentType, Size: len(p.Body()),
			ContentID: trimAngle(p.Header.Get("Content-Id")), Inline: p.Disposition == "inline", Embedded: !files[p]})
	}
	verdict, err := s.Mail.SpamVerdict(r.Context(), sessionOf(r).actor, m.ID)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	_, blocked, hasHTML := sanitized("", parsed, false)
	// The envelope's Reply-To is From when the header is absent (IMAP's
	// rule, RFC 9051 §7.5.2); the reader shows only one the sender set.
	replyTo := []addressJSON{}
	if strings.TrimSpace(parsed.Header.Get("Reply-To")) != "" {
		replyTo = addressesJSON(m.Envelope.ReplyTo)
	}
	body := map[string]any{
		"has_html":       hasHTML,
		"remote_blocked": blocked,
		"message":        s.summary(m),
		"message_id":     m.Envelope.MessageID,
		"reply_to":       replyTo,
		"bcc":            addressesJSON(m.Envelope.Bcc),
		"text":           parsed.Text(),
		"attachments":    atts,
		"problems":       parsed.Problems,
	}
	if verdict != nil {
		body["spam"] = spamVerdictJSON(verdict)
	}
	if mdn := s.mdnOffer(r, m, raw); mdn != nil {
		body["mdn"] = mdn // a read receipt requested (mdn.go)
	}
	writeJSON(w, http.StatusOK, body)
}

func trimAngle(s string) string {
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		return s[1 : len(s)-1]
	}
	return s
}

// messageRaw serves the message as stored (download .eml, view source).
func (s *Server) messageRaw(w http.ResponseWriter, r *http.Request) {
	m, raw, err := s.loadMessage(r)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "message/rfc822")
	id := s.outID(idMessage, m.ID)
	w.Header().Set("Content-Disposition", attachmentDisposition(emlName(m.Envelope.Subject, id), fmt.Sprintf("message-%d.eml", id)))
	w.Write(raw)
}

// attachmentGet serves one attachment, decoded, as a download.
func (s *Server) attachmentGet(w http.ResponseWriter, r *http.Request) {
	_, raw, err := s.loadMessage(r)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	n, _ := strconv.Atoi(r.PathValue("n"))
	atts := message.Parse(raw).Attachments()
	if n < 1 || n > len(atts) {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	p := atts[n-1]
	name := p.Filename()
	if name == "" {
		name = fmt.Sprintf("attachment-%d", n)
	}
	// Served as a download, never rendered by the browser in our origin.
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(p.Body())
}
