package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"postroom/internal/contacts"
)

// Import and export of the address books (C3, C4). The file is the raw
// request body, as an upload is: the route is a session's, with its CSRF
// token, like every other change.

type importColumnJSON struct {
	Header string `json:"header"`
	Field  string `json:"field"`
}

type importErrorJSON struct {
	Line    int    `json:"line"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

func (s *Server) contactImport(w http.ResponseWriter, r *http.Request) {
	folder, ok1 := s.queryID(r, idContactFolder, "folder")
	group, ok2 := s.queryID(r, idContactGroup, "group")
	if s.Contacts == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if !ok1 || !ok2 {
		s.failContact(w, r, "folder_or_group", "not_in_book")
		return
	}
	if r.ContentLength > contacts.MaxImportSize {
		s.failContactTooLarge(w, r) // refused before reading a byte
		return
	}
	var body bytes.Buffer
	if _, err := body.ReadFrom(http.MaxBytesReader(w, r.Body, contacts.MaxImportSize)); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.failContactTooLarge(w, r)
			return
		}
		s.storeFail(w, r, err)
		return
	}
	q := r.URL.Query()
	dry := q.Get("dry_run") == "1"
	rep, err := s.Contacts.Import(r.Context(), sessionOf(r).actor, body.Bytes(), contacts.ImportOptions{
		Book: bookParam(r), Folder: folder, Group: group, DryRun: dry, Duplicates: q.Get("duplicates"),
	})
	if err != nil {
		s.contactFail(w, r, err)
		return
	}
	lang := language(r)
	errs := make([]importErrorJSON, 0, len(rep.Errors))
	for _, e := range rep.Errors {
		msg := contactMessages[lang][e.Reason]
		if msg == "" {
			msg = contactMessages[lang]["unreadable_line"]
		}
		errs = append(errs, importErrorJSON{Line: e.Line, Reason: e.Reason, Message: msg})
	}
	if !dry {
		writeJSON(w, http.StatusOK, map[string]any{"imported": rep.Imported, "merged": rep.Merged,
			"skipped": rep.Skipped, "errors": errs})
		return
	}
	cols := make([]importColumnJSON, 0, len(rep.Columns))
	for _, c := range rep.Columns {
		cols = append(cols, importColumnJSON(c))
	}
	rows := make([]contactJSON, 0, len(rep.Rows))
	for i := range rep.Rows {
		rows = append(rows, s.contactOut(&rep.Rows[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"format": rep.Format, "encoding": rep.Encoding,
		"columns": cols, "rows": rows, "errors": errs, "duplicates": rep.Duplicates, "total": rep.Total})
}

func (s *Server) contactExport(w http.ResponseWriter, r *http.Request) {
	if s.Contacts == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	q := r.URL.Query()
	var ids []int64
	if v := q.Get("ids"); v != "" {
		for _, part := range strings.Split(v, ",") {
			ext, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			id, ok := s.inID(idContact, ext)
			if err != nil || !ok {
				s.fail(w, r, http.StatusNotFound, "not_found")
				return
			}
			ids = append(ids, id)
		}
	}
	o := contacts.ExportOptions{Book: bookParam(r), Format: q.Get("format"), Charset: strings.ToLower(q.Get("charset")), IDs: ids}
	// Written to a buffer first: an error must still be able to answer
	// with its status, and a book is a few megabytes at most.
	var buf bytes.Buffer
	if err := s.Contacts.Export(r.Context(), sessionOf(r).actor, &buf, o); err != nil {
		s.contactFail(w, r, err)
		return
	}
	name, ctype := contacts.ExportFile(o.Format)
	if o.Format != contacts.FormatVCard {
		ctype += "; charset=" + map[bool]string{true: "cp949", false: "utf-8"}[strings.EqualFold(o.Charset, contacts.CharsetCP949)]
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", attachmentDisposition(name, name))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = io.Copy(w, &buf)
}

func (s *Server) contactTemplate(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := contacts.Template(&buf); err != nil {
		s.storeFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachmentDisposition("contacts-template.csv", "contacts-template.csv"))
	_, _ = io.Copy(w, &buf)
}

func (s *Server) failContactTooLarge(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusRequestEntityTooLarge, map[string]fieldError{"error": {Code: "too_large",
		Message: contactMessages[language(r)]["file_too_large"], Field: "file", Limit: contacts.MaxImportSize}})
}

// importErrorCode is the API's code of a file the service refused whole.
func importErrorCode(err error) string {
	switch {
	case errors.Is(err, contacts.ErrEmpty):
		return "empty_file"
	case errors.Is(err, contacts.ErrNoNameOrEmailColumn):
		return "no_name_or_email_column"
	}
	return "not_contacts"
}

// contactMessages say why a contact, a line or a file is refused, by the
// service's reason.
var contactMessages = map[string]map[string]string{
	"ko": {
		"required":                "값을 입력하세요.",
		"unknown":                 "알 수 없는 값입니다.",
		"too_long":                "너무 깁니다.",
		"too_many":                "너무 많습니다.",
		"invalid_email":           "올바른 메일 주소가 아닙니다.",
		"invalid_date":            "날짜가 올바르지 않습니다. (예: 1990-03-05)",
		"no_name_or_email":        "이름이나 메일 주소 중 하나는 있어야 합니다.",
		"not_in_book":             "이 주소록의 폴더나 그룹, 연락처가 아닙니다.",
		"not_personal":            "폴더는 내 주소록에만 있습니다.",
		"count":                   "연락처를 1개에서 1000개까지 고르세요.",
		"conflict":                "다른 곳에서 먼저 수정되었습니다. 새로 고친 후 다시 시도하세요.",
		"exists":                  "같은 이름이 이미 있습니다.",
		"empty_file":              "파일이 비어 있습니다.",
		"not_contacts":            "CSV 또는 vCard(.vcf) 파일이 아닙니다. 엑셀 파일은 'CSV(쉼표로 분리)'로 저장한 후 가져오세요.",
		"no_name_or_email_column": "첫 줄에서 이름이나 이메일 열을 찾지 못했습니다. 템플릿의 첫 줄(이름, 이메일, ...)을 쓰세요.",
		"file_too_large":          "파일이 너무 큽니다. 한 번에 10 MB까지 가져올 수 있습니다.",
		"unreadable_line":         "이 줄을 읽지 못했습니다.",
		"skip":                    "빈 줄입니다.",
	},
	"en": {
		"required":                "Enter a value.",
		"unknown":                 "Unknown value.",
		"too_long":                "Too long.",
		"too_many":                "Too many.",
		"invalid_email":           "This is not a valid e-mail address.",
		"invalid_date":            "This is not a valid date (e.g. 1990-03-05).",
		"no_name_or_email":        "A contact needs a name or an e-mail address.",
		"not_in_book":             "Not a folder, group or contact of this address book.",
		"not_personal":            "Only your personal contacts have folders.",
		"count":                   "Choose between 1 and 1000 contacts.",
		"conflict":                "Someone changed this first. Reload and try again.",
		"exists":                  "This name exists already.",
		"empty_file":              "The file is empty.",
		"not_contacts":            "This is not a CSV or vCard (.vcf) file. Save an Excel sheet as 'CSV (comma delimited)' first.",
		"no_name_or_email_column": "The first line has no name or e-mail column. Use the template's first line (Name, E-mail, ...).",
		"file_too_large":          "The file is too large: at most 10 MB can be imported at once.",
		"unreadable_line":         "This line could not be read.",
		"skip":                    "Empty line.",
	},
}
