package web

// POST /api/v1/send (E3, E3-2, E3-3, S2-4). Every send goes through the
// outbound queue with a SendAt: now + SendDelay (the "undo" window) or the
// scheduled time, so that DELETE /api/v1/send/{id} can take it back while
// it waits. With SendDelay 0 and no send_at it goes at once.

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/deliver"
	"postroom/internal/store"
)

// maxSchedule is how far ahead a message may be scheduled.
const maxSchedule = 366 * 24 * time.Hour

// sendAnswer is the answer of POST /api/v1/send.
type sendAnswer struct {
	ID        int64     `json:"id"` // queue id; 0 when it went at once
	Status    string    `json:"status"`
	SendAt    time.Time `json:"send_at"`
	Cancel    string    `json:"cancel,omitempty"`
	MessageID string    `json:"message_id"`
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	if s.Pipeline == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "internal") // a server built without sending
		return
	}
	req, acct, ok := s.decodeCompose(w, r)
	if !ok {
		return
	}
	now := s.now()
	sendAt := now.Add(s.SendDelay)
	if req.SendAt != nil {
		if req.SendAt.Before(now.Add(-time.Minute)) || req.SendAt.After(now.Add(maxSchedule)) {
			s.failField(w, r, http.StatusBadRequest, "invalid_send_at", "send_at", req.SendAt.Format(time.RFC3339))
			return
		}
		sendAt = maxTime(*req.SendAt, sendAt)
	}
	c, err := s.buildMessage(r, acct, req, false, sendAt, nil)
	if err != nil {
		s.composeFail(w, r, err)
		return
	}
	sub, ok := s.submission(w, r, acct, c)
	if !ok {
		return
	}
	sub.Individually, sub.NoSentCopy, sub.UTF8 = req.SendIndividually, !req.saveSent(), c.msg.UTF8
	if sendAt.After(now) {
		sub.SendAt = sendAt
	}
	res, err := s.Pipeline.Submit(r.Context(), sub, c.msg.Raw)
	if err != nil {
		s.submitFail(w, r, err)
		return
	}
	waiting := int64(0) // the queue id an undo may name
	if !res.SendAt.IsZero() {
		waiting = res.QueueID
	}
	s.afterSend(r, acct, req, c, waiting)
	answer := sendAnswer{Status: "sent", SendAt: now, MessageID: c.msg.MessageID}
	if waiting != 0 {
		answer = sendAnswer{ID: res.QueueID, Status: "scheduled", SendAt: res.SendAt, MessageID: c.msg.MessageID,
			Cancel: "DELETE /api/v1/send/" + strconv.FormatInt(res.QueueID, 10)}
	}
	writeJSON(w, http.StatusAccepted, answer)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// submission resolves the recipients: hosted ones must exist and be able
// to receive (the UI marks the address otherwise), others go to the queue.
func (s *Server) submission(w http.ResponseWriter, r *http.Request, acct *store.Account, c *composed) (*deliver.Submission, bool) {
	all := c.recipients()
	if len(all) == 0 {
		s.failField(w, r, http.StatusBadRequest, "no_recipients", "to", "")
		return nil, false
	}
	if s.MaxRecipients > 0 && len(all) > s.MaxRecipients {
		s.failField(w, r, http.StatusBadRequest, "too_many_recipients", "to", "")
		return nil, false
	}
	sub := &deliver.Submission{Sender: acct, Envelope: deliver.Envelope{From: acct.Address(), Helo: "webmail",
		RemoteAddr: r.RemoteAddr, Protocol: "HTTP", ID: "web-" + randomID()}}
	seen := map[string]bool{}
	for _, a := range all {
		key := strings.ToLower(a.Addr)
		if seen[key] {
			continue
		}
		seen[key] = true
		_, domain, _ := deliver.SplitAddress(a.Addr)
		local, err := s.Pipeline.IsLocalDomain(r.Context(), domain)
		if err != nil {
			s.storeFail(w, r, err)
			return nil, false
		}
		if !local {
			sub.Remote = append(sub.Remote, a.Addr)
			continue
		}
		rcpt, err := s.Pipeline.Resolve(r.Context(), a.Addr, int64(len(c.msg.Raw)))
		if code := recipientCode(err); code != "" {
			s.failField(w, r, http.StatusBadRequest, code, fieldOf(c, a), a.Addr)
			return nil, false
		}
		if err != nil {
			s.submitFail(w, r, err)
			return nil, false
		}
		sub.Recipients = append(sub.Recipients, rcpt)
	}
	return sub, true
}

// recipientCode names a hosted recipient's refusal for the UI.
func recipientCode(err error) string {
	switch {
	case errors.Is(err, deliver.ErrUnknownRecipient):
		return "unknown_recipient"
	case errors.Is(err, deliver.ErrSuspended):
		return "recipient_disabled"
	case errors.Is(err, deliver.ErrOverQuota):
		return "recipient_over_quota"
	}
	return ""
}

// fieldOf says in which field the user typed an address.
func fieldOf(c *composed, a store.Address) string {
	for _, l := range []struct {
		field string
		addrs []store.Address
	}{{"to", c.to}, {"cc", c.cc}, {"bcc", c.bcc}} {
		for _, x := range l.addrs {
			if strings.EqualFold(x.Addr, a.Addr) {
				return l.field
			}
		}
	}
	return "to"
}

// submitFail answers a delivery refusal of the whole message.
func (s *Server) submitFail(w http.ResponseWriter, r *http.Request, err error) {
	var de *deliver.Error
	if errors.As(err, &de) && !de.Temporary() {
		s.failField(w, r, http.StatusBadRequest, "send_failed", "", de.Message)
		return
	}
	s.log().Error("web send", "err", err)
	s.fail(w, r, http.StatusServiceUnavailable, "internal")
}

// afterSend does what a send means for the rest of the mailbox: the
// original is marked answered or forwarded, the draft it came from goes,
// the uploads it used are kept for an undo, and the send is remembered so
// that a late undo is told "already sent".
func (s *Server) afterSend(r *http.Request, acct *store.Account, req *composeRequest, c *composed, queueID int64) {
	ctx := r.Context()
	var answered int64
	if m := c.reply; m != nil && !m.HasFlag(store.FlagAnswered) {
		if _, err := s.Mail.StoreFlags(ctx, actor.User(acct), m.MailboxID, []uint32{m.UID}, store.FlagsAdd, []string{store.FlagAnswered}); err != nil {
			s.log().Warn("mark answered", "id", m.ID, "err", err)
		} else {
			answered = m.ID
		}
	}
	if m := c.forward; m != nil {
		// $Forwarded is the keyword IMAP clients use (RFC 5788 registry).
		if _, err := s.Mail.StoreFlags(ctx, actor.User(acct), m.MailboxID, []uint32{m.UID}, store.FlagsAdd, []string{"$Forwarded"}); err != nil {
			s.log().Warn("mark forwarded", "id", m.ID, "err", err)
		}
	}
	if req.DraftID != 0 {
		if err := s.Mail.DeleteDraft(ctx, actor.User(acct), req.DraftID); err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log().Warn("delete sent draft", "id", req.DraftID, "err", err)
		}
	}
	if err := s.Store.TouchUploads(ctx, acct.ID, c.uploads, s.now().Add(uploadLife)); err != nil {
		s.log().Warn("touch uploads", "err", err)
	}
	if queueID != 0 {
		s.outbox.add(queueID, outboxEntry{accountID: acct.ID, answered: answered, draftInfo: draftInfo(req), at: s.now()})
	}
}

func randomID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
