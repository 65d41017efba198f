package interop

// Mailing lists (M4) end to end: the domain's administrator makes a list
// through the console's API (curl, as the browser does), swaks sends to
// it over the MX, and each member reads his one copy over IMAP (go-imap's
// client, as a mail client does).

import (
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestLists_swaksToAListReachesEveryMemberOverIMAP(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "http"}})
	boss, ann, ben := uniqueAddr("list-boss"), uniqueAddr("list-ann"), uniqueAddr("list-ben")
	s.AddUser(t, boss, "--admin")
	s.AddUser(t, ann)
	s.AddUser(t, ben)
	list := uniqueAddr("list-sales")
	c := newCurlWeb(t, s)
	c.login(boss)
	var made struct {
		ID      int64
		Address string
		Members []string
	}
	body := map[string]any{"address": list, "name": "Sales", "members": []string{ann, ben}, "members_only": true}
	if code := c.do("POST", "/api/v1/admin/lists", body, &made); code != 201 || made.Address != list || len(made.Members) != 2 {
		t.Fatalf("create the list: %d %+v", code, made)
	}

	// A stranger is refused at RCPT: "members only".
	out, code := swaks(t, s.Port(t, "smtp"), append([]string{"--from", "stranger@remote.example", "--to", list},
		swaksMessage(uniqueID("list-stranger"), "from a stranger")...)...)
	if code == 0 || !strings.Contains(out, "550 5.7.1") {
		t.Fatalf("a stranger's message to the list: exit %d:\n%s", code, out)
	}

	// A member writes to the list and to ben directly: each member gets
	// the message once.
	id := uniqueID("list-member")
	out, code = swaks(t, s.Port(t, "smtp"), append([]string{"--from", ann, "--to", list + "," + ben},
		swaksMessage(id, "리스트에 보냅니다")...)...)
	if code != 0 {
		t.Fatalf("swaks exit %d:\n%s", code, out)
	}
	for _, member := range []string{ann, ben} {
		imapc := igLogin(t, s, member, member, nil)
		if sel := imapc.igSelect(t, "INBOX"); sel.NumMessages == 0 {
			t.Errorf("%s: INBOX is empty", member)
			continue
		}
		var all imap.SeqSet
		all.AddRange(1, 0) // 1:*
		msgs := imapc.igFetch(t, all, &imap.FetchOptions{Envelope: true, UID: true})
		n := 0
		for _, m := range msgs {
			if m.Envelope != nil && m.Envelope.MessageID == id {
				n++
				if m.Envelope.Subject != "리스트에 보냅니다" {
					t.Errorf("%s: subject %q", member, m.Envelope.Subject)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s has %d copies of the list's message in INBOX, want 1 (of %d messages)", member, n, len(msgs))
		}
	}
}
