package web

import (
	"context"
	"fmt"
	"testing"

	"postroom/internal/filters"
	"postroom/internal/jobs"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

func filtersFixture(t *testing.T) (*fixture, *jobs.Runner) {
	f := newFixture(t)
	r := &jobs.Runner{Store: f.Store, Log: testbed.Quiet()}
	t.Cleanup(r.Close)
	f.srv.Filters = &filters.Service{Store: f.Store, Mail: f.Mail, Jobs: r, Log: testbed.Quiet()}
	f.srv.Jobs = r
	return f, r
}

func TestFilters_createListUpdateOrderDelete(t *testing.T) {
	f, _ := filtersFixture(t)
	c := f.login(t, "alice@example.test")
	work := c.mailboxID("INBOX")
	var created filters.Filter
	rule := map[string]any{"name": "거래처", "match": "any",
		"conditions": []map[string]string{{"field": "from", "op": "contains", "value": "partner.co.kr"}},
		"actions":    []map[string]any{{"type": "move", "mailbox": work}, {"type": "mark_read"}}}
	if code := c.do("POST", "/api/v1/filters", rule, &created); code != 201 || created.ID == 0 || !created.Enabled || created.Actions[0].Mailbox != work {
		t.Fatalf("create: %d %+v", code, created)
	}
	rule["name"] = "second"
	var second filters.Filter
	c.do("POST", "/api/v1/filters", rule, &second)
	var list struct{ Filters []filters.Filter }
	if code := c.do("POST", "/api/v1/filters/order", map[string]any{"ids": []int64{second.ID, created.ID}}, &list); code != 200 ||
		len(list.Filters) != 2 || list.Filters[0].ID != second.ID {
		t.Fatalf("order: %d %+v", code, list)
	}
	var e errorAnswer
	if code := c.do("POST", "/api/v1/filters/order", map[string]any{"ids": []int64{second.ID}}, &e); code != 400 || e.Error.Field != "ids" {
		t.Errorf("incomplete order: %d %+v", code, e)
	}
	rule["enabled"] = false
	var upd filters.Filter
	if code := c.do("PUT", fmt.Sprintf("/api/v1/filters/%d", created.ID), rule, &upd); code != 200 || upd.Enabled || upd.ID != created.ID {
		t.Errorf("update: %d %+v", code, upd)
	}
	// bob sees none of it
	bob := f.login(t, "bob@example.test")
	if code := bob.do("PUT", fmt.Sprintf("/api/v1/filters/%d", created.ID), rule, nil); code != 404 {
		t.Errorf("bob updates alice's rule: %d", code)
	}
	if code := bob.do("DELETE", fmt.Sprintf("/api/v1/filters/%d", created.ID), nil, nil); code != 404 {
		t.Errorf("bob deletes alice's rule: %d", code)
	}
	var bobs struct{ Filters []filters.Filter }
	if bob.do("GET", "/api/v1/filters", nil, &bobs); len(bobs.Filters) != 0 {
		t.Errorf("bob lists %+v", bobs)
	}
	if code := c.doCSRF("DELETE", fmt.Sprintf("/api/v1/filters/%d", created.ID), nil, nil, ""); code != 403 {
		t.Errorf("delete without the CSRF token: %d", code)
	}
	if code := c.do("DELETE", fmt.Sprintf("/api/v1/filters/%d", created.ID), nil, nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
	c.do("GET", "/api/v1/filters", nil, &list)
	if len(list.Filters) != 1 || list.Filters[0].ID != second.ID {
		t.Errorf("after delete: %+v", list)
	}
}

func TestFilters_invalidRulesAre400WithTheField(t *testing.T) {
	f, _ := filtersFixture(t)
	c := f.login(t, "alice@example.test") // Korean
	bob := f.login(t, "bob@example.test")
	bobsInbox := bob.mailboxID("INBOX")
	cond := []map[string]string{{"field": "subject", "op": "contains", "value": "x"}}
	for _, tc := range []struct {
		name  string
		rule  map[string]any
		field string
	}{
		{"no condition", map[string]any{"name": "r", "actions": []map[string]any{{"type": "delete"}}}, "conditions"},
		{"no action", map[string]any{"name": "r", "conditions": cond}, "actions"},
		{"empty value", map[string]any{"name": "r", "conditions": []map[string]string{{"field": "to", "op": "contains", "value": ""}},
			"actions": []map[string]any{{"type": "delete"}}}, "conditions[0].value"},
		{"unknown op", map[string]any{"name": "r", "conditions": []map[string]string{{"field": "to", "op": "matches", "value": "x"}},
			"actions": []map[string]any{{"type": "delete"}}}, "conditions[0].op"},
		{"bob's folder", map[string]any{"name": "r", "conditions": cond, "actions": []map[string]any{{"type": "move", "mailbox": bobsInbox}}}, "actions[0].mailbox"},
		{"forward to self", map[string]any{"name": "r", "conditions": cond,
			"actions": []map[string]any{{"type": "forward", "address": "alice@example.test"}}}, "actions[0].address"},
		{"forward invalid", map[string]any{"name": "r", "conditions": cond,
			"actions": []map[string]any{{"type": "forward", "address": "alice@@x"}}}, "actions[0].address"},
	} {
		var e errorAnswer
		code := c.do("POST", "/api/v1/filters", tc.rule, &e)
		if code != 400 || e.Error.Code != "invalid" || e.Error.Field != tc.field || e.Error.Message == "" {
			t.Errorf("%s: %d %+v, want 400 invalid %s", tc.name, code, e, tc.field)
		}
	}
	var list struct{ Filters []filters.Filter }
	if c.do("GET", "/api/v1/filters", nil, &list); len(list.Filters) != 0 {
		t.Errorf("refused rules saved: %+v", list)
	}
}

// Applying a rule answers 202 with a job whose progress can be read
// while it runs (held after its first batch, 100 of 101 here: one more
// message than a batch is the least that makes a second step) and whose
// end is the result; another account's job is 404.
func TestFilters_applyIsAJobWithProgress(t *testing.T) {
	f, r := filtersFixture(t)
	c := f.login(t, "alice@example.test")
	const n = filters.ApplyBatch + 1
	const fromBoss = (n + 1) / 2 // the even ones
	for i := range n {
		from := "news@list.test"
		if i%2 == 0 {
			from = "boss@corp.test"
		}
		f.Put(f.alice.ID, "INBOX", fmt.Sprintf("From: %s\r\nSubject: %d\r\n\r\nx\r\n", from, i))
	}
	f.Store.CreateMailbox(f.Ctx, f.alice.ID, "Boss")
	boss, inbox := c.mailboxID("Boss"), c.mailboxID("INBOX")
	var rule filters.Filter
	c.do("POST", "/api/v1/filters", map[string]any{"name": "boss",
		"conditions": []map[string]string{{"field": "from", "op": "contains", "value": "boss@"}},
		"actions":    []map[string]any{{"type": "move", "mailbox": boss}}}, &rule)
	held, release := make(chan struct{}), make(chan struct{})
	r.Progressed = func(j store.Job) {
		if j.Done == filters.ApplyBatch {
			close(held)
			<-release
		}
	}
	var job jobJSON
	if code := c.do("POST", fmt.Sprintf("/api/v1/filters/%d/apply", rule.ID), map[string]any{"mailbox": inbox}, &job); code != 202 || job.ID == 0 || job.Kind != "filter_apply" {
		t.Fatalf("apply: %d %+v", code, job)
	}
	<-held
	var mid jobJSON
	path := fmt.Sprintf("/api/v1/jobs/%d", job.ID)
	if code := c.do("GET", path, nil, &mid); code != 200 || mid.State != "running" || mid.Done != filters.ApplyBatch || mid.Total != n {
		t.Errorf("while running: %d %+v", code, mid)
	}
	if code := f.login(t, "bob@example.test").do("GET", path, nil, nil); code != 404 {
		t.Errorf("bob reads alice's job: %d", code)
	}
	close(release)
	r.Wait(context.Background(), job.ID)
	var end jobJSON
	c.do("GET", path, nil, &end)
	if end.State != "done" || end.Done != n || string(end.Result) != fmt.Sprintf(`{"matched":%d,"moved":%d,"marked_read":0,"deleted":0}`, fromBoss, fromBoss) {
		t.Errorf("done: %+v %s", end, end.Result)
	}
	bossBox, _ := f.Store.MailboxByName(f.Ctx, f.alice.ID, "Boss")
	if st, _ := f.Store.MailboxStatus(f.Ctx, f.alice.ID, bossBox.ID); st.Messages != fromBoss {
		t.Errorf("Boss holds %d, want %d", st.Messages, fromBoss)
	}
	var e errorAnswer
	if code := c.do("POST", fmt.Sprintf("/api/v1/filters/%d/apply", rule.ID), map[string]any{"mailbox": f.login(t, "bob@example.test").mailboxID("INBOX")}, &e); code != 400 || e.Error.Field != "mailbox" {
		t.Errorf("apply to bob's inbox: %d %+v", code, e)
	}
}
