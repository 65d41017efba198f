package imapd

// A session's login is checked again before every command that works on
// the account (auth's Recheck): once the account is suspended or removed,
// its mail clients turned off or its password changed, from whatever
// process (the command line while the server runs, the console, another
// node), the next command is answered with BYE and the connection closed
// (issue 13). A session in IDLE sends no command: it is checked when a
// change of the account is announced (events.AccountChange) and leaves
// the same way.
//
// loginChecked is the session the library drives: it checks, then hands
// the command to the session. TestLoginChecked_coversEveryCommand fails
// for a command method added to session without its check here.

import (
	"errors"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"postroom/internal/auth"
	"postroom/internal/events"
)

type loginChecked struct{ *session }

// errLoginEnded answers the command that found the login ended, after the
// BYE (the library writes it to a closed connection: nobody reads it).
var errLoginEnded = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnavailable, Text: "Login ended"}

// recheck asks whether the session's login still holds (nil before login:
// the library refuses the command by itself).
func (se *session) recheck() error {
	if se.acct == nil {
		return nil
	}
	return se.s.Auth.Recheck(se.ctx, se.acct, auth.ProtoIMAP)
}

// loginHolds checks the login before a command: nil while it holds; when
// it has ended, BYE, the connection closed and errLoginEnded; when the
// store cannot tell, NO [UNAVAILABLE] and the session stays.
func (se *session) loginHolds() error {
	return se.endUnless(se.recheck())
}

// endUnless ends the session for err, a Recheck's answer.
func (se *session) endUnless(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, auth.ErrLoginEnded):
		se.s.log().Info("imap login ended", "user", se.acct.Address(), "why", err)
		// RFC 9051 §7.1.5: BYE, then the server closes the connection
		se.conn.Bye("Your login has ended: the account was suspended or its password changed; log in again")
		return errLoginEnded
	default:
		se.s.log().Error("imap recheck", "user", se.acct.Address(), "err", err)
		return no(imap.ResponseCodeUnavailable, "Temporary problem, try again later")
	}
}

func (c loginChecked) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	if err := c.loginHolds(); err != nil {
		return nil, err
	}
	return c.session.Select(name, options)
}

func (c loginChecked) Unselect() error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.Unselect()
}

func (c loginChecked) Create(name string, options *imap.CreateOptions) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.Create(name, options)
}

func (c loginChecked) Delete(name string) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.Delete(name)
}

func (c loginChecked) Rename(name, newName string, options *imap.RenameOptions) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.Rename(name, newName, options)
}

func (c loginChecked) Subscribe(name string) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.Subscribe(name)
}

func (c loginChecked) Unsubscribe(name string) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.Unsubscribe(name)
}

func (c loginChecked) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.List(w, ref, patterns, options)
}

func (c loginChecked) Status(name string, options *imap.StatusOptions) (*imap.StatusData, error) {
	if err := c.loginHolds(); err != nil {
		return nil, err
	}
	return c.session.Status(name, options)
}

func (c loginChecked) Append(name string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	if err := c.loginHolds(); err != nil {
		return nil, err
	}
	return c.session.Append(name, r, options)
}

func (c loginChecked) Expunge(w *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.Expunge(w, uids)
}

func (c loginChecked) Search(kind imapserver.NumKind, criteria *imap.SearchCriteria, options *imap.SearchOptions) (*imap.SearchData, error) {
	if err := c.loginHolds(); err != nil {
		return nil, err
	}
	return c.session.Search(kind, criteria, options)
}

func (c loginChecked) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.Fetch(w, numSet, options)
}

func (c loginChecked) Store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, options *imap.StoreOptions) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.Store(w, numSet, flags, options)
}

func (c loginChecked) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	if err := c.loginHolds(); err != nil {
		return nil, err
	}
	return c.session.Copy(numSet, dest)
}

func (c loginChecked) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.Move(w, numSet, dest)
}

func (c loginChecked) Namespace() (*imap.NamespaceData, error) {
	if err := c.loginHolds(); err != nil {
		return nil, err
	}
	return c.session.Namespace()
}

// Poll runs after every command of a logged-in session that succeeded:
// it checks for the commands that reach no other method (NOOP, CHECK,
// ENABLE, a client's way of polling), and so that a login ended during a
// command leaves right after it.
func (c loginChecked) Poll(w *imapserver.UpdateWriter, allowExpunge bool) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	return c.session.Poll(w, allowExpunge)
}

// Idle checks at the start, then whenever a change of the account is
// announced (or some announcements were lost): an ended login leaves IDLE
// with BYE at once.
func (c loginChecked) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	if err := c.loginHolds(); err != nil {
		return err
	}
	if c.s.Events == nil || c.acct == nil {
		return c.session.Idle(w, stop)
	}
	changes, unsubscribe := c.s.Events.Subscribe(c.acct.ID)
	defer unsubscribe()
	inner := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- c.session.Idle(w, inner) }()
	for {
		select {
		case <-stop:
			close(inner)
			return <-done
		case err := <-done:
			return err
		case e := <-changes:
			if e.Kind != events.AccountChange && e.Kind != events.Overflow {
				continue
			}
			err := c.recheck()
			if !errors.Is(err, auth.ErrLoginEnded) {
				continue // holds, or the store cannot tell now: the next command asks again
			}
			close(inner) // the session's updates stop before the BYE
			<-done
			return c.endUnless(err)
		}
	}
}

var _ interface {
	imapserver.SessionIMAP4rev2
	imapserver.SessionSASL
	imapserver.SessionAppendLimit
	imapserver.SessionUnauthenticate
} = loginChecked{}
