package web

import (
	"net/http"

	"postroom/internal/store"
)

// maxActionIDs bounds one action request (a 10,000-message selection is
// one request).
const maxActionIDs = 10000

type actionRequest struct {
	Action  string  `json:"action"`
	IDs     []int64 `json:"ids"`
	Mailbox int64   `json:"mailbox,omitempty"` // destination of move and copy
}

// messageActions applies one action to many messages, grouped by folder.
// What an action means (delete in Trash or Spam is for good, report spam
// trains the filter, read is the user reading) is the mailbox service's.
func (s *Server) messageActions(w http.ResponseWriter, r *http.Request) {
	var req actionRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	if len(req.IDs) == 0 || len(req.IDs) > maxActionIDs {
		s.fail(w, r, http.StatusBadRequest, "bad_request")
		return
	}
	switch req.Action {
	case "move", "copy", "flag", "unflag", "read", "unread", "delete-to-trash", "report-spam", "not-spam", "delete-permanently":
	default:
		s.fail(w, r, http.StatusBadRequest, "unknown_action")
		return
	}
	ids, ok := s.inIDs(idMessage, req.IDs)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	dest, ok := s.inID(idMailbox, req.Mailbox)
	if !ok && (req.Action == "move" || req.Action == "copy") {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	ctx, who := r.Context(), sessionOf(r).actor
	byMailbox := map[int64][]uint32{}
	for _, id := range ids {
		m, err := s.Mail.Message(ctx, who, id)
		if err != nil {
			s.storeFail(w, r, err) // another account's id is 404 too
			return
		}
		byMailbox[m.MailboxID] = append(byMailbox[m.MailboxID], m.UID)
	}
	if req.Action == "move" || req.Action == "copy" {
		if _, err := s.Mail.Mailbox(ctx, who, dest); err != nil {
			s.storeFail(w, r, err)
			return
		}
	}
	done := 0
	for mbID, uids := range byMailbox {
		var err error
		switch req.Action {
		case "move":
			_, _, err = s.Mail.Move(ctx, who, mbID, dest, uids)
		case "copy":
			_, _, err = s.Mail.Copy(ctx, who, mbID, dest, uids)
		case "read":
			_, err = s.Mail.MarkRead(ctx, who, mbID, uids)
		case "unread":
			_, err = s.Mail.StoreFlags(ctx, who, mbID, uids, store.FlagsRemove, []string{store.FlagSeen})
		case "flag":
			_, err = s.Mail.StoreFlags(ctx, who, mbID, uids, store.FlagsAdd, []string{store.FlagFlagged})
		case "unflag":
			_, err = s.Mail.StoreFlags(ctx, who, mbID, uids, store.FlagsRemove, []string{store.FlagFlagged})
		case "delete-to-trash":
			_, err = s.Mail.Delete(ctx, who, mbID, uids)
		case "report-spam":
			_, err = s.Mail.ReportSpam(ctx, who, mbID, uids)
		case "not-spam":
			_, err = s.Mail.NotSpam(ctx, who, mbID, uids)
		case "delete-permanently":
			_, err = s.Mail.Expunge(ctx, who, mbID, uids)
		}
		if err != nil {
			s.storeFail(w, r, err)
			return
		}
		done += len(uids)
	}
	writeJSON(w, http.StatusOK, map[string]int{"done": done})
}
