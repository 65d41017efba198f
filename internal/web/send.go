package web

// POST /api/v1/send (E3, E3-2, E3-3, S2-4): the compose screen's message
// to the send service, which queues it for the undo delay or its
// scheduled time (DELETE /api/v1/send/{id} takes it back meanwhile), or
// sends it at once.

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"postroom/internal/deliver"
)

// sendAnswer is the answer of POST /api/v1/send.
type sendAnswer struct {
	ID        int64     `json:"id"` // queue id; 0 when it went at once
	Status    string    `json:"status"`
	SendAt    time.Time `json:"send_at"`
	Cancel    string    `json:"cancel,omitempty"`
	MessageID string    `json:"message_id"`
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	req, done, ok := s.decodeCompose(w, r)
	if !ok {
		return
	}
	req.RemoteAddr = r.RemoteAddr
	sent, err := s.Send.Send(r.Context(), actorOf(sessionOf(r)), req)
	done()
	if err != nil {
		s.sendFail(w, r, err)
		return
	}
	answer := sendAnswer{Status: "sent", SendAt: sent.SendAt, MessageID: sent.MessageID}
	if sent.QueueID != 0 {
		id := s.outID(idQueue, sent.QueueID)
		answer = sendAnswer{ID: id, Status: "scheduled", SendAt: sent.SendAt, MessageID: sent.MessageID,
			Cancel: "DELETE /api/v1/send/" + strconv.FormatInt(id, 10)}
	}
	writeJSON(w, http.StatusAccepted, answer)
}

// sendFail answers the errors of a send: those of building and checking
// the message (composeFail), and a refusal of the whole message by the
// delivery pipeline.
func (s *Server) sendFail(w http.ResponseWriter, r *http.Request, err error) {
	if s.failHourlyLimit(w, r, err) { // send_limit.go
		return
	}
	var de *deliver.Error
	switch {
	case isComposeError(err) || !errors.As(err, &de):
		s.composeFail(w, r, err)
	case !de.Temporary():
		s.failField(w, r, http.StatusBadRequest, "send_failed", "", de.Message)
	default:
		s.log().Error("web send", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, "internal")
	}
}
