package smtpd

// A submission session's login is checked again before MAIL, RCPT and
// DATA (auth's Recheck): once the account is suspended or removed, its
// mail clients turned off or its password changed, from whatever process,
// the next of them is answered 421 4.7.0 and the connection closed
// (RFC 5321 §3.8); a transaction in progress sends nothing.

import (
	"errors"

	"postroom/internal/auth"
)

var errLoginEnded = &Reply{421, [3]int{4, 7, 0},
	"Your login has ended: the account was suspended or its password changed; log in again"}

// loginHolds returns nil while the session's login holds (or there is
// none: the MX). When it has ended the login is forgotten and the
// connection closes after the 421.
func (se *session) loginHolds() error {
	if se.user == nil {
		return nil
	}
	ctx, cancel := se.s.context(commandTimeout)
	defer cancel()
	err := se.s.Auth.Recheck(ctx, se.user, auth.ProtoSMTP)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, auth.ErrLoginEnded):
		se.s.log().Info("smtp login ended", "id", se.id, "user", se.user.Address(), "why", err)
		se.user = nil
		return se.endWith(errLoginEnded)
	default:
		se.s.log().Error("smtp recheck", "id", se.id, "user", se.user.Address(), "err", err)
		return reply(err)
	}
}
