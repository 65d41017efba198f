package store

import "context"

// DepartmentStore keeps a domain's organisation (M6): its departments as a
// tree, and where each account sits in it (department, position, phone).
// Every method is scoped by domain: another domain's department or
// account is ErrNotFound.
type DepartmentStore interface {
	// Departments lists the domain's departments ordered by parent, then
	// name, each with the number of accounts in it.
	Departments(ctx context.Context, domainID int64) ([]Department, error)
	// CreateDepartment stores d and sets d.ID. A parent not of the domain
	// is ErrInvalid; a sibling of the same name ErrExists.
	CreateDepartment(ctx context.Context, d *Department) error
	// UpdateDepartment saves d's Name and ParentID. ErrNotFound; a parent
	// not of the domain, or one inside d itself (a cycle), ErrInvalid;
	// ErrExists as above.
	UpdateDepartment(ctx context.Context, d *Department) error
	// DeleteDepartment removes a department without children
	// (ErrHasChildren otherwise); its accounts are left in none.
	DeleteDepartment(ctx context.Context, domainID, id int64) error
	// AccountOrgs is where each account of the domain sits, by account
	// id; an account never placed is absent.
	AccountOrgs(ctx context.Context, domainID int64) (map[int64]AccountOrg, error)
	// SetAccountOrg places an account of the domain (department 0: none).
	// ErrNotFound for an account, ErrInvalid for a department, not of the
	// domain.
	SetAccountOrg(ctx context.Context, domainID int64, o AccountOrg) error
}

// Department is one unit of a domain's organisation.
type Department struct {
	ID       int64
	DomainID int64
	ParentID int64 // 0 for a top-level department
	Name     string
	Members  int // accounts in it (not in its sub-departments); filled on read
}

// AccountOrg is an account's place in the organisation.
type AccountOrg struct {
	AccountID    int64
	DepartmentID int64  // 0 for none
	Position     string // 직위/직책
	Phone        string
}
