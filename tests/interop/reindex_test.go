package interop

import (
	"strings"
	"testing"
)

// TestReindex: `postroom reindex` rebuilds the search terms of every
// message while the server runs, and the store stays consistent.
func TestReindex(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp"}})
	user := uniqueAddr("reindex")
	s.AddUser(t, user)
	c, err := dialSMTP(s.Addr(t, "smtp"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Ehlo()
	for _, id := range []string{"ri1@interop.example", "ri2@interop.example"} {
		if r, err := c.Send("sender@remote.example", []string{user}, buildMessage("sender@remote.example", user, id, "견적서", 500)); err != nil || r.Code != 250 {
			t.Fatalf("send: %v %v", r, err)
		}
	}
	out := s.MustCLI(t, "reindex")
	if !strings.Contains(out, user+": 2 messages indexed\n") || !strings.Contains(out, "\n2 messages indexed") {
		t.Fatalf("reindex output (want both messages):\n%s", out)
	}
	if check := s.MustCLI(t, "check"); !strings.Contains(check, "consistent") {
		t.Fatalf("check:\n%s", check)
	}
}
