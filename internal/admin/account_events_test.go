package admin

import (
	"testing"

	"postroom/internal/actor"
	"postroom/internal/events"
)

// Every change of an account is announced after commit (AccountChange):
// an update (suspension included), a new password, a removal, and the
// removal of its domain; a refused change announces nothing.
func TestAccountChanges_areAnnounced(t *testing.T) {
	s, b := newService(t)
	bus := events.NewLocal()
	s.Events = bus
	kim := b.Account("kim", nil)
	ch, cancel := bus.Subscribe(kim.ID)
	defer cancel()
	announced := func(what string) {
		t.Helper()
		select {
		case e := <-ch:
			if e.Kind != events.AccountChange || e.AccountID != kim.ID {
				t.Fatalf("%s: announced %+v", what, e)
			}
		default:
			t.Fatalf("%s: not announced", what)
		}
		select {
		case e := <-ch:
			t.Fatalf("%s: announced twice (%+v)", what, e)
		default:
		}
	}
	off := false
	if _, err := s.UpdateAccount(b.Ctx, actor.CommandLine, kim.Address(), AccountChange{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	announced("suspension")
	if err := s.SetPassword(b.Ctx, actor.CommandLine, kim.Address(), "a-new-password-26"); err != nil {
		t.Fatal(err)
	}
	announced("new password")
	if err := s.SetPassword(b.Ctx, actor.CommandLine, kim.Address(), "short"); err == nil {
		t.Fatal("a short password was set")
	}
	select {
	case e := <-ch:
		t.Fatalf("a refused change announced %+v", e)
	default:
	}
	if err := s.DeleteAccount(b.Ctx, actor.CommandLine, kim.Address()); err != nil {
		t.Fatal(err)
	}
	announced("removal")

	d, err := s.CreateDomain(b.Ctx, actor.CommandLine, "gone.test")
	if err != nil {
		t.Fatal(err)
	}
	lee, err := s.CreateAccount(b.Ctx, actor.CommandLine, NewAccount{Address: "lee@gone.test", Password: "lees-password-26"})
	if err != nil {
		t.Fatal(err)
	}
	ch2, cancel2 := bus.Subscribe(lee.ID)
	defer cancel2()
	if err := s.DeleteDomain(b.Ctx, actor.CommandLine, d.Name); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-ch2:
		if e.Kind != events.AccountChange {
			t.Fatalf("the domain's removal announced %+v", e)
		}
	default:
		t.Fatal("the removal of an account's domain was not announced")
	}
}
