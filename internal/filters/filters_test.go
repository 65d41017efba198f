package filters

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/jobs"
	"postroom/internal/message"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

func newService(t *testing.T) (*Service, *testbed.Bed) {
	b := testbed.New(t)
	r := &jobs.Runner{Store: b.Store, Log: testbed.Quiet()}
	t.Cleanup(r.Close)
	return &Service{Store: b.Store, Mail: b.Mail, Jobs: r, Log: testbed.Quiet()}, b
}

func moveRule(name, field, value string, mailbox int64) Filter {
	return Filter{Name: name, Enabled: true, Match: MatchAll,
		Conditions: []Condition{{Field: field, Op: OpContains, Value: value}},
		Actions:    []Action{{Type: ActionMove, Mailbox: mailbox}}}
}

func TestCreate_invalidRulesNameTheFieldAndSaveNothing(t *testing.T) {
	s, b := newService(t)
	alice := actor.User(b.Account("alice", nil))
	bob := b.Account("bob", nil)
	bobsInbox, _ := b.Store.MailboxByRole(b.Ctx, bob.ID, store.RoleInbox)
	work, _ := b.Store.CreateMailbox(b.Ctx, alice.AccountID, "Work")
	ok := func() Filter { return moveRule("r", FieldFrom, "boss", work.ID) }
	for _, tc := range []struct {
		name, field, reason string
		mod                 func(*Filter)
	}{
		{"no name", "name", "required", func(f *Filter) { f.Name = "  " }},
		{"unknown match", "match", "unknown", func(f *Filter) { f.Match = "some" }},
		{"no condition", "conditions", "required", func(f *Filter) { f.Conditions = nil }},
		{"no action", "actions", "required", func(f *Filter) { f.Actions = nil }},
		{"empty value", "conditions[0].value", "required", func(f *Filter) { f.Conditions[0].Value = " " }},
		{"unknown field", "conditions[0].field", "unknown", func(f *Filter) { f.Conditions[0].Field = "cc" }},
		{"unknown op", "conditions[0].op", "unknown", func(f *Filter) { f.Conditions[0].Op = "regex" }},
		{"unknown type", "actions[0].type", "unknown", func(f *Filter) { f.Actions[0].Type = "copy" }},
		{"another account's folder", "actions[0].mailbox", "not_found", func(f *Filter) { f.Actions[0].Mailbox = bobsInbox.ID }},
		{"no folder", "actions[0].mailbox", "required", func(f *Filter) { f.Actions[0].Mailbox = 0 }},
		{"forward invalid", "actions[1].address", "invalid_address", func(f *Filter) {
			f.Actions = append(f.Actions, Action{Type: ActionForward, Address: "not an address"})
		}},
		{"forward to own", "actions[1].address", "own_address", func(f *Filter) {
			f.Actions = append(f.Actions, Action{Type: ActionForward, Address: "Alice@Example.test"})
		}},
		{"two moves", "actions[1]", "too_many", func(f *Filter) { f.Actions = append(f.Actions, f.Actions[0]) }},
		{"too many conditions", "conditions", "too_many", func(f *Filter) {
			for range MaxConditions {
				f.Conditions = append(f.Conditions, f.Conditions[0])
			}
		}},
		{"too long value", "conditions[0].value", "too_long", func(f *Filter) { f.Conditions[0].Value = strings.Repeat("가", MaxValue+1) }},
	} {
		f := ok()
		tc.mod(&f)
		_, err := s.Create(b.Ctx, alice, f)
		ie, isInvalid := IsInvalid(err)
		if !isInvalid || ie.Field != tc.field || ie.Reason != tc.reason {
			t.Errorf("%s: %v, want %s %s", tc.name, err, tc.field, tc.reason)
		}
	}
	if fs, _ := s.List(b.Ctx, alice); len(fs) != 0 {
		t.Errorf("refused rules were saved: %+v", fs)
	}
	if _, err := s.Create(b.Ctx, alice, ok()); err != nil {
		t.Errorf("the valid rule: %v", err)
	}
}

func TestCreate_tooManyRules(t *testing.T) {
	s, b := newService(t)
	alice := actor.User(b.Account("alice", nil))
	f := Filter{Name: "r", Conditions: []Condition{{Field: FieldSubject, Op: OpContains, Value: "x"}}, Actions: []Action{{Type: ActionMarkRead}}}
	for i := range MaxFilters {
		if _, err := s.Create(b.Ctx, alice, f); err != nil {
			t.Fatalf("rule %d: %v", i, err)
		}
	}
	if _, err := s.Create(b.Ctx, alice, f); err == nil {
		t.Fatal("one rule more than MaxFilters was accepted")
	} else if ie, ok := IsInvalid(err); !ok || ie.Reason != "too_many" {
		t.Errorf("over the limit: %v", err)
	}
}

func TestTenancy_anotherAccountsRulesAreNotFound(t *testing.T) {
	s, b := newService(t)
	alice := actor.User(b.Account("alice", nil))
	bob := actor.User(b.Account("bob", nil))
	inbox, _ := b.Store.MailboxByRole(b.Ctx, alice.AccountID, store.RoleInbox)
	f, err := s.Create(b.Ctx, alice, moveRule("r", FieldFrom, "x", inbox.ID))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(b.Ctx, bob, f.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob reads: %v", err)
	}
	bobsInbox, _ := b.Store.MailboxByRole(b.Ctx, bob.AccountID, store.RoleInbox)
	if _, err := s.Update(b.Ctx, bob, f.ID, moveRule("mine", FieldFrom, "x", bobsInbox.ID)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob updates: %v", err)
	}
	if err := s.Delete(b.Ctx, bob, f.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob deletes: %v", err)
	}
	if _, err := s.Apply(b.Ctx, bob, f.ID, bobsInbox.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob applies: %v", err)
	}
	if _, err := s.Apply(b.Ctx, alice, f.ID, bobsInbox.ID); err == nil {
		t.Errorf("alice applies to bob's inbox")
	}
	if err := s.Order(b.Ctx, bob, []int64{f.ID}); err == nil {
		t.Errorf("bob orders alice's rule")
	}
	if _, err := s.List(b.Ctx, actor.CommandLine); !errors.Is(err, ErrForbidden) {
		t.Errorf("an operator lists: %v", err)
	}
}

func TestOrder_mustNameEachRuleOnce(t *testing.T) {
	s, b := newService(t)
	alice := actor.User(b.Account("alice", nil))
	inbox, _ := b.Store.MailboxByRole(b.Ctx, alice.AccountID, store.RoleInbox)
	var ids []int64
	for i := range 3 {
		f, err := s.Create(b.Ctx, alice, moveRule(fmt.Sprint(i), FieldFrom, "x", inbox.ID))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	if err := s.Order(b.Ctx, alice, ids[:2]); err == nil {
		t.Errorf("an order missing one accepted")
	} else if ie, ok := IsInvalid(err); !ok || ie.Field != "ids" {
		t.Errorf("incomplete order: %v", err)
	}
	if err := s.Order(b.Ctx, alice, []int64{ids[2], ids[0], ids[1]}); err != nil {
		t.Fatal(err)
	}
	fs, _ := s.List(b.Ctx, alice)
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, []string{"2", "0", "1"}) {
		t.Errorf("after ordering: %v", names)
	}
}

// Matching reads decoded headers and text: RFC 2047 words, EUC-KR
// bodies, Korean substrings; "to" covers To and Cc; case does not count.
func TestDecide_matchesDecodedTextCaseInsensitively(t *testing.T) {
	raw := "From: =?UTF-8?B?6rmA7LKg7IiY?= <Kim@Partner.co.kr>\r\n" +
		"To: alice@example.test\r\nCc: Team-List@example.test\r\n" +
		"Subject: =?EUC-KR?B?wda/5CDIuMDHIL7Is7s=?=\r\n" + // 주요 회의 안내
		"Content-Type: text/plain; charset=euc-kr\r\n\r\n" +
		"\xbf\xb9\xbb\xea \xc8\xae\xc0\xce \xb9\xd9\xb6\xf8\xb4\xcf\xb4\xd9\r\n" // 예산 확인 바랍니다
	m := message.Parse([]byte(raw))
	env := m.Envelope()
	msg := Message{Envelope: &env, Body: func() string { return m.TextPrefix(maxBody) }}
	rule := func(match string, conds ...Condition) []Filter {
		return []Filter{{ID: 1, Enabled: true, Match: match, Conditions: conds, Actions: []Action{{Type: ActionMarkRead}}}}
	}
	c := func(field, op, value string) Condition { return Condition{Field: field, Op: op, Value: value} }
	for _, tc := range []struct {
		name  string
		rules []Filter
		want  bool
	}{
		{"from name in Korean", rule(MatchAll, c(FieldFrom, OpContains, "철수")), true},
		{"from address, other case", rule(MatchAll, c(FieldFrom, OpContains, "kim@partner")), true},
		{"to covers Cc", rule(MatchAll, c(FieldTo, OpContains, "team-list")), true},
		{"subject EUC-KR word", rule(MatchAll, c(FieldSubject, OpContains, "회의")), true},
		{"body EUC-KR substring", rule(MatchAll, c(FieldBody, OpContains, "예산 확인")), true},
		{"body lacks", rule(MatchAll, c(FieldBody, OpContains, "계약")), false},
		{"not_contains", rule(MatchAll, c(FieldSubject, OpNotContains, "광고")), true},
		{"not_contains fails", rule(MatchAll, c(FieldSubject, OpNotContains, "안내")), false},
		{"all needs every", rule(MatchAll, c(FieldSubject, OpContains, "회의"), c(FieldFrom, OpContains, "lee")), false},
		{"any needs one", rule(MatchAny, c(FieldSubject, OpContains, "없음"), c(FieldFrom, OpContains, "partner.co.kr")), true},
		{"disabled never", []Filter{{ID: 1, Match: MatchAll, Conditions: []Condition{c(FieldSubject, OpContains, "회의")}}}, false},
	} {
		d := Decide(tc.rules, msg)
		if got := len(d.Matched) > 0; got != tc.want {
			t.Errorf("%s: matched %v, want %v", tc.name, got, tc.want)
		}
	}
	// decomposed Hangul (as a Mac types it) finds the composed text
	if d := Decide(rule(MatchAll, c(FieldSubject, OpContains, "\u1112\u116c\u110b\u1174")), msg); len(d.Matched) == 0 {
		t.Errorf("decomposed 회의 did not match")
	}
}

// The first matching move decides the folder; every matching rule's
// other actions add up; a delete anywhere discards.
func TestDecide_orderAndActions(t *testing.T) {
	env := store.Envelope{Subject: "invoice 42", From: []store.Address{{Addr: "billing@vendor.test"}}}
	msg := Message{Envelope: &env}
	r := func(id int64, value string, acts ...Action) Filter {
		return Filter{ID: id, Enabled: true, Match: MatchAll, Conditions: []Condition{{Field: FieldSubject, Op: OpContains, Value: value}}, Actions: acts}
	}
	d := Decide([]Filter{
		r(1, "nothing", Action{Type: ActionMove, Mailbox: 7}),
		r(2, "invoice", Action{Type: ActionMove, Mailbox: 8}),
		r(3, "42", Action{Type: ActionMove, Mailbox: 9}, Action{Type: ActionMarkRead}, Action{Type: ActionForward, Address: "a@b.test"}),
		r(4, "INVOICE", Action{Type: ActionForward, Address: "a@b.test"}),
	}, msg)
	if d.MailboxID != 8 || !d.MarkRead || d.Delete || !slices.Equal(d.Forward, []string{"a@b.test"}) || !slices.Equal(d.Matched, []int64{2, 3, 4}) {
		t.Errorf("decision: %+v", d)
	}
	d = Decide([]Filter{r(1, "invoice", Action{Type: ActionMove, Mailbox: 8}), r(2, "42", Action{Type: ActionDelete})}, msg)
	if !d.Delete {
		t.Errorf("a later delete did not discard: %+v", d)
	}
}

// Applying a rule to a folder of 300 messages is a job whose progress
// goes up by batches and whose result is exactly the matching messages
// moved and marked read.
func TestApply_threeHundredMessagesWithProgress(t *testing.T) {
	s, b := newService(t)
	acct := b.Account("alice", nil)
	alice := actor.User(acct)
	work, _ := b.Store.CreateMailbox(b.Ctx, acct.ID, "Work")
	var seen []int64
	s.Jobs.Progressed = func(j store.Job) { seen = append(seen, j.Done) }
	for i := range 300 {
		from := "someone@else.test"
		if i%3 == 0 {
			from = "boss@corp.test"
		}
		b.Put(acct.ID, "INBOX", fmt.Sprintf("From: %s\r\nTo: alice@example.test\r\nSubject: 보고 %d\r\n\r\nbody %d\r\n", from, i, i))
	}
	f := moveRule("boss", FieldFrom, "BOSS@corp", work.ID)
	f.Actions = append(f.Actions, Action{Type: ActionMarkRead})
	f.Enabled = false // applying works on a rule switched off too
	f, err := s.Create(b.Ctx, alice, f)
	if err != nil {
		t.Fatal(err)
	}
	inbox, _ := b.Store.MailboxByRole(b.Ctx, acct.ID, store.RoleInbox)
	j, err := s.Apply(b.Ctx, alice, f.ID, inbox.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Jobs.Wait(context.Background(), j.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.Jobs.Get(b.Ctx, alice, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.JobDone || got.Done != 300 || got.Total != 300 || got.Kind != JobApply {
		t.Fatalf("job: %+v", got)
	}
	if string(got.Result) != `{"matched":100,"moved":100,"marked_read":100,"deleted":0}` {
		t.Errorf("result %s", got.Result)
	}
	if want := []int64{0, 100, 200, 300}; !slices.Equal(seen, want) {
		t.Errorf("progress %v, want %v", seen, want)
	}
	check := func(mb *store.Mailbox, n int64, fromBoss bool) {
		st, _ := b.Store.MailboxStatus(b.Ctx, acct.ID, mb.ID)
		if st.Messages != n {
			t.Errorf("%s holds %d, want %d", mb.Name, st.Messages, n)
		}
		b.Store.Messages(b.Ctx, acct.ID, mb.ID, func(m *store.Message) error {
			if boss := m.Envelope.From[0].Addr == "boss@corp.test"; boss != fromBoss || m.HasFlag(store.FlagSeen) != fromBoss {
				t.Errorf("%s: %s seen=%v", mb.Name, m.Envelope.Subject, m.HasFlag(store.FlagSeen))
			}
			return nil
		})
	}
	check(inbox, 200, false)
	check(work, 100, true)
}

func TestApply_deleteGoesToTrash(t *testing.T) {
	s, b := newService(t)
	acct := b.Account("alice", nil)
	alice := actor.User(acct)
	for _, subj := range []string{"광고 1", "hello", "[광고] 2"} {
		b.Put(acct.ID, "INBOX", "From: x@y.test\r\nSubject: "+subj+"\r\n\r\nx\r\n")
	}
	f, err := s.Create(b.Ctx, alice, Filter{Name: "ads", Enabled: true, Conditions: []Condition{{Field: FieldSubject, Op: OpContains, Value: "광고"}},
		Actions: []Action{{Type: ActionDelete}}})
	if err != nil {
		t.Fatal(err)
	}
	inbox, _ := b.Store.MailboxByRole(b.Ctx, acct.ID, store.RoleInbox)
	trash, _ := b.Store.MailboxByRole(b.Ctx, acct.ID, store.RoleTrash)
	j, err := s.Apply(b.Ctx, alice, f.ID, inbox.ID)
	if err != nil {
		t.Fatal(err)
	}
	s.Jobs.Wait(b.Ctx, j.ID)
	in, _ := b.Store.MailboxStatus(b.Ctx, acct.ID, inbox.ID)
	tr, _ := b.Store.MailboxStatus(b.Ctx, acct.ID, trash.ID)
	if in.Messages != 1 || tr.Messages != 2 {
		t.Errorf("inbox %d, trash %d; want 1 and 2", in.Messages, tr.Messages)
	}
}
