package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"postroom/internal/blob"
	"postroom/internal/blob/s3"
	"postroom/internal/config"
	"postroom/internal/events"
	"postroom/internal/events/pgbus"
	"postroom/internal/store"
	"postroom/internal/store/postgres"
	"postroom/internal/store/sqlite"
)

// The backends are chosen here and nowhere else (issue 20): every other
// package sees store.Store, blob.Backend and events.Bus.

// openStore opens the database the config names: the data directory's
// SQLite file, or the cluster's PostgreSQL (migrated on open, under an
// advisory lock, so nodes starting together agree).
func openStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	switch cfg.Store.Driver {
	case "postgres":
		st, err := postgres.Open(ctx, cfg.Store.DSN, postgres.Options{MaxConns: cfg.Store.MaxConns})
		if err != nil {
			return nil, fmt.Errorf("store (postgres at %s): %w", redactDSN(cfg.Store.DSN), err)
		}
		return st, nil
	default:
		return sqlite.Open(filepath.Join(cfg.DataDir, "postroom.db"))
	}
}

// openBlobs opens where message files go: the data directory, or the
// cluster's bucket.
func openBlobs(ctx context.Context, cfg config.Config) (blob.Backend, error) {
	switch cfg.Blob.Driver {
	case "s3":
		b := cfg.Blob
		st, err := s3.Open(ctx, s3.Config{Endpoint: b.Endpoint, Bucket: b.Bucket, Region: b.Region,
			AccessKey: b.AccessKey, SecretKey: b.SecretKey, PathStyle: b.PathStyle})
		if err != nil {
			return nil, fmt.Errorf("blob store (s3 bucket %s at %s): %w", b.Bucket, b.Endpoint, err)
		}
		return st, nil
	default:
		return blob.OpenFS(filepath.Join(cfg.DataDir, "blobs"))
	}
}

// makeBlobDirs makes a file store's directories ahead of its messages
// (blob.FS.MakeDirs); a bucket has none to make.
func makeBlobDirs(b blob.Backend) error {
	if l, ok := b.(*blob.Inline); ok {
		b = l.Files()
	}
	if f, ok := b.(*blob.FS); ok {
		return f.MakeDirs()
	}
	return nil
}

// withInline layers the blobs a store keeps in its database over the
// files, when it keeps any (SQLite: small messages, blob.Inline; issue
// 21), so that every reader of messages finds both. The cluster's
// PostgreSQL keeps none: its messages are the bucket's alone.
func withInline(st store.Store, files blob.Backend) blob.Backend {
	if src, ok := st.(blob.InlineSource); ok {
		return blob.NewInline(src, files)
	}
	return files
}

// eventBus is what a process publishes through: the server also follows
// the other processes' events, a command flushes its own before it exits.
type eventBus interface {
	events.Bus
	// follow starts handing other processes' events to this one's
	// subscribers; nothing committed after it returns is missed.
	follow(ctx context.Context, log *slog.Logger) error
	Flush(ctx context.Context) error
	close()
}

// newEventBus returns the bus of the configured store: with SQLite the
// store's event log, which every process of the data directory reads;
// with PostgreSQL, LISTEN/NOTIFY hints between the nodes (pgbus), on a
// channel of the DSN's schema so that two installations sharing a
// database server stay apart.
func newEventBus(cfg config.Config, st store.Store) eventBus {
	if cfg.Store.Driver != "postgres" {
		return &sharedBus{events.NewShared(st, "")}
	}
	return &notifyBus{dsn: cfg.Store.DSN, channel: notifyChannel(cfg.Store.DSN), local: events.NewLocal()}
}

type sharedBus struct{ *events.Shared }

func (b *sharedBus) follow(ctx context.Context, log *slog.Logger) error {
	b.Log = log
	_, err := b.Follow(ctx)
	return err
}

func (b *sharedBus) close() {}

// notifyBus connects on first use: a command that changes nothing never
// opens the LISTEN connection.
type notifyBus struct {
	dsn, channel string
	local        *events.Local
	bus          *pgbus.Bus
	err          error
}

func (b *notifyBus) connect(ctx context.Context, log *slog.Logger) error {
	if b.bus == nil && b.err == nil {
		b.bus, b.err = pgbus.New(ctx, b.dsn, b.local, log, pgbus.Options{Channel: b.channel})
	}
	return b.err
}

func (b *notifyBus) follow(ctx context.Context, log *slog.Logger) error {
	return b.connect(ctx, log)
}

func (b *notifyBus) Publish(e events.Event) {
	if err := b.connect(context.Background(), nil); err != nil {
		// this process's subscribers still hear of it; the other nodes
		// reread when they next select or poll
		slog.Warn("events to the other nodes", "err", err)
		b.local.Publish(e)
		return
	}
	b.bus.Publish(e)
}

func (b *notifyBus) Subscribe(account int64) (<-chan events.Event, func()) {
	return b.local.Subscribe(account)
}

func (b *notifyBus) Flush(ctx context.Context) error {
	if b.bus == nil {
		return nil
	}
	return b.bus.Flush(ctx)
}

func (b *notifyBus) close() {
	if b.bus != nil {
		b.bus.Close()
	}
}

var channelChars = regexp.MustCompile(`[^a-z0-9_]`)

// notifyChannel is pgbus's channel for the schema the DSN's search_path
// names first (the default channel for the default schema).
func notifyChannel(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return pgbus.DefaultChannel
	}
	schema, _, _ := strings.Cut(u.Query().Get("search_path"), ",")
	schema = channelChars.ReplaceAllString(strings.ToLower(strings.TrimSpace(schema)), "_")
	if schema == "" || schema == "public" {
		return pgbus.DefaultChannel
	}
	name := pgbus.DefaultChannel + "_" + schema
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}

// redactDSN shows a DSN without its password, for errors and logs.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "(dsn)"
	}
	return u.Redacted()
}

// copyEnds are the raw handles postroom migrate copies between
// (internal/storecopy reads and writes tables, not the store's ports).
func copyEnds(src *sqlite.Store, dst *postgres.Store) (*sql.DB, *pgxpool.Pool) {
	return src.DB(), dst.Pool()
}
