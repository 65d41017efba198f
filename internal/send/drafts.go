package send

// Drafts saved from the webmail (E3-3) are real messages in Drafts (IMAP
// clients see them, flagged \Draft): a save replaces, so the id changes
// with every save. What the header cannot say (the message replied to or
// forwarded, send individually, save to Sent) rides in an X-Postroom-Draft
// field that is never sent: a send builds its message afresh.

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/compose"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/safehtml"
	"postroom/internal/store"
)

// draftHeader carries the compose state of a draft.
const draftHeader = "X-Postroom-Draft"

// draftState is the X-Postroom-Draft value of a request ("" when there is
// nothing to say): "reply=42; forward=43; individually=1; save-sent=0".
func draftState(req *Request) string {
	var parts []string
	if req.InReplyTo != 0 {
		parts = append(parts, "reply="+strconv.FormatInt(req.InReplyTo, 10))
	}
	if req.ForwardOf != 0 {
		parts = append(parts, "forward="+strconv.FormatInt(req.ForwardOf, 10))
	}
	if req.SendIndividually {
		parts = append(parts, "individually=1")
	}
	if req.NoSentCopy {
		parts = append(parts, "save-sent=0")
	}
	return strings.Join(parts, "; ")
}

// SavedDraft says what a save stored.
type SavedDraft struct {
	ID        int64
	MessageID string
	// Invalid are the recipients left out: a draft keeps what the user is
	// still typing, a malformed address does not stop the save.
	Invalid []*compose.Error
}

// SaveDraft saves the compose screen's message as a draft, replacing the
// draft replaceID (0: a new one), which must be one of the actor's: that
// is checked before anything is built.
func (s *Service) SaveDraft(ctx context.Context, a actor.Actor, req *Request, replaceID int64) (*SavedDraft, error) {
	acct, err := s.sender(ctx, a)
	if err != nil {
		return nil, err
	}
	if replaceID != 0 {
		if _, err := s.Mail.Draft(ctx, a, replaceID); err != nil {
			return nil, err
		}
	}
	var extra []compose.Field
	if st := draftState(req); st != "" {
		extra = append(extra, compose.Field{Name: draftHeader, Value: st})
	}
	c, err := s.build(ctx, a, acct, req, true, s.now(), extra)
	if err != nil {
		return nil, err
	}
	m, err := s.storeDraft(ctx, a, c.msg.Raw, replaceID)
	if err != nil {
		return nil, err
	}
	s.keepUploads(ctx, acct.ID, c.uploads)
	return &SavedDraft{ID: m.ID, MessageID: c.msg.MessageID, Invalid: c.invalid}, nil
}

// storeDraft writes raw and files it in Drafts, replacing replaceID.
func (s *Service) storeDraft(ctx context.Context, a actor.Actor, raw []byte, replaceID int64) (*store.Message, error) {
	key, size, err := s.Blobs.Put(ctx, bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("store draft: %w", err)
	}
	return s.Mail.SaveDraft(ctx, a, mail.AppendRequest{BlobKey: key, Size: size, Parsed: message.Parse(raw)}, replaceID)
}

// DiscardDraft throws one of the actor's drafts away: to Trash
// (mail.DiscardDraft), or for good when permanent.
func (s *Service) DiscardDraft(ctx context.Context, a actor.Actor, id int64, permanent bool) error {
	if permanent {
		return s.Mail.DeleteDraft(ctx, a, id)
	}
	return s.Mail.DiscardDraft(ctx, a, id)
}

// OpenDraft is a draft as the editor shows it.
type OpenDraft struct {
	ID          int64
	MessageID   string
	Date        time.Time
	To, Cc, Bcc []store.Address
	Subject     string
	// HTML is sanitised (the editor runs in the webmail's own origin), its
	// inline images named by the caller's URLs; Text is the plain body.
	HTML, Text   string
	Files        []DraftFile
	InReplyTo    int64
	ForwardOf    int64
	Individually bool // send individually
	SaveSent     bool
	ReadReceipt  bool
}

// DraftFile is a file of a draft (its inline images are in the HTML).
type DraftFile struct {
	// Index is the file's number among the draft's attachments: a FileRef
	// {Message: the draft, Index} attaches it while the draft exists.
	Index       int
	Filename    string
	ContentType string
	Size        int64
	// Upload is the upload it became (ReopenDraft only): usable in a save
	// or a send after the draft was replaced.
	Upload *store.Upload
}

// Draft reads one of the actor's drafts (one the webmail saved, or a mail
// client's) for the editor, and changes nothing: its files are the
// draft's attachments, its inline images are named url(ImageRef{Message:
// id, CID: ...}). store.ErrNotFound for anything that is not one of the
// actor's drafts.
func (s *Service) Draft(ctx context.Context, a actor.Actor, id int64, url func(ImageRef) string) (*OpenDraft, error) {
	return s.openDraft(ctx, a, id, false, url)
}

// ReopenDraft reads a draft for the editor and makes its files and inline
// images uploads again, so that they go into a save or a send even after
// the draft itself was replaced; its inline images are named
// url(ImageRef{Upload: ...}).
func (s *Service) ReopenDraft(ctx context.Context, a actor.Actor, id int64, url func(ImageRef) string) (*OpenDraft, error) {
	return s.openDraft(ctx, a, id, true, url)
}

func (s *Service) openDraft(ctx context.Context, a actor.Actor, id int64, reopen bool, url func(ImageRef) string) (*OpenDraft, error) {
	m, err := s.Mail.Draft(ctx, a, id)
	if err != nil {
		return nil, err
	}
	raw, err := s.Mail.Bytes(ctx, a, m)
	if err != nil {
		return nil, fmt.Errorf("draft %d: %w", id, err)
	}
	p := message.Parse(raw)
	env := p.Envelope()
	st := parseDraftState(p.Header.Get(draftHeader))
	out := &OpenDraft{ID: m.ID, MessageID: env.MessageID, Date: env.Date, To: env.To, Cc: env.Cc, Bcc: env.Bcc,
		Subject: env.Subject, Text: p.Text(), InReplyTo: st.reply, ForwardOf: st.forward, Individually: st.individually,
		SaveSent: st.saveSent, ReadReceipt: p.Header.Has("Disposition-Notification-To")}
	files := &draftFiles{s: s, ctx: ctx, accountID: m.AccountID, uploads: map[*message.Part]*store.Upload{},
		inline: map[*message.Part]bool{}}
	if hp := p.HTMLBody(); hp != nil {
		src, _ := hp.Text()
		out.HTML = safehtml.Sanitize(src, safehtml.Options{AllowRemote: true, CIDURL: func(cid string) string {
			part := partByCID(p, cid)
			if part == nil {
				return ""
			}
			files.inline[part] = true
			if !reopen {
				return url(ImageRef{Message: m.ID, CID: cid})
			}
			if u := files.upload(part); u != nil {
				return url(ImageRef{Upload: u.ID})
			}
			return ""
		}}).HTML
	}
	for i, part := range p.Attachments() {
		if files.inline[part] {
			continue
		}
		f := DraftFile{Index: i + 1, Filename: part.Filename(), ContentType: part.ContentType, Size: int64(len(part.Body()))}
		if reopen {
			if f.Upload = files.upload(part); f.Upload == nil {
				continue
			}
		}
		out.Files = append(out.Files, f)
	}
	if files.err != nil {
		return nil, files.err
	}
	return out, nil
}

// draftFiles turns a draft's parts into uploads when reopening, each
// part once.
type draftFiles struct {
	s         *Service
	ctx       context.Context
	accountID int64
	uploads   map[*message.Part]*store.Upload
	inline    map[*message.Part]bool // parts the HTML shows
	err       error                  // the first failure
}

func (f *draftFiles) upload(p *message.Part) *store.Upload {
	if u := f.uploads[p]; u != nil || f.err != nil {
		return u
	}
	key, size, err := f.s.Blobs.Put(f.ctx, bytes.NewReader(p.Body()))
	if err != nil {
		f.err = fmt.Errorf("reopen draft part: %w", err)
		return nil
	}
	name := p.Filename()
	if name == "" {
		name = "image"
	}
	u := &store.Upload{AccountID: f.accountID, BlobKey: key, Size: size, Filename: name, ContentType: p.ContentType,
		ExpiresAt: f.s.now().Add(UploadLife)}
	if err := f.s.Store.CreateUpload(f.ctx, u); err != nil {
		f.err = fmt.Errorf("reopen draft part: %w", err)
		return nil
	}
	f.uploads[p] = u
	return u
}

// draftFields is what an X-Postroom-Draft value says.
type draftFields struct {
	reply, forward int64
	individually   bool
	saveSent       bool
}

func parseDraftState(v string) draftFields {
	st := draftFields{saveSent: true}
	for _, part := range strings.Split(v, ";") {
		key, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		n, _ := strconv.ParseInt(val, 10, 64)
		switch key {
		case "reply":
			st.reply = n
		case "forward":
			st.forward = n
		case "individually":
			st.individually = val == "1"
		case "save-sent":
			st.saveSent = val != "0"
		}
	}
	return st
}
