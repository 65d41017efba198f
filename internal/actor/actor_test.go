package actor

import "testing"

// Only a user or a domain administrator has an account of his own to
// change; the operator, the command line and the system acting for an
// account do not (their changes to an account go through other rules).
func TestOwnAccount(t *testing.T) {
	for _, c := range []struct {
		a    Actor
		id   int64
		want bool
	}{
		{Actor{Role: RoleUser, AccountID: 7}, 7, true},
		{Actor{Role: RoleDomainAdmin, AccountID: 8}, 8, true},
		{Actor{Role: RoleUser}, 0, false},
		{Actor{Role: RoleOperator, OperatorID: 1}, 0, false},
		{CommandLine, 0, false},
		{System(9, "delivery"), 0, false},
	} {
		if id, ok := c.a.OwnAccount(); id != c.id || ok != c.want {
			t.Errorf("%+v: OwnAccount = %d, %v; want %d, %v", c.a, id, ok, c.id, c.want)
		}
	}
}
