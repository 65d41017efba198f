package admin

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// The domain console's accounts table (M1): every account of a domain
// with its place in the organisation, usage and last login, searched,
// sorted and paged here so that the console and the integration API
// agree.

// UserPageSize is a page of the accounts table.
const UserPageSize = 50

// Sort orders of Users; a leading "-" reverses one.
const (
	SortName      = "name"
	SortEmail     = "email"
	SortUsage     = "usage"
	SortLastLogin = "last_login"
	SortCreated   = "created"
)

// UserQuery selects a page of a domain's accounts.
type UserQuery struct {
	Text string // in the name, address, department or position
	Sort string // SortName when empty
	Page int    // from 1
}

// UserRow is one account of the table.
type UserRow struct {
	store.Account
	DepartmentID    int64
	Department      string
	Position, Phone string
	LastLogin       time.Time // the last successful login, zero for none
}

// UserPage is one page of the table and how many accounts match.
type UserPage struct {
	Users []UserRow
	Total int
}

// Users lists a page of the accounts of a domain the actor manages (a
// domain administrator may leave domain empty for his own).
func (s *Service) Users(ctx context.Context, p actor.Actor, domain string, q UserQuery) (*UserPage, error) {
	d, err := s.managedDomain(ctx, p, domain)
	if err != nil {
		return nil, err
	}
	desc := strings.HasPrefix(q.Sort, "-")
	key := strings.TrimPrefix(q.Sort, "-")
	switch key {
	case "":
		key = SortName
	case SortName, SortEmail, SortUsage, SortLastLogin, SortCreated:
	default:
		return nil, invalid("sort", "invalid_sort", q.Sort)
	}
	accts, err := s.Store.Accounts(ctx, d.ID)
	if err != nil {
		return nil, fmt.Errorf("accounts of %s: %w", d.Name, err)
	}
	orgs, err := s.Store.AccountOrgs(ctx, d.ID)
	if err != nil {
		return nil, fmt.Errorf("places of %s: %w", d.Name, err)
	}
	deps, err := s.Store.Departments(ctx, d.ID)
	if err != nil {
		return nil, fmt.Errorf("departments of %s: %w", d.Name, err)
	}
	depName := map[int64]string{}
	for _, dep := range deps {
		depName[dep.ID] = dep.Name
	}
	want := strings.ToLower(strings.TrimSpace(q.Text))
	rows := make([]UserRow, 0, len(accts))
	for _, a := range accts {
		o := orgs[a.ID]
		row := UserRow{Account: a, DepartmentID: o.DepartmentID, Department: depName[o.DepartmentID], Position: o.Position, Phone: o.Phone}
		if want != "" && !strings.Contains(strings.ToLower(strings.Join([]string{a.DisplayName, a.Address(), row.Department, row.Position}, "\n")), want) {
			continue
		}
		rows = append(rows, row)
	}
	// The last login is read for every match only when the table is
	// sorted by it; otherwise for the page shown.
	if key == SortLastLogin {
		if err := s.lastLogins(ctx, rows); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(rows, func(x, y UserRow) int {
		var c int
		switch key {
		case SortEmail:
			c = strings.Compare(x.Address(), y.Address())
		case SortUsage:
			c = cmp.Compare(x.Usage.Bytes, y.Usage.Bytes)
		case SortLastLogin:
			c = x.LastLogin.Compare(y.LastLogin)
		case SortCreated:
			c = x.CreatedAt.Compare(y.CreatedAt)
		default:
			c = strings.Compare(cmp.Or(x.DisplayName, x.Address()), cmp.Or(y.DisplayName, y.Address()))
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, strings.Compare(x.Address(), y.Address()))
	})
	page := max(q.Page, 1)
	out := &UserPage{Total: len(rows)}
	from := min((page-1)*UserPageSize, len(rows))
	out.Users = rows[from:min(from+UserPageSize, len(rows))]
	if key != SortLastLogin {
		if err := s.lastLogins(ctx, out.Users); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lastLogins fills each row's last successful login from the access log.
func (s *Service) lastLogins(ctx context.Context, rows []UserRow) error {
	for i := range rows {
		ls, err := s.Store.Logins(ctx, rows[i].ID, 20)
		if err != nil {
			return fmt.Errorf("logins of %s: %w", rows[i].Address(), err)
		}
		for _, l := range ls {
			if l.Success {
				rows[i].LastLogin = l.Time
				break
			}
		}
	}
	return nil
}

// CreateUser is the console's person-with-plus button: the account (as
// CreateAccount makes it) placed in the organisation. The place is
// checked first, so that a refused one creates no account.
func (s *Service) CreateUser(ctx context.Context, p actor.Actor, n NewAccount, pl Placement) (*store.Account, error) {
	pl.Position, pl.Phone = strings.TrimSpace(pl.Position), strings.TrimSpace(pl.Phone)
	if err := checkPlacement(pl); err != nil {
		return nil, err
	}
	if p.Role == actor.RoleDomainAdmin {
		// the console's own domain: an address elsewhere is wrong_domain
		d, err := s.managedDomain(ctx, p, "")
		if err != nil {
			return nil, err
		}
		n.Domain = d.Name
	}
	if pl.Department != 0 {
		d, err := s.managedDomain(ctx, p, "")
		if err != nil {
			return nil, err
		}
		deps, err := s.Store.Departments(ctx, d.ID)
		if err != nil {
			return nil, fmt.Errorf("departments of %s: %w", d.Name, err)
		}
		if !slices.ContainsFunc(deps, func(x store.Department) bool { return x.ID == pl.Department }) {
			return nil, invalid("department", "invalid_department", "")
		}
	}
	a, err := s.CreateAccount(ctx, p, n)
	if err != nil {
		return nil, err
	}
	if pl != (Placement{}) {
		if err := s.PlaceAccount(ctx, p, a.Address(), pl); err != nil {
			return nil, err
		}
	}
	return a, nil
}
