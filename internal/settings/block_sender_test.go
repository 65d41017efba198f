package settings

import (
	"errors"
	"slices"
	"testing"

	"postroom/internal/actor"
)

// "Block this sender": the address joins the list (lower-case), once
// however often it is blocked, beside what the user had; another field
// stays; a wrong address saves nothing; only a user blocks for himself.
func TestBlockSender_addsOnceAndKeepsTheRest(t *testing.T) {
	s, b := newService(t)
	alice := b.Account("alice", nil)
	p := actor.User(alice)
	if _, err := s.Patch(b.Ctx, p, []byte(`{"spam":{"blocked_senders":["@junk.test"],"blocked_phrases":["광고"]}}`)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.BlockSender(b.Ctx, p, " Pest@Remote.test "); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Get(b.Ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Spam.BlockedSenders, []string{"@junk.test", "pest@remote.test"}) || !slices.Equal(got.Spam.BlockedPhrases, []string{"광고"}) {
		t.Errorf("after blocking: senders %q, phrases %q", got.Spam.BlockedSenders, got.Spam.BlockedPhrases)
	}
	_, err = s.BlockSender(b.Ctx, p, "not an address")
	wantInvalid(t, err, "spam.blocked_senders", "invalid_address")
	if _, err := s.BlockSender(b.Ctx, actor.System(alice.ID, "test"), "x@remote.test"); !errors.Is(err, ErrForbidden) {
		t.Errorf("BlockSender as the system: %v", err)
	}
}
