package web

import (
	"context"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/dnsrecords"
	"postroom/internal/store"
)

// Administration is what the operator's console routes (operator_*.go)
// ask of the admin service.
type Administration interface {
	Domains(ctx context.Context, a actor.Actor) ([]admin.DomainSummary, error)
	CreateDomain(ctx context.Context, a actor.Actor, name string) (*store.Domain, error)
	Accounts(ctx context.Context, a actor.Actor, domain string) ([]store.Account, error)
	CreateAccount(ctx context.Context, a actor.Actor, n admin.NewAccount) (*store.Account, error)
	DNSRecords(ctx context.Context, a actor.Actor, domain, hostname string) ([]dnsrecords.Record, error)
	// The operator's terms of a domain and its deletion, the status panel
	// (operator_domain_change.go).
	UpdateDomain(ctx context.Context, a actor.Actor, name string, c admin.DomainChange) (*store.Domain, error)
	DeleteDomainConfirmed(ctx context.Context, a actor.Actor, name, confirm string) error
	Status(ctx context.Context, a actor.Actor) (*admin.Status, error)
}
