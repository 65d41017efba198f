package web

import (
	"errors"
	"net/http"

	"postroom/internal/actor"
	"postroom/internal/admin"
)

// actorOf is who the session acts as in service calls, as the sessions
// service resolved it: a domain administrator with his domain, the
// operator with his name.
func actorOf(sess *session) actor.Actor { return sess.actor }

// adminFail answers an error of the admin service: a refused value is
// 400 invalid with the field and the reason (its message says which),
// a forbidden call 403, anything unknown or another domain's 404.
func (s *Server) adminFail(w http.ResponseWriter, r *http.Request, err error) {
	var ie *admin.InvalidError
	switch {
	case errors.As(err, &ie):
		writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: ie.Code,
			Message: localized(r, ie.Code), Field: ie.Field, Value: ie.Value}})
	case errors.Is(err, admin.ErrForbidden):
		s.fail(w, r, http.StatusForbidden, "forbidden")
	default:
		s.storeFail(w, r, err)
	}
}
