package main

import (
	"context"
	"fmt"
	"io"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/blob"
	"postroom/internal/mail"
	"postroom/internal/store/postgres"
	"postroom/internal/storecopy"
)

// reindexTarget makes the search terms of the messages a copy left
// unindexed (storecopy.Unindexed: the SQLite index keeps no terms to
// carry over), account by account, as `postroom reindex` would on the
// cluster. It reads the message files from the source's directory: the
// same files (the copy verified every one), and local. A run stopped
// half way is taken up again by the next `postroom migrate`, which finds
// what is still unindexed. It returns how many messages it indexed.
func reindexTarget(ctx context.Context, dst *postgres.Store, files blob.Backend, out io.Writer) (int, error) {
	todo, err := storecopy.Unindexed(ctx, dst)
	if err != nil || len(todo) == 0 {
		return 0, err
	}
	var total int64
	for _, u := range todo {
		total += u.Messages
	}
	fmt.Fprintf(out, "search index: reading %d messages of %d accounts again from their files\n", total, len(todo))
	adm := &admin.Service{Store: dst, Blobs: files}
	svc := &mail.Service{Store: dst, Blobs: files}
	progress := terminalProgress("search index")
	done := 0
	tick := func() {
		done++
		if progress != nil {
			progress(done, max(done, int(total)))
		}
	}
	indexed := 0
	for _, u := range todo {
		who, err := adm.ActFor(ctx, actor.CommandLine, u.Address)
		if err != nil {
			return indexed, fmt.Errorf("search index: %s: %w", u.Address, err)
		}
		n, err := svc.ReindexEach(ctx, who, tick)
		indexed += n
		if err != nil {
			return indexed, fmt.Errorf("search index: %s: %w", u.Address, err)
		}
	}
	if progress != nil && done < int(total) {
		progress(done, done) // ends the line (messages no longer there)
	}
	return indexed, nil
}
