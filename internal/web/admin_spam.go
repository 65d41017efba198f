package web

// GET and PUT /api/v1/admin/spam: the domain's spam lists (M2), which
// internal/deliver applies to every account of the domain. The admin
// service checks the actor and the entries.

import (
	"context"
	"errors"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/admin"
)

// DomainSpamLists is the domain's spam lists as the console reads and
// replaces them (*admin.Service; an Administration without these methods
// answers 404).
type DomainSpamLists interface {
	DomainSpam(ctx context.Context, a actor.Actor, domain string) (admin.SpamLists, error)
	SetDomainSpam(ctx context.Context, a actor.Actor, domain string, l admin.SpamLists) (admin.SpamLists, error)
}

func (s *Server) domainSpamLists(w http.ResponseWriter, r *http.Request) (DomainSpamLists, bool) {
	sl, ok := s.Admin.(DomainSpamLists)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
	}
	return sl, ok
}

// adminSpamGet answers the lists of the administrator's domain.
func (s *Server) adminSpamGet(w http.ResponseWriter, r *http.Request) {
	sl, ok := s.domainSpamLists(w, r)
	if !ok {
		return
	}
	sess := sessionOf(r)
	l, err := sl.DomainSpam(r.Context(), actorOf(sess), sess.account.Domain)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

// adminSpamPut replaces both lists (a list left out is emptied). 200 with
// the lists as saved; 400 invalid naming the first refused entry
// ("blocked_senders[2]").
func (s *Server) adminSpamPut(w http.ResponseWriter, r *http.Request) {
	sl, ok := s.domainSpamLists(w, r)
	if !ok {
		return
	}
	var l admin.SpamLists
	if err := decode(r, &l); err != nil {
		s.failDecode(w, r, err)
		return
	}
	sess := sessionOf(r)
	saved, err := sl.SetDomainSpam(r.Context(), actorOf(sess), sess.account.Domain, l)
	if err != nil {
		s.spamFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, saved)
}

// spamFail answers a refused entry in the administrator's language (the
// field names which one), anything else as adminFail does.
func (s *Server) spamFail(w http.ResponseWriter, r *http.Request, err error) {
	var ie *admin.InvalidError
	if errors.As(err, &ie) {
		if msg := spamMessages[language(r)][ie.Code]; msg != "" {
			writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: ie.Code, Message: msg, Field: ie.Field, Value: ie.Value}})
			return
		}
	}
	s.adminFail(w, r, err)
}

// spamMessages translate the lists' reasons (admin.SetDomainSpam).
var spamMessages = map[string]map[string]string{
	"ko": {
		"entry_required":   "빈 항목은 넣을 수 없습니다.",
		"invalid_sender":   "올바른 메일 주소나 도메인이 아닙니다. (예: spam@example.com, @example.com)",
		"phrase_too_long":  "차단 문구는 100자까지 쓸 수 있습니다.",
		"too_many_entries": "항목이 너무 많습니다. (발신자 1,000개, 문구 200개까지)",
	},
	"en": {
		"entry_required":   "An entry cannot be empty.",
		"invalid_sender":   "This is not an e-mail address or a domain (e.g. spam@example.com, @example.com).",
		"phrase_too_long":  "A blocked phrase has at most 100 characters.",
		"too_many_entries": "Too many entries (at most 1,000 senders and 200 phrases).",
	},
}
