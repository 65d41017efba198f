package storetest

import "postroom/internal/store"

var quotaTests = []test{
	{"quota_accountOverQuotaStoresNothing", testQuotaAccount},
	{"quota_exactFitIsAllowed", testQuotaExact},
	{"quota_ignoreQuotaBypasses", testQuotaIgnore},
	{"quota_domainQuotaAcrossAccounts", testQuotaDomain},
	{"quota_domainSpaceFreedByDeletes", testQuotaDomainFreed},
	{"quota_copyOverQuotaCopiesNothing", testQuotaCopy},
	{"quota_moveIgnoresQuota", testQuotaMove},
	{"quota_zeroIsUnlimited", testQuotaZero},
	{"quota_updatedQuotaAppliesAtOnce", testQuotaUpdate},
}

// quotaAccount creates an account with the given quota.
func (e *env) quotaAccount(address string, quota int64) *store.Account {
	e.Helper()
	a := e.account(address)
	a.QuotaBytes = quota
	e.ok(e.s.UpdateAccount(e.ctx, a), "UpdateAccount(quota)")
	return a
}

// sized appends a message of size bytes, returning the error.
func (e *env) sized(a *store.Account, mailboxID, size int64, ignore bool) (*store.NewMessage, *store.Message, error) {
	nm := e.newMsg(a.ID, mailboxID)
	nm.Size = size
	nm.IgnoreQuota = ignore
	m, err := e.s.AppendMessage(e.ctx, nm)
	return nm, m, err
}

func testQuotaAccount(e *env) {
	a := e.quotaAccount("alice@example.com", 1000)
	in := e.inbox(a.ID)
	_, _, err := e.sized(a, in.ID, 600, false)
	e.ok(err, "append 600 of 1000")
	before := e.snapshot(a.ID)
	nm, m, err := e.sized(a, in.ID, 401, false)
	e.wantErr(err, store.ErrOverQuota, "append 401 more")
	if m != nil {
		e.Errorf("refused append returned %+v", m)
	}
	e.unchanged(a.ID, before, "refused append")
	e.wantUsage(a.ID, 600, 1)
	e.wantRefs(nm.BlobKey, 0)
	if got := e.mbox(a.ID, in.ID).UIDNext; got != 2 {
		e.Errorf("UIDNEXT %d after refused append, want 2", got)
	}
	_, m, err = e.sized(a, in.ID, 400, false)
	e.ok(err, "append 400 after the refused one")
	if m.UID != 2 {
		e.Errorf("append after a refused one got UID %d, want 2", m.UID)
	}
}

func testQuotaExact(e *env) {
	a := e.quotaAccount("alice@example.com", 1000)
	in := e.inbox(a.ID)
	_, _, err := e.sized(a, in.ID, 600, false)
	e.ok(err, "append 600 of 1000")
	_, m, err := e.sized(a, in.ID, 400, false)
	e.ok(err, "append the last 400 of 1000 (exactly full is not over)")
	if m != nil && m.UID != 2 {
		e.Errorf("UID %d, want 2", m.UID)
	}
	e.wantUsage(a.ID, 1000, 2)
	_, _, err = e.sized(a, in.ID, 1, false)
	e.wantErr(err, store.ErrOverQuota, "append 1 byte into a full account")
	e.wantUsage(a.ID, 1000, 2)
}

func testQuotaIgnore(e *env) {
	a := e.quotaAccount("alice@example.com", 1000)
	trash := e.byRole(a.ID, store.RoleTrash)
	_, _, err := e.sized(a, trash.ID, 900, false)
	e.ok(err, "append 900")
	_, m, err := e.sized(a, trash.ID, 500, true)
	e.ok(err, "append 500 with IgnoreQuota")
	if m != nil && m.UID != 2 {
		e.Errorf("UID %d, want 2", m.UID)
	}
	e.wantUsage(a.ID, 1400, 2)
	_, _, err = e.sized(a, trash.ID, 1, false)
	e.wantErr(err, store.ErrOverQuota, "append without IgnoreQuota above quota")
	e.consistent()
}

func testQuotaDomain(e *env) {
	d := e.domain("example.com")
	d.QuotaBytes = 1000
	e.ok(e.s.UpdateDomain(e.ctx, d), "UpdateDomain(quota)")
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	other := e.account("carol@other.example")
	_, _, err := e.sized(a, e.inbox(a.ID).ID, 600, false)
	e.ok(err, "alice appends 600 of the domain's 1000")
	before := e.snapshot(b.ID)
	nm, _, err := e.sized(b, e.inbox(b.ID).ID, 500, false)
	e.wantErr(err, store.ErrOverQuota, "bob appends 500 into a domain holding 600 of 1000")
	e.unchanged(b.ID, before, "refused append over the domain quota")
	e.wantRefs(nm.BlobKey, 0)
	_, _, err = e.sized(b, e.inbox(b.ID).ID, 400, false)
	e.ok(err, "bob appends the last 400")
	e.wantDomainUsage(d.ID, 1000)
	_, _, err = e.sized(a, e.inbox(a.ID).ID, 1, false)
	e.wantErr(err, store.ErrOverQuota, "alice appends into a full domain")
	_, _, err = e.sized(b, e.inbox(b.ID).ID, 1, true)
	e.ok(err, "IgnoreQuota bypasses the domain quota too")
	_, _, err = e.sized(other, e.inbox(other.ID).ID, 5000, false)
	e.ok(err, "another domain is not limited by this one")
	e.wantDomainUsage(d.ID, 1001)
	e.wantDomainUsage(other.DomainID, 5000)
	// Expunging frees domain space.
	_, err = e.s.Expunge(e.ctx, a.ID, e.inbox(a.ID).ID, []uint32{1})
	e.ok(err, "Expunge")
	e.wantDomainUsage(d.ID, 401)
	_, _, err = e.sized(a, e.inbox(a.ID).ID, 599, false)
	e.ok(err, "append after freeing space")
}

func testQuotaCopy(e *env) {
	a := e.quotaAccount("alice@example.com", 2500)
	in := e.inbox(a.ID)
	arch := e.byRole(a.ID, store.RoleArchive)
	e.putN(a.ID, in.ID, 2) // 2000 of 2500
	before := e.snapshot(a.ID)
	_, _, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{1, 2})
	e.wantErr(err, store.ErrOverQuota, "copying 2000 more into 2000 of 2500")
	e.unchanged(a.ID, before, "refused copy")
	e.wantRefs(e.byUID(a.ID, in.ID, 1).BlobKey, 1)
	_, dst, err := e.s.CopyMessages(e.ctx, a.ID, in.ID, arch.ID, []uint32{1})
	e.wantErr(err, store.ErrOverQuota, "copying 1000 more into 2000 of 2500")
	if len(dst) != 0 {
		e.Errorf("refused copy returned dst %v", dst)
	}
	e.consistent()
}

func testQuotaMove(e *env) {
	a := e.quotaAccount("alice@example.com", 2000)
	in := e.inbox(a.ID)
	trash := e.byRole(a.ID, store.RoleTrash)
	e.putN(a.ID, in.ID, 2) // exactly full
	_, dst, err := e.s.MoveMessages(e.ctx, a.ID, in.ID, trash.ID, []uint32{1, 2})
	e.ok(err, "MoveMessages in a full account")
	if len(dst) != 2 {
		e.Errorf("move returned dst %v", dst)
	}
	e.wantUsage(a.ID, 2000, 2)
}

func testQuotaZero(e *env) {
	a := e.account("alice@example.com") // quota 0, domain quota 0
	in := e.inbox(a.ID)
	_, _, err := e.sized(a, in.ID, 1<<40, false)
	e.ok(err, "append 1 TiB with no quota")
	e.wantUsage(a.ID, 1<<40, 1)
}

func testQuotaUpdate(e *env) {
	a := e.account("alice@example.com")
	in := e.inbox(a.ID)
	e.putN(a.ID, in.ID, 3) // 3000
	a.QuotaBytes = 3500
	e.ok(e.s.UpdateAccount(e.ctx, a), "UpdateAccount")
	_, _, err := e.sized(a, in.ID, 501, false)
	e.wantErr(err, store.ErrOverQuota, "append after lowering the quota")
	a.QuotaBytes = 0
	e.ok(e.s.UpdateAccount(e.ctx, a), "UpdateAccount(unlimited)")
	_, _, err = e.sized(a, in.ID, 501, false)
	e.ok(err, "append after lifting the quota")
}

// testQuotaDomainFreed: deleting a mailbox or an account gives its space back
// to the domain; moving keeps it.
func testQuotaDomainFreed(e *env) {
	d := e.domain("example.com")
	d.QuotaBytes = 3000
	e.ok(e.s.UpdateDomain(e.ctx, d), "UpdateDomain")
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	folder := e.mkdir(a.ID, "Old")
	e.put(a.ID, folder.ID)
	e.put(a.ID, e.inbox(a.ID).ID)
	e.put(b.ID, e.inbox(b.ID).ID) // domain full: 3000 of 3000
	_, _, err := e.s.MoveMessages(e.ctx, a.ID, e.inbox(a.ID).ID, e.byRole(a.ID, store.RoleArchive).ID, []uint32{1})
	e.ok(err, "MoveMessages in a full domain")
	_, _, err = e.sized(b, e.inbox(b.ID).ID, 1000, false)
	e.wantErr(err, store.ErrOverQuota, "append into a full domain")
	e.ok(e.s.DeleteMailbox(e.ctx, a.ID, folder.ID), "DeleteMailbox")
	_, _, err = e.sized(b, e.inbox(b.ID).ID, 1000, false)
	e.ok(err, "append after a deleted mailbox freed 1000")
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	_, _, err = e.sized(b, e.inbox(b.ID).ID, 1000, false)
	e.ok(err, "append after a deleted account freed 1000")
	_, _, err = e.sized(b, e.inbox(b.ID).ID, 1, false)
	e.wantErr(err, store.ErrOverQuota, "append into the full domain again")
	e.consistent()
}

// wantDomainUsage checks what the domain reports its accounts store, read
// both by id and by name (a quota check before writing a message reads it).
func (e *env) wantDomainUsage(domainID, bytes int64) {
	e.Helper()
	d, err := e.s.DomainByID(e.ctx, domainID)
	e.ok(err, "DomainByID")
	if d.UsedBytes != bytes {
		e.Errorf("domain %s UsedBytes = %d, want %d", d.Name, d.UsedBytes, bytes)
	}
	byName, err := e.s.Domain(e.ctx, d.Name)
	e.ok(err, "Domain")
	if byName.UsedBytes != bytes {
		e.Errorf("Domain(%q).UsedBytes = %d, want %d", d.Name, byName.UsedBytes, bytes)
	}
}
