package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"postroom/internal/blob"
	"postroom/internal/config"
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
	Store  *sqlite.Store
	Blobs  *blob.FS
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
	st, err := sqlite.Open(filepath.Join(cfg.DataDir, "postroom.db"))
	if err != nil {
		return nil, err
	}
	blobs, err := blob.OpenFS(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		st.Close()
		return nil, err
	}
	return &dataDir{Config: cfg, Store: st, Blobs: blobs}, nil
}

func (d *dataDir) Close() error { return d.Store.Close() }
