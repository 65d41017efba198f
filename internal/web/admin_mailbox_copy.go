package web

// The domain console's mailbox copy (M5, 메일박스 복사): "load mailbox"
// lists the source's folders with their counts, and the copy runs as a
// background job the administrator follows at GET /api/v1/jobs/{id}.

import (
	"context"
	"errors"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/jobs"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// MailboxCopies is the mailbox copy as the console asks for it
// (*admin.Service, the Server's Admin: an Administration without these
// methods answers 404).
type MailboxCopies interface {
	UserFolders(ctx context.Context, p actor.Actor, userID int64) ([]mail.Folder, error)
	CopyMailbox(ctx context.Context, p actor.Actor, from, to int64) (*store.Job, error)
}

var _ MailboxCopies = (*admin.Service)(nil)

// copyFolderJSON is one of the source's folders as "load mailbox" shows it.
type copyFolderJSON struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Messages int64  `json:"messages"`
	Size     int64  `json:"size"`
}

func (s *Server) mailboxCopies(w http.ResponseWriter, r *http.Request) (MailboxCopies, bool) {
	mc, ok := s.Admin.(MailboxCopies)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
	}
	return mc, ok
}

// adminUserFolders answers the folders of one of the domain's users.
func (s *Server) adminUserFolders(w http.ResponseWriter, r *http.Request) {
	mc, ok := s.mailboxCopies(w, r)
	if !ok {
		return
	}
	id, ok := s.pathID(r, idAccount, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	fs, err := mc.UserFolders(r.Context(), actorOf(sessionOf(r)), id)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	out := make([]copyFolderJSON, 0, len(fs))
	for _, f := range fs {
		out = append(out, copyFolderJSON{Name: f.Name, Role: string(f.Role), Messages: f.Status.Messages, Size: f.Status.Size})
	}
	writeJSON(w, http.StatusOK, map[string]any{"folders": out})
}

// adminMailboxCopy starts the copy: 202 with the job's id; 400 invalid
// for the same account twice; 404 for an id not of the domain.
func (s *Server) adminMailboxCopy(w http.ResponseWriter, r *http.Request) {
	mc, ok := s.mailboxCopies(w, r)
	if !ok {
		return
	}
	var req struct {
		From int64 `json:"from"`
		To   int64 `json:"to"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	from, okFrom := s.inID(idAccount, req.From)
	to, okTo := s.inID(idAccount, req.To)
	if !okFrom || !okTo {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	j, err := mc.CopyMailbox(r.Context(), actorOf(sessionOf(r)), from, to)
	var ie *admin.InvalidError
	switch {
	case err == nil:
		writeJSON(w, http.StatusAccepted, map[string]any{"job": s.outID(idJob, j.ID)})
	case errors.As(err, &ie) && copyMessages[language(r)][ie.Code] != "":
		writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: ie.Code,
			Message: copyMessages[language(r)][ie.Code], Field: ie.Field, Value: ie.Value}})
	case errors.Is(err, jobs.ErrBusy):
		writeJSON(w, http.StatusTooManyRequests, map[string]apiError{"error": {Code: "too_many_jobs",
			Message: filterMessages[language(r)]["too_many_jobs"]}})
	default:
		s.adminFail(w, r, err)
	}
}

// copyMessages translate the mailbox copy's reasons.
var copyMessages = map[string]map[string]string{
	"ko": {
		"same_account": "원본과 대상 계정이 같습니다. 다른 계정을 고르세요.",
		"other_domain": "같은 도메인의 계정 사이에서만 복사할 수 있습니다.",
		"copy_running": "이 사용자에게 복사하는 작업이 아직 진행 중입니다. 끝난 뒤 다시 복사하세요.",
	},
	"en": {
		"same_account": "The source and the target are the same account. Choose another account.",
		"other_domain": "Mailboxes are copied only between accounts of the same domain.",
		"copy_running": "A copy into this user is still running. Copy again once it has finished.",
	},
}
