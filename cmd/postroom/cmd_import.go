package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/migrate"
)

// cmdImport brings mail from an mbox, a Maildir, a folder of .eml files
// or a live IMAP account into an account (internal/imports); with --csv,
// into many. Run again, it imports nothing twice.
func cmdImport(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("import")
	mbox := fs.String("mbox", "", "an mbox file, or a directory of .mbox files")
	maildir := fs.String("maildir", "", "a Maildir (Maildir++) directory")
	eml := fs.String("eml", "", "a directory of .eml files")
	imapURL := fs.String("imap", "", "imaps://user:password@host:port of a live account")
	folder := fs.String("folder", "", "put every message into this folder")
	insecure := fs.Bool("insecure-tls", false, "do not check the IMAP server's certificate")
	csvPath := fs.String("csv", "", "a CSV file of address,source lines (source: a path or an imap(s):// URL)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	var jobs []importJob
	if *csvPath != "" {
		if len(pos) != 0 || *mbox+*maildir+*eml+*imapURL != "" {
			return fmt.Errorf("%w: --csv names its own addresses and sources", errUsage)
		}
		if jobs, err = importCSV(*csvPath, *insecure); err != nil {
			return err
		}
	} else {
		if len(pos) != 1 {
			return fmt.Errorf("%w: import needs one ADDRESS (or --csv FILE)", errUsage)
		}
		src, err := importSource(*mbox, *maildir, *eml, *imapURL, *insecure)
		if err != nil {
			return err
		}
		jobs = []importJob{{address: pos[0], src: src, where: "the command line"}}
	}
	d, err := openData(*data, "")
	if err != nil {
		return err
	}
	defer d.Close()
	failed := false
	for _, j := range jobs {
		acct, err := adminService(d).Account(ctx, actor.CommandLine, j.address)
		if err != nil {
			return fmt.Errorf("%s (%s): %w", j.address, j.where, adminError(err))
		}
		progress := terminalProgress(j.address + ": messages")
		im := &migrate.Importer{Mail: d.mailService()}
		if progress != nil {
			im.Progress = func(r *migrate.Result) { progress(r.Imported+r.Skipped+len(r.Failed), 0) }
		}
		res, err := im.Import(ctx, actor.System(acct.ID, "import"), j.src, *folder)
		if res != nil {
			fmt.Fprintf(out, "%s: imported %d, already here %d, folders created %d, failed %d\n",
				acct.Address(), res.Imported, res.Skipped, res.FoldersCreated, len(res.Failed))
			for _, f := range res.Failed {
				fmt.Fprintln(out, "  failed:", f)
			}
			failed = failed || len(res.Failed) > 0
		}
		if err != nil {
			return fmt.Errorf("%s: %w (run the same command again to go on: nothing is imported twice)", acct.Address(), err)
		}
	}
	if failed {
		return errProblems
	}
	return nil
}

type importJob struct {
	address string
	src     migrate.Source
	where   string
}

// importSource is the one source the flags name.
func importSource(mbox, maildir, eml, imapURL string, insecure bool) (migrate.Source, error) {
	var srcs []migrate.Source
	if mbox != "" {
		srcs = append(srcs, migrate.Mbox{Path: mbox})
	}
	if maildir != "" {
		srcs = append(srcs, migrate.Maildir{Path: maildir})
	}
	if eml != "" {
		srcs = append(srcs, migrate.EML{Path: eml})
	}
	if imapURL != "" {
		u, err := migrate.ParseIMAPURL(imapURL)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		srcs = append(srcs, migrate.IMAP{URL: u, InsecureTLS: insecure})
	}
	if len(srcs) != 1 {
		return nil, fmt.Errorf("%w: name one of --mbox, --maildir, --eml, --imap", errUsage)
	}
	return srcs[0], nil
}

// importCSV reads address,source lines; a source is an imap(s):// URL
// or a path (an mbox file, a Maildir, a directory of .eml or .mbox files).
func importCSV(path string, insecure bool) ([]importJob, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	var jobs []importJob
	for line := 1; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return jobs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(rec) == 0 || strings.HasPrefix(strings.TrimSpace(rec[0]), "#") ||
			(line == 1 && strings.EqualFold(strings.TrimSpace(rec[0]), "address")) {
			continue
		}
		where := fmt.Sprintf("%s line %d", path, line)
		if len(rec) < 2 {
			return nil, fmt.Errorf("%s: want address,source", where)
		}
		src, err := csvSource(strings.TrimSpace(rec[1]), insecure)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		jobs = append(jobs, importJob{address: strings.TrimSpace(rec[0]), src: src, where: where})
	}
}

func csvSource(s string, insecure bool) (migrate.Source, error) {
	if strings.HasPrefix(s, "imap://") || strings.HasPrefix(s, "imaps://") {
		u, err := migrate.ParseIMAPURL(s)
		if err != nil {
			return nil, err
		}
		return migrate.IMAP{URL: u, InsecureTLS: insecure}, nil
	}
	info, err := os.Stat(s)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return migrate.Mbox{Path: s}, nil
	}
	if _, err := os.Stat(filepath.Join(s, "cur")); err == nil {
		return migrate.Maildir{Path: s}, nil
	}
	if mboxes, _ := filepath.Glob(filepath.Join(s, "*.mbox")); len(mboxes) > 0 {
		return migrate.Mbox{Path: s}, nil
	}
	return migrate.EML{Path: s}, nil
}
