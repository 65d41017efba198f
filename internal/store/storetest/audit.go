package storetest

import (
	"fmt"
	"time"

	"postroom/internal/store"
)

var auditTests = []test{
	{"audit_newestFirstPagedPerDomain", testAudit},
}

func testAudit(e *env) {
	a := e.account("boss@example.com")
	b := e.account("boss@other.example")
	at := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	for i := range 5 {
		en := &store.AuditEntry{DomainID: a.DomainID, Actor: "boss@example.com", Role: "admin", Action: "user.create",
			Target: fmt.Sprintf("u%d@example.com", i), Detail: `{"name":"김"}`, Remote: "192.0.2.7", At: at.Add(time.Duration(i) * time.Minute)}
		e.ok(e.s.RecordAudit(e.ctx, en), "RecordAudit")
		if en.ID == 0 {
			e.Fatalf("RecordAudit set no ID")
		}
	}
	e.ok(e.s.RecordAudit(e.ctx, &store.AuditEntry{DomainID: b.DomainID, Actor: "boss@other.example", Role: "admin", Action: "user.delete", Target: "x@other.example", At: at}), "RecordAudit other")
	page, err := e.s.AuditEntries(e.ctx, a.DomainID, 0, 3)
	e.ok(err, "AuditEntries")
	if len(page) != 3 || page[0].Target != "u4@example.com" || page[2].Target != "u2@example.com" {
		e.Fatalf("first page: %+v", page)
	}
	if p := page[0]; p.Actor != "boss@example.com" || p.Role != "admin" || p.Action != "user.create" || p.Detail != `{"name":"김"}` ||
		p.Remote != "192.0.2.7" || !p.At.Equal(at.Add(4*time.Minute)) || p.DomainID != a.DomainID {
		e.Errorf("entry read back: %+v", p)
	}
	rest, err := e.s.AuditEntries(e.ctx, a.DomainID, page[2].ID, 10)
	e.ok(err, "AuditEntries(before)")
	if len(rest) != 2 || rest[0].Target != "u1@example.com" || rest[1].Target != "u0@example.com" {
		e.Errorf("second page: %+v", rest)
	}
	e.ok(e.s.DeleteDomain(e.ctx, a.DomainID), "DeleteDomain")
	gone, err := e.s.AuditEntries(e.ctx, a.DomainID, 0, 10)
	e.ok(err, "AuditEntries after the domain went")
	other, err := e.s.AuditEntries(e.ctx, b.DomainID, 0, 10)
	e.ok(err, "AuditEntries other")
	if len(gone) != 0 || len(other) != 1 {
		e.Errorf("after deleting the domain: %d entries left, other domain %d (want 0, 1)", len(gone), len(other))
	}
}
