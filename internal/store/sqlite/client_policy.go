package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"postroom/internal/store"
)

// SetClientPolicy implements store.ClientPolicyStore.
func (s *Store) SetClientPolicy(ctx context.Context, accountID int64, clientAccess bool, pop3Delete string) error {
	if !validPOP3Delete(pop3Delete) {
		return fmt.Errorf("pop3_delete %q: %w", pop3Delete, store.ErrInvalid)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET client_access=?, pop3_delete=? WHERE id=?`,
			boolInt(clientAccess), pop3Delete, accountID)
		return affectedOne(res, err)
	})
}
