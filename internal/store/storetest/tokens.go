package storetest

import (
	"time"

	"postroom/internal/store"
)

var tokenTests = []test{
	{"tokens_createFindRevoke", testTokens},
	{"tokens_otherDomainAndDomainGone", testTokensTenancy},
}

func (e *env) token(domainID int64, name, hash string) *store.APIToken {
	e.Helper()
	t := &store.APIToken{DomainID: domainID, Name: name, Hash: hash, Prefix: hash[:4], CreatedBy: "boss@example.com"}
	e.ok(e.s.CreateAPIToken(e.ctx, t), "CreateAPIToken")
	if t.ID == 0 || t.Created.IsZero() {
		e.Fatalf("CreateAPIToken left %+v", t)
	}
	return t
}

func testTokens(e *env) {
	a := e.account("boss@example.com")
	t1, t2 := e.token(a.DomainID, "인사 시스템", "aaaa1111"), e.token(a.DomainID, "erp", "bbbb2222")
	e.wantErr(e.s.CreateAPIToken(e.ctx, &store.APIToken{DomainID: a.DomainID, Name: "twin", Hash: "aaaa1111"}), store.ErrExists, "a hash twice")
	got, err := e.s.APITokenByHash(e.ctx, "aaaa1111")
	e.ok(err, "APITokenByHash")
	if got.ID != t1.ID || got.Name != "인사 시스템" || got.DomainID != a.DomainID || !got.LastUsed.IsZero() {
		e.Errorf("by hash: %+v", got)
	}
	used := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	e.ok(e.s.TouchAPIToken(e.ctx, t1.ID, used), "TouchAPIToken")
	e.ok(e.s.RevokeAPIToken(e.ctx, a.DomainID, t2.ID, used), "RevokeAPIToken")
	e.wantErr(e.s.RevokeAPIToken(e.ctx, a.DomainID, t2.ID, used), store.ErrNotFound, "revoked twice")
	_, err = e.s.APITokenByHash(e.ctx, "bbbb2222")
	e.wantErr(err, store.ErrNotFound, "a revoked token by hash")
	ts, err := e.s.APITokens(e.ctx, a.DomainID)
	e.ok(err, "APITokens")
	if len(ts) != 2 || ts[0].ID != t2.ID || !ts[0].Revoked.Equal(used) || !ts[1].LastUsed.Equal(used) {
		e.Errorf("tokens: %+v", ts)
	}
}

func testTokensTenancy(e *env) {
	a, x := e.account("boss@example.com"), e.account("xavier@other.org")
	t := e.token(a.DomainID, "erp", "cccc3333")
	e.wantErr(e.s.RevokeAPIToken(e.ctx, x.DomainID, t.ID, time.Now()), store.ErrNotFound, "revoke another domain's")
	if ts, _ := e.s.APITokens(e.ctx, x.DomainID); len(ts) != 0 {
		e.Errorf("another domain lists %+v", ts)
	}
	e.ok(e.s.DeleteAccount(e.ctx, x.ID), "DeleteAccount")
	d, err := e.s.DomainByID(e.ctx, a.DomainID)
	e.ok(err, "DomainByID")
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	e.ok(e.s.DeleteDomain(e.ctx, d.ID), "DeleteDomain")
	_, err = e.s.APITokenByHash(e.ctx, "cccc3333")
	e.wantErr(err, store.ErrNotFound, "a token of a deleted domain")
}
