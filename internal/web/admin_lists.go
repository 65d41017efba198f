package web

import (
	"context"
	"errors"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/store"
)

// The domain console's mailing lists (M4, 메일링 관리): the administrator's
// own domain only (the admin service checks it; another domain's ids are
// 404 as if they did not exist).

// MailingLists is what these routes ask of the admin service. It is the
// service that serves Org (*admin.Service), asked for its lists too, so
// that the console's wiring stays one field.
type MailingLists interface {
	Lists(ctx context.Context, p actor.Actor, domain string) ([]store.List, error)
	CreateList(ctx context.Context, p actor.Actor, domain string, in admin.ListInput) (*store.List, error)
	UpdateList(ctx context.Context, p actor.Actor, domain string, id int64, in admin.ListInput) (*store.List, error)
	DeleteList(ctx context.Context, p actor.Actor, domain string, id int64) error
}

var _ MailingLists = (*admin.Service)(nil)

type listJSON struct {
	ID          int64    `json:"id"`
	Address     string   `json:"address"`
	Name        string   `json:"name"`
	Members     []string `json:"members"`
	MembersOnly bool     `json:"members_only"`
}

func (s *Server) listOut(l *store.List) listJSON {
	members := l.Members
	if members == nil {
		members = []string{}
	}
	return listJSON{ID: s.outID(idList, l.ID), Address: l.Address(), Name: l.Name, Members: members, MembersOnly: l.MembersOnly}
}

// withLists runs f with the lists' service, or answers 404 when the
// server has none (a server without the console).
func (s *Server) withLists(f func(w http.ResponseWriter, r *http.Request, ls MailingLists)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ls, ok := s.Org.(MailingLists)
		if !ok {
			s.fail(w, r, http.StatusNotFound, "not_found")
			return
		}
		f(w, r, ls)
	}
}

// listFail answers an error of the lists' routes, with the reasons only
// they have translated here.
func (s *Server) listFail(w http.ResponseWriter, r *http.Request, err error) {
	var ie *admin.InvalidError
	if errors.As(err, &ie) {
		if msg := listMessages[language(r)][ie.Code]; msg != "" {
			writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: ie.Code, Message: msg, Field: ie.Field, Value: ie.Value}})
			return
		}
	}
	s.adminFail(w, r, err)
}

func (s *Server) listIn(w http.ResponseWriter, r *http.Request) (admin.ListInput, bool) {
	var req struct {
		Address     string   `json:"address"`
		Name        string   `json:"name"`
		Members     []string `json:"members"`
		MembersOnly bool     `json:"members_only"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return admin.ListInput{}, false
	}
	return admin.ListInput{Address: req.Address, Name: req.Name, Members: req.Members, MembersOnly: req.MembersOnly}, true
}

func (s *Server) adminListList(w http.ResponseWriter, r *http.Request, ls MailingLists) {
	lists, err := ls.Lists(r.Context(), sessionOf(r).actor, "")
	if err != nil {
		s.listFail(w, r, err)
		return
	}
	out := make([]listJSON, 0, len(lists))
	for i := range lists {
		out = append(out, s.listOut(&lists[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"lists": out})
}

func (s *Server) adminListCreate(w http.ResponseWriter, r *http.Request, ls MailingLists) {
	in, ok := s.listIn(w, r)
	if !ok {
		return
	}
	l, err := ls.CreateList(r.Context(), sessionOf(r).actor, "", in)
	if err != nil {
		s.listFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.listOut(l))
}

func (s *Server) adminListUpdate(w http.ResponseWriter, r *http.Request, ls MailingLists) {
	id, ok := s.pathID(r, idList, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	in, ok := s.listIn(w, r)
	if !ok {
		return
	}
	l, err := ls.UpdateList(r.Context(), sessionOf(r).actor, "", id, in)
	if err != nil {
		s.listFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.listOut(l))
}

func (s *Server) adminListDelete(w http.ResponseWriter, r *http.Request, ls MailingLists) {
	id, ok := s.pathID(r, idList, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := ls.DeleteList(r.Context(), sessionOf(r).actor, "", id); err != nil {
		s.listFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listMessages translate the lists' reasons.
var listMessages = map[string]map[string]string{
	"ko": {
		"invalid_address":    "메일링 주소가 올바르지 않습니다.",
		"wrong_domain":       "메일링 주소는 이 도메인의 주소여야 합니다.",
		"address_is_account": "같은 주소의 계정이 있습니다. 다른 주소를 쓰세요.",
		"list_exists":        "같은 주소의 메일링 리스트가 있습니다.",
		"invalid_member":     "구성원 주소가 올바르지 않습니다.",
		"unknown_member":     "이 도메인에 없는 계정입니다.",
		"list_is_member":     "메일링 주소 자신은 구성원이 될 수 없습니다.",
		"too_many_members":   "구성원은 5,000명까지 넣을 수 있습니다.",
	},
	"en": {
		"invalid_address":    "This list address is not valid.",
		"wrong_domain":       "The list address must be an address of this domain.",
		"address_is_account": "An account has this address: choose another.",
		"list_exists":        "A mailing list has this address already.",
		"invalid_member":     "This member address is not valid.",
		"unknown_member":     "No account of this domain has this address.",
		"list_is_member":     "The list cannot be a member of itself.",
		"too_many_members":   "A list has at most 5,000 members.",
	},
}
