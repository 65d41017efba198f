package interop

// Filter rules (S4) acting on mail from the internet: rules made over the
// web API, messages sent with swaks to the MX listener, and where they
// landed read back with the go-imap client: a move into a Korean-named
// folder, mark read, delete, and the order of two rules deciding.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// filterCall sends a JSON request with the session's CSRF token and
// decodes the answer into out (when not nil); it returns the status.
func (c *webClient) filterCall(t *testing.T, method, path string, body, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode
}

func TestSwaksMX_filterRulesActOnDelivery(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "http", "imap"}})
	alice := uniqueAddr("filter-alice")
	s.AddUser(t, alice)
	web := webLogin(t, "http://"+s.Addr(t, "http"), alice)
	var folder struct{ ID int64 }
	if code := web.filterCall(t, "POST", "/api/v1/mailboxes", map[string]string{"name": "거래처"}, &folder); code != 201 {
		t.Fatalf("create folder: %d", code)
	}
	var mbs struct {
		Mailboxes []struct {
			ID   int64
			Name string
		}
	}
	web.filterCall(t, "GET", "/api/v1/mailboxes", nil, &mbs)
	var archive int64
	for _, m := range mbs.Mailboxes {
		if m.Name == "Archive" {
			archive = m.ID
		}
	}
	rule := func(name, field, value string, actions ...map[string]any) int64 {
		t.Helper()
		var f struct{ ID int64 }
		body := map[string]any{"name": name, "conditions": []map[string]string{{"field": field, "op": "contains", "value": value}}, "actions": actions}
		if code := web.filterCall(t, "POST", "/api/v1/filters", body, &f); code != 201 {
			t.Fatalf("rule %s: %d", name, code)
		}
		return f.ID
	}
	move := func(id int64) map[string]any { return map[string]any{"type": "move", "mailbox": id} }
	partner := rule("거래처", "from", "PARTNER.co.kr", move(folder.ID))
	quote := rule("견적은 읽음", "subject", "견적", map[string]any{"type": "mark_read"})
	ads := rule("광고 삭제", "subject", "광고", map[string]any{"type": "delete"})
	ordersA := rule("주문 → 보관함", "subject", "주문", move(archive))
	ordersB := rule("주문 → 거래처", "subject", "주문", move(folder.ID))
	var bad struct{ Error struct{ Code, Field string } }
	if code := web.filterCall(t, "POST", "/api/v1/filters", map[string]any{"name": "x", "actions": []map[string]any{{"type": "delete"}}}, &bad); code != 400 ||
		bad.Error.Code != "invalid" || bad.Error.Field != "conditions" {
		t.Errorf("a rule without conditions: %d %+v", code, bad)
	}

	send := func(from, subject string) string {
		t.Helper()
		id := uniqueID("filter")
		args := append([]string{"--from", from, "--to", alice, "--header", "To: " + alice, "--header", "From: " + from},
			swaksMessage(id, utf8Word(subject))...)
		if out, code := swaks(t, s.Port(t, "smtp"), args...); code != 0 {
			t.Fatalf("swaks exit %d:\n%s", code, out)
		}
		return id
	}
	quoteID := send("kim@partner.co.kr", "견적 요청드립니다") // rules 1 and 2: moved and read
	adID := send("promo@shop.example", "[광고] 특가")     // rule 3: not stored
	orderA := send("buyer@shop.example", "주문 1")      // rule 4 before rule 5: Archive
	plainID := send("friend@else.example", "안녕")      // no rule: Inbox, unread
	order := []int64{partner, quote, ads, ordersB, ordersA}
	var list struct{ Filters []struct{ ID int64 } }
	if code := web.filterCall(t, "POST", "/api/v1/filters/order", map[string]any{"ids": order}, &list); code != 200 || len(list.Filters) != 5 || list.Filters[3].ID != ordersB {
		t.Fatalf("order: %d %+v", code, list)
	}
	orderB := send("buyer@shop.example", "주문 2") // now rule 5 comes first: 거래처

	c := igLogin(t, s, "alice", alice, nil)
	where := map[string]map[string][]imap.Flag{} // message id → folder → flags
	for _, name := range []string{"INBOX", "거래처", "Archive", "Trash", "Spam"} {
		if c.igSelect(t, name).NumMessages == 0 {
			continue
		}
		for _, m := range c.igFetch(t, imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{Envelope: true, Flags: true}) {
			id := strings.Trim(m.Envelope.MessageID, "<>")
			if where[id] == nil {
				where[id] = map[string][]imap.Flag{}
			}
			where[id][name] = m.Flags
		}
	}
	seen := func(flags []imap.Flag) bool {
		for _, f := range flags {
			if f == imap.FlagSeen {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		name, id, folder string
		seen             bool
	}{
		{"moved by sender and marked read", quoteID, "거래처", true},
		{"first of two rules", orderA, "Archive", false},
		{"first after reordering", orderB, "거래처", false},
		{"no rule", plainID, "INBOX", false},
	} {
		got := where[tc.id]
		flags, ok := got[tc.folder]
		if len(got) != 1 || !ok || seen(flags) != tc.seen {
			t.Errorf("%s: found in %v, want only %s (seen %v)", tc.name, got, tc.folder, tc.seen)
		}
	}
	if got := where[adID]; len(got) != 0 {
		t.Errorf("the deleted message is in %v", got)
	}
}
