package web

import (
	"context"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/store"
)

// Clients is the user's mail clients (*auth.Clients): what to type into
// them, whether they may log in, what a POP3 delete does (S6, P4, P7).
type Clients interface {
	Setup(ctx context.Context, a actor.Actor) (*auth.ClientSetup, error)
	Change(ctx context.Context, a actor.Actor, c auth.ClientChange) (*auth.ClientSetup, error)
	// DomainSetup answers clients that configure themselves (P8).
	DomainSetup(ctx context.Context, address string) (*auth.ClientSetup, error)
	// SetupOf is one of the domain's users' setup, for its administrator
	// to hand out (admin_user_profile.go).
	SetupOf(ctx context.Context, a actor.Actor, accountID int64) (*auth.ClientSetup, error)
}

// LoginLog is the user's own access log (*auth.LoginLog, S8).
type LoginLog interface {
	Page(ctx context.Context, a actor.Actor, page int) ([]store.Login, bool, error)
}

var (
	_ Clients  = (*auth.Clients)(nil)
	_ LoginLog = (*auth.LoginLog)(nil)
)
