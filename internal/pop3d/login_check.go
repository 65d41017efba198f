package pop3d

// A session's login is checked again before every command of the
// TRANSACTION state, QUIT included (auth's Recheck): once the account is
// suspended or removed, its mail clients turned off or its password
// changed, from whatever process, the next command is refused and the
// session ends without entering the UPDATE state: the messages it marked
// deleted stay (RFC 1939 §6: only a QUIT of a valid session updates the
// maildrop).

import (
	"errors"

	"postroom/internal/auth"
)

// loginHolds reports whether the command may run (run) and, when it may
// not, whether the session ends (quit); the refusal is written.
func (c *conn) loginHolds() (run, quit bool) {
	err := c.s.Auth.Recheck(c.ctx, c.acct, auth.ProtoPOP3)
	switch {
	case err == nil:
		return true, false
	case errors.Is(err, auth.ErrLoginEnded):
		c.s.log().Info("pop3 login ended", "user", c.acct.Address(), "why", err)
		// RFC 2449 §8.1.1: [AUTH], the credentials no longer hold
		c.err("[AUTH] Your login has ended: the account was suspended or its password changed; log in again")
		return false, true
	default:
		c.s.log().Error("pop3 recheck", "user", c.acct.Address(), "err", err)
		c.err("[SYS/TEMP] Temporary problem, try again later")
		return false, false
	}
}
