package send

import (
	"errors"
	"testing"

	"postroom/internal/deliver"
)

// Address literals and names that are not on the internet are refused as
// recipients (550 5.1.2), unless configured; hosted domains never are.
func TestAddRecipient_addressLiteralsAndInternalNamesRefused(t *testing.T) {
	f := newFixture(t, 0)
	env, err := f.svc.NewEnvelope(f.Ctx, f.asAlice, "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{
		"x@[127.0.0.1]", "x@[IPv6:::1]", "x@localhost", "x@LOCALHOST.", "x@db.localhost", "x@printer.local",
		"x@intranet", "x@127.0.0.1", "x@127.1", "x@0x7f.1", "x@10.0.0.5.", "x@nas.home.arpa", "x@git.internal",
		"x@host.corp", "x@site.invalid",
	} {
		err := f.svc.AddRecipient(f.Ctx, f.asAlice, env, addr)
		var de *deliver.Error
		if !errors.Is(err, ErrNotPublic) || !errors.As(err, &de) || de.Code != 550 || de.Enhanced != [3]int{5, 1, 2} {
			t.Errorf("%s: %v, want 550 5.1.2", addr, err)
		}
	}
	for _, addr := range []string{"kim@naver.com", "lee@mail.example.co.kr", "park@xn--3e0b707e.xn--3e0b707e", "bob@example.test", "choi@123.example.com"} {
		if err := f.svc.AddRecipient(f.Ctx, f.asAlice, env, addr); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if env.Len() != 5 {
		t.Fatalf("%d recipients, want 5: %v %v", env.Len(), env.Local, env.Remote)
	}
	// Configured: the smart host knows the company's own names.
	f.svc.InternalRecipients = true
	for _, addr := range []string{"x@[10.0.0.5]", "x@intranet", "x@git.internal"} {
		if err := f.svc.AddRecipient(f.Ctx, f.asAlice, env, addr); err != nil {
			t.Errorf("configured, %s: %v", addr, err)
		}
	}
	// The webmail shows it as an address it cannot send to.
	if got := recipientCode(ErrNotPublic); got != "invalid_address" {
		t.Errorf("the webmail's code %q", got)
	}
}
