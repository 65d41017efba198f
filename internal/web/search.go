package web

import (
	"errors"
	"net/http"
	"strconv"

	"postroom/internal/mail"
	"postroom/internal/search"
	"postroom/internal/store"
)

type searchHit struct {
	messageJSON
	// Byte ranges of the matched words, for the list to mark them.
	SubjectHighlights [][2]int `json:"subject_highlights"`
	PreviewHighlights [][2]int `json:"preview_highlights"`
}

// searchMessages is the quick and the advanced search (E2): q over every
// field, or from/to/subject/body each, a date range, attachments, a folder.
func (s *Server) searchMessages(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	q := store.SearchQuery{
		Text: search.Parse(v.Get("q")), From: search.Parse(v.Get("from")), To: search.Parse(v.Get("to")),
		Subject: search.Parse(v.Get("subject")), Body: search.Parse(v.Get("body")),
		HasAttachment: v.Get("has_attachment") == "1" || v.Get("has_attachment") == "true",
	}
	if mb := v.Get("mailbox"); mb != "" {
		ext, err := strconv.ParseInt(mb, 10, 64)
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, "bad_request")
			return
		}
		id, ok := s.inID(idMailbox, ext)
		if !ok {
			s.fail(w, r, http.StatusNotFound, "not_found")
			return
		}
		q.MailboxID = id
	}
	page, _ := strconv.Atoi(v.Get("page"))
	perPage, _ := strconv.Atoi(v.Get("per_page"))
	page = max(page, 1)
	if perPage <= 0 || perPage > 200 {
		perPage = s.defaultPerPage(r)
	}
	q.Offset, q.Limit = (page-1)*perPage, perPage
	// since and before are the user's days, both included (the service
	// reads them in the account's time zone)
	res, err := s.Mail.Search(r.Context(), sessionOf(r).actor, mail.SearchRequest{Query: q, Since: v.Get("since"), Until: v.Get("before")})
	if errors.Is(err, mail.ErrInvalid) {
		s.fail(w, r, http.StatusBadRequest, "bad_request")
		return
	}
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	marks := q.Text
	marks.Terms = append(append(marks.Terms, q.Subject.Terms...), q.Body.Terms...)
	hits := make([]searchHit, 0, len(res.Messages))
	for i := range res.Messages {
		m := s.summary(&res.Messages[i])
		hits = append(hits, searchHit{messageJSON: m, SubjectHighlights: search.Highlight(m.Subject, marks),
			PreviewHighlights: search.Highlight(m.Preview, marks)})
	}
	byMailbox := map[string]int{}
	for id, n := range res.ByMailbox {
		byMailbox[strconv.FormatInt(s.outID(idMailbox, id), 10)] = n
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": hits, "total": res.Total, "by_mailbox": byMailbox, "page": page, "per_page": perPage})
}
