package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/jobs"
	"postroom/internal/migrate"
	"postroom/internal/store"
)

// FolderImports imports an upload into a folder (*migrate.UploadImporter,
// Settings > 메일함 관리 > 가져오기): the service checks that both are
// the user's and what the file is, and runs the import as a job.
type FolderImports interface {
	ImportUpload(ctx context.Context, a actor.Actor, mailboxID, uploadID int64) (*store.Job, error)
}

var _ FolderImports = (*migrate.UploadImporter)(nil)

// folderImport starts importing one of the user's uploads (.eml, mbox or
// .zip of them) into the folder: 202 with the job to follow at GET
// /api/v1/jobs/{id}.
func (s *Server) folderImport(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idMailbox, "id")
	if s.Imports == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req struct {
		Upload int64 `json:"upload"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	uploadID, ok := s.inID(idUpload, req.Upload)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	j, err := s.Imports.ImportUpload(r.Context(), sessionOf(r).actor, id, uploadID)
	switch {
	case errors.Is(err, migrate.ErrUnknownKind):
		s.failImport(w, r, http.StatusUnprocessableEntity, "unknown_kind")
	case errors.Is(err, migrate.ErrTooBig):
		s.failImport(w, r, http.StatusRequestEntityTooLarge, "too_large")
	case errors.Is(err, store.ErrOverQuota):
		s.failImport(w, r, http.StatusInsufficientStorage, "over_quota")
	case errors.Is(err, jobs.ErrBusy):
		s.failImport(w, r, http.StatusTooManyRequests, "too_many_jobs")
	case err != nil:
		s.storeFail(w, r, err)
	default:
		writeJSON(w, http.StatusAccepted, map[string]int64{"job": s.outID(idJob, j.ID)})
	}
}

func (s *Server) failImport(w http.ResponseWriter, r *http.Request, status int, code string) {
	writeJSON(w, status, map[string]fieldError{"error": {Code: code, Field: "upload",
		Message: importMessages[language(r)][code]}})
}

// importMessages say why a file is refused whole; what the job found
// (failures, a stop) the webmail words itself from the job's result.
var importMessages = map[string]map[string]string{
	"ko": {
		"unknown_kind":  "메일 파일이 아닙니다. .eml 파일, mbox 파일, 또는 이들을 묶은 .zip 파일을 올리세요.",
		"too_large":     fmt.Sprintf("파일이 너무 큽니다. 압축을 푼 크기가 너무 크거나 파일이 %d개를 넘습니다.", migrate.DefaultMaxEntries),
		"over_quota":    "가져올 메일이 메일함 용량보다 큽니다. 파일을 나누어 가져오거나 메일 관리자에게 용량을 늘려 달라고 하세요.",
		"too_many_jobs": "이미 진행 중인 작업이 있습니다. 끝난 후 다시 시도하세요.",
	},
	"en": {
		"unknown_kind":  "This is not a mail file. Upload an .eml file, an mbox file, or a .zip of them.",
		"too_large":     fmt.Sprintf("The file is too large: it unpacks to too much, or holds more than %d files.", migrate.DefaultMaxEntries),
		"over_quota":    "The mail in this file is larger than your mailbox quota. Import it in parts, or ask your mail administrator for more space.",
		"too_many_jobs": "Other jobs of yours are still running. Try again when they are done.",
	},
}
