package store

import (
	"context"
	"errors"
	"time"
)

// ErrTooMany is returned when a row would take an account past the limit
// its caller set (CreateFilter): nothing was written.
var ErrTooMany = errors.New("store: too many")

// FilterStore keeps each account's filter rules (S4) in the order they
// run. What a rule says is internal/filters' business: the store keeps it
// as an opaque document, like the settings.
type FilterStore interface {
	// Filters lists the account's filters in their order.
	Filters(ctx context.Context, accountID int64) ([]Filter, error)
	// Filter finds one filter of the account. ErrNotFound (another
	// account's too).
	Filter(ctx context.Context, accountID, id int64) (*Filter, error)
	// CreateFilter stores f after the account's last filter and sets its
	// ID, Position and times, unless the account has limit filters
	// already (ErrTooMany; the count and the insert are one transaction,
	// so two creations at once cannot both pass the limit).
	CreateFilter(ctx context.Context, f *Filter, limit int) error
	// UpdateFilter saves f's Name, Enabled and Rule. ErrNotFound.
	UpdateFilter(ctx context.Context, f *Filter) error
	// DeleteFilter removes one filter of the account. ErrNotFound.
	DeleteFilter(ctx context.Context, accountID, id int64) error
	// OrderFilters puts the account's filters in the order of ids, which
	// must name each of them exactly once (ErrInvalid otherwise, nothing
	// changed).
	OrderFilters(ctx context.Context, accountID int64, ids []int64) error
}

// Filter is one stored filter rule.
type Filter struct {
	ID        int64
	AccountID int64
	Position  int // 0 for the first rule
	Name      string
	Enabled   bool
	Rule      []byte // JSON, internal/filters' shape
	CreatedAt time.Time
	UpdatedAt time.Time
}
