package postgres

import (
	"context"
	"sync"
	"testing"

	"postroom/internal/store"
	"postroom/internal/store/postgres/pgtest"
	"postroom/internal/store/storetest"
)

func testDSN() string { return pgtest.DSN() }

func testSchema(t *testing.T) string { return pgtest.Schema(t) }

// openIn opens a store on the test schema, closed at cleanup.
func openIn(t *testing.T, schema string, opts Options) *Store {
	t.Helper()
	opts.Schema = schema
	s, err := Open(context.Background(), testDSN(), opts)
	if err != nil {
		t.Fatalf("Open(schema %s): %v", schema, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openTest opens a store in a fresh schema.
func openTest(t *testing.T) *Store { return openIn(t, testSchema(t), Options{}) }

// TestConformance runs the whole conformance suite. *Store is passed as a
// store.Store here, and not asserted in postgres.go, so that a method
// added to store.Store breaks this package's tests (loudly, at compile
// time) rather than the build of everyone working above the store.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTest(t) })
}

// TestConformanceShared gives the multi-handle tests two pools on one
// schema, as two nodes sharing the database have.
func TestConformanceShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
		schema := testSchema(t)
		return openIn(t, schema, Options{}), openIn(t, schema, Options{})
	})
}

// TestMigrateConcurrentOpens starts several nodes at once on an empty
// schema: the advisory lock lets each migration run once, and every node
// opens on the finished schema.
func TestMigrateConcurrentOpens(t *testing.T) {
	schema := testSchema(t)
	const nodes = 4
	var wg sync.WaitGroup
	stores := make([]*Store, nodes)
	errs := make([]error, nodes)
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = Open(context.Background(), testDSN(), Options{Schema: schema})
		}()
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Errorf("node %d: Open: %v", i, errs[i])
			continue
		}
		v, err := s.SchemaVersion(t.Context())
		if err != nil || v != len(migrations) {
			t.Errorf("node %d: SchemaVersion = %d, %v; want %d", i, v, err, len(migrations))
		}
		s.Close()
	}
}

func TestMigrateTwiceIsANoOp(t *testing.T) {
	schema := testSchema(t)
	a := openIn(t, schema, Options{})
	b := openIn(t, schema, Options{})
	for _, s := range []*Store{a, b} {
		v, err := s.SchemaVersion(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if v != len(migrations) {
			t.Errorf("SchemaVersion = %d, want %d", v, len(migrations))
		}
	}
}
