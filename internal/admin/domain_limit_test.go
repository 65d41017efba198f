package admin

import (
	"errors"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// The hourly sending limit of a domain (issue 19) is the operator's: he
// sets a number, -1 (none) or 0 (the server's default) and it is audited;
// the domain's administrator may not; below -1 is refused, nothing
// written.
func TestUpdateDomain_messagesPerHourIsTheOperators(t *testing.T) {
	s, b := newService(t)
	boss := actor.User(b.Account("boss", func(a *store.Account) { a.Admin = true }))
	for _, n := range []int{2, -1, 0} {
		d, err := s.UpdateDomain(b.Ctx, actor.CommandLine, "example.test", DomainChange{MessagesPerHour: ptr(n)})
		if err != nil || d.MessagesPerHour != n {
			t.Fatalf("operator sets %d: %+v %v", n, d, err)
		}
		if d, err := b.Store.Domain(b.Ctx, "example.test"); err != nil || d.MessagesPerHour != n {
			t.Fatalf("stored %d: %+v %v", n, d, err)
		}
	}
	if _, err := s.UpdateDomain(b.Ctx, boss, "example.test", DomainChange{MessagesPerHour: ptr(1000)}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("the administrator raised his own limit: %v", err)
	}
	var ie *InvalidError
	if _, err := s.UpdateDomain(b.Ctx, actor.CommandLine, "example.test", DomainChange{MessagesPerHour: ptr(-2)}); !errors.As(err, &ie) ||
		ie.Code != "invalid_messages_per_hour" || ie.Field != "messages_per_hour" {
		t.Fatalf("-2: %v", err)
	}
	if got := auditActions(t, s, b.Domain.ID); len(got) != 3 {
		t.Fatalf("audit %v, want the three changes", got)
	}
}
