// Package pgtest gives tests a PostgreSQL schema of their own on the
// server CI provides (127.0.0.1:5432, trust auth, database test), dropped
// when the test ends. A server that cannot be reached fails the test under
// CI=true and skips it elsewhere.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// DSN is the database the tests use: POSTROOM_TEST_POSTGRES, or the one CI
// provides.
func DSN() string {
	if dsn := os.Getenv("POSTROOM_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// Schema makes a schema of its own for one test, dropped at cleanup, and
// returns its name.
func Schema(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, DSN())
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s: %v", DSN(), err)
		}
		t.Skipf("no PostgreSQL (%v); set POSTROOM_TEST_POSTGRES", err)
	}
	defer conn.Close(ctx)
	var b [8]byte
	rand.Read(b[:])
	name := "pr_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("create schema %s: %v", name, err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), DSN())
		if err != nil {
			t.Errorf("drop schema %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// SchemaDSN is DSN with schema as its search_path: what a Postroom
// config's [store] dsn holds to use that schema.
func SchemaDSN(t testing.TB, schema string) string {
	t.Helper()
	u, err := url.Parse(DSN())
	if err != nil {
		t.Fatalf("POSTROOM_TEST_POSTGRES is not a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
