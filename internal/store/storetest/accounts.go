package storetest

import (
	"errors"
	"slices"
	"time"

	"postroom/internal/store"
)

var accountTests = []test{
	{"account_createSetsIDAndCreatedAt", testAccountCreate},
	{"account_createMakesDefaultMailboxes", testAccountDefaultMailboxes},
	{"account_createRoundTripsFields", testAccountFields},
	{"account_lookupByAddressIsCaseInsensitive", testAccountByAddress},
	{"account_duplicateAddressIsErrExists", testAccountDuplicate},
	{"account_sameLocalPartInTwoDomains", testAccountTwoDomains},
	{"account_unknownDomainIsErrNotFound", testAccountUnknownDomain},
	{"account_unknownIsErrNotFound", testAccountUnknown},
	{"account_updateRoundTripsMutableFields", testAccountUpdate},
	{"account_updateKeepsAddressDomainAndUsage", testAccountUpdateImmutable},
	{"account_setLocaleChangesOnlyLanguageAndZone", testAccountSetLocale},
	{"account_listOrderedByLocalPartWithUsage", testAccountList},
	{"account_usageFollowsMessages", testAccountUsage},
	{"account_deleteRemovesMailAndReleasesRefs", testAccountDelete},
	{"account_recreatedAddressStartsEmpty", testAccountRecreate},
}

func testAccountCreate(e *env) {
	d := e.domain("example.com")
	before := time.Now().Add(-time.Hour)
	a := &store.Account{DomainID: d.ID, LocalPart: "alice", Enabled: true, Language: "ko", TimeZone: "Asia/Seoul"}
	e.ok(e.s.CreateAccount(e.ctx, a), "CreateAccount")
	if a.ID == 0 {
		e.Error("CreateAccount did not set ID")
	}
	if a.CreatedAt.Before(before) || a.CreatedAt.After(time.Now().Add(time.Hour)) {
		e.Errorf("CreatedAt = %v, want about now", a.CreatedAt)
	}
	got, err := e.s.Account(e.ctx, a.ID)
	e.ok(err, "Account")
	if !got.CreatedAt.Truncate(time.Second).Equal(a.CreatedAt.Truncate(time.Second)) {
		e.Errorf("stored CreatedAt %v, CreateAccount set %v", got.CreatedAt, a.CreatedAt)
	}
	b := &store.Account{DomainID: d.ID, LocalPart: "bob", Enabled: true, Language: "ko", TimeZone: "Asia/Seoul"}
	e.ok(e.s.CreateAccount(e.ctx, b), "CreateAccount(bob)")
	if b.ID == a.ID {
		e.Errorf("two accounts share ID %d", a.ID)
	}
}

func testAccountDefaultMailboxes(e *env) {
	a := e.account("alice@example.com")
	ms := e.mailboxes(a.ID)
	if len(ms) != len(store.DefaultMailboxes) {
		e.Fatalf("new account has %d mailboxes, want %d: %+v", len(ms), len(store.DefaultMailboxes), ms)
	}
	byName := map[string]store.Mailbox{}
	for _, m := range ms {
		byName[m.Name] = m
	}
	for _, def := range store.DefaultMailboxes {
		m, ok := byName[def.Name]
		if !ok {
			e.Errorf("default mailbox %q missing", def.Name)
			continue
		}
		if m.Role != def.Role || m.AccountID != a.ID || m.UIDValidity == 0 || m.UIDNext != 1 {
			e.Errorf("mailbox %q = {Role:%q AccountID:%d UIDValidity:%d UIDNext:%d}, want role %q, account %d, UIDVALIDITY non-zero, UIDNEXT 1",
				def.Name, m.Role, m.AccountID, m.UIDValidity, m.UIDNext, def.Role, a.ID)
		}
		r := e.byRole(a.ID, def.Role)
		if r.ID != m.ID || r.Name != def.Name {
			e.Errorf("MailboxByRole(%q) = %q (id %d), want %q (id %d)", def.Role, r.Name, r.ID, def.Name, m.ID)
		}
		st := e.status(a.ID, m.ID)
		if st != (store.MailboxStatus{}) {
			e.Errorf("new %q status = %+v, want empty", def.Name, st)
		}
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
	}
	if !slices.IsSorted(names) {
		e.Errorf("Mailboxes not ordered by name: %q", names)
	}
}

func testAccountFields(e *env) {
	d := e.domain("example.com")
	a := &store.Account{
		DomainID: d.ID, LocalPart: "kim", DisplayName: "김철수", PasswordHash: "$argon2id$v=19$x",
		QuotaBytes: 1 << 30, Enabled: true, ClientAccess: false, Admin: true, Language: "en", TimeZone: "Europe/Paris",
	}
	e.ok(e.s.CreateAccount(e.ctx, a), "CreateAccount")
	got, err := e.s.Account(e.ctx, a.ID)
	e.ok(err, "Account")
	want := *a
	want.Domain = "example.com"
	want.CreatedAt = got.CreatedAt
	want.Usage = store.Usage{}
	if *got != want {
		e.Errorf("Account = %+v\nwant      %+v", *got, want)
	}
	if got.Address() != "kim@example.com" {
		e.Errorf("Address() = %q", got.Address())
	}
}

func testAccountByAddress(e *env) {
	a := e.account("alice@example.com")
	for _, addr := range []string{"alice@example.com", "ALICE@EXAMPLE.COM", "Alice@Example.Com"} {
		got, err := e.s.AccountByAddress(e.ctx, addr)
		if err != nil {
			e.Errorf("AccountByAddress(%q): %v", addr, err)
			continue
		}
		if got.ID != a.ID || got.LocalPart != "alice" || got.Domain != "example.com" || got.DomainID != a.DomainID {
			e.Errorf("AccountByAddress(%q) = {ID:%d LocalPart:%q Domain:%q}, want alice@example.com id %d", addr, got.ID, got.LocalPart, got.Domain, a.ID)
		}
	}
	for _, addr := range []string{"bob@example.com", "alice@other.example", "alice", ""} {
		_, err := e.s.AccountByAddress(e.ctx, addr)
		e.wantErr(err, store.ErrNotFound, "AccountByAddress("+addr+")")
	}
}

func testAccountDuplicate(e *env) {
	a := e.account("alice@example.com")
	dup := &store.Account{DomainID: a.DomainID, LocalPart: "alice", Enabled: true, Language: "ko", TimeZone: "Asia/Seoul"}
	e.wantErr(e.s.CreateAccount(e.ctx, dup), store.ErrExists, "CreateAccount(same address)")
	as, err := e.s.Accounts(e.ctx, a.DomainID)
	e.ok(err, "Accounts")
	if len(as) != 1 || as[0].ID != a.ID {
		e.Errorf("Accounts after refused duplicate = %+v, want only the first", as)
	}
	if n := len(e.mailboxes(a.ID)); n != len(store.DefaultMailboxes) {
		e.Errorf("first account has %d mailboxes after refused duplicate", n)
	}
}

func testAccountTwoDomains(e *env) {
	a := e.account("sales@one.example")
	b := e.account("sales@two.example")
	if a.ID == b.ID {
		e.Fatal("two accounts share an ID")
	}
	for _, want := range []*store.Account{a, b} {
		got, err := e.s.AccountByAddress(e.ctx, want.Address())
		e.ok(err, "AccountByAddress")
		if got.ID != want.ID {
			e.Errorf("AccountByAddress(%q) = id %d, want %d", want.Address(), got.ID, want.ID)
		}
	}
	if e.inbox(a.ID).ID == e.inbox(b.ID).ID {
		e.Error("two accounts share an INBOX")
	}
}

func testAccountUnknownDomain(e *env) {
	d := e.domain("example.com")
	a := &store.Account{DomainID: d.ID + 1000, LocalPart: "ghost", Enabled: true, Language: "ko", TimeZone: "Asia/Seoul"}
	e.wantErr(e.s.CreateAccount(e.ctx, a), store.ErrNotFound, "CreateAccount(unknown domain)")
	_, err := e.s.AccountByAddress(e.ctx, "ghost@example.com")
	e.wantErr(err, store.ErrNotFound, "AccountByAddress after refused create")
}

func testAccountUnknown(e *env) {
	a := e.account("alice@example.com")
	_, err := e.s.Account(e.ctx, a.ID+1000)
	e.wantErr(err, store.ErrNotFound, "Account(unknown)")
	ghost := *a
	ghost.ID = a.ID + 1000
	e.wantErr(e.s.UpdateAccount(e.ctx, &ghost), store.ErrNotFound, "UpdateAccount(unknown)")
	e.wantErr(e.s.DeleteAccount(e.ctx, a.ID+1000), store.ErrNotFound, "DeleteAccount(unknown)")
}

func testAccountSetLocale(e *env) {
	a := e.account("alice@example.com")
	stale := *a // read before an administrator's change
	a.PasswordHash, a.Admin, a.DisplayName = "$argon2id$v=19$changed", true, "Alice"
	e.ok(e.s.UpdateAccount(e.ctx, a), "UpdateAccount")
	e.ok(e.s.SetAccountLocale(e.ctx, stale.ID, "en", "America/New_York"), "SetAccountLocale")
	got, err := e.s.Account(e.ctx, a.ID)
	e.ok(err, "Account")
	want := *a
	want.Language, want.TimeZone, want.CreatedAt = "en", "America/New_York", got.CreatedAt
	if *got != want {
		e.Errorf("after SetAccountLocale: %+v\nwant                  %+v", *got, want)
	}
	e.wantErr(e.s.SetAccountLocale(e.ctx, a.ID+1000, "en", "UTC"), store.ErrNotFound, "SetAccountLocale(unknown)")
}

func testAccountUpdate(e *env) {
	a := e.account("alice@example.com") // Enabled, ClientAccess, not Admin, ko, Asia/Seoul
	a.DisplayName = "Alice Kim"
	a.PasswordHash = "$argon2id$v=19$new"
	a.QuotaBytes = 2 << 30
	a.Enabled = false
	a.ClientAccess = false
	a.Admin = true
	a.Language = "en"
	a.TimeZone = "UTC"
	e.ok(e.s.UpdateAccount(e.ctx, a), "UpdateAccount")
	got, err := e.s.Account(e.ctx, a.ID)
	e.ok(err, "Account")
	want := *a
	want.CreatedAt = got.CreatedAt
	if *got != want {
		e.Errorf("after UpdateAccount: %+v\nwant                %+v", *got, want)
	}
	// And back: every boolean both ways, quota back to unlimited.
	a.Enabled, a.ClientAccess, a.Admin, a.QuotaBytes, a.DisplayName = true, true, false, 0, ""
	e.ok(e.s.UpdateAccount(e.ctx, a), "UpdateAccount(back)")
	got, err = e.s.AccountByAddress(e.ctx, "alice@example.com")
	e.ok(err, "AccountByAddress")
	want = *a
	want.CreatedAt = got.CreatedAt
	if *got != want {
		e.Errorf("after second UpdateAccount: %+v\nwant                       %+v", *got, want)
	}
}

func testAccountUpdateImmutable(e *env) {
	a := e.account("alice@example.com")
	other := e.domain("other.example")
	m := e.put(a.ID, e.inbox(a.ID).ID)
	changed := *a
	changed.LocalPart = "mallory"
	changed.DomainID = other.ID
	changed.Domain = "other.example"
	changed.Usage = store.Usage{Bytes: 1, Messages: 99}
	changed.DisplayName = "Still Alice"
	e.ok(e.s.UpdateAccount(e.ctx, &changed), "UpdateAccount")
	got, err := e.s.Account(e.ctx, a.ID)
	e.ok(err, "Account")
	if got.LocalPart != "alice" || got.DomainID != a.DomainID || got.Domain != "example.com" {
		e.Errorf("UpdateAccount changed the address to %s (domain id %d)", got.Address(), got.DomainID)
	}
	if got.DisplayName != "Still Alice" {
		e.Errorf("DisplayName = %q, want the updated value", got.DisplayName)
	}
	e.wantUsage(a.ID, m.Size, 1)
	_, err = e.s.AccountByAddress(e.ctx, "mallory@other.example")
	e.wantErr(err, store.ErrNotFound, "AccountByAddress(attempted new address)")
	e.consistent()
}

func testAccountList(e *env) {
	d := e.domain("example.com")
	as, err := e.s.Accounts(e.ctx, d.ID)
	e.ok(err, "Accounts(no accounts)")
	if len(as) != 0 {
		e.Errorf("Accounts of an empty domain = %+v", as)
	}
	carol := e.account("carol@example.com")
	e.account("alice@example.com")
	bob := e.account("bob@example.com")
	e.account("zed@other.example")
	nm := e.newMsg(bob.ID, e.inbox(bob.ID).ID)
	nm.Size = 1234
	e.add(nm)
	nm = e.newMsg(bob.ID, e.byRole(bob.ID, store.RoleSent).ID)
	nm.Size = 766
	e.add(nm)
	e.put(carol.ID, e.inbox(carol.ID).ID)

	as, err = e.s.Accounts(e.ctx, d.ID)
	e.ok(err, "Accounts")
	var names []string
	for _, a := range as {
		names = append(names, a.LocalPart)
		if a.Domain != "example.com" || a.DomainID != d.ID {
			e.Errorf("Accounts lists %q with Domain %q id %d", a.LocalPart, a.Domain, a.DomainID)
		}
	}
	if want := []string{"alice", "bob", "carol"}; !slices.Equal(names, want) {
		e.Fatalf("Accounts = %q, want %q", names, want)
	}
	wantUsage := []store.Usage{{}, {Bytes: 2000, Messages: 2}, {Bytes: 1000, Messages: 1}}
	for i, a := range as {
		if a.Usage != wantUsage[i] {
			e.Errorf("Accounts: %s Usage = %+v, want %+v", a.LocalPart, a.Usage, wantUsage[i])
		}
	}
}

func testAccountUsage(e *env) {
	a := e.account("alice@example.com")
	e.wantUsage(a.ID, 0, 0)
	in := e.inbox(a.ID)
	sizes := []int64{100, 2500, 1}
	for _, sz := range sizes {
		nm := e.newMsg(a.ID, in.ID)
		nm.Size = sz
		e.add(nm)
	}
	e.wantUsage(a.ID, 2601, 3)
	got, err := e.s.Account(e.ctx, a.ID)
	e.ok(err, "Account")
	if got.Usage != (store.Usage{Bytes: 2601, Messages: 3}) {
		e.Errorf("Account.Usage = %+v, want {2601 3}", got.Usage)
	}
	got, err = e.s.AccountByAddress(e.ctx, a.Address())
	e.ok(err, "AccountByAddress")
	if got.Usage != (store.Usage{Bytes: 2601, Messages: 3}) {
		e.Errorf("AccountByAddress.Usage = %+v, want {2601 3}", got.Usage)
	}
}

func testAccountDelete(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	shared := newBlobKey()
	var ids []int64
	for _, mb := range []int64{e.inbox(a.ID).ID, e.mkdir(a.ID, "Work").ID, e.byRole(a.ID, store.RoleTrash).ID} {
		nm := e.newMsg(a.ID, mb)
		nm.BlobKey = shared
		ids = append(ids, e.add(nm).ID)
	}
	own := e.put(a.ID, e.inbox(a.ID).ID)
	nm := e.newMsg(b.ID, e.inbox(b.ID).ID)
	nm.BlobKey = shared
	e.add(nm)
	e.wantRefs(shared, 4)
	before := e.snapshot(b.ID)

	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	_, err := e.s.Account(e.ctx, a.ID)
	e.wantErr(err, store.ErrNotFound, "Account after delete")
	_, err = e.s.AccountByAddress(e.ctx, "alice@example.com")
	e.wantErr(err, store.ErrNotFound, "AccountByAddress after delete")
	for _, id := range append(ids, own.ID) {
		_, err = e.s.Message(e.ctx, a.ID, id)
		e.wantErr(err, store.ErrNotFound, "Message after account delete")
	}
	if ms, err := e.s.Mailboxes(e.ctx, a.ID); err == nil && len(ms) > 0 {
		e.Errorf("Mailboxes of deleted account lists %d", len(ms))
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		e.Errorf("Mailboxes of deleted account: %v", err)
	}
	e.wantRefs(shared, 1)
	e.wantRefs(own.BlobKey, 0)
	e.unchanged(b.ID, before, "deleting another account")
	as, err := e.s.Accounts(e.ctx, a.DomainID)
	e.ok(err, "Accounts")
	if len(as) != 1 || as[0].ID != b.ID {
		e.Errorf("Accounts after delete = %+v, want only bob", as)
	}
	e.consistent()
}

func testAccountRecreate(e *env) {
	a := e.account("alice@example.com")
	e.putN(a.ID, e.inbox(a.ID).ID, 3)
	e.mkdir(a.ID, "Private")
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	a2 := e.account("alice@example.com")
	e.wantUsage(a2.ID, 0, 0)
	if n := len(e.mailboxes(a2.ID)); n != len(store.DefaultMailboxes) {
		e.Errorf("recreated account has %d mailboxes, want %d", n, len(store.DefaultMailboxes))
	}
	if got := e.uids(a2.ID, e.inbox(a2.ID).ID); len(got) != 0 {
		e.Errorf("recreated account's INBOX holds UIDs %v", got)
	}
	e.consistent()
}
