package web

// The user's settings (S1, S2, S5): GET and PATCH /api/v1/settings. The
// settings service merges, checks and stores; this only carries JSON.

import (
	"context"
	"errors"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/settings"
)

// UserSettings is the settings service (*settings.Service).
type UserSettings interface {
	Get(ctx context.Context, a actor.Actor) (settings.Settings, error)
	Patch(ctx context.Context, a actor.Actor, patch []byte) (settings.Settings, error)
	BlockSender(ctx context.Context, a actor.Actor, address string) (settings.Settings, error)
}

// settingsGet answers the session account's settings.
func (s *Server) settingsGet(w http.ResponseWriter, r *http.Request) {
	if s.Settings == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	set, err := s.Settings.Get(r.Context(), sessionOf(r).actor)
	if err != nil {
		s.settingsFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, set)
}

// settingsPatch changes the fields the body names and answers the whole
// settings; an invalid value is 400 invalid naming its field, and
// nothing is saved.
func (s *Server) settingsPatch(w http.ResponseWriter, r *http.Request) {
	if s.Settings == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	raw, err := readBody(w, r, settings.MaxPatch)
	if err == nil {
		// one JSON value and nothing after it, as every body (decode.go)
		var probe any
		err = unmarshal(raw, &probe)
	}
	if err != nil {
		s.failDecode(w, r, err)
		return
	}
	set, err := s.Settings.Patch(r.Context(), sessionOf(r).actor, raw)
	if err != nil {
		s.settingsFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, set)
}

// settingsFail answers an error of the settings service.
func (s *Server) settingsFail(w http.ResponseWriter, r *http.Request, err error) {
	if ie, ok := settings.IsInvalid(err); ok {
		s.failSetting(w, r, ie.Field, ie.Reason)
		return
	}
	if errors.Is(err, settings.ErrForbidden) {
		s.fail(w, r, http.StatusForbidden, "forbidden")
		return
	}
	s.storeFail(w, r, err)
}

// failSetting answers 400 invalid for one field, with a message that
// says why when there is one for the reason.
func (s *Server) failSetting(w http.ResponseWriter, r *http.Request, field, reason string) {
	msg := settingsMessages[language(r)][reason]
	if msg == "" {
		msg = localized(r, "invalid")
	}
	writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: reason, Message: msg, Field: field}})
}

// defaultPerPage is the page size of a list or search that does not ask
// for one: the user's setting (S2-3).
func (s *Server) defaultPerPage(r *http.Request) int {
	if s.Settings != nil {
		if set, err := s.Settings.Get(r.Context(), sessionOf(r).actor); err == nil && set.Mail.PerPage > 0 {
			return set.Mail.PerPage
		} else if err != nil {
			s.log().Warn("web: the page size setting", "err", err)
		}
	}
	return settings.DefaultPerPage
}

// settingsMessages say why a settings value (or a new password) is
// refused, by the service's reason.
var settingsMessages = map[string]map[string]string{
	"ko": {
		"required":        "값을 입력하세요.",
		"invalid_address": "올바른 메일 주소가 아닙니다.",
		"own_address":     "자신의 메일 주소는 쓸 수 없습니다.",
		"range":           "허용된 범위를 벗어난 값입니다.",
		"too_long":        "너무 깁니다.",
		"too_many":        "항목이 너무 많습니다.",
		"invalid_date":    "날짜는 YYYY-MM-DD 형식이어야 합니다.",
		"before_start":    "종료일이 시작일보다 빠릅니다.",
		"unknown_field":   "알 수 없는 설정 항목입니다.",
		"type":            "값의 형식이 올바르지 않습니다.",
		"wrong_password":  "현재 비밀번호가 올바르지 않습니다.",
		"too_short":       "비밀번호는 %d자 이상이어야 합니다.",
		"same_as_address": "메일 주소를 비밀번호로 쓸 수 없습니다.",
		"same_as_old":     "지금 쓰는 비밀번호와 다른 비밀번호를 입력하세요.",
		"invalid_token":   "비밀번호 재설정 링크가 만료되었거나 이미 사용되었습니다. 다시 요청하세요.",
	},
	"en": {
		"required":        "Enter a value.",
		"invalid_address": "This is not a valid e-mail address.",
		"own_address":     "You cannot use your own address here.",
		"range":           "The value is out of the allowed range.",
		"too_long":        "Too long.",
		"too_many":        "Too many entries.",
		"invalid_date":    "Dates are written YYYY-MM-DD.",
		"before_start":    "The end date is before the start date.",
		"unknown_field":   "Unknown setting.",
		"type":            "The value has the wrong type.",
		"wrong_password":  "The current password is not correct.",
		"too_short":       "A password has at least %d characters.",
		"same_as_address": "Your e-mail address cannot be your password.",
		"same_as_old":     "Choose a password different from the current one.",
		"invalid_token":   "This password reset link has expired or was used already. Ask for a new one.",
	},
}
