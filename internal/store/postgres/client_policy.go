package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// SetClientPolicy implements store.ClientPolicyStore.
func (s *Store) SetClientPolicy(ctx context.Context, accountID int64, clientAccess bool, pop3Delete string) error {
	if !validPOP3Delete(pop3Delete) {
		return fmt.Errorf("pop3_delete %q: %w", pop3Delete, store.ErrInvalid)
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE accounts SET client_access=$1, pop3_delete=$2 WHERE id=$3`,
			clientAccess, pop3Delete, accountID)
		return affectedOne(res, err)
	})
}
