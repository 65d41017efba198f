package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"postroom/internal/blob"
	"postroom/internal/config"
	"postroom/internal/events"
	"postroom/internal/mail"
	"postroom/internal/store"
	"postroom/internal/store/sqlite"
)

// newFlags returns a flag set with the --data flag every command takes.
func newFlags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", "./data", "data directory")
	return fs, data
}

// parsing, when not nil, sees each command's flag set, complete, as the
// command parses it: the usage test compares the flags with the usage text.
var parsing func(fs *flag.FlagSet)

// parse parses flags given before, between or after positional arguments
// and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	if parsing != nil {
		parsing(fs)
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// dataDir is an opened data directory.
type dataDir struct {
	Config config.Config
	Store  store.Store
	Blobs  blob.Backend

	bus eventBus // events(); flushed by Close
}

// openData opens the data directory's config (or defaults), database and
// blob store. configPath may be empty for DIR/postroom.toml.
func openData(dir, configPath string) (*dataDir, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	cfg := config.Default(abs)
	if configPath == "" {
		configPath = filepath.Join(abs, config.FileName)
		if !config.Exists(configPath) {
			configPath = ""
		}
	}
	if configPath != "" {
		if cfg, err = config.Load(configPath, abs); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	st, err := openStore(context.Background(), cfg) // backends.go
	if err != nil {
		return nil, err
	}
	blobs, err := openBlobs(context.Background(), cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &dataDir{Config: cfg, Store: st, Blobs: withInline(st, blobs), bus: newEventBus(cfg, st)}, nil
}

// flushTimeout bounds how long Close waits for the events of a command to
// reach the event log.
const flushTimeout = 10 * time.Second

// Close writes the events still on their way to the event log, then
// closes the database.
func (d *dataDir) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	if err := d.bus.Flush(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "postroom: events not yet written to the event log: %v\n", err)
	}
	d.bus.close()
	return d.Store.Close()
}

// events is this process's event bus (backends.go): what a command
// changes reaches its own subscribers and the running servers' (IMAP IDLE,
// the webmail's event stream); the server also follows it.
func (d *dataDir) events() events.Bus { return d.bus }

// mailService is the mailbox service on the data directory, publishing
// through events(): every command that changes mail calls it, so that a
// server running beside it sees the change.
func (d *dataDir) mailService() *mail.Service {
	return &mail.Service{Store: d.Store, Blobs: d.Blobs, Events: d.events(), MaxMessageSize: d.Config.MaxMessageSize}
}

// snapshotKeys lists the blob files a copy of the database (postroom
// backup's) references, opening the copy as a store of its own. The
// blobs it keeps itself (small messages) travel inside it.
func snapshotKeys(ctx context.Context, path string, fn func(key string) error) error {
	st, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	defer st.Close()
	return st.FileBlobKeys(ctx, fn)
}
