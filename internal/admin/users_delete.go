package admin

// Deleting accounts (M3, the bin icon on the selected rows): every
// account with all its mail, as a background job with progress, after a
// backup was offered (BackupUser; the console offers it first).
//
// Invariants:
//   - Every id is checked before the job starts: one of another domain
//     is ErrNotFound, the actor's own account or the domain's last
//     administrators are refused (an *InvalidError), and then nothing at
//     all is deleted.
//   - Each deletion is one store transaction (the account, its folders,
//     messages and their blob references, sessions; settings, rules,
//     contacts and its place go by the store's triggers), announced
//     (accountChanged: live sessions and IMAP logins end) and audited
//     ("user.delete") after it committed. The message files are left to
//     the blob collector (Upkeep's GC), which removes what no row
//     references any more.
//   - The job belongs to the domain (jobs.Runner.SubmitDomain): its
//     administrators and API tokens follow it, nobody else.
//   - The job runs from its params (the ids) on whichever node claims
//     it, as the administrator who started it. Run again after a node
//     died in the middle, it finds the accounts the first run deleted
//     gone and counts them in Gone: nothing is deleted or audited twice.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"postroom/internal/actor"
	"postroom/internal/jobs"
	"postroom/internal/store"
)

// JobDeleteUsers is the kind of the job DeleteUsers starts.
const JobDeleteUsers = "users_delete"

// MaxDeleteUsers bounds the accounts of one deletion.
const MaxDeleteUsers = 1000

// DeleteResult is what a finished deletion reports.
type DeleteResult struct {
	Deleted int `json:"deleted"`
	Gone    int `json:"gone"` // deleted meanwhile by someone else
}

// domainJobs is the job runner's domain jobs (*jobs.Runner): a token
// has no account to own a job, and a colleague follows what one
// administrator started.
type domainJobs interface {
	SubmitDomain(ctx context.Context, a actor.Actor, kind string, params any) (*store.Job, error)
}

// deleteParams are a deletion job's params.
type deleteParams struct {
	IDs []int64 `json:"ids"`
}

// DeleteUsers checks the accounts ids (the actor's to manage, not his
// own, not the last administrators of their domain) and starts deleting
// them, with their mail, as a background job, which it returns; its
// result is a DeleteResult.
func (s *Service) DeleteUsers(ctx context.Context, p actor.Actor, ids []int64) (*store.Job, error) {
	if p.Role != actor.RoleOperator && p.Role != actor.RoleDomainAdmin {
		return nil, ErrForbidden
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	switch {
	case len(ids) == 0:
		return nil, invalid("ids", "ids_required", "")
	case len(ids) > MaxDeleteUsers:
		return nil, invalid("ids", "too_many_users", fmt.Sprint(len(ids)))
	}
	accts := make([]*store.Account, 0, len(ids))
	for _, id := range ids {
		a, err := s.AccountByID(ctx, p, id)
		if err != nil {
			return nil, err
		}
		accts = append(accts, a)
	}
	for _, a := range accts {
		if p.AccountID == a.ID {
			return nil, invalid("ids", "own_account", a.Address())
		}
	}
	if err := s.keepAdmins(ctx, accts); err != nil {
		return nil, err
	}
	runner, ok := s.Jobs.(domainJobs)
	if !ok {
		return nil, errors.New("admin: no job runner for deleting accounts")
	}
	s.RegisterJobs()
	return runner.SubmitDomain(ctx, p, JobDeleteUsers, deleteParams{IDs: ids})
}

// runDeleteUsers is the job of JobDeleteUsers: it deletes the accounts
// of the params one by one, as the administrator p.
func (s *Service) runDeleteUsers(ctx context.Context, pr *jobs.Progress, p actor.Actor, raw []byte) (any, error) {
	var params deleteParams
	if err := json.Unmarshal(raw, &params); err != nil {
		return nil, fmt.Errorf("%s job: params: %w", JobDeleteUsers, err)
	}
	if err := pr.SetTotal(ctx, int64(len(params.IDs))); err != nil {
		return nil, err
	}
	res := &DeleteResult{}
	for _, id := range params.IDs {
		a, err := s.Store.Account(ctx, id)
		gone := errors.Is(err, store.ErrNotFound) // by an earlier run of this job, or by someone else
		if err != nil && !gone {
			return res, fmt.Errorf("delete user %d: %w", id, err)
		}
		if !gone {
			if gone, err = s.deleteUser(ctx, p, a); err != nil {
				s.log().Error("account not deleted", "account", a.Address(), "err", err)
				return res, fmt.Errorf("delete %s: %w", a.Address(), err)
			}
		}
		if gone {
			res.Gone++
		} else {
			res.Deleted++
		}
		if err := pr.Step(ctx, 1); err != nil {
			return res, err
		}
	}
	return res, nil
}

// deleteUser deletes one account of the job; gone when it was already.
func (s *Service) deleteUser(ctx context.Context, p actor.Actor, a *store.Account) (gone bool, err error) {
	err = s.Store.DeleteAccount(ctx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	s.accountChanged(a.ID)
	s.audit(ctx, p, a.DomainID, "user.delete", a.Address(), map[string]any{"name": a.DisplayName,
		"messages": a.Usage.Messages, "bytes": a.Usage.Bytes})
	return false, nil
}

// keepAdmins refuses deleting every enabled administrator of a domain:
// it would have nobody left to manage it (the rule of keepAnAdmin).
func (s *Service) keepAdmins(ctx context.Context, accts []*store.Account) error {
	leaving := map[int64]bool{}
	for _, a := range accts {
		leaving[a.ID] = true
	}
	for _, a := range accts {
		if !a.Admin {
			continue
		}
		left, err := s.adminBesides(ctx, a.DomainID, leaving)
		if err != nil {
			return err
		}
		if !left {
			return invalid("ids", "last_admin", a.Address())
		}
	}
	return nil
}

// adminBesides reports whether the domain has an enabled administrator
// that is not in except.
func (s *Service) adminBesides(ctx context.Context, domainID int64, except map[int64]bool) (bool, error) {
	all, err := s.Store.Accounts(ctx, domainID)
	if err != nil {
		return false, fmt.Errorf("administrators of domain %d: %w", domainID, err)
	}
	return slices.ContainsFunc(all, func(o store.Account) bool { return o.Admin && o.Enabled && !except[o.ID] }), nil
}

// BackupUser is the backup offered before a deletion (M3): after
// checking that the actor manages the account (another domain's is
// ErrNotFound) it records the download ("user.backup") and returns the
// account and the actor the mail service exports it as (ActFor's: the
// system, so nothing counts as the user's reading).
func (s *Service) BackupUser(ctx context.Context, p actor.Actor, id int64) (*store.Account, actor.Actor, error) {
	if p.Role != actor.RoleOperator && p.Role != actor.RoleDomainAdmin {
		return nil, actor.Actor{}, ErrForbidden
	}
	a, err := s.AccountByID(ctx, p, id)
	if err != nil {
		return nil, actor.Actor{}, err
	}
	sys, err := s.ActFor(ctx, p, a.Address())
	if err != nil {
		return nil, actor.Actor{}, err
	}
	s.audit(ctx, p, a.DomainID, "user.backup", a.Address(), map[string]any{"messages": a.Usage.Messages, "bytes": a.Usage.Bytes})
	return a, sys, nil
}
