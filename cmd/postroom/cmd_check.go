package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"postroom/internal/actor"
	"postroom/internal/blob"
)

// errProblems makes the command exit 1 without another message.
var errProblems = errors.New("problems found")

// cmdCheck verifies the store's invariants and that every referenced blob
// file exists. Unreferenced files are reported as collectable (GC removes
// them), not as problems.
func cmdCheck(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("check")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	return checkData(ctx, d, out, "consistent")
}

// checkData runs the store and blob checks and prints what they found,
// ending with ok when there is no problem (errProblems otherwise).
func checkData(ctx context.Context, d *dataDir, out io.Writer, ok string) error {
	rep, err := adminService(d).Check(ctx, actor.CommandLine)
	if err != nil {
		return err
	}
	for _, key := range rep.Collectable {
		fmt.Fprintf(out, "collectable: blob %s\n", key)
	}
	for _, key := range rep.Unfinished {
		fmt.Fprintf(out, "unfinished: blob %s: its file never got to disk and its APPEND was never answered; the server's next start expunges its messages\n", key)
	}
	if rep.IndexWaiting > 0 {
		fmt.Fprintf(out, "search index: %d messages wait for their terms; the server writes them (its log and the console's status panel show how far it is), and a search of an account writes that account's first\n", rep.IndexWaiting)
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(out, "problem:", p)
	}
	if len(rep.Problems) > 0 {
		return errProblems
	}
	fmt.Fprintln(out, ok)
	return nil
}

// cmdGC removes unreferenced blob files older than the grace period.
func cmdGC(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("gc")
	grace := fs.Duration("grace", blob.DefaultGrace, "only remove files older than this")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	res, err := adminService(d).CollectGarbage(ctx, actor.CommandLine, *grace)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "scanned %d blobs, removed %d (%d bytes)\n", res.Scanned, res.Removed, res.Bytes)
	return nil
}
