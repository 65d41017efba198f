package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/config"
	"postroom/internal/store/postgres"
	"postroom/internal/store/sqlite"
	"postroom/internal/storecopy"
)

// cmdMigrate moves a single node's installation (its SQLite database and
// message files) into the cluster a config names (PostgreSQL and an S3
// bucket), then proves the copy equal (internal/storecopy, issue 20).
func cmdMigrate(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("migrate")
	to := fs.String("to", "", "the new cluster's postroom.toml ([store] driver postgres, [blob] driver s3)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *to == "" {
		return fmt.Errorf("%w: migrate --to TARGET.toml [--data DIR]", errUsage)
	}
	toPath, err := filepath.Abs(*to)
	if err != nil {
		return err
	}
	tcfg, err := config.Load(toPath, filepath.Dir(toPath))
	if err != nil {
		return err
	}
	if tcfg.Store.Driver != "postgres" || tcfg.Blob.Driver != "s3" {
		return fmt.Errorf("%s: the target must name a cluster: [store] driver = \"postgres\" and [blob] driver = \"s3\" (it has %q and %q)",
			*to, tcfg.Store.Driver, tcfg.Blob.Driver)
	}
	dir, err := filepath.Abs(*data)
	if err != nil {
		return err
	}
	// openData would make an empty installation where there is none
	if _, err := os.Stat(filepath.Join(dir, "postroom.db")); err != nil {
		return fmt.Errorf("no installation in %s (no postroom.db): %w", dir, err)
	}
	d, err := openData(dir, "")
	if err != nil {
		return err
	}
	defer d.Close()
	src, ok := d.Store.(*sqlite.Store)
	if !ok || d.Config.Blob.Driver != "fs" {
		return fmt.Errorf("%s is not a single node's installation ([store] driver %q, [blob] driver %q): migrate moves sqlite and fs",
			dir, d.Config.Store.Driver, d.Config.Blob.Driver)
	}
	if err := serverRunning(d.Config.Listen); err != nil {
		return err
	}

	st, err := openStore(ctx, tcfg) // migrates the target's schema
	if err != nil {
		return err
	}
	defer st.Close()
	dst, ok := st.(*postgres.Store)
	if !ok {
		return errors.New("target: not a PostgreSQL store") // openStore answers postgres for driver postgres
	}
	blobs, err := openBlobs(ctx, tcfg)
	if err != nil {
		return err
	}
	srcDB, dstPool := copyEnds(src, dst) // backends.go
	sum, err := storecopy.Copy(ctx, storecopy.Source{DB: srcDB, Blobs: d.Blobs},
		storecopy.Target{Pool: dstPool, Blobs: blobs}, storecopy.Options{Progress: terminalProgress})
	if err != nil {
		return err
	}
	where := fmt.Sprintf("%s and bucket %s at %s", redactDSN(tcfg.Store.DSN), tcfg.Blob.Bucket, tcfg.Blob.Endpoint)
	if sum.AlreadyDone {
		fmt.Fprintf(out, "%s already holds this installation: nothing written\n", where)
	} else {
		fmt.Fprintf(out, "migrated %s into %s\n", dir, where)
	}
	printSummary(out, sum)
	// the search terms, which the copy could not carry (also after a
	// run that committed and stopped before it had indexed everything)
	n, err := reindexTarget(ctx, dst, d.Blobs, out)
	if err != nil {
		return fmt.Errorf("target: %w (run postroom migrate again to finish)", err)
	}
	if n > 0 {
		fmt.Fprintf(out, "  search index: %d messages indexed from their files\n", n)
	}
	// the target's own consistency checks, as `postroom check` runs them
	rep, err := (&admin.Service{Store: st, Blobs: blobs}).Check(ctx, actor.CommandLine)
	if err != nil {
		return fmt.Errorf("target: consistency check: %w", err)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(out, "target: %s\n", p)
	}
	if len(rep.Problems) > 0 {
		return errProblems
	}
	fmt.Fprintf(out, "verified: %d rows compared with the source, %d message files read back (SHA-256); consistent\n", sum.Rows, sum.Files)
	if !sum.AlreadyDone {
		fmt.Fprintln(out, "next: point every node at", *to, "and start them; keep", dir, "until the cluster has served for a while")
	}
	return nil
}

func printSummary(out io.Writer, s storecopy.Summary) {
	nonEmpty := 0
	for _, t := range s.Tables {
		if t.Rows > 0 {
			nonEmpty++
		}
	}
	fmt.Fprintf(out, "  tables: %d (%d with rows), rows: %d, search index: %d messages\n", len(s.Tables), nonEmpty, s.Rows, s.IndexRows)
	fmt.Fprintf(out, "  message files: %d, sent now: %d (%s), already in the bucket: %d, read back: %s\n",
		s.Files, s.Copied, mib(s.Bytes), s.Files-s.Copied, mib(s.Verified))
	secs := s.Elapsed.Seconds()
	if secs > 0 {
		fmt.Fprintf(out, "  time: %s (%.0f rows/s, %.0f files/s)\n", s.Elapsed.Round(time.Millisecond), float64(s.Rows)/secs, float64(s.Files)/secs)
	}
	for _, t := range s.Tables {
		if t.Rows > 0 {
			fmt.Fprintf(out, "    %-24s %d\n", t.Name, t.Rows)
		}
	}
}

// serverRunning refuses a source whose server answers on one of its
// listening addresses: migrate copies one moment of the installation,
// and mail accepted after it would stay behind. (The copy also holds the
// database's write lock, so a server that is running cannot change it
// meanwhile; this tells the operator why before it stalls.)
func serverRunning(l config.Listen) error {
	for _, a := range []struct{ name, addr string }{{"smtp", l.SMTP}, {"submission", l.Submission}, {"submissions", l.Submissions},
		{"imap", l.IMAP}, {"imaps", l.IMAPS}, {"pop3", l.POP3}, {"pop3s", l.POP3S}, {"http", l.HTTP}, {"https", l.HTTPS}} {
		if a.addr == "" {
			continue
		}
		host, port, err := net.SplitHostPort(a.addr)
		if err != nil {
			continue
		}
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1"
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), 500*time.Millisecond)
		if err == nil {
			c.Close()
			return fmt.Errorf("something answers on %s (listen.%s of this data directory): stop `postroom serve` first; "+
				"what it accepted after the copy would not be in the cluster", net.JoinHostPort(host, port), a.name)
		}
	}
	return nil
}
