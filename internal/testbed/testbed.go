// Package testbed builds, for the tests of services and adapters, what a
// running server has beneath them: a store and a blob directory in a
// temporary directory, the event bus, the mailbox service and the hosted
// domain example.test. Tests only; nothing in the server imports it.
//
// The store is SQLite; with POSTROOM_TEST_STORE=postgres it is a schema of
// its own on the test PostgreSQL (pgtest), so that the services' tests
// also run on the cluster's backend (scripts/test runs some that way).
package testbed

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/blob"
	"postroom/internal/config"
	"postroom/internal/events"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/store"
	"postroom/internal/store/postgres"
	"postroom/internal/store/postgres/pgtest"
	"postroom/internal/store/sqlite"
)

// Password is every test account's password.
const Password = "pw"

// MaxMessageSize is the largest message the mailbox service of a bed
// takes (config max_message_size): 1 MiB.
const MaxMessageSize = 1 << 20

// Bed is one test's storage and services.
type Bed struct {
	TB     testing.TB
	Ctx    context.Context
	Dir    string
	Store  store.Store
	Blobs  blob.Backend
	Bus    *events.Local
	Mail   *mail.Service
	Domain *store.Domain // example.test
}

// New makes a bed that is removed when the test ends.
func New(tb testing.TB) *Bed {
	tb.Helper()
	dir := tb.TempDir()
	st := openStore(tb, dir)
	tb.Cleanup(func() { st.Close() })
	blobs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	bus := events.NewLocal()
	b := &Bed{TB: tb, Ctx: context.Background(), Dir: dir, Store: st, Blobs: blobs, Bus: bus,
		Mail: &mail.Service{Store: st, Blobs: blobs, Events: bus, MaxMessageSize: MaxMessageSize}, Domain: &store.Domain{Name: "example.test"}}
	if err := st.CreateDomain(b.Ctx, b.Domain); err != nil {
		tb.Fatal(err)
	}
	return b
}

// openStore opens the bed's store: see the package comment.
func openStore(tb testing.TB, dir string) store.Store {
	tb.Helper()
	switch backend := os.Getenv("POSTROOM_TEST_STORE"); backend {
	case "", "sqlite":
		st, err := sqlite.OpenUnsynced(filepath.Join(dir, "postroom.db")) // no fsync: see OpenUnsynced
		if err != nil {
			tb.Fatal(err)
		}
		return st
	case "postgres":
		st, err := postgres.Open(context.Background(), pgtest.DSN(), postgres.Options{Schema: pgtest.Schema(tb), MaxConns: 8})
		if err != nil {
			tb.Fatal(err)
		}
		return st
	default:
		tb.Fatalf("POSTROOM_TEST_STORE=%q: want sqlite or postgres", backend)
		return nil
	}
}

// SQLite is the bed's store as the embedded backend, for the tests of
// what only it has (snapshots for backups, its file); such a test fails
// when the bed runs on PostgreSQL.
func (b *Bed) SQLite() *sqlite.Store {
	b.TB.Helper()
	st, ok := b.Store.(*sqlite.Store)
	if !ok {
		b.TB.Fatalf("this test needs the SQLite store; POSTROOM_TEST_STORE=%s", os.Getenv("POSTROOM_TEST_STORE"))
	}
	return st
}

// Quiet is a logger that writes nothing, for servers under test.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TLS returns a self-signed server configuration for hostname (also valid
// for localhost and 127.0.0.1), its certificate kept under the bed's dir.
func (b *Bed) TLS(hostname string) *tls.Config {
	b.TB.Helper()
	cfg := config.Default(filepath.Join(b.Dir, "tls-"+hostname))
	cfg.Hostname = hostname
	conf, err := cfg.TLSConfig()
	if err != nil {
		b.TB.Fatal(err)
	}
	return conf
}

// passwordHash is Password's hash, made once per test binary: argon2id
// at the production cost takes a second under the race detector, and
// every account of every test has the same password (a shared salt is
// harmless here; logins still verify it the production way).
var passwordHash = sync.OnceValues(func() (string, error) { return auth.HashPassword(Password) })

// Account creates local@example.test, enabled, mail clients on, with
// Password; mod may change it before it is stored.
func (b *Bed) Account(local string, mod func(*store.Account)) *store.Account {
	b.TB.Helper()
	hash, err := passwordHash()
	if err != nil {
		b.TB.Fatal(err)
	}
	a := &store.Account{DomainID: b.Domain.ID, LocalPart: local, PasswordHash: hash, Enabled: true, ClientAccess: true}
	if mod != nil {
		mod(a)
	}
	if err := b.Store.CreateAccount(b.Ctx, a); err != nil {
		b.TB.Fatal(err)
	}
	a, err = b.Store.Account(b.Ctx, a.ID)
	if err != nil {
		b.TB.Fatal(err)
	}
	return a
}

// Put stores a message into one of the account's mailboxes the way the
// delivery pipeline does, without SMTP.
func (b *Bed) Put(accountID int64, mailbox string, raw string) *store.Message {
	b.TB.Helper()
	mb, err := b.Store.MailboxByName(b.Ctx, accountID, mailbox)
	if err != nil {
		b.TB.Fatal(err)
	}
	key, size, err := b.Blobs.Put(b.Ctx, strings.NewReader(raw))
	if err != nil {
		b.TB.Fatal(err)
	}
	m, err := b.Mail.Append(b.Ctx, actor.System(accountID, "test"), mail.AppendRequest{MailboxID: mb.ID, BlobKey: key, Size: size,
		Parsed: message.Parse([]byte(raw))})
	if err != nil {
		b.TB.Fatal(err)
	}
	return m
}
