package web

// Undo and the "scheduled" view (S2-4, E3-3): DELETE /api/v1/send/{id}
// takes a waiting message back out of the queue and files it in Drafts
// again, and GET /api/v1/send/scheduled lists what waits.
//
// The queue forgets a message once it went to everyone, so the outbox
// remembers, in memory, which account each recent send belongs to: an
// undo that comes too late is told 409 already_sent rather than 404. After
// a restart such a late undo is 404 (the message went either way).

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/store"
)

// outboxKeep is how long a send is remembered after it was queued.
const outboxKeep = 400 * 24 * time.Hour

type outboxEntry struct {
	accountID int64
	answered  int64  // the message this send marked \Answered, 0 if none
	draftInfo string // X-Postroom-Draft of the draft an undo gives back
	at        time.Time
}

type outbox struct {
	mu      sync.Mutex
	byQueue map[int64]outboxEntry
}

func (o *outbox) add(queueID int64, e outboxEntry) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.byQueue == nil {
		o.byQueue = map[int64]outboxEntry{}
	}
	for id, old := range o.byQueue {
		if e.at.Sub(old.at) > outboxKeep {
			delete(o.byQueue, id)
		}
	}
	o.byQueue[queueID] = e
}

// entry returns what is known of the account's send.
func (o *outbox) entry(accountID, queueID int64) (outboxEntry, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.byQueue[queueID]
	return e, ok && e.accountID == accountID
}

// sendCancel undoes a waiting send and answers the draft it became.
func (s *Server) sendCancel(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok || s.Pipeline == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	acct, err := s.Store.Account(r.Context(), sessionOf(r).accountID)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	ctx := r.Context()
	known, wasOurs := s.outbox.entry(acct.ID, id)
	raw, err := s.Pipeline.QueuedOriginal(ctx, acct, id)
	if err == nil {
		err = s.Pipeline.CancelSend(ctx, acct, id)
	}
	switch {
	case errors.Is(err, store.ErrTooLate), errors.Is(err, store.ErrNotFound) && wasOurs:
		s.fail(w, r, http.StatusConflict, "already_sent")
		return
	case err != nil:
		s.storeFail(w, r, err)
		return
	}
	if known.answered != 0 {
		s.unanswer(r, acct.ID, known.answered)
	}
	if known.draftInfo != "" {
		raw = append([]byte(draftHeader+": "+known.draftInfo+"\r\n"), raw...)
	}
	draft, err := s.storeDraft(r, acct.ID, raw, 0)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"draft_id": draft.ID})
}

// unanswer takes back the \Answered flag an undone reply had set.
func (s *Server) unanswer(r *http.Request, accountID, messageID int64) {
	m, err := s.Store.Message(r.Context(), accountID, messageID)
	if err == nil {
		_, err = s.Mail.StoreFlags(r.Context(), actorOf(sessionOf(r)), m.MailboxID, []uint32{m.UID}, store.FlagsRemove, []string{store.FlagAnswered})
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log().Warn("undo answered", "id", messageID, "err", err)
	}
}

// storeDraft writes raw and files it in Drafts, replacing replaceID.
func (s *Server) storeDraft(r *http.Request, accountID int64, raw []byte, replaceID int64) (*store.Message, error) {
	key, size, err := s.Blobs.Put(r.Context(), bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return s.Mail.SaveDraft(r.Context(), actorOf(sessionOf(r)), mail.AppendRequest{BlobKey: key, Size: size,
		Parsed: message.Parse(raw)}, replaceID)
}

type scheduledJSON struct {
	ID           int64         `json:"id"`
	SendAt       time.Time     `json:"send_at"`
	Created      time.Time     `json:"created"`
	Subject      string        `json:"subject"`
	To           []addressJSON `json:"to"`
	Cc           []addressJSON `json:"cc"`
	Bcc          []addressJSON `json:"bcc"`
	Individually bool          `json:"send_individually"`
	Cancel       string        `json:"cancel"`
}

// sendScheduled lists the account's sends still waiting (delayed or
// scheduled, no recipient tried or being tried), soonest first; mail
// queued to go at once (from a mail client) is not listed.
func (s *Server) sendScheduled(w http.ResponseWriter, r *http.Request) {
	qs, err := s.Store.AccountQueue(r.Context(), sessionOf(r).accountID)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	out := []scheduledJSON{}
	for _, q := range qs {
		if !q.SendAt.After(q.CreatedAt) || !waiting(&q) {
			continue
		}
		env, err := s.queuedEnvelope(q.BlobKey)
		if err != nil {
			s.log().Warn("scheduled send unreadable", "id", q.ID, "err", err)
			continue
		}
		out = append(out, scheduledJSON{ID: q.ID, SendAt: q.SendAt, Created: q.CreatedAt, Subject: env.Subject,
			To: addressesJSON(env.To), Cc: addressesJSON(env.Cc), Bcc: addressesJSON(env.Bcc), Individually: q.Individually,
			Cancel: "DELETE /api/v1/send/" + strconv.FormatInt(q.ID, 10)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"scheduled": out})
}

// waiting reports whether no recipient of a queued message was tried or
// claimed by a worker (whose next try then lies past SendAt).
func waiting(q *store.QueuedMessage) bool {
	for _, r := range q.Recipients {
		if r.Status != store.RcptPending || r.Attempts > 0 || r.NextTry.After(q.SendAt) {
			return false
		}
	}
	return true
}

// queuedEnvelope reads the envelope of a queued message from its start.
func (s *Server) queuedEnvelope(key string) (store.Envelope, error) {
	b, err := s.Blobs.Open(key)
	if err != nil {
		return store.Envelope{}, err
	}
	defer b.Close()
	head, err := io.ReadAll(io.LimitReader(b, 64<<10))
	if err != nil {
		return store.Envelope{}, err
	}
	return message.Parse(head).Envelope(), nil
}
