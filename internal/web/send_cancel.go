package web

// Undo and the "scheduled" view (S2-4, E3-3): DELETE /api/v1/send/{id}
// takes a waiting message back out of the queue and files it in Drafts
// again (send.Undo), and GET /api/v1/send/scheduled lists what waits. The
// store remembers a send that went, so a late undo is 409 also after a
// restart and on another node.

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"postroom/internal/store"
)

// sendCancel undoes a waiting send and answers the draft it became.
func (s *Server) sendCancel(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idQueue, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	draftID, err := s.Send.Undo(r.Context(), actorOf(sessionOf(r)), id)
	switch {
	case errors.Is(err, store.ErrTooLate):
		s.fail(w, r, http.StatusConflict, "already_sent")
	case errors.Is(err, store.ErrCancelled):
		s.fail(w, r, http.StatusConflict, "already_cancelled")
	case err != nil:
		s.storeFail(w, r, err)
	default:
		writeJSON(w, http.StatusOK, map[string]int64{"draft_id": s.outID(idMessage, draftID)})
	}
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

// sendScheduled lists the account's sends still waiting, soonest first.
func (s *Server) sendScheduled(w http.ResponseWriter, r *http.Request) {
	list, err := s.Send.Scheduled(r.Context(), actorOf(sessionOf(r)))
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	out := []scheduledJSON{}
	for _, q := range list {
		env := q.Envelope
		id := s.outID(idQueue, q.ID)
		out = append(out, scheduledJSON{ID: id, SendAt: q.SendAt, Created: q.Created, Subject: env.Subject,
			To: addressesJSON(env.To), Cc: addressesJSON(env.Cc), Bcc: addressesJSON(env.Bcc), Individually: q.Individually,
			Cancel: "DELETE /api/v1/send/" + strconv.FormatInt(id, 10)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"scheduled": out})
}
