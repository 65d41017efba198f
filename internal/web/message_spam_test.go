package web

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"postroom/internal/store"
)

// GET /api/v1/messages/{id} carries the verdict delivery gave the
// message, the user's own only: bob, who has the very same message
// without a verdict, sees none, and alice's message is a 404 to him.
func TestMessageGet_spamVerdictOfTheOwnerOnly(t *testing.T) {
	f := newFixture(t)
	raw := "From: promo@deals.test\r\nTo: alice@example.test\r\nSubject: (광고) 무료 대출\r\n\r\n무료 상담\r\n"
	spamMsg := f.Put(f.alice.ID, "Spam", raw)
	v := store.SpamVerdict{Verdict: "spam", Score: 0.97, Reasons: []string{"learned 0.97", "무료", "대출"}}
	if err := f.Store.SetSpamVerdict(f.Ctx, f.alice.ID, spamMsg.BlobKey, v); err != nil {
		t.Fatal(err)
	}
	plain := f.Put(f.alice.ID, "INBOX", "From: kim@remote.test\r\nSubject: 회의\r\n\r\n자료\r\n")
	bobs := f.Put(f.bob.ID, "INBOX", raw)

	alice := f.login(t, "alice@example.test")
	var got struct {
		Spam *spamJSON `json:"spam"`
	}
	if code := alice.do("GET", fmt.Sprintf("/api/v1/messages/%d", spamMsg.ID), nil, &got); code != 200 || got.Spam == nil ||
		!reflect.DeepEqual(*got.Spam, spamJSON{Verdict: "spam", Score: 0.97, Reasons: v.Reasons}) {
		t.Errorf("alice's spam: %d %+v", code, got.Spam)
	}
	var fields map[string]json.RawMessage
	if code := alice.do("GET", fmt.Sprintf("/api/v1/messages/%d", plain.ID), nil, &fields); code != 200 {
		t.Fatalf("alice's plain message: %d", code)
	}
	if _, ok := fields["spam"]; ok {
		t.Errorf("a message without a verdict has \"spam\": %s", fields["spam"])
	}

	bob := f.login(t, "bob@example.test")
	if code := bob.do("GET", fmt.Sprintf("/api/v1/messages/%d", spamMsg.ID), nil, nil); code != 404 {
		t.Errorf("bob reads alice's message: %d, want 404", code)
	}
	fields = nil
	if code := bob.do("GET", fmt.Sprintf("/api/v1/messages/%d", bobs.ID), nil, &fields); code != 200 {
		t.Fatalf("bob's copy: %d", code)
	}
	if _, ok := fields["spam"]; ok {
		t.Errorf("bob's copy of the same message shows alice's verdict: %s", fields["spam"])
	}
}
