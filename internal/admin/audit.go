package admin

// The audit log (issue 16): every change an administrator, the operator
// or an integration token makes through this service is recorded here,
// after it committed, with who, what, to what, when and from where.

import (
	"context"
	"encoding/json"
	"log/slog"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// MaxAuditPage bounds one page of the audit log.
const MaxAuditPage = 200

// audit records that a did action on target in the domain (0: the
// installation). detail is stored as JSON (nil: none) and must hold no
// secret. A failure to record is logged, not returned: the change has
// committed and the caller must hear that it did.
func (s *Service) audit(ctx context.Context, a actor.Actor, domainID int64, action, target string, detail any) {
	d := ""
	if detail != nil {
		b, err := json.Marshal(detail)
		if err == nil {
			d = string(b)
		}
	}
	e := &store.AuditEntry{DomainID: domainID, Actor: a.Name, Role: string(a.Role), Action: action, Target: target,
		Detail: d, Remote: a.Remote, At: s.now()}
	if err := s.Store.RecordAudit(context.WithoutCancel(ctx), e); err != nil {
		s.log().Error("audit entry not recorded", "action", action, "target", target, "actor", a.Name, "err", err)
	}
}

// Audit lists the audit log of the domain named name, newest first, from
// before (an entry's ID; 0 from the newest), at most limit entries (1 to
// MaxAuditPage): its administrator or the operator only.
func (s *Service) Audit(ctx context.Context, a actor.Actor, name string, before int64, limit int) ([]store.AuditEntry, error) {
	d, err := s.managedDomain(ctx, a, name) // "": an administrator's own
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxAuditPage {
		limit = MaxAuditPage
	}
	return s.Store.AuditEntries(ctx, d.ID, before, limit)
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
