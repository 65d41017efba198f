package web

import (
	"context"
	"errors"
	"io"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/jobs"
	"postroom/internal/store"
)

// The domain console's bulk operations on accounts (M3): deleting the
// selected accounts as a background job, each one's backup first, and
// creating accounts from a CSV file after a preview. The admin service
// decides; these handlers hand it the ids and the file.

// UsersBulk is what these routes ask of the admin service (the service
// that serves Org, asked for these too).
type UsersBulk interface {
	DeleteUsers(ctx context.Context, p actor.Actor, ids []int64) (*store.Job, error)
	BackupUser(ctx context.Context, p actor.Actor, id int64) (*store.Account, actor.Actor, error)
	ImportUsers(ctx context.Context, p actor.Actor, domain string, data []byte, dryRun bool) (*admin.ImportReport, error)
}

var _ UsersBulk = (*admin.Service)(nil)

// accountExporter is the mail service's backup of a whole account
// (*mail.Service).
type accountExporter interface {
	ExportAccount(ctx context.Context, a actor.Actor, w io.Writer) error
}

// withUsersBulk runs f with the bulk service, or answers 404 when the
// server has none.
func (s *Server) withUsersBulk(f func(w http.ResponseWriter, r *http.Request, ub UsersBulk)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ub, ok := s.Org.(UsersBulk)
		if !ok {
			s.fail(w, r, http.StatusNotFound, "not_found")
			return
		}
		f(w, r, ub)
	}
}

// adminUsersDelete starts deleting the accounts: 202 with the job to
// follow at GET /api/v1/jobs/{id}. An id that is none of the domain's
// is 404 and nothing is deleted.
func (s *Server) adminUsersDelete(w http.ResponseWriter, r *http.Request, ub UsersBulk) {
	var req struct {
		IDs []int64 `json:"ids"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	ids, ok := s.inIDs(idAccount, req.IDs)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	j, err := ub.DeleteUsers(r.Context(), sessionOf(r).actor, ids)
	if err != nil {
		s.bulkFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"job": s.outID(idJob, j.ID)})
}

// adminUserBackup streams every folder of the account as one mbox in a
// .zip, named after the address. The account is checked before the
// answer starts; an error after that aborts the connection (as the
// folder export does), so that no cut archive is saved as whole.
func (s *Server) adminUserBackup(w http.ResponseWriter, r *http.Request, ub UsersBulk) {
	id, ok := s.pathID(r, idAccount, "id")
	exp, canExport := s.Mail.(accountExporter)
	if !ok || !canExport {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	acct, sys, err := ub.BackupUser(r.Context(), sessionOf(r).actor, id)
	if err != nil {
		s.bulkFail(w, r, err)
		return
	}
	name := fileName(acct.Address())
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", attachmentDisposition(name+".zip", "mailbox-backup.zip"))
	out := &countingWriter{w: w}
	if err := exp.ExportAccount(r.Context(), sys, out); err != nil {
		if out.n == 0 {
			w.Header().Del("Content-Disposition")
			s.storeFail(w, r, err)
			return
		}
		s.log().Error("web: account backup cut short", "account", acct.Address(), "written", out.n, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// userImportRowJSON is one line of an import's preview.
type userImportRowJSON struct {
	Line       int                   `json:"line"`
	Email      string                `json:"email"`
	Name       string                `json:"name"`
	Department string                `json:"department"`
	Position   string                `json:"position"`
	Quota      int64                 `json:"quota"`
	OK         bool                  `json:"ok"`
	Errors     []userImportErrorJSON `json:"errors"`
}

type userImportErrorJSON struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Value   string `json:"value,omitempty"`
}

func (s *Server) importReportOut(r *http.Request, rep *admin.ImportReport) map[string]any {
	rows := make([]userImportRowJSON, 0, len(rep.Rows))
	for i := range rep.Rows {
		row := &rep.Rows[i]
		errs := make([]userImportErrorJSON, 0, len(row.Errors))
		for _, e := range row.Errors {
			errs = append(errs, userImportErrorJSON{Field: e.Field, Code: e.Code, Message: bulkMessage(r, e.Code), Value: e.Value})
		}
		rows = append(rows, userImportRowJSON{Line: row.Line, Email: row.Email, Name: row.Name, Department: row.Department,
			Position: row.Position, Quota: row.Quota, OK: row.OK(), Errors: errs})
	}
	return map[string]any{"rows": rows, "valid": rep.Valid, "invalid": rep.Invalid, "encoding": rep.Encoding}
}

// adminUsersImport reads a CSV body: with dry_run=1 the preview, else
// every account created (201 {"created"}) or, with any invalid line,
// none (400 with the same rows).
func (s *Server) adminUsersImport(w http.ResponseWriter, r *http.Request, ub UsersBulk) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, admin.MaxImportBytes))
	if err != nil {
		s.failDecode(w, r, err)
		return
	}
	dry := r.URL.Query().Get("dry_run")
	dryRun := dry != "" && dry != "0" && dry != "false"
	rep, err := ub.ImportUsers(r.Context(), sessionOf(r).actor, "", data, dryRun)
	switch {
	case errors.Is(err, admin.ErrImportInvalid):
		out := s.importReportOut(r, rep)
		out["error"] = fieldError{Code: "invalid", Reason: "invalid_lines", Message: bulkMessage(r, "invalid_lines"), Field: "file"}
		writeJSON(w, http.StatusBadRequest, out)
		return
	case err != nil:
		s.bulkFail(w, r, err)
		return
	}
	out := s.importReportOut(r, rep)
	if dryRun {
		writeJSON(w, http.StatusOK, out)
		return
	}
	out["created"] = rep.Created
	writeJSON(w, http.StatusCreated, out)
}

// adminUsersTemplate is the import's template: Korean headers and one
// example line, UTF-8 with a BOM (Excel then reads the Hangul right).
func (s *Server) adminUsersTemplate(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachmentDisposition("사용자 일괄 등록.csv", "users.csv"))
	w.Write(admin.ImportTemplate())
}

// bulkFail answers an error of these routes: a refused value in the
// words of bulkMessages (else the console's), a busy job runner 429.
func (s *Server) bulkFail(w http.ResponseWriter, r *http.Request, err error) {
	var ie *admin.InvalidError
	switch {
	case errors.As(err, &ie):
		writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: ie.Code,
			Message: bulkMessage(r, ie.Code), Field: ie.Field, Value: ie.Value}})
	case errors.Is(err, jobs.ErrBusy):
		writeJSON(w, http.StatusTooManyRequests, map[string]apiError{"error": {Code: "too_many_jobs", Message: bulkMessage(r, "too_many_jobs")}})
	default:
		s.orgFail(w, r, err)
	}
}

// bulkMessage says why, in the request's language: these routes' own
// reasons first, then the organisation's, then the server's.
func bulkMessage(r *http.Request, code string) string {
	lang := language(r)
	if m := bulkMessages[lang][code]; m != "" {
		return m
	}
	if m := orgMessages[lang][code]; m != "" {
		return m
	}
	if m := localized(r, code); m != "" {
		return m
	}
	return localized(r, "invalid")
}

var bulkMessages = map[string]map[string]string{
	"ko": {
		"ids_required":         "삭제할 사용자를 선택하세요.",
		"too_many_users":       "한 번에 1,000명까지 삭제할 수 있습니다.",
		"own_account":          "자신의 계정은 삭제할 수 없습니다.",
		"last_admin":           "도메인의 마지막 관리자는 삭제할 수 없습니다. 다른 관리자를 먼저 지정하세요.",
		"too_many_jobs":        "이미 진행 중인 작업이 있습니다. 끝난 후 다시 시도하세요.",
		"empty_file":           "빈 파일입니다.",
		"not_csv":              "CSV 파일이 아닙니다. 엑셀에서 'CSV UTF-8' 또는 'CSV'로 저장한 파일을 선택하세요.",
		"no_email_column":      "첫 줄에 아이디(또는 email) 열이 없습니다. 양식 파일의 머리글을 사용하세요.",
		"too_many_lines":       "한 파일에 5,000명까지 등록할 수 있습니다. 파일을 나누어 등록하세요.",
		"file_too_large":       "파일이 너무 큽니다. 2MB까지 등록할 수 있습니다.",
		"invalid_lines":        "오류가 있는 줄이 있어 아무 계정도 만들지 않았습니다. 오류를 고친 후 다시 등록하세요.",
		"email_required":       "아이디를 입력하세요.",
		"duplicate_in_file":    "파일 안에 같은 아이디가 이미 있습니다.",
		"invalid_department":   "없는 부서입니다. 부서 관리에서 먼저 만들거나 '영업부/1팀'처럼 경로로 적으세요.",
		"ambiguous_department": "같은 이름의 부서가 여러 개입니다. '영업부/1팀'처럼 경로로 적으세요.",
		"invalid_quota":        "용량이 올바르지 않습니다. (예: 500, 500MB, 1GB; 비우면 무제한)",
		"malformed_row":        "CSV 형식이 잘못된 줄입니다.",
	},
	"en": {
		"ids_required":         "Select the users to delete.",
		"too_many_users":       "At most 1,000 users can be deleted at once.",
		"own_account":          "You cannot delete your own account.",
		"last_admin":           "The domain's last administrator cannot be deleted. Make someone else an administrator first.",
		"too_many_jobs":        "A job is already running. Try again when it has ended.",
		"empty_file":           "The file is empty.",
		"not_csv":              "This is not a CSV file. Choose a file saved from Excel as 'CSV UTF-8' or 'CSV'.",
		"no_email_column":      "The first line has no ID (or email) column. Use the template's headers.",
		"too_many_lines":       "A file may hold at most 5,000 users. Split it into several files.",
		"file_too_large":       "The file is too large: at most 2 MB.",
		"invalid_lines":        "Some lines have errors, so no account was created. Correct them and import again.",
		"email_required":       "Enter an ID.",
		"duplicate_in_file":    "The same ID is already on another line of the file.",
		"invalid_department":   "No such department. Create it first, or write its path, such as 'Sales/Team 1'.",
		"ambiguous_department": "Several departments have this name. Write its path, such as 'Sales/Team 1'.",
		"invalid_quota":        "The quota is not valid (for example 500, 500MB, 1GB; empty for unlimited).",
		"malformed_row":        "This line is not valid CSV.",
	},
}
