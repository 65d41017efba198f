package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"postroom/internal/backup"
)

// cmdBackup copies the data directory, while the server runs, to a new
// directory or tar file (internal/backup).
func cmdBackup(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("backup")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: backup needs DEST (a new directory, or a file ending in .tar, .tar.gz or .tgz)", errUsage)
	}
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	snap, ok := d.Store.(backup.Snapshotter)
	if !ok || d.Config.Shared() {
		return errors.New("postroom backup copies the embedded database and message files; with [store] driver = \"postgres\" back up the database with pg_dump and the bucket with its own versioning or replication (docs/scale-out.md)")
	}
	m, err := backup.Create(ctx, backup.Source{
		DataDir:  d.Config.DataDir,
		Database: snap,
		Blobs:    d.Blobs,
		Keys:     snapshotKeys,
		Progress: terminalProgress("message files"),
	}, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "backup %s: database %s, %d message files (%s)\n", pos[0],
		mib(m.DatabaseBytes), m.Blobs, mib(m.BlobBytes))
	return nil
}

// cmdRestore restores a backup into an empty data directory and checks
// the store it made, as `postroom check` does.
func cmdRestore(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("restore")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: restore needs SRC (a backup directory or tar file)", errUsage)
	}
	m, err := backup.Restore(ctx, pos[0], *data, terminalProgress("message files"))
	if err != nil {
		return err
	}
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	return checkData(ctx, d, out, fmt.Sprintf("restored %s into %s: %d message files (%s), taken %s; consistent", pos[0], d.Config.DataDir,
		m.Blobs, mib(m.BlobBytes), m.Created.Format("2006-01-02 15:04:05 MST")))
}

// terminalProgress shows "what done/total" on standard error when it is
// a terminal (a person waiting); nil otherwise, so that scripts and logs
// get only the summary.
func terminalProgress(what string) func(done, total int) {
	info, err := os.Stderr.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	last := -1
	return func(done, total int) {
		pct := 100
		if total > 0 {
			pct = done * 100 / total
		}
		if pct == last && done != total {
			return
		}
		last = pct
		if total > 0 {
			fmt.Fprintf(os.Stderr, "\r%s %d/%d (%d%%)", what, done, total, pct)
		} else {
			fmt.Fprintf(os.Stderr, "\r%s %d", what, done)
		}
		if done == total {
			fmt.Fprintln(os.Stderr)
		}
	}
}

// mib shows a size in MiB, to one decimal.
func mib(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
