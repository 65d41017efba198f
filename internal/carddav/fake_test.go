package carddav

// In-memory stand-ins of the contacts service and the authenticator,
// keeping the rules the handler relies on: a personal book per account,
// a shared book per domain that only a domain administrator changes, a
// version per book stamped on the contacts it changes, UIDs unique in a
// book (the trash included), ErrConflict on a stale Version.

import (
	"context"
	"fmt"
	"net"
	"sort"
	"sync"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/contacts"
	"postroom/internal/store"
)

type bookKey struct {
	owner int64 // account for a personal book, domain for a shared one
	book  contacts.Book
}

type fakeContacts struct {
	mu       sync.Mutex
	nextID   int64
	versions map[bookKey]int64
	cards    map[int64]*contacts.Contact
	keys     map[int64]bookKey
	clock    time.Time
	groups   map[bookKey][]contacts.Group
	// beforeUpdate runs inside Update before its checks (another writer
	// getting there first).
	beforeUpdate func(c *contacts.Contact)
	// failList makes List fail, for the 500 path.
	failList error
}

func newFakeContacts() *fakeContacts {
	return &fakeContacts{versions: map[bookKey]int64{}, cards: map[int64]*contacts.Contact{}, keys: map[int64]bookKey{}, groups: map[bookKey][]contacts.Group{},
		clock: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func keyOf(a actor.Actor, b contacts.Book) (bookKey, error) {
	if a.AccountID == 0 {
		return bookKey{}, contacts.ErrForbidden
	}
	switch b {
	case contacts.Personal:
		return bookKey{a.AccountID, b}, nil
	case contacts.Shared:
		return bookKey{a.DomainID, b}, nil
	}
	return bookKey{}, fmt.Errorf("book %q: %w", b, contacts.ErrInvalid)
}

func (f *fakeContacts) CanWrite(a actor.Actor, b contacts.Book) bool {
	return b == contacts.Personal || b == contacts.Shared && a.Role == actor.RoleDomainAdmin
}

func (f *fakeContacts) List(ctx context.Context, a actor.Actor, q contacts.Query) (*contacts.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failList != nil {
		return nil, f.failList
	}
	k, err := keyOf(a, q.Book)
	if err != nil {
		return nil, err
	}
	var out []contacts.Contact
	for id, c := range f.cards {
		if f.keys[id] == k && c.Deleted.IsZero() != q.Trash {
			out = append(out, *c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Name < out[j].Name || out[i].Name == out[j].Name && out[i].ID < out[j].ID
	})
	return &contacts.Page{Contacts: out, Total: len(out)}, nil
}

func (f *fakeContacts) ByUID(ctx context.Context, a actor.Actor, b contacts.Book, uid string) (*contacts.Contact, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, err := keyOf(a, b)
	if err != nil {
		return nil, err
	}
	for id, c := range f.cards {
		if f.keys[id] == k && c.UID == uid {
			cp := *c
			return &cp, nil
		}
	}
	return nil, contacts.ErrNotFound
}

// bump raises k's version and the clock: one change.
func (f *fakeContacts) bump(k bookKey) int64 {
	f.versions[k]++
	f.clock = f.clock.Add(time.Minute)
	return f.versions[k]
}

func (f *fakeContacts) Create(ctx context.Context, a actor.Actor, c *contacts.Contact) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, err := keyOf(a, c.Book)
	if err != nil {
		return err
	}
	if !f.CanWrite(a, c.Book) {
		return contacts.ErrForbidden
	}
	if err := contacts.Normalize(c); err != nil {
		return err
	}
	if c.UID == "" {
		c.UID = fmt.Sprintf("made-%d", f.nextID+1)
	}
	for id, o := range f.cards {
		if f.keys[id] == k && o.UID == c.UID {
			return contacts.ErrExists
		}
	}
	f.nextID++
	c.ID, c.Version, c.Updated = f.nextID, f.bump(k), f.clock
	cp := *c
	f.cards[c.ID], f.keys[c.ID] = &cp, k
	return nil
}

func (f *fakeContacts) Update(ctx context.Context, a actor.Actor, c *contacts.Contact) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	old, ok := f.cards[c.ID]
	if !ok {
		return contacts.ErrNotFound
	}
	if f.beforeUpdate != nil {
		f.beforeUpdate(old)
	}
	k := f.keys[c.ID]
	if mine, err := keyOf(a, k.book); err != nil || mine != k {
		return contacts.ErrNotFound
	}
	if !f.CanWrite(a, k.book) {
		return contacts.ErrForbidden
	}
	if c.Version != 0 && c.Version != old.Version {
		return contacts.ErrConflict
	}
	if err := contacts.Normalize(c); err != nil {
		return err
	}
	c.Book = k.book
	if c.UID == "" {
		c.UID = old.UID
	}
	if c.Groups == nil {
		c.Groups = old.Groups
	}
	c.Version, c.Updated, c.Deleted = f.bump(k), f.clock, old.Deleted
	cp := *c
	f.cards[c.ID] = &cp
	return nil
}

func (f *fakeContacts) Trash(ctx context.Context, a actor.Actor, ids ...int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		c, ok := f.cards[id]
		if !ok {
			return contacts.ErrNotFound
		}
		k := f.keys[id]
		if mine, err := keyOf(a, k.book); err != nil || mine != k {
			return contacts.ErrNotFound
		}
		if !f.CanWrite(a, k.book) {
			return contacts.ErrForbidden
		}
		c.Version = f.bump(k)
		c.Deleted = f.clock
	}
	return nil
}

func (f *fakeContacts) Restore(ctx context.Context, a actor.Actor, ids ...int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		c, ok := f.cards[id]
		if !ok {
			return contacts.ErrNotFound
		}
		k := f.keys[id]
		if mine, err := keyOf(a, k.book); err != nil || mine != k {
			return contacts.ErrNotFound
		}
		if !f.CanWrite(a, k.book) {
			return contacts.ErrForbidden
		}
		c.Version = f.bump(k)
		c.Deleted = time.Time{}
	}
	return nil
}

func (f *fakeContacts) Groups(ctx context.Context, a actor.Actor, b contacts.Book) ([]contacts.Group, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, err := keyOf(a, b)
	if err != nil {
		return nil, err
	}
	return append([]contacts.Group(nil), f.groups[k]...), nil
}

// addGroup makes a group of a's book b (members are the contacts' Groups).
func (f *fakeContacts) addGroup(a actor.Actor, b contacts.Book, id int64, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, _ := keyOf(a, b)
	f.groups[k] = append(f.groups[k], contacts.Group{ID: id, Book: b, Name: name})
}

func (f *fakeContacts) BookVersion(ctx context.Context, a actor.Actor, b contacts.Book) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, err := keyOf(a, b)
	if err != nil {
		return 0, err
	}
	return f.versions[k], nil
}

// add stores c in b for a, as the webmail would, and returns it stored.
func (f *fakeContacts) add(t *testing.T, a actor.Actor, b contacts.Book, c contacts.Contact) contacts.Contact {
	t.Helper()
	c.Book = b
	admin := a
	admin.Role = actor.RoleDomainAdmin // the shared book's fixtures are an administrator's
	if err := f.Create(context.Background(), admin, &c); err != nil {
		t.Fatalf("add %+v: %v", c, err)
	}
	return c
}

// fakeLogins checks passwords from a map and counts what it was asked.
type fakeLogins struct {
	mu        sync.Mutex
	accounts  map[string]*store.Account // by address
	passwords map[string]string
	logins    int // Login calls
	rechecks  int
	ended     map[int64]bool // accounts whose logins no longer hold
	failWith  error          // Login's answer when set
}

func (l *fakeLogins) Login(ctx context.Context, r auth.Request) (*store.Account, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.logins++
	if r.Protocol != auth.ProtoCardDAV {
		return nil, fmt.Errorf("login as %q, want carddav", r.Protocol)
	}
	if l.failWith != nil {
		return nil, l.failWith
	}
	a, ok := l.accounts[r.Address]
	if !ok || l.passwords[r.Address] != r.Password || l.ended[a.ID] {
		return nil, auth.ErrInvalidCredentials
	}
	cp := *a
	return &cp, nil
}

func (l *fakeLogins) Recheck(ctx context.Context, acct *store.Account, p auth.Protocol) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rechecks++
	if l.ended[acct.ID] {
		return auth.ErrLoginEnded
	}
	return nil
}

func (l *fakeLogins) PlaintextAllowed(remote net.Addr, tls bool) bool {
	return tls || auth.IsLoopback(remote)
}

func (l *fakeLogins) counts() (int, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.logins, l.rechecks
}

// The accounts of the tests: kim and lee users of example.test (domain
// 1), boss its administrator, park of other.test (domain 2).
var (
	kim  = &store.Account{ID: 1, DomainID: 1, Domain: "example.test", LocalPart: "kim", DisplayName: "김민수", Enabled: true, ClientAccess: true, Language: "ko"}
	lee  = &store.Account{ID: 2, DomainID: 1, Domain: "example.test", LocalPart: "lee", Enabled: true, ClientAccess: true, Language: "en"}
	boss = &store.Account{ID: 3, DomainID: 1, Domain: "example.test", LocalPart: "boss", Enabled: true, ClientAccess: true, Admin: true}
	park = &store.Account{ID: 4, DomainID: 2, Domain: "other.test", LocalPart: "park", Enabled: true, ClientAccess: true}
)

func newFakeLogins() *fakeLogins {
	l := &fakeLogins{accounts: map[string]*store.Account{}, passwords: map[string]string{}, ended: map[int64]bool{}}
	for _, a := range []*store.Account{kim, lee, boss, park} {
		l.accounts[a.Address()] = a
		l.passwords[a.Address()] = a.LocalPart + "-pw"
	}
	return l
}
