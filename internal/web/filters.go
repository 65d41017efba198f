package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/filters"
	"postroom/internal/jobs"
	"postroom/internal/store"
)

// Filters is the filter rules service as the webmail uses it
// (*filters.Service, S4): what a rule may be, their order and applying
// one to a folder are its rules; the handlers translate JSON and ids.
type Filters interface {
	List(ctx context.Context, a actor.Actor) ([]filters.Filter, error)
	Create(ctx context.Context, a actor.Actor, f filters.Filter) (filters.Filter, error)
	Update(ctx context.Context, a actor.Actor, id int64, f filters.Filter) (filters.Filter, error)
	Delete(ctx context.Context, a actor.Actor, id int64) error
	Order(ctx context.Context, a actor.Actor, ids []int64) error
	Apply(ctx context.Context, a actor.Actor, id, mailboxID int64) (*store.Job, error)
}

var _ Filters = (*filters.Service)(nil)

// filterRequest is a rule as POST and PUT take it; enabled is on when
// left out.
type filterRequest struct {
	ID         int64               `json:"id"` // ignored: the path names the rule
	Name       string              `json:"name"`
	Enabled    *bool               `json:"enabled"`
	Match      string              `json:"match"`
	Conditions []filters.Condition `json:"conditions"`
	Actions    []filters.Action    `json:"actions"`
}

// filterIn is the service's rule of a request, its folder ids the
// store's; ok false (answered) when a folder id is none.
func (s *Server) filterIn(w http.ResponseWriter, r *http.Request) (filters.Filter, bool) {
	var req filterRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return filters.Filter{}, false
	}
	f := filters.Filter{Name: req.Name, Enabled: req.Enabled == nil || *req.Enabled, Match: req.Match,
		Conditions: req.Conditions, Actions: req.Actions}
	for i := range f.Actions {
		if f.Actions[i].Mailbox == 0 {
			continue
		}
		id, ok := s.inID(idMailbox, f.Actions[i].Mailbox)
		if !ok {
			s.failFilter(w, r, fmt.Sprintf("actions[%d].mailbox", i), "not_found")
			return filters.Filter{}, false
		}
		f.Actions[i].Mailbox = id
	}
	return f, true
}

// filterOut is a rule with the API's ids.
func (s *Server) filterOut(f filters.Filter) filters.Filter {
	f.ID = s.outID(idFilter, f.ID)
	acts := make([]filters.Action, len(f.Actions))
	for i, a := range f.Actions {
		if a.Mailbox != 0 {
			a.Mailbox = s.outID(idMailbox, a.Mailbox)
		}
		acts[i] = a
	}
	f.Actions = acts
	if f.Conditions == nil {
		f.Conditions = []filters.Condition{}
	}
	return f
}

func (s *Server) filterList(w http.ResponseWriter, r *http.Request) {
	if s.Filters == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	fs, err := s.Filters.List(r.Context(), sessionOf(r).actor)
	if err != nil {
		s.filterFail(w, r, err)
		return
	}
	out := make([]filters.Filter, 0, len(fs))
	for _, f := range fs {
		out = append(out, s.filterOut(f))
	}
	writeJSON(w, http.StatusOK, map[string]any{"filters": out})
}

func (s *Server) filterCreate(w http.ResponseWriter, r *http.Request) {
	if s.Filters == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	f, ok := s.filterIn(w, r)
	if !ok {
		return
	}
	f, err := s.Filters.Create(r.Context(), sessionOf(r).actor, f)
	if err != nil {
		s.filterFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.filterOut(f))
}

func (s *Server) filterUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idFilter, "id")
	if s.Filters == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	f, ok := s.filterIn(w, r)
	if !ok {
		return
	}
	f, err := s.Filters.Update(r.Context(), sessionOf(r).actor, id, f)
	if err != nil {
		s.filterFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.filterOut(f))
}

func (s *Server) filterDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idFilter, "id")
	if s.Filters == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := s.Filters.Delete(r.Context(), sessionOf(r).actor, id); err != nil {
		s.filterFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) filterOrder(w http.ResponseWriter, r *http.Request) {
	if s.Filters == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req struct {
		IDs []int64 `json:"ids"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	ids, ok := s.inIDs(idFilter, req.IDs)
	if !ok {
		s.failFilter(w, r, "ids", "not_each_once")
		return
	}
	if err := s.Filters.Order(r.Context(), sessionOf(r).actor, ids); err != nil {
		s.filterFail(w, r, err)
		return
	}
	s.filterList(w, r)
}

func (s *Server) filterApply(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idFilter, "id")
	if s.Filters == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req struct {
		Mailbox int64 `json:"mailbox"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	mailboxID, ok := s.inID(idMailbox, req.Mailbox)
	if !ok {
		s.failFilter(w, r, "mailbox", "not_found")
		return
	}
	j, err := s.Filters.Apply(r.Context(), sessionOf(r).actor, id, mailboxID)
	if err != nil {
		s.filterFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, s.jobOut(j))
}

// filterFail answers an error of the filters service.
func (s *Server) filterFail(w http.ResponseWriter, r *http.Request, err error) {
	if ie, ok := filters.IsInvalid(err); ok {
		s.failFilter(w, r, ie.Field, ie.Reason)
		return
	}
	if errors.Is(err, filters.ErrForbidden) {
		s.fail(w, r, http.StatusForbidden, "forbidden")
		return
	}
	if errors.Is(err, jobs.ErrBusy) {
		writeJSON(w, http.StatusTooManyRequests, map[string]apiError{"error": {Code: "too_many_jobs",
			Message: filterMessages[language(r)]["too_many_jobs"]}})
		return
	}
	s.storeFail(w, r, err)
}

// failFilter answers 400 invalid for one field of a rule, saying why.
func (s *Server) failFilter(w http.ResponseWriter, r *http.Request, field, reason string) {
	msg := filterMessages[language(r)][reason]
	if msg == "" {
		msg = localized(r, "invalid")
	}
	writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: reason, Message: msg, Field: field}})
}

// filterMessages say why a rule is refused, by the service's reason.
var filterMessages = map[string]map[string]string{
	"ko": {
		"required":           "값을 입력하세요. 규칙에는 조건과 동작이 하나 이상 있어야 합니다.",
		"unknown":            "알 수 없는 값입니다.",
		"unexpected":         "이 동작에는 쓸 수 없는 값입니다.",
		"too_long":           "너무 깁니다.",
		"too_many":           "너무 많습니다. (규칙 100개, 조건 20개, 동작 10개, 이동은 규칙마다 한 번)",
		"not_found":          "내 메일함이 아닙니다.",
		"invalid_address":    "올바른 메일 주소가 아닙니다.",
		"own_address":        "자신의 메일 주소로는 전달할 수 없습니다.",
		"invalid_characters": "사용할 수 없는 문자가 들어 있습니다.",
		"not_each_once":      "순서에는 모든 규칙이 한 번씩 들어 있어야 합니다. 새로 고친 후 다시 시도하세요.",
		"too_many_jobs":      "이미 진행 중인 작업이 있습니다. 끝난 후 다시 시도하세요.",
	},
	"en": {
		"required":           "Enter a value. A rule needs at least one condition and one action.",
		"unknown":            "Unknown value.",
		"unexpected":         "This action does not take this value.",
		"too_long":           "Too long.",
		"too_many":           "Too many (100 rules, 20 conditions, 10 actions, one move per rule).",
		"not_found":          "Not one of your folders.",
		"invalid_address":    "This is not a valid e-mail address.",
		"own_address":        "You cannot forward to your own address.",
		"invalid_characters": "It contains characters that cannot be used.",
		"not_each_once":      "The order must name every rule once. Reload and try again.",
		"too_many_jobs":      "Other jobs of yours are still running. Try again when they are done.",
	},
}
