package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"postroom/internal/actor"
	extfetch "postroom/internal/fetch"
	"postroom/internal/store"
)

// ExternalAccounts is the fetching of a user's external mail accounts
// (*extfetch.Service, 외부메일 가져오기): what an account may be, its sealed
// password, the schedule and the fetch itself are its rules; the handlers
// translate JSON and ids. A password goes in, never out: the answers say
// only password_set.
type ExternalAccounts interface {
	List(ctx context.Context, a actor.Actor) ([]extfetch.Account, error)
	Create(ctx context.Context, a actor.Actor, in extfetch.Settings) (extfetch.Account, error)
	Update(ctx context.Context, a actor.Actor, id int64, in extfetch.Settings) (extfetch.Account, error)
	Delete(ctx context.Context, a actor.Actor, id int64) error
	FetchNow(ctx context.Context, a actor.Actor, id int64) (extfetch.Account, error)
}

var _ ExternalAccounts = (*extfetch.Service)(nil)

// externalRequest is an external account as POST and PUT take it;
// enabled is on when left out, password empty on PUT keeps the one set.
type externalRequest struct {
	Name       string `json:"name"`
	Protocol   string `json:"protocol"`
	Host       string `json:"host"`
	Port       int    `json:"port"`
	Security   string `json:"security"`
	PlainOK    bool   `json:"plain_ok"`
	User       string `json:"user"`
	Password   string `json:"password"`
	Folder     string `json:"folder"`
	AllFolders bool   `json:"all_folders"`
	Leave      bool   `json:"leave_on_server"`
	Insecure   bool   `json:"insecure_tls"`
	Every      int    `json:"every"`
	Enabled    *bool  `json:"enabled"`
}

// externalResponse is an external account as the API shows it.
type externalResponse struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	Protocol      string     `json:"protocol"`
	Host          string     `json:"host"`
	Port          int        `json:"port"`
	Security      string     `json:"security"`
	PlainOK       bool       `json:"plain_ok"`
	User          string     `json:"user"`
	PasswordSet   bool       `json:"password_set"`
	Folder        string     `json:"folder"`
	AllFolders    bool       `json:"all_folders"`
	Leave         bool       `json:"leave_on_server"`
	Insecure      bool       `json:"insecure_tls"`
	Every         int        `json:"every"`
	Enabled       bool       `json:"enabled"`
	Running       bool       `json:"running"`
	NextRun       *time.Time `json:"next_run"`
	LastRun       *time.Time `json:"last_run"`
	LastImported  int        `json:"last_imported"`
	LastSkipped   int        `json:"last_skipped"`
	LastError     string     `json:"last_error"`
	LastErrorKind string     `json:"last_error_kind"`
	Failures      int        `json:"failures"`
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) externalOut(x extfetch.Account) externalResponse {
	return externalResponse{ID: s.outID(idExternal, x.ID), Name: x.Name, Protocol: x.Protocol, Host: x.Host, Port: x.Port,
		Security: x.Security, PlainOK: x.PlainOK, User: x.User, PasswordSet: x.PasswordSet, Folder: x.Folder,
		AllFolders: x.AllFolders, Leave: x.Leave, Insecure: x.InsecureTLS, Every: x.Every, Enabled: x.Enabled,
		Running: x.Running, NextRun: timeOrNil(x.NextRun), LastRun: timeOrNil(x.LastRun), LastImported: x.LastImported,
		LastSkipped: x.LastSkipped, LastError: x.LastError, LastErrorKind: x.LastErrorKind, Failures: x.Failures}
}

func (s *Server) externalIn(w http.ResponseWriter, r *http.Request) (extfetch.Settings, bool) {
	var req externalRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return extfetch.Settings{}, false
	}
	return extfetch.Settings{Name: req.Name, Protocol: req.Protocol, Host: req.Host, Port: req.Port, Security: req.Security,
		PlainOK: req.PlainOK, User: req.User, Password: req.Password, Folder: req.Folder, AllFolders: req.AllFolders,
		Leave: req.Leave, InsecureTLS: req.Insecure, Every: req.Every, Enabled: req.Enabled == nil || *req.Enabled}, true
}

func (s *Server) externalList(w http.ResponseWriter, r *http.Request) {
	if s.External == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	xs, err := s.External.List(r.Context(), sessionOf(r).actor)
	if err != nil {
		s.externalFail(w, r, err)
		return
	}
	out := make([]externalResponse, 0, len(xs))
	for _, x := range xs {
		out = append(out, s.externalOut(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out, "limit": extfetch.MaxAccounts})
}

func (s *Server) externalCreate(w http.ResponseWriter, r *http.Request) {
	if s.External == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	in, ok := s.externalIn(w, r)
	if !ok {
		return
	}
	x, err := s.External.Create(r.Context(), sessionOf(r).actor, in)
	if err != nil {
		s.externalFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.externalOut(x))
}

func (s *Server) externalUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idExternal, "id")
	if s.External == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	in, ok := s.externalIn(w, r)
	if !ok {
		return
	}
	x, err := s.External.Update(r.Context(), sessionOf(r).actor, id, in)
	if err != nil {
		s.externalFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.externalOut(x))
}

func (s *Server) externalDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idExternal, "id")
	if s.External == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := s.External.Delete(r.Context(), sessionOf(r).actor, id); err != nil {
		s.externalFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// externalFetch fetches at once and answers when done: the account with
// the run's outcome (a refused login is an outcome, 200, not an error).
func (s *Server) externalFetch(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idExternal, "id")
	if s.External == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	x, err := s.External.FetchNow(r.Context(), sessionOf(r).actor, id)
	if err != nil {
		s.externalFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.externalOut(x))
}

// externalFail answers an error of the fetch service.
func (s *Server) externalFail(w http.ResponseWriter, r *http.Request, err error) {
	lang := language(r)
	switch ie, invalid := extfetch.IsInvalid(err); {
	case invalid:
		msg := externalMessages[lang][ie.Reason]
		if msg == "" {
			msg = localized(r, "invalid")
		}
		writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: ie.Reason, Message: msg, Field: ie.Field}})
	case errors.Is(err, extfetch.ErrForbidden):
		s.fail(w, r, http.StatusForbidden, "forbidden")
	case errors.Is(err, store.ErrConflict):
		writeJSON(w, http.StatusConflict, map[string]apiError{"error": {Code: "fetch_running", Message: externalMessages[lang]["fetch_running"]}})
	default:
		s.storeFail(w, r, err)
	}
}

// externalMessages say why an external account is refused, by the
// service's reason.
var externalMessages = map[string]map[string]string{
	"ko": {
		"required":            "값을 입력하세요.",
		"unknown":             "알 수 없는 값입니다.",
		"too_long":            "너무 깁니다.",
		"invalid":             "올바르지 않은 값입니다.",
		"not_found":           "없는 메일함입니다.",
		"plain_needs_consent": "암호화하지 않은 연결은 비밀번호가 그대로 전송됩니다. 위험을 이해했다면 '암호화 없이 연결' 경고에 동의하세요.",
		"too_many":            "외부 메일 계정은 5개까지 등록할 수 있습니다.",
		"fetch_running":       "이 계정의 메일을 지금 가져오는 중입니다. 잠시 후 다시 시도하세요.",
	},
	"en": {
		"required":            "Please enter a value.",
		"unknown":             "Unknown value.",
		"too_long":            "Too long.",
		"invalid":             "Invalid value.",
		"not_found":           "No such folder.",
		"plain_needs_consent": "Without encryption the password travels readable. Accept the 'connect without encryption' warning if you understand the risk.",
		"too_many":            "You can add up to 5 external accounts.",
		"fetch_running":       "This account's mail is being fetched right now. Please try again shortly.",
	},
}
