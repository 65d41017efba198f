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
func (s *Server) messageActions(w http.ResponseWriter, r *http.Request) {
	var req actionRequest
	if err := decode(r, &req); err != nil || len(req.IDs) == 0 || len(req.IDs) > maxActionIDs {
		s.fail(w, r, http.StatusBadRequest, "bad_request")
		return
	}
	ctx, acct := r.Context(), sessionOf(r).accountID
	byMailbox := map[int64][]uint32{}
	for _, id := range req.IDs {
		m, err := s.Store.Message(ctx, acct, id)
		if err != nil {
			s.storeFail(w, r, err) // another account's id is 404 too
			return
		}
		byMailbox[m.MailboxID] = append(byMailbox[m.MailboxID], m.UID)
	}
	role := func(rl store.Role) (int64, error) {
		mb, err := s.Store.MailboxByRole(ctx, acct, rl)
		if err != nil {
			return 0, err
		}
		return mb.ID, nil
	}
	done := 0
	for mbID, uids := range byMailbox {
		var err error
		n := len(uids)
		switch req.Action {
		case "move", "copy":
			if _, err = s.Store.Mailbox(ctx, acct, req.Mailbox); err == nil {
				if req.Action == "move" {
					_, _, err = s.Mail.Move(ctx, actorOf(sessionOf(r)), mbID, req.Mailbox, uids)
				} else {
					_, _, err = s.Mail.Copy(ctx, actorOf(sessionOf(r)), mbID, req.Mailbox, uids)
				}
			}
		case "flag", "unflag", "read", "unread":
			flag, op := store.FlagFlagged, store.FlagsAdd
			if req.Action == "read" || req.Action == "unread" {
				flag = store.FlagSeen
			}
			if req.Action == "unflag" || req.Action == "unread" {
				op = store.FlagsRemove
			}
			_, err = s.Mail.StoreFlags(ctx, actorOf(sessionOf(r)), mbID, uids, op, []string{flag})
		case "delete-to-trash", "report-spam", "not-spam":
			target := map[string]store.Role{"delete-to-trash": store.RoleTrash, "report-spam": store.RoleSpam, "not-spam": store.RoleInbox}[req.Action]
			var dst int64
			if dst, err = role(target); err == nil {
				if dst == mbID && req.Action == "delete-to-trash" {
					_, err = s.Mail.Expunge(ctx, actorOf(sessionOf(r)), mbID, uids) // deleting in Trash deletes for good
				} else if dst != mbID {
					_, _, err = s.Mail.Move(ctx, actorOf(sessionOf(r)), mbID, dst, uids)
				}
			}
		case "delete-permanently":
			_, err = s.Mail.Expunge(ctx, actorOf(sessionOf(r)), mbID, uids)
		default:
			s.fail(w, r, http.StatusBadRequest, "unknown_action")
			return
		}
		if err != nil {
			s.storeFail(w, r, err)
			return
		}
		done += n
	}
	writeJSON(w, http.StatusOK, map[string]int{"done": done})
}
