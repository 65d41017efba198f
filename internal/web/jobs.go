package web

import (
	"context"
	"encoding/json"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/jobs"
	"postroom/internal/store"
)

// Jobs reads background jobs (*jobs.Runner): the runner answers another
// account's job as not found, and a domain's job (an administrator's
// bulk deletion) to that domain's administrators and tokens only; the
// route takes a user's session or a token (userOrToken).
type Jobs interface {
	Get(ctx context.Context, a actor.Actor, id int64) (*store.Job, error)
}

var _ Jobs = (*jobs.Runner)(nil)

// jobJSON is a job as GET /api/v1/jobs/{id} shows it.
type jobJSON struct {
	ID     int64           `json:"id"`
	Kind   string          `json:"kind"`
	State  string          `json:"state"`
	Done   int64           `json:"done"`
	Total  int64           `json:"total"`
	Error  string          `json:"error,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
}

func (s *Server) jobOut(j *store.Job) jobJSON {
	out := jobJSON{ID: s.outID(idJob, j.ID), Kind: j.Kind, State: j.State, Done: j.Done, Total: j.Total, Error: j.Error}
	if len(j.Result) > 0 {
		out.Result = j.Result
	}
	return out
}

func (s *Server) jobGet(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idJob, "id")
	if s.Jobs == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	j, err := s.Jobs.Get(r.Context(), sessionOf(r).actor, id)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.jobOut(j))
}
