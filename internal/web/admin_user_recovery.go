package web

// The recovery e-mail of a user on the console's accounts (M3): given in
// POST /api/v1/admin/users, changed in PATCH, shown in both answers and
// in the table. The admin service checks the actor and keeps it where
// the user's own setting is (internal/settings).

import (
	"context"
	"net/http"

	"postroom/internal/actor"
)

// RecoveryAddresses reads and sets the recovery address of an account
// the actor manages (*admin.Service, the Server's Org).
type RecoveryAddresses interface {
	RecoveryEmail(ctx context.Context, a actor.Actor, address string) (string, error)
	SetRecoveryEmail(ctx context.Context, a actor.Actor, address, addr string) (string, error)
}

// userWithRecovery is a user as POST and PATCH answer him.
type userWithRecovery struct {
	userJSON
	RecoveryEmail string `json:"recovery_email"`
}

// recoveryOf is the account's recovery address for the answer; "" when
// the organisation keeps none or it cannot be read (logged: the change
// itself committed).
func (s *Server) recoveryOf(r *http.Request, address string) string {
	ra, ok := s.Org.(RecoveryAddresses)
	if !ok {
		return ""
	}
	v, err := ra.RecoveryEmail(r.Context(), sessionOf(r).actor, address)
	if err != nil {
		s.log().Error("recovery e-mail not read", "account", address, "err", err)
		return ""
	}
	return v
}

// setRecovery sets the recovery address, answering a refusal; false when
// it answered.
func (s *Server) setRecovery(w http.ResponseWriter, r *http.Request, address, addr string) bool {
	ra, ok := s.Org.(RecoveryAddresses)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return false
	}
	if _, err := ra.SetRecoveryEmail(r.Context(), sessionOf(r).actor, address, addr); err != nil {
		s.orgFail(w, r, err)
		return false
	}
	return true
}
