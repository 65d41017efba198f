package web

import (
	"slices"
	"testing"
)

// POST /api/v1/settings/blocked-senders adds to the user's own list,
// once; a wrong address is 400 naming the list; bob's list is his own.
func TestSettingsBlockSender_addsToTheOwnList(t *testing.T) {
	f := settingsFixture(t)
	alice := f.login(t, "alice@example.test")
	var got settingsAnswer
	for range 2 {
		got = settingsAnswer{}
		if code := alice.do("POST", "/api/v1/settings/blocked-senders", map[string]string{"address": "Pest@Remote.test"}, &got); code != 200 {
			t.Fatalf("block: %d", code)
		}
	}
	if !slices.Equal(got.Spam.BlockedSenders, []string{"pest@remote.test"}) {
		t.Errorf("alice's blocked senders %q", got.Spam.BlockedSenders)
	}
	got = settingsAnswer{}
	if code := alice.do("POST", "/api/v1/settings/blocked-senders", map[string]string{"address": "x y"}, &got); code != 400 ||
		got.Error.Field != "spam.blocked_senders" || got.Error.Reason != "invalid_address" {
		t.Errorf("a wrong address: %d %+v", code, got.Error)
	}
	bob := f.login(t, "bob@example.test")
	got = settingsAnswer{}
	if code := bob.do("GET", "/api/v1/settings", nil, &got); code != 200 || len(got.Spam.BlockedSenders) != 0 {
		t.Errorf("bob's list: %d %q", code, got.Spam.BlockedSenders)
	}
	if code := alice.doCSRF("POST", "/api/v1/settings/blocked-senders", map[string]string{"address": "a@b.test"}, nil, ""); code != 403 {
		t.Errorf("without CSRF: %d", code)
	}
}
