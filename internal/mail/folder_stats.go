package mail

import (
	"context"
	"fmt"

	"postroom/internal/actor"
)

// FolderStats is the table of Settings > Folder management (S3): every
// folder with its message count and size, their totals, and the quota
// they count against.
type FolderStats struct {
	Folders  []Folder
	Messages int64 // in every folder together
	Size     int64 // bytes, every folder together
	// QuotaBytes is the account's quota (0: unlimited).
	QuotaBytes int64
}

// FolderStats counts the actor's folders. The totals are the sums of the
// folders read here, so that the table always adds up (the account's
// usage counter is maintained with the messages and equals them, which
// the store's consistency check verifies).
func (s *Service) FolderStats(ctx context.Context, a actor.Actor) (*FolderStats, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	folders, err := s.Folders(ctx, a)
	if err != nil {
		return nil, err
	}
	acct, err := s.Store.Account(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("folder stats of account %d: %w", accountID, err)
	}
	st := &FolderStats{Folders: folders, QuotaBytes: acct.QuotaBytes}
	for _, f := range folders {
		st.Messages += f.Status.Messages
		st.Size += f.Status.Size
	}
	return st, nil
}
