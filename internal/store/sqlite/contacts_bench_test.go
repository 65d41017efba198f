package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"

	"postroom/internal/store"
)

// benchBookSize is the address book the issue asks to stay fast at (C1).
const benchBookSize = 10000

var (
	benchFamily = []rune("김이박최정강조윤장임한오서신권황안송류홍")
	benchGiven  = []rune("민서준지현우영수철희진호은재성하연경동")
)

// benchContacts makes n contacts of plausible Korean names, addresses and
// phone numbers, the search text as internal/contacts would put together.
func benchContacts(prefix string, n int) []*store.ContactRow {
	rows := make([]*store.ContactRow, n)
	for i := range rows {
		name := string([]rune{benchFamily[i%len(benchFamily)], benchGiven[(i/7)%len(benchGiven)], benchGiven[(i/3)%len(benchGiven)]})
		email := fmt.Sprintf("user%05d@example.com", i)
		phone := fmt.Sprintf("010-%04d-%04d", i%10000, (i*7919)%10000)
		rows[i] = &store.ContactRow{
			UID:     fmt.Sprintf("%s-%d", prefix, i),
			Name:    name,
			SortKey: name,
			Search:  name + " " + email + " " + phone + " 주식회사 예제 영업부",
			Data:    fmt.Appendf(nil, `{"name":%q,"emails":[{"address":%q}],"phones":[{"number":%q}],"company":"주식회사 예제"}`, name, email, phone),
		}
	}
	return rows
}

func benchStore(b *testing.B) (*Store, *store.Domain) {
	s, err := Open(filepath.Join(b.TempDir(), "postroom.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	d := &store.Domain{Name: "example.com", Language: "ko", TimeZone: "Asia/Seoul"}
	if err := s.CreateDomain(b.Context(), d); err != nil {
		b.Fatal(err)
	}
	return s, d
}

// BenchmarkSaveContacts10k is an import of 10,000 contacts into an empty
// book: one SaveContacts call, one transaction.
func BenchmarkSaveContacts10k(b *testing.B) {
	s, d := benchStore(b)
	ctx := b.Context()
	for i := range b.N {
		b.StopTimer()
		a := &store.Account{DomainID: d.ID, LocalPart: fmt.Sprintf("u%d", i), Language: "ko", TimeZone: "Asia/Seoul"}
		if err := s.CreateAccount(ctx, a); err != nil {
			b.Fatal(err)
		}
		rows := benchContacts("bench", benchBookSize)
		b.StartTimer()
		if err := s.SaveContacts(ctx, store.PersonalBook(d.ID, a.ID), rows); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContactsPage10k reads one page of 50 (with its total) from a
// book of 10,000: the list in the middle, and searches for a common and a
// rare piece of text.
func BenchmarkContactsPage10k(b *testing.B) {
	s, d := benchStore(b)
	ctx := b.Context()
	book := store.SharedBook(d.ID)
	if err := s.SaveContacts(ctx, book, benchContacts("bench", benchBookSize)); err != nil {
		b.Fatal(err)
	}
	// a personal book as large beside it, so that scoping is measured too
	a := &store.Account{DomainID: d.ID, LocalPart: "other", Language: "ko", TimeZone: "Asia/Seoul"}
	if err := s.CreateAccount(ctx, a); err != nil {
		b.Fatal(err)
	}
	if err := s.SaveContacts(ctx, store.PersonalBook(d.ID, a.ID), benchContacts("other", benchBookSize)); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name  string
		q     store.ContactQuery
		least int
	}{
		{"list", store.ContactQuery{Book: book, Offset: 5000, Limit: 50}, benchBookSize},
		{"text", store.ContactQuery{Book: book, Text: "김민", Limit: 50}, 20},
		{"rare", store.ContactQuery{Book: book, Text: "user04242", Limit: 50}, 1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				rows, total, err := s.Contacts(ctx, bc.q)
				if err != nil {
					b.Fatal(err)
				}
				if total < bc.least || len(rows) == 0 {
					b.Fatalf("%d rows of %d", len(rows), total)
				}
			}
		})
	}
}
