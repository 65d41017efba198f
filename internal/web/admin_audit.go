package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/store"
)

// The domain console's audit log (issue 16): what the domain's
// administrators, its API tokens and the operator changed in it, newest
// first, a page at a time.

// AuditLog is what the audit route asks of the admin service.
type AuditLog interface {
	Audit(ctx context.Context, a actor.Actor, domain string, before int64, limit int) ([]store.AuditEntry, error)
}

var _ AuditLog = (*admin.Service)(nil)

// auditPage is the page size when the request names none, and
// maxAuditPage the largest it may ask.
const (
	auditPage    = 50
	maxAuditPage = 100
)

type auditJSON struct {
	ID     int64           `json:"id"`
	Time   time.Time       `json:"time"`
	Actor  string          `json:"actor"`
	Role   string          `json:"role"`
	Action string          `json:"action"`
	Target string          `json:"target"`
	Detail json.RawMessage `json:"detail"` // the action's own shape, or null
	IP     string          `json:"ip"`
}

// adminAudit answers GET /api/v1/admin/audit?before=&limit=: a page of
// entries and "next", the before of the next page (null at the end).
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := auditPage
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.failField(w, r, http.StatusBadRequest, "invalid", "limit", v)
			return
		}
		limit = min(n, maxAuditPage)
	}
	var before int64
	if v := q.Get("before"); v != "" {
		ext, err := strconv.ParseInt(v, 10, 64)
		var ok bool
		if err == nil {
			before, ok = s.inID(idAudit, ext)
		}
		if !ok {
			s.failField(w, r, http.StatusBadRequest, "invalid", "before", v)
			return
		}
	}
	// one more than the page tells whether another follows
	es, err := s.Audit.Audit(r.Context(), sessionOf(r).actor, "", before, limit+1)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	var next *int64
	if len(es) > limit {
		es = es[:limit]
		n := s.outID(idAudit, es[limit-1].ID)
		next = &n
	}
	out := make([]auditJSON, 0, len(es))
	for _, e := range es {
		j := auditJSON{ID: s.outID(idAudit, e.ID), Time: e.At.UTC(), Actor: e.Actor, Role: e.Role, Action: e.Action,
			Target: e.Target, IP: e.Remote}
		if e.Detail != "" && json.Valid([]byte(e.Detail)) {
			j.Detail = json.RawMessage(e.Detail)
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out, "next": next})
}

// withAudit answers 404 while the server has no audit log.
func (s *Server) withAudit(f http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Audit == nil {
			s.fail(w, r, http.StatusNotFound, "not_found")
			return
		}
		f(w, r)
	}
}
