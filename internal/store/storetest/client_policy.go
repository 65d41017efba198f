package storetest

import (
	"errors"

	"postroom/internal/store"
)

var clientPolicyTests = []test{
	{"clientPolicy_savesOnlyItsFields", testClientPolicy},
	{"clientPolicy_refusesUnknownPOP3DeleteAndAccount", testClientPolicyInvalid},
}

// SetClientPolicy writes the switch and the POP3 delete behaviour, and
// nothing else: a password an administrator set in between stays.
func testClientPolicy(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	changed := *a
	changed.PasswordHash = "$argon2id$v=19$m=65536,t=3,p=4$bmV3$bmV3"
	changed.QuotaBytes = 12345
	e.ok(e.s.UpdateAccount(e.ctx, &changed), "UpdateAccount")
	e.ok(e.s.SetClientPolicy(e.ctx, a.ID, false, store.POP3Trash), "SetClientPolicy")
	got, err := e.s.Account(e.ctx, a.ID)
	e.ok(err, "Account")
	if got.ClientAccess || got.POP3Delete != store.POP3Trash {
		e.Errorf("after SetClientPolicy(false, trash): client_access=%v pop3_delete=%q", got.ClientAccess, got.POP3Delete)
	}
	if got.PasswordHash != changed.PasswordHash || got.QuotaBytes != 12345 || !got.Enabled || got.DisplayName != a.DisplayName {
		e.Errorf("SetClientPolicy changed other fields: %+v", got)
	}
	e.ok(e.s.SetClientPolicy(e.ctx, a.ID, true, store.POP3Delete), "SetClientPolicy again")
	if got, _ = e.s.Account(e.ctx, a.ID); !got.ClientAccess || got.POP3Delete != store.POP3Delete {
		e.Errorf("after SetClientPolicy(true, delete): %v %q", got.ClientAccess, got.POP3Delete)
	}
	if other, _ := e.s.Account(e.ctx, b.ID); !other.ClientAccess || other.POP3Delete != store.POP3Keep {
		e.Errorf("another account changed: %v %q", other.ClientAccess, other.POP3Delete)
	}
}

func testClientPolicyInvalid(e *env) {
	a := e.account("alice@example.com")
	if err := e.s.SetClientPolicy(e.ctx, a.ID, false, "shred"); !errors.Is(err, store.ErrInvalid) {
		e.Errorf("unknown POP3 delete: %v, want ErrInvalid", err)
	}
	if got, _ := e.s.Account(e.ctx, a.ID); !got.ClientAccess || got.POP3Delete != store.POP3Keep {
		e.Errorf("a refused change was saved: %v %q", got.ClientAccess, got.POP3Delete)
	}
	if err := e.s.SetClientPolicy(e.ctx, a.ID+1000, true, store.POP3Keep); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("unknown account: %v, want ErrNotFound", err)
	}
}
