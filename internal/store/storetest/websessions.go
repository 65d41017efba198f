package storetest

import (
	"time"

	"postroom/internal/store"
)

var webSessionTests = []test{
	{"webSession_roundTripsWithAccountState", testWebSessionRoundTrip},
	{"webSession_touchLanguageDeleteAndIdle", testWebSessionLifecycle},
	{"webSession_goesWithItsAccount", testWebSessionAccountDeleted},
	{"webSession_ofAnOperator", testWebSessionOperator},
}

func newWebSession(e *env, hash string, acct int64, seen time.Time) *store.WebSession {
	ws := &store.WebSession{TokenHash: hash, CSRF: "csrf-" + hash, AccountID: acct, Language: "ko", CreatedAt: seen, LastSeen: seen,
		Credential: "cred-" + hash}
	e.ok(e.s.CreateWebSession(e.ctx, ws), "CreateWebSession")
	return ws
}

func testWebSessionRoundTrip(e *env) {
	a := e.account("alice@example.com")
	want := newWebSession(e, "h1", a.ID, baseTime)
	got, err := e.s.WebSession(e.ctx, "h1")
	e.ok(err, "WebSession")
	want.AccountEnabled = true
	if *got != *want {
		e.Errorf("WebSession: %+v\nwant        %+v", *got, *want)
	}
	_, err = e.s.WebSession(e.ctx, "unknown")
	e.wantErr(err, store.ErrNotFound, "WebSession(unknown)")
	a.Enabled = false
	e.ok(e.s.UpdateAccount(e.ctx, a), "UpdateAccount(suspend)")
	got, err = e.s.WebSession(e.ctx, "h1")
	e.ok(err, "WebSession(suspended)")
	if got.AccountEnabled {
		e.Errorf("a suspended account's session reads AccountEnabled")
	}
}

func testWebSessionLifecycle(e *env) {
	a, b := e.account("alice@example.com"), e.account("bob@example.com")
	newWebSession(e, "a1", a.ID, baseTime)
	newWebSession(e, "a2", a.ID, baseTime.Add(time.Hour))
	newWebSession(e, "b1", b.ID, baseTime)
	e.ok(e.s.TouchWebSession(e.ctx, "a1", baseTime.Add(2*time.Hour)), "TouchWebSession")
	e.ok(e.s.SetWebSessionsLanguage(e.ctx, a.ID, "en"), "SetWebSessionsLanguage")
	for hash, lang := range map[string]string{"a1": "en", "a2": "en", "b1": "ko"} {
		got, err := e.s.WebSession(e.ctx, hash)
		e.ok(err, "WebSession")
		if got.Language != lang {
			e.Errorf("%s: language %q, want %q", hash, got.Language, lang)
		}
	}
	// idle before baseTime+90m: a2 (1h) and b1 (0h), not a1 (touched at 2h)
	n, err := e.s.DeleteIdleWebSessions(e.ctx, baseTime.Add(90*time.Minute))
	e.ok(err, "DeleteIdleWebSessions")
	if n != 2 {
		e.Errorf("DeleteIdleWebSessions removed %d, want 2", n)
	}
	if _, err := e.s.WebSession(e.ctx, "a1"); err != nil {
		e.Errorf("the touched session went: %v", err)
	}
	e.ok(e.s.DeleteWebSession(e.ctx, "a1"), "DeleteWebSession")
	_, err = e.s.WebSession(e.ctx, "a1")
	e.wantErr(err, store.ErrNotFound, "WebSession after DeleteWebSession")
	e.ok(e.s.DeleteWebSession(e.ctx, "a1"), "DeleteWebSession(again)")
}

func testWebSessionAccountDeleted(e *env) {
	a := e.account("alice@example.com")
	newWebSession(e, "a1", a.ID, baseTime)
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	_, err := e.s.WebSession(e.ctx, "a1")
	e.wantErr(err, store.ErrNotFound, "WebSession of a deleted account")
}

// An operator's console session has no account: it reads back with its
// operator, live, and is not confused with the account of the same id.
func testWebSessionOperator(e *env) {
	op := &store.Operator{Name: "operator", PasswordHash: "x"}
	e.ok(e.s.CreateOperator(e.ctx, op), "CreateOperator")
	a := e.account("alice@example.com")
	a.Enabled = false
	e.ok(e.s.UpdateAccount(e.ctx, a), "UpdateAccount(suspend)")
	ws := &store.WebSession{TokenHash: "o1", CSRF: "c", OperatorID: op.ID, Language: "en", CreatedAt: baseTime, LastSeen: baseTime}
	e.ok(e.s.CreateWebSession(e.ctx, ws), "CreateWebSession(operator)")
	got, err := e.s.WebSession(e.ctx, "o1")
	e.ok(err, "WebSession(operator)")
	ws.AccountEnabled = true
	if *got != *ws {
		e.Errorf("WebSession(operator): %+v\nwant                  %+v", *got, *ws)
	}
	// an operator session whose operator does not exist is no session
	e.ok(e.s.CreateWebSession(e.ctx, &store.WebSession{TokenHash: "o2", CSRF: "c", OperatorID: op.ID + 1000, Language: "en",
		CreatedAt: baseTime, LastSeen: baseTime}), "CreateWebSession(unknown operator)")
	_, err = e.s.WebSession(e.ctx, "o2")
	e.wantErr(err, store.ErrNotFound, "WebSession of an unknown operator")
	// its language is its own
	e.ok(e.s.SetWebSessionLanguage(e.ctx, "o1", "ko"), "SetWebSessionLanguage")
	if got, err := e.s.WebSession(e.ctx, "o1"); err != nil || got.Language != "ko" {
		e.Errorf("after SetWebSessionLanguage: %+v, %v", got, err)
	}
}
