package storetest

import (
	"errors"
	"time"

	"postroom/internal/store"
)

var settingsTests = []test{
	{"settings_savedWithAccountFields", testSettingsSave},
	{"settings_staleVersionConflicts", testSettingsConflict},
	{"settings_goWithTheAccount", testSettingsAccountDeleted},
	{"passwordReset_onceAndExpires", testPasswordReset},
	{"setAccountPassword_endsOtherSessions", testSetAccountPassword},
	{"sentCopy_byMessageIDInOneMailbox", testSentCopy},
}

func testSettingsSave(e *env) {
	a := e.account("alice@example.com")
	st, err := e.s.AccountSettings(e.ctx, a.ID)
	e.ok(err, "AccountSettings")
	if st.Doc != nil || st.Version != 0 || st.Language != a.Language || st.TimeZone != a.TimeZone {
		e.Fatalf("never saved: %+v", st)
	}
	st.Doc, st.DisplayName, st.Language, st.TimeZone = []byte(`{"x":1}`), "앨리스", "en", "UTC"
	e.ok(e.s.SaveAccountSettings(e.ctx, st), "SaveAccountSettings")
	if st.Version != 1 {
		e.Errorf("version after the first save: %d", st.Version)
	}
	got, err := e.s.AccountSettings(e.ctx, a.ID)
	e.ok(err, "AccountSettings")
	if string(got.Doc) != `{"x":1}` || got.Version != 1 || got.DisplayName != "앨리스" || got.Language != "en" || got.TimeZone != "UTC" {
		e.Errorf("read back: %+v", got)
	}
	acct, err := e.s.Account(e.ctx, a.ID)
	e.ok(err, "Account")
	if acct.DisplayName != "앨리스" || acct.Language != "en" || acct.TimeZone != "UTC" {
		e.Errorf("the account's row: %q %q %q", acct.DisplayName, acct.Language, acct.TimeZone)
	}
	if _, err := e.s.AccountSettings(e.ctx, a.ID+1000); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("unknown account: %v", err)
	}
}

func testSettingsConflict(e *env) {
	a := e.account("alice@example.com")
	first, err := e.s.AccountSettings(e.ctx, a.ID)
	e.ok(err, "AccountSettings")
	second := *first
	first.Doc, first.DisplayName = []byte(`{"a":1}`), "first"
	e.ok(e.s.SaveAccountSettings(e.ctx, first), "first save")
	second.Doc, second.DisplayName = []byte(`{"b":2}`), "second"
	if err := e.s.SaveAccountSettings(e.ctx, &second); !errors.Is(err, store.ErrConflict) {
		e.Fatalf("a save from a stale version: %v, want ErrConflict", err)
	}
	got, _ := e.s.AccountSettings(e.ctx, a.ID)
	if string(got.Doc) != `{"a":1}` || got.DisplayName != "first" {
		e.Errorf("the refused save wrote: %+v", got)
	}
}

func testSettingsAccountDeleted(e *env) {
	a := e.account("alice@example.com")
	st, _ := e.s.AccountSettings(e.ctx, a.ID)
	st.Doc = []byte(`{"recovery_email":"old@remote.test"}`)
	e.ok(e.s.SaveAccountSettings(e.ctx, st), "save")
	e.ok(e.s.CreatePasswordReset(e.ctx, "h1", a.ID, baseTime.Add(time.Hour)), "CreatePasswordReset")
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	b := e.account("bob@example.com") // may reuse the id
	got, err := e.s.AccountSettings(e.ctx, b.ID)
	e.ok(err, "AccountSettings")
	if got.Doc != nil || got.Version != 0 {
		e.Errorf("a new account found a removed one's settings: %+v", got)
	}
	if _, err := e.s.PasswordReset(e.ctx, "h1", baseTime); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("a removed account's reset token: %v", err)
	}
}

func testPasswordReset(e *env) {
	a := e.account("alice@example.com")
	exp := time.Now().Add(30 * time.Minute)
	e.ok(e.s.CreatePasswordReset(e.ctx, "t1", a.ID, exp), "create t1")
	e.ok(e.s.CreatePasswordReset(e.ctx, "t2", a.ID, exp), "create t2")
	now := exp.Add(-time.Minute)
	if id, err := e.s.PasswordReset(e.ctx, "t1", now); err != nil || id != a.ID {
		e.Fatalf("PasswordReset: %d %v", id, err)
	}
	if _, err := e.s.PasswordReset(e.ctx, "t1", exp); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("at expiry: %v", err)
	}
	if _, err := e.s.UsePasswordReset(e.ctx, "t1", exp.Add(time.Second)); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("used after expiry: %v", err)
	}
	if id, err := e.s.UsePasswordReset(e.ctx, "t1", now); err != nil || id != a.ID {
		e.Fatalf("UsePasswordReset: %d %v", id, err)
	}
	if _, err := e.s.UsePasswordReset(e.ctx, "t1", now); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("second use: %v", err)
	}
	if _, err := e.s.UsePasswordReset(e.ctx, "t2", now); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("the account's other token survived a use: %v", err)
	}
}

func testSetAccountPassword(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	for _, ws := range []store.WebSession{{TokenHash: "keep", AccountID: a.ID}, {TokenHash: "other", AccountID: a.ID}, {TokenHash: "bobs", AccountID: b.ID}} {
		ws.CSRF, ws.Language, ws.CreatedAt, ws.LastSeen, ws.Credential = "c", "ko", baseTime, baseTime, "old"
		e.ok(e.s.CreateWebSession(e.ctx, &ws), "CreateWebSession")
	}
	a.DisplayName = "kept"
	e.ok(e.s.UpdateAccount(e.ctx, a), "UpdateAccount")
	e.ok(e.s.SetAccountPassword(e.ctx, a.ID, "newhash", "keep", "new"), "SetAccountPassword")
	got, _ := e.s.Account(e.ctx, a.ID)
	if got.PasswordHash != "newhash" || got.DisplayName != "kept" {
		e.Errorf("account after: %q %q", got.PasswordHash, got.DisplayName)
	}
	if ws, err := e.s.WebSession(e.ctx, "keep"); err != nil || ws.Credential != "new" {
		e.Errorf("the kept session: %+v %v", ws, err)
	}
	if _, err := e.s.WebSession(e.ctx, "other"); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("the other session survived: %v", err)
	}
	if _, err := e.s.WebSession(e.ctx, "bobs"); err != nil {
		e.Errorf("another account's session ended: %v", err)
	}
	if err := e.s.SetAccountPassword(e.ctx, a.ID+1000, "h", "", ""); !errors.Is(err, store.ErrNotFound) {
		e.Errorf("unknown account: %v", err)
	}
}

func testSentCopy(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	sent, err := e.s.MailboxByRole(e.ctx, a.ID, store.RoleSent)
	e.ok(err, "Sent")
	inbox, err := e.s.MailboxByRole(e.ctx, a.ID, store.RoleInbox)
	e.ok(err, "INBOX")
	nm := e.newMsg(a.ID, sent.ID)
	m := e.add(nm)
	id := nm.Envelope.MessageID
	got, err := e.s.SentCopy(e.ctx, a.ID, sent.ID, id, nm.InternalDate.Add(-time.Hour))
	if err != nil || got.ID != m.ID {
		e.Fatalf("SentCopy: %+v %v", got, err)
	}
	for _, c := range []struct {
		what             string
		account, mailbox int64
		messageID        string
		since            time.Time
	}{
		{"another Message-ID", a.ID, sent.ID, "<other@example.net>", nm.InternalDate.Add(-time.Hour)},
		{"older than since", a.ID, sent.ID, id, nm.InternalDate.Add(time.Second)},
		{"another mailbox", a.ID, inbox.ID, id, nm.InternalDate.Add(-time.Hour)},
		{"another account", b.ID, sent.ID, id, nm.InternalDate.Add(-time.Hour)},
	} {
		if _, err := e.s.SentCopy(e.ctx, c.account, c.mailbox, c.messageID, c.since); !errors.Is(err, store.ErrNotFound) {
			e.Errorf("%s: %v, want ErrNotFound", c.what, err)
		}
	}
}
