package web

// The 수신확인 view (E6): the user's sent mail with read receipts, and the
// recall of an unread internal copy. The rules (what is read, who may be
// recalled and why not) are internal/receipts'; these handlers translate.

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"postroom/internal/actor"
	"postroom/internal/receipts"
	"postroom/internal/store"
)

// Receipts is the read receipts service (*receipts.Service).
type Receipts interface {
	List(ctx context.Context, a actor.Actor, status store.ReceiptStatus, page int) (*receipts.Page, error)
	Recall(ctx context.Context, a actor.Actor, messageID string, recipients []string) ([]receipts.Outcome, error)
	// the recipient's side (mdn.go)
	MDNOffer(ctx context.Context, a actor.Actor, m *store.Message, raw []byte) (*receipts.Offer, error)
	Respond(ctx context.Context, a actor.Actor, id int64, send, automatic bool) error
	// the tracking image's fetch (tracking_image.go)
	ImageFetched(ctx context.Context, token string, viewer actor.Actor) bool
}

var _ Receipts = (*receipts.Service)(nil)

type receiptRecipient struct {
	Address  string     `json:"address"`
	Internal bool       `json:"internal"`
	Status   string     `json:"status"`
	Time     *time.Time `json:"time"`
}

type receiptMessage struct {
	MessageID  string             `json:"message_id"`
	Subject    string             `json:"subject"`
	Sent       time.Time          `json:"sent"`
	Recipients []receiptRecipient `json:"recipients"`
}

func (s *Server) receiptList(w http.ResponseWriter, r *http.Request) {
	if s.Receipts == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	page := 1
	if p := r.URL.Query().Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			s.failField(w, r, http.StatusBadRequest, "invalid", "page", p)
			return
		}
		page = n
	}
	status := store.ReceiptStatus(r.URL.Query().Get("status"))
	if !receipts.ValidStatus(status) {
		s.failField(w, r, http.StatusBadRequest, "invalid", "status", string(status))
		return
	}
	p, err := s.Receipts.List(r.Context(), sessionOf(r).actor, status, page)
	if err != nil {
		s.receiptFail(w, r, err)
		return
	}
	out := make([]receiptMessage, 0, len(p.Messages))
	for _, m := range p.Messages {
		rm := receiptMessage{MessageID: m.MessageID, Subject: m.Subject, Sent: m.Sent, Recipients: []receiptRecipient{}}
		for _, rc := range m.Recipients {
			rm.Recipients = append(rm.Recipients, receiptRecipient{Address: rc.Address, Internal: rc.Internal,
				Status: string(rc.Status), Time: timeOrNil(rc.At)})
		}
		out = append(out, rm)
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out, "total": p.Total, "page": page, "page_size": receipts.PageSize})
}

func (s *Server) receiptRecall(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("message_id")
	if s.Receipts == nil || id == "" {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req struct {
		Recipients []string `json:"recipients"`
	}
	if r.ContentLength != 0 { // no body: every recipient
		if err := decode(r, &req); err != nil {
			s.failDecode(w, r, err)
			return
		}
	}
	outs, err := s.Receipts.Recall(r.Context(), sessionOf(r).actor, id, req.Recipients)
	if err != nil {
		s.receiptFail(w, r, err)
		return
	}
	type result struct {
		Address string `json:"address"`
		Result  string `json:"result"`
	}
	res := make([]result, 0, len(outs))
	for _, o := range outs {
		res = append(res, result{Address: o.Address, Result: o.Result})
	}
	writeJSON(w, http.StatusOK, map[string]any{"recipients": res})
}

func (s *Server) receiptFail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, receipts.ErrForbidden):
		s.fail(w, r, http.StatusForbidden, "forbidden")
	case errors.Is(err, receipts.ErrBadStatus):
		s.failField(w, r, http.StatusBadRequest, "invalid", "status", "")
	default:
		s.storeFail(w, r, err)
	}
}
