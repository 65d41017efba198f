package web

import (
	"context"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/auth"
	"postroom/internal/events"
	"postroom/internal/store"
)

// Sessions is the web sessions service (*auth.Sessions): the login form,
// the session of each request, the event stream's re-check, logout, and
// the console's language.
type Sessions interface {
	Login(ctx context.Context, r auth.Request, language string) (*auth.Session, error)
	Load(ctx context.Context, token string, c auth.Client) (*auth.Session, error)
	Check(ctx context.Context, sess *auth.Session, c auth.Client) error
	Logout(ctx context.Context, sess *auth.Session) error
	SetLanguage(ctx context.Context, sess *auth.Session, language string) error
	LoginWithLink(ctx context.Context, secret string, c auth.Client, p auth.Protocol) (*auth.Session, error)
}

// Accounts is what a user does with his own account and sees of his
// colleagues (*admin.Service).
type Accounts interface {
	SetLocale(ctx context.Context, a actor.Actor, l admin.Locale) (*store.Account, error)
	Directory(ctx context.Context, a actor.Actor) ([]admin.Entry, error)
}

// Events is where the event stream hears of committed changes (an
// events.Bus).
type Events interface {
	Subscribe(accountID int64) (<-chan events.Event, func())
}
