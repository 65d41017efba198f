package storetest

import (
	"errors"
	"slices"
	"sync"

	"postroom/internal/store"
)

var filterTests = []test{
	{"filters_createListOrderDelete", testFiltersCRUD},
	{"filters_orderMustNameEachOnce", testFiltersOrderExact},
	{"filters_limitHoldsUnderConcurrency", testFiltersLimit},
	{"filters_otherAccountIsNotFound", testFiltersTenancy},
	{"filters_goWithTheAccount", testFiltersAccountDeleted},
}

func (e *env) filter(accountID int64, name string) *store.Filter {
	e.Helper()
	f := &store.Filter{AccountID: accountID, Name: name, Enabled: true, Rule: []byte(`{"r":"` + name + `"}`)}
	e.ok(e.s.CreateFilter(e.ctx, f, 100), "CreateFilter")
	if f.ID == 0 {
		e.Fatalf("CreateFilter left ID 0")
	}
	return f
}

func (e *env) filterNames(accountID int64) []string {
	e.Helper()
	fs, err := e.s.Filters(e.ctx, accountID)
	e.ok(err, "Filters")
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
	}
	return names
}

func testFiltersCRUD(e *env) {
	a := e.account("alice@example.com")
	f1, f2, f3 := e.filter(a.ID, "one"), e.filter(a.ID, "둘"), e.filter(a.ID, "three")
	if got := e.filterNames(a.ID); !slices.Equal(got, []string{"one", "둘", "three"}) {
		e.Errorf("created order: %v", got)
	}
	f2.Name, f2.Enabled, f2.Rule = "two", false, []byte(`{"r":2}`)
	e.ok(e.s.UpdateFilter(e.ctx, f2), "UpdateFilter")
	got, err := e.s.Filter(e.ctx, a.ID, f2.ID)
	e.ok(err, "Filter")
	if got.Name != "two" || got.Enabled || string(got.Rule) != `{"r":2}` || got.Position != 1 {
		e.Errorf("updated: %+v", got)
	}
	e.ok(e.s.OrderFilters(e.ctx, a.ID, []int64{f3.ID, f1.ID, f2.ID}), "OrderFilters")
	if got := e.filterNames(a.ID); !slices.Equal(got, []string{"three", "one", "two"}) {
		e.Errorf("after ordering: %v", got)
	}
	e.ok(e.s.DeleteFilter(e.ctx, a.ID, f1.ID), "DeleteFilter")
	f4 := e.filter(a.ID, "four")
	if got := e.filterNames(a.ID); !slices.Equal(got, []string{"three", "two", "four"}) {
		e.Errorf("after delete and create: %v", got)
	}
	e.wantErr(e.s.DeleteFilter(e.ctx, a.ID, f1.ID), store.ErrNotFound, "delete twice")
	e.wantErr(e.s.UpdateFilter(e.ctx, f1), store.ErrNotFound, "update deleted")
	_, err = e.s.Filter(e.ctx, a.ID, f1.ID)
	e.wantErr(err, store.ErrNotFound, "read deleted")
	_ = f4
}

func testFiltersOrderExact(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.com")
	f1, f2 := e.filter(a.ID, "one"), e.filter(a.ID, "two")
	fb := e.filter(b.ID, "bob's")
	for _, ids := range [][]int64{
		{f1.ID},                // one missing
		{f1.ID, f2.ID, f2.ID},  // twice
		{f1.ID, f1.ID},         // twice, right length
		{f1.ID, f2.ID, fb.ID},  // another account's
		{f2.ID, fb.ID},         // another account's instead of one
		{f1.ID, f2.ID, 999999}, // unknown
		nil,
	} {
		e.wantErr(e.s.OrderFilters(e.ctx, a.ID, ids), store.ErrInvalid, "OrderFilters")
	}
	if got := e.filterNames(a.ID); !slices.Equal(got, []string{"one", "two"}) {
		e.Errorf("a refused order changed the order: %v", got)
	}
	if got := e.filterNames(b.ID); !slices.Equal(got, []string{"bob's"}) {
		e.Errorf("the other account's filters: %v", got)
	}
}

func testFiltersLimit(e *env) {
	a := e.account("alice@example.com")
	const limit = 5
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, tooMany := 0, 0
	for range 12 {
		wg.Go(func() {
			err := e.s.CreateFilter(e.ctx, &store.Filter{AccountID: a.ID, Name: "x", Rule: []byte(`{}`)}, limit)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, store.ErrTooMany):
				tooMany++
			default:
				e.Errorf("CreateFilter: %v", err)
			}
		})
	}
	wg.Wait()
	if ok != limit || tooMany != 12-limit {
		e.Errorf("%d created and %d refused, want %d and %d", ok, tooMany, limit, 12-limit)
	}
	fs, err := e.s.Filters(e.ctx, a.ID)
	e.ok(err, "Filters")
	seen := map[int]bool{}
	for _, f := range fs {
		if seen[f.Position] {
			e.Errorf("two filters at position %d", f.Position)
		}
		seen[f.Position] = true
	}
}

func testFiltersTenancy(e *env) {
	a := e.account("alice@example.com")
	b := e.account("bob@example.org")
	f := e.filter(a.ID, "alice's")
	_, err := e.s.Filter(e.ctx, b.ID, f.ID)
	e.wantErr(err, store.ErrNotFound, "read another's")
	e.wantErr(e.s.UpdateFilter(e.ctx, &store.Filter{ID: f.ID, AccountID: b.ID, Name: "mine", Rule: []byte(`{}`)}), store.ErrNotFound, "update another's")
	e.wantErr(e.s.DeleteFilter(e.ctx, b.ID, f.ID), store.ErrNotFound, "delete another's")
	if got := e.filterNames(a.ID); !slices.Equal(got, []string{"alice's"}) {
		e.Errorf("alice's filters after bob's attempts: %v", got)
	}
	if got := e.filterNames(b.ID); len(got) != 0 {
		e.Errorf("bob sees %v", got)
	}
}

func testFiltersAccountDeleted(e *env) {
	a := e.account("alice@example.com")
	e.filter(a.ID, "one")
	e.ok(e.s.DeleteAccount(e.ctx, a.ID), "DeleteAccount")
	if got := e.filterNames(a.ID); len(got) != 0 {
		e.Errorf("filters of a deleted account: %v", got)
	}
}
