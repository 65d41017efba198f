package interop

// The domain's spam lists (M2) end to end: the domain's administrator
// sets them through the console's API (curl, as the browser does), swaks
// sends over the MX, and the recipient, whose own spam method is
// "personal" with no list of his own, finds the blocked sender's and the
// blocked phrase's messages in Spam and the others in INBOX, over IMAP
// (Python's imaplib, as a mail client does).

import (
	"testing"
)

func TestAdminSpam_domainListsOverSMTPEndInSpam(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "http"}})
	boss, carl := uniqueAddr("spam-boss"), uniqueAddr("spam-carl")
	s.AddUser(t, boss, "--admin")
	s.AddUser(t, carl)

	c := newCurlWeb(t, s)
	c.login(carl)
	if code := c.do("PATCH", "/api/v1/settings", map[string]any{"spam": map[string]any{"method": "personal"}}, nil); code != 200 {
		t.Fatalf("carl's spam method: %d", code)
	}
	c.login(boss)
	var bad struct {
		Error struct{ Field, Reason string }
	}
	if code := c.do("PUT", "/api/v1/admin/spam", map[string]any{"blocked_senders": []string{"@pest.example", "nodot"}}, &bad); code != 400 ||
		bad.Error.Field != "blocked_senders[1]" || bad.Error.Reason != "invalid_sender" {
		t.Fatalf("a malformed entry: %d %+v", code, bad)
	}
	var saved struct {
		BlockedSenders []string `json:"blocked_senders"`
		BlockedPhrases []string `json:"blocked_phrases"`
	}
	body := map[string]any{"blocked_senders": []string{"@Pest.Example"}, "blocked_phrases": []string{"cheap loans"}}
	if code := c.do("PUT", "/api/v1/admin/spam", body, &saved); code != 200 || len(saved.BlockedSenders) != 1 || saved.BlockedSenders[0] != "@pest.example" {
		t.Fatalf("save the lists: %d %+v", code, saved)
	}

	send := func(from, id, subject, text string) {
		t.Helper()
		out, code := swaks(t, s.Port(t, "smtp"), append([]string{"--from", from, "--to", carl, "--body", text},
			swaksMessage(id, subject)...)...)
		if code != 0 {
			t.Fatalf("swaks from %s: exit %d:\n%s", from, code, out)
		}
	}
	sender, phrase, clean := uniqueID("spam-sender"), uniqueID("spam-phrase"), uniqueID("spam-clean")
	send("seller@mail.pest.example", sender, "an offer", "hello")
	send("friend@remote.example", phrase, "news", "Get CHEAP LOANS today")
	send("friend@remote.example", clean, "lunch", "see you at noon")

	// 250 after DATA means stored: no waiting.
	find := func(mailbox, id string) []uint32 {
		t.Helper()
		r := runImapPy(t, s.imapPyParams(t, "plain", carl),
			pyOp("sel", "select", "mailbox", mailbox),
			pyOp("find", "search", "criteria", []string{"HEADER", "Message-ID", "<" + id + ">"}))
		requireImapPyOK(t, "search "+mailbox, r)
		r.ok(t, "sel")
		return r.ok(t, "find").Nums
	}
	for _, c := range []struct{ id, in, notIn string }{
		{sender, "Spam", "INBOX"},
		{phrase, "Spam", "INBOX"},
		{clean, "INBOX", "Spam"},
	} {
		if got := find(c.in, c.id); len(got) != 1 {
			t.Errorf("%s: %d in %s, want 1", c.id, len(got), c.in)
		}
		if got := find(c.notIn, c.id); len(got) != 0 {
			t.Errorf("%s: %d in %s, want none", c.id, len(got), c.notIn)
		}
	}
}
