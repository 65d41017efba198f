package web

// GET and PATCH /api/v1/admin/domain: the console's 기본 설정 page (M1):
// the domain's defaults for new accounts (language, time zone), which its
// administrator changes, and the operator's terms (quota, account limit),
// which he only reads. The admin service checks who may change what.

import (
	"context"
	"errors"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/store"
)

// DomainSettings is the domain as the 기본 설정 page reads and changes it
// (*admin.Service; an Administration without these methods answers 404).
type DomainSettings interface {
	Domain(ctx context.Context, a actor.Actor, name string) (*store.Domain, error)
	UpdateDomain(ctx context.Context, a actor.Actor, name string, c admin.DomainChange) (*store.Domain, error)
}

// domainDefaultsJSON is the page's view of the domain.
type domainDefaultsJSON struct {
	Name     string `json:"name"`
	Language string `json:"language"`
	TimeZone string `json:"time_zone"`
	Quota    int64  `json:"quota"` // bytes, 0 = unlimited
	Used     int64  `json:"used"`  // bytes
	Users    int    `json:"users"`
	MaxUsers int    `json:"max_users"` // 0 = no limit
	// TrackingImage: read receipts' tracking image for external recipients
	TrackingImage bool `json:"tracking_image"`
}

func (s *Server) domainSettings(w http.ResponseWriter, r *http.Request) (DomainSettings, bool) {
	ds, ok := s.Admin.(DomainSettings)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
	}
	return ds, ok
}

// adminDomainGet answers the administrator's domain.
func (s *Server) adminDomainGet(w http.ResponseWriter, r *http.Request) {
	ds, ok := s.domainSettings(w, r)
	if !ok {
		return
	}
	sess := sessionOf(r)
	d, err := ds.Domain(r.Context(), actorOf(sess), sess.account.Domain)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	s.writeDomain(w, r, d)
}

// adminDomainPatch changes the defaults: `{"language", "time_zone"}`,
// either left out stays. 200 with the domain; 400 invalid naming the
// field. The operator's terms are not taken here (an unknown field).
func (s *Server) adminDomainPatch(w http.ResponseWriter, r *http.Request) {
	ds, ok := s.domainSettings(w, r)
	if !ok {
		return
	}
	var req struct {
		Language      *string `json:"language"`
		TimeZone      *string `json:"time_zone"`
		TrackingImage *bool   `json:"tracking_image"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	sess := sessionOf(r)
	d, err := ds.UpdateDomain(r.Context(), actorOf(sess), sess.account.Domain, admin.DomainChange{Language: req.Language, TimeZone: req.TimeZone,
		TrackingImage: req.TrackingImage})
	if err != nil {
		s.domainFail(w, r, err)
		return
	}
	s.writeDomain(w, r, d)
}

func (s *Server) writeDomain(w http.ResponseWriter, r *http.Request, d *store.Domain) {
	accts, err := s.Admin.Accounts(r.Context(), actorOf(sessionOf(r)), d.Name)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, domainDefaultsJSON{Name: d.Name, Language: d.Language, TimeZone: d.TimeZone,
		Quota: d.QuotaBytes, Used: d.UsedBytes, Users: len(accts), MaxUsers: d.MaxUsers, TrackingImage: d.TrackingImage})
}

// domainFail answers a refused default in the administrator's language,
// anything else as adminFail does.
func (s *Server) domainFail(w http.ResponseWriter, r *http.Request, err error) {
	var ie *admin.InvalidError
	if errors.As(err, &ie) {
		if msg := domainMessages[language(r)][ie.Code]; msg != "" {
			writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: ie.Code, Message: msg, Field: ie.Field, Value: ie.Value}})
			return
		}
	}
	s.adminFail(w, r, err)
}

// domainMessages translate the defaults' reasons (admin.UpdateDomain).
var domainMessages = map[string]map[string]string{
	"ko": {
		"invalid_language":  "언어는 한국어(ko)나 English(en) 중에서 고르세요.",
		"invalid_time_zone": "올바른 시간대가 아닙니다. (예: Asia/Seoul)",
	},
	"en": {
		"invalid_language":  "Choose the language: 한국어 (ko) or English (en).",
		"invalid_time_zone": "This is not a valid time zone (e.g. Asia/Seoul).",
	},
}
