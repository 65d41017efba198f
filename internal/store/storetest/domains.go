package storetest

import (
	"errors"
	"slices"
	"strings"

	"postroom/internal/store"
)

var domainTests = []test{
	{"domain_createLowercasesNameAndSetsID", testDomainCreate},
	{"domain_createDuplicateAnyCaseIsErrExists", testDomainDuplicate},
	{"domain_lookupByNameIsCaseInsensitive", testDomainLookupCase},
	{"domain_lookupByID", testDomainByID},
	{"domain_unknownIsErrNotFound", testDomainUnknown},
	{"domain_listOrderedByName", testDomainList},
	{"domain_updateSavesLanguageTimeZoneQuotaOnly", testDomainUpdate},
	{"domain_deleteCascadesAccountsMailboxesMessages", testDomainDeleteCascade},
	{"domain_deleteReleasesBlobRefs", testDomainDeleteRefs},
	{"domain_recreatedAfterDeleteStartsEmpty", testDomainRecreate},
}

var operatorTests = []test{
	{"operator_createGetList", testOperatorCreate},
	{"operator_duplicateIsErrExists", testOperatorDuplicate},
	{"operator_unknownIsErrNotFound", testOperatorUnknown},
}

func testDomainCreate(e *env) {
	d := &store.Domain{Name: "Example.CO.KR", Language: "en", TimeZone: "Europe/Berlin", QuotaBytes: 123456789}
	e.ok(e.s.CreateDomain(e.ctx, d), "CreateDomain")
	if d.ID == 0 {
		e.Fatal("CreateDomain did not set ID")
	}
	got, err := e.s.Domain(e.ctx, "example.co.kr")
	e.ok(err, "Domain(lower-case)")
	if got.ID != d.ID || got.Name != "example.co.kr" || got.Language != "en" ||
		got.TimeZone != "Europe/Berlin" || got.QuotaBytes != 123456789 {
		e.Errorf("Domain = %+v, want ID %d name example.co.kr en Europe/Berlin quota 123456789", got, d.ID)
	}
	other := &store.Domain{Name: "other.example", Language: "ko", TimeZone: "Asia/Seoul"}
	e.ok(e.s.CreateDomain(e.ctx, other), "CreateDomain(second)")
	if other.ID == d.ID || other.ID == 0 {
		e.Errorf("second domain ID %d, first %d: want distinct non-zero", other.ID, d.ID)
	}
}

func testDomainDuplicate(e *env) {
	e.domain("example.com")
	for _, name := range []string{"example.com", "EXAMPLE.com", "Example.Com"} {
		err := e.s.CreateDomain(e.ctx, &store.Domain{Name: name, Language: "ko", TimeZone: "Asia/Seoul"})
		e.wantErr(err, store.ErrExists, "CreateDomain("+name+") again")
	}
	ds, err := e.s.Domains(e.ctx)
	e.ok(err, "Domains")
	if len(ds) != 1 {
		e.Errorf("Domains has %d entries after refused duplicates, want 1: %+v", len(ds), ds)
	}
}

func testDomainLookupCase(e *env) {
	d := e.domain("example.com")
	for _, name := range []string{"example.com", "EXAMPLE.COM", "ExAmPlE.cOm"} {
		got, err := e.s.Domain(e.ctx, name)
		if err != nil {
			e.Errorf("Domain(%q): %v", name, err)
			continue
		}
		if got.ID != d.ID || got.Name != "example.com" {
			e.Errorf("Domain(%q) = {ID:%d Name:%q}, want {ID:%d Name:example.com}", name, got.ID, got.Name, d.ID)
		}
	}
}

func testDomainByID(e *env) {
	e.domain("a.example")
	d := e.domain("b.example")
	got, err := e.s.DomainByID(e.ctx, d.ID)
	e.ok(err, "DomainByID")
	if got.ID != d.ID || got.Name != "b.example" || got.Language != "ko" || got.TimeZone != "Asia/Seoul" {
		e.Errorf("DomainByID = %+v, want b.example ko Asia/Seoul", got)
	}
}

func testDomainUnknown(e *env) {
	d := e.domain("example.com")
	_, err := e.s.Domain(e.ctx, "nowhere.example")
	e.wantErr(err, store.ErrNotFound, "Domain(unknown)")
	_, err = e.s.DomainByID(e.ctx, d.ID+1000)
	e.wantErr(err, store.ErrNotFound, "DomainByID(unknown)")
	e.wantErr(e.s.DeleteDomain(e.ctx, d.ID+1000), store.ErrNotFound, "DeleteDomain(unknown)")
}

func testDomainList(e *env) {
	ds, err := e.s.Domains(e.ctx)
	e.ok(err, "Domains(empty store)")
	if len(ds) != 0 {
		e.Errorf("Domains on an empty store = %+v", ds)
	}
	for _, n := range []string{"c.example", "A.example", "b.example"} {
		e.ok(e.s.CreateDomain(e.ctx, &store.Domain{Name: n, Language: "ko", TimeZone: "Asia/Seoul"}), "CreateDomain "+n)
	}
	ds, err = e.s.Domains(e.ctx)
	e.ok(err, "Domains")
	var names []string
	for _, d := range ds {
		names = append(names, d.Name)
		if d.ID == 0 {
			e.Errorf("Domains lists %q with ID 0", d.Name)
		}
	}
	if want := []string{"a.example", "b.example", "c.example"}; !slices.Equal(names, want) {
		e.Errorf("Domains = %q, want %q", names, want)
	}
}

func testDomainUpdate(e *env) {
	d := e.domain("example.com")
	d.Language = "en"
	d.TimeZone = "America/New_York"
	d.QuotaBytes = 5 << 30
	d.Name = "renamed.example" // not a mutable field: must be ignored
	e.ok(e.s.UpdateDomain(e.ctx, d), "UpdateDomain")
	got, err := e.s.DomainByID(e.ctx, d.ID)
	e.ok(err, "DomainByID")
	if got.Name != "example.com" || got.Language != "en" || got.TimeZone != "America/New_York" || got.QuotaBytes != 5<<30 {
		e.Errorf("after UpdateDomain: %+v, want name example.com (unchanged), en, America/New_York, quota %d", got, int64(5<<30))
	}
	if got.Suspended || got.MaxUsers != 0 || got.BlockedSenders == nil || len(got.BlockedSenders) != 0 || got.BlockedPhrases == nil {
		e.Errorf("a new domain: suspended %v, max users %d, spam lists %q %q; want false, 0, two empty lists", got.Suspended, got.MaxUsers, got.BlockedSenders, got.BlockedPhrases)
	}
	d.Suspended, d.MaxUsers = true, 25
	d.BlockedSenders, d.BlockedPhrases = []string{"@spam.example", "x@y.example"}, []string{"광고", "free money"}
	e.ok(e.s.UpdateDomain(e.ctx, d), "UpdateDomain(hold, limit, spam lists)")
	got, err = e.s.DomainByID(e.ctx, d.ID)
	e.ok(err, "DomainByID")
	if !got.Suspended || got.MaxUsers != 25 || strings.Join(got.BlockedSenders, ",") != "@spam.example,x@y.example" || strings.Join(got.BlockedPhrases, ",") != "광고,free money" {
		e.Errorf("after UpdateDomain: suspended %v, max users %d, spam lists %q %q", got.Suspended, got.MaxUsers, got.BlockedSenders, got.BlockedPhrases)
	}
	d.QuotaBytes, d.Suspended = 0, false
	e.ok(e.s.UpdateDomain(e.ctx, d), "UpdateDomain(quota 0)")
	got, err = e.s.Domain(e.ctx, "example.com")
	e.ok(err, "Domain")
	if got.QuotaBytes != 0 {
		e.Errorf("QuotaBytes = %d after setting 0", got.QuotaBytes)
	}
}

func testDomainDeleteCascade(e *env) {
	a := e.account("alice@doomed.example")
	b := e.account("bob@doomed.example")
	keep := e.account("carol@kept.example")
	folder := e.mkdir(a.ID, "Work/2026")
	ma := e.put(a.ID, e.inbox(a.ID).ID)
	mf := e.put(a.ID, folder.ID)
	mb := e.put(b.ID, e.inbox(b.ID).ID)
	e.putN(keep.ID, e.inbox(keep.ID).ID, 2)
	before := e.snapshot(keep.ID)
	d := e.domain("doomed.example")

	e.ok(e.s.DeleteDomain(e.ctx, d.ID), "DeleteDomain")

	_, err := e.s.Domain(e.ctx, "doomed.example")
	e.wantErr(err, store.ErrNotFound, "Domain after delete")
	_, err = e.s.DomainByID(e.ctx, d.ID)
	e.wantErr(err, store.ErrNotFound, "DomainByID after delete")
	for _, acc := range []*store.Account{a, b} {
		_, err = e.s.Account(e.ctx, acc.ID)
		e.wantErr(err, store.ErrNotFound, "Account after domain delete")
		_, err = e.s.AccountByAddress(e.ctx, acc.Address())
		e.wantErr(err, store.ErrNotFound, "AccountByAddress after domain delete")
		_, err = e.s.MailboxByRole(e.ctx, acc.ID, store.RoleInbox)
		e.wantErr(err, store.ErrNotFound, "MailboxByRole after domain delete")
		if ms, err := e.s.Mailboxes(e.ctx, acc.ID); err == nil && len(ms) > 0 {
			e.Errorf("Mailboxes of deleted account %d still lists %d mailboxes", acc.ID, len(ms))
		}
	}
	_, err = e.s.Mailbox(e.ctx, a.ID, folder.ID)
	e.wantErr(err, store.ErrNotFound, "Mailbox(user folder) after domain delete")
	for _, m := range []*store.Message{ma, mf, mb} {
		_, err = e.s.Message(e.ctx, m.AccountID, m.ID)
		e.wantErr(err, store.ErrNotFound, "Message after domain delete")
	}
	if as, err := e.s.Accounts(e.ctx, d.ID); err == nil && len(as) > 0 {
		e.Errorf("Accounts(deleted domain) = %d accounts", len(as))
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		e.Errorf("Accounts(deleted domain): %v", err)
	}
	ds, err := e.s.Domains(e.ctx)
	e.ok(err, "Domains")
	if len(ds) != 1 || ds[0].Name != "kept.example" {
		e.Errorf("Domains after delete = %+v, want only kept.example", ds)
	}
	e.unchanged(keep.ID, before, "deleting another domain")
	e.consistent()
}

func testDomainDeleteRefs(e *env) {
	a := e.account("alice@doomed.example")
	b := e.account("bob@doomed.example")
	keep := e.account("carol@kept.example")
	shared := newBlobKey()
	only := newBlobKey()
	for _, acc := range []*store.Account{a, b, keep} {
		nm := e.newMsg(acc.ID, e.inbox(acc.ID).ID)
		nm.BlobKey = shared
		e.add(nm)
	}
	nm := e.newMsg(a.ID, e.mkdir(a.ID, "Archive/Old").ID)
	nm.BlobKey = only
	e.add(nm)
	nm = e.newMsg(b.ID, e.inbox(b.ID).ID)
	nm.BlobKey = only
	e.add(nm)
	e.wantRefs(shared, 3)
	e.wantRefs(only, 2)

	e.ok(e.s.DeleteDomain(e.ctx, a.DomainID), "DeleteDomain")
	e.wantRefs(shared, 1)
	e.wantRefs(only, 0)
	e.consistent()

	e.ok(e.s.DeleteDomain(e.ctx, keep.DomainID), "DeleteDomain(second)")
	e.wantRefs(shared, 0)
	e.consistent()
}

func testDomainRecreate(e *env) {
	a := e.account("alice@example.com")
	e.putN(a.ID, e.inbox(a.ID).ID, 3)
	e.ok(e.s.DeleteDomain(e.ctx, a.DomainID), "DeleteDomain")
	a2 := e.account("alice@example.com")
	if a2.Usage != (store.Usage{}) {
		e.Errorf("recreated account Usage = %+v, want zero", a2.Usage)
	}
	in := e.inbox(a2.ID)
	if st := e.status(a2.ID, in.ID); st != (store.MailboxStatus{}) {
		e.Errorf("recreated account INBOX status = %+v, want empty", st)
	}
	if n := len(e.mailboxes(a2.ID)); n != len(store.DefaultMailboxes) {
		e.Errorf("recreated account has %d mailboxes, want %d", n, len(store.DefaultMailboxes))
	}
	e.consistent()
}

func testOperatorCreate(e *env) {
	ops, err := e.s.Operators(e.ctx)
	e.ok(err, "Operators(empty store)")
	if len(ops) != 0 {
		e.Errorf("Operators on an empty store = %+v", ops)
	}
	root := &store.Operator{Name: "root", PasswordHash: "hash-root"}
	e.ok(e.s.CreateOperator(e.ctx, root), "CreateOperator(root)")
	e.ok(e.s.CreateOperator(e.ctx, &store.Operator{Name: "ops", PasswordHash: "hash-ops"}), "CreateOperator(ops)")
	got, err := e.s.Operator(e.ctx, "root")
	e.ok(err, "Operator(root)")
	if got.Name != "root" || got.PasswordHash != "hash-root" {
		e.Errorf("Operator(root) = %+v", got)
	}
	if root.ID != 0 && got.ID != root.ID {
		e.Errorf("Operator(root).ID = %d, CreateOperator set %d", got.ID, root.ID)
	}
	ops, err = e.s.Operators(e.ctx)
	e.ok(err, "Operators")
	hashes := map[string]string{}
	for _, o := range ops {
		hashes[o.Name] = o.PasswordHash
	}
	if len(ops) != 2 || hashes["root"] != "hash-root" || hashes["ops"] != "hash-ops" {
		e.Errorf("Operators = %+v, want root and ops with their hashes", ops)
	}
}

func testOperatorDuplicate(e *env) {
	e.ok(e.s.CreateOperator(e.ctx, &store.Operator{Name: "root", PasswordHash: "one"}), "CreateOperator")
	err := e.s.CreateOperator(e.ctx, &store.Operator{Name: "root", PasswordHash: "two"})
	e.wantErr(err, store.ErrExists, "CreateOperator(duplicate)")
	got, err := e.s.Operator(e.ctx, "root")
	e.ok(err, "Operator")
	if got.PasswordHash != "one" {
		e.Errorf("refused duplicate changed the hash to %q", got.PasswordHash)
	}
}

func testOperatorUnknown(e *env) {
	e.ok(e.s.CreateOperator(e.ctx, &store.Operator{Name: "root", PasswordHash: "x"}), "CreateOperator")
	_, err := e.s.Operator(e.ctx, "nobody")
	e.wantErr(err, store.ErrNotFound, "Operator(unknown)")
}
