package settings

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

func newService(t *testing.T) (*Service, *testbed.Bed) {
	b := testbed.New(t)
	return &Service{Store: b.Store, Defaults: Defaults{SendDelay: 10 * time.Second}, Log: testbed.Quiet()}, b
}

func wantInvalid(t *testing.T, err error, field, reason string) {
	t.Helper()
	ie, ok := IsInvalid(err)
	if !ok || ie.Field != field || ie.Reason != reason {
		t.Fatalf("err %v, want invalid %s (%s)", err, field, reason)
	}
}

func TestGet_defaultsAndTheAccountsOwnFields(t *testing.T) {
	s, b := newService(t)
	alice := b.Account("alice", func(a *store.Account) { a.DisplayName, a.Language, a.TimeZone = "앨리스", "en", "UTC" })
	got, err := s.Get(b.Ctx, actor.User(alice))
	if err != nil {
		t.Fatal(err)
	}
	m := got.Mail
	if m.FirstFolder != "inbox" || m.Layout != "split" || m.PerPage != 50 || m.SendDelaySeconds != 10 || !m.SaveSent ||
		got.Spam.Method != "both" || got.Spam.Action != "move" || got.Spam.KeepDays != 30 || !got.Forwarding.KeepCopy {
		t.Errorf("defaults: %+v", got)
	}
	if got.Name != "앨리스" || got.Language != "en" || got.TimeZone != "UTC" {
		t.Errorf("account fields: %q %q %q", got.Name, got.Language, got.TimeZone)
	}
	if got.Forwarding.Addresses == nil || got.Spam.BlockedSenders == nil || got.Spam.BlockedPhrases == nil {
		t.Errorf("lists must be empty, not nil: %+v", got)
	}
	for _, other := range []actor.Actor{actor.CommandLine, actor.System(alice.ID, "test")} {
		if _, err := s.Get(b.Ctx, other); !errors.Is(err, ErrForbidden) {
			t.Errorf("Get as %s: %v", other.Name, err)
		}
		if _, err := s.Patch(b.Ctx, other, []byte(`{"name":"x"}`)); !errors.Is(err, ErrForbidden) {
			t.Errorf("Patch as %s: %v", other.Name, err)
		}
	}
}

func TestPatch_mergesOnlyNamedFields(t *testing.T) {
	s, b := newService(t)
	alice := b.Account("alice", nil)
	p := actor.User(alice)
	if _, err := s.Patch(b.Ctx, p, []byte(`{"mail":{"per_page":20},"spam":{"blocked_senders":["@Spam.example","x@y.example"]}}`)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Patch(b.Ctx, p, []byte(`{"mail":{"layout":"list"},"name":"Alice Kim","time_zone":"America/New_York"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Mail.PerPage != 20 || got.Mail.Layout != "list" || got.Mail.SendDelaySeconds != 10 || !got.Mail.IncludeOriginal {
		t.Errorf("mail after two patches: %+v", got.Mail)
	}
	if strings.Join(got.Spam.BlockedSenders, ",") != "@spam.example,x@y.example" {
		t.Errorf("blocked senders: %q", got.Spam.BlockedSenders)
	}
	acct, _ := b.Store.Account(b.Ctx, alice.ID)
	if acct.DisplayName != "Alice Kim" || acct.TimeZone != "America/New_York" {
		t.Errorf("name and zone live in the account: %q %q", acct.DisplayName, acct.TimeZone)
	}
	again, _ := s.Get(b.Ctx, p)
	if again.Mail.PerPage != 20 || again.Name != "Alice Kim" {
		t.Errorf("read back: %+v", again)
	}
}

func TestPatch_invalidNamesTheFieldAndSavesNothing(t *testing.T) {
	s, b := newService(t)
	alice := b.Account("alice", nil)
	b.Account("bob", nil)
	p := actor.User(alice)
	long := strings.Repeat("가", MaxName+1)
	for _, c := range []struct{ patch, field, reason string }{
		{`{"mail":{"layout":"grid"}}`, "mail.layout", "invalid"},
		{`{"mail":{"per_page":5}}`, "mail.per_page", "range"},
		{`{"mail":{"per_page":"20"}}`, "mail.per_page", "type"},
		{`{"mail":{"send_delay_seconds":601}}`, "mail.send_delay_seconds", "range"},
		{`{"mail":{"send_delay_seconds":-1}}`, "mail.send_delay_seconds", "range"},
		{`{"mail":{"first_folder":""}}`, "mail.first_folder", "invalid"},
		{`{"forwarding":{"addresses":["ok@remote.example","not an address"]}}`, "forwarding.addresses[1]", "invalid_address"},
		{`{"forwarding":{"addresses":["ALICE@example.test"]}}`, "forwarding.addresses[0]", "own_address"},
		{`{"forwarding":{"addresses":["a@r.example","b@r.example","c@r.example","d@r.example","e@r.example","f@r.example","g@r.example","h@r.example","i@r.example","j@r.example","k@r.example"]}}`, "forwarding.addresses", "too_many"},
		{`{"vacation":{"enabled":true,"start":"2026-07-10","end":"2026-07-01"}}`, "vacation.end", "before_start"},
		{`{"vacation":{"start":"2026-7-1"}}`, "vacation.start", "invalid_date"},
		{`{"vacation":{"enabled":true,"start":"2026-07-01"}}`, "vacation.end", "required"},
		{`{"signature":{"html":"` + strings.Repeat("x", MaxHTML+1) + `"}}`, "signature.html", "too_long"},
		{`{"spam":{"method":"mine"}}`, "spam.method", "invalid"},
		{`{"spam":{"action":"keep"}}`, "spam.action", "invalid"},
		{`{"spam":{"keep_days":0}}`, "spam.keep_days", "range"},
		{`{"spam":{"blocked_senders":["no domain"]}}`, "spam.blocked_senders[0]", "invalid_address"},
		{`{"spam":{"blocked_phrases":["  "]}}`, "spam.blocked_phrases[0]", "required"},
		{`{"language":"fr"}`, "language", "invalid"},
		{`{"time_zone":"Mars/Olympus"}`, "time_zone", "invalid"},
		{`{"time_zone":"Local"}`, "time_zone", "invalid"},
		{`{"recovery_email":"alice@example.test"}`, "recovery_email", "own_address"},
		{`{"recovery_email":"nope"}`, "recovery_email", "invalid_address"},
		{`{"name":"` + long + `"}`, "name", "invalid"},
		{`{"name":"a\r\nBcc: x@y.example"}`, "name", "invalid"},
		{`{"mail":{"colour":"red"}}`, "mail.colour", "unknown_field"},
		{`[1]`, "", "type"},
	} {
		// every bad patch also names a good field: it must not be saved either
		patch := c.patch
		if strings.HasPrefix(patch, "{") {
			patch = `{"notifications":{"desktop":true},` + patch[1:]
		}
		_, err := s.Patch(b.Ctx, p, []byte(patch))
		t.Run(c.field+"_"+c.reason, func(t *testing.T) { wantInvalid(t, err, c.field, c.reason) })
	}
	got, _ := s.Get(b.Ctx, p)
	if got.Notifications.Desktop || got.Language != "ko" {
		t.Errorf("a refused patch saved something: %+v", got)
	}
	// forwarding to a colleague is fine
	if _, err := s.Patch(b.Ctx, p, []byte(`{"forwarding":{"addresses":["bob@example.test"],"keep_copy":false}}`)); err != nil {
		t.Errorf("forward to a colleague: %v", err)
	}
}

func TestPatch_htmlIsSanitised(t *testing.T) {
	s, b := newService(t)
	p := actor.User(b.Account("alice", nil))
	got, err := s.Patch(b.Ctx, p, []byte(`{"signature":{"html":"<b>김</b><script>alert(1)</script><img src=x onerror=alert(2)><p style=\"color:red\">A <a href=\"https://x.example/\">link</a></p><table><tr><td>1</td></tr></table><img src=\"https://x.example/logo.png\">"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if h := got.Signature.HTML; !strings.Contains(h, "<b>김</b>") || strings.Contains(h, "script") || strings.Contains(h, "onerror") {
		t.Errorf("signature: %q", h)
	}
	// every save checks the whole document again: a stored signature
	// must come out of it unchanged
	again, err := s.Patch(b.Ctx, p, []byte(`{"name":"x"}`))
	if err != nil || again.Signature.HTML != got.Signature.HTML {
		t.Errorf("a later save changed the signature: %q → %q (%v)", got.Signature.HTML, again.Signature.HTML, err)
	}
}

// Two tabs saving different fields at once: each keeps its change
// (compare-and-swap on the settings' version, retried on conflict).
func TestPatch_concurrentPatchesOfDifferentFieldsAllSurvive(t *testing.T) {
	s, b := newService(t)
	p := actor.User(b.Account("alice", nil))
	const n = 8
	patches := []string{}
	for i := range n {
		patches = append(patches, fmt.Sprintf(`{"spam":{"blocked_phrases":["p%d"]}}`, i)) // one field written by all
	}
	patches = append(patches, `{"mail":{"per_page":30}}`, `{"mail":{"layout":"list"}}`, `{"name":"N"}`,
		`{"notifications":{"desktop":true}}`, `{"vacation":{"subject":"away"}}`, `{"spam":{"keep_days":7}}`)
	var wg sync.WaitGroup
	errs := make(chan error, len(patches))
	start := make(chan struct{})
	for _, patch := range patches {
		wg.Go(func() {
			<-start
			_, err := s.Patch(b.Ctx, p, []byte(patch))
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.Get(b.Ctx, p)
	if got.Mail.PerPage != 30 || got.Mail.Layout != "list" || got.Name != "N" || !got.Notifications.Desktop ||
		got.Vacation.Subject != "away" || got.Spam.KeepDays != 7 || len(got.Spam.BlockedPhrases) != 1 {
		t.Errorf("a concurrent change was lost: %+v", got)
	}
}

// The config's undo_send is the default delay even when it is longer
// than a user may choose; saving other fields keeps it.
func TestDefaults_aLongConfigDelayStaysTheDefault(t *testing.T) {
	s, b := newService(t)
	s.Defaults.SendDelay = 15 * time.Minute
	p := actor.User(b.Account("alice", nil))
	got, err := s.Patch(b.Ctx, p, []byte(`{"mail":{"layout":"list"}}`))
	if err != nil || got.Mail.SendDelaySeconds != 900 {
		t.Fatalf("default 900 s: %d %v", got.Mail.SendDelaySeconds, err)
	}
	_, err = s.Patch(b.Ctx, p, []byte(`{"mail":{"send_delay_seconds":901}}`))
	wantInvalid(t, err, "mail.send_delay_seconds", "range")
}
