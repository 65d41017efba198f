package sqlite

// What the spam classifier learned (store.BayesStore).

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"postroom/internal/store"
)

// TrainBayes implements store.BayesStore.
func (s *Store) TrainBayes(ctx context.Context, domainID, accountID int64, blobKey string, tokens []string, spam bool) (bool, error) {
	changed := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		var was int
		err := tx.QueryRowContext(ctx, `SELECT spam FROM bayes_trained WHERE account_id = ? AND blob_key = ?`, accountID, blobKey).Scan(&was)
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return err
		case (was == 1) == spam:
			return nil // trained so already
		default:
			if err := bayesAdd(ctx, tx, domainID, accountID, tokens, was == 1, -1); err != nil {
				return err
			}
		}
		if err := bayesAdd(ctx, tx, domainID, accountID, tokens, spam, 1); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO bayes_trained (account_id, blob_key, spam) VALUES (?,?,?)`, accountID, blobKey, boolInt(spam))
		changed = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("train spam filter of account %d: %w", accountID, err)
	}
	return changed, nil
}

// bayesAdd adds delta to the spam (or ham) counts of the message and of
// its tokens, in the account's scope and in its domain's (account 0).
func bayesAdd(ctx context.Context, tx *sql.Tx, domainID, accountID int64, tokens []string, spam bool, delta int) error {
	col := "ham"
	if spam {
		col = "spam"
	}
	spamD, hamD := 0, delta
	if spam {
		spamD, hamD = delta, 0
	}
	scopes := []int64{accountID, 0}
	if accountID == 0 { // the domain's own training (spam.Learner.TrainRaw): counted once
		scopes = scopes[1:]
	}
	for _, scope := range scopes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO bayes_totals (domain_id, account_id, spam, ham) VALUES (?,?,?,?)
			ON CONFLICT (domain_id, account_id) DO UPDATE SET `+col+` = max(0, `+col+` + ?)`,
			domainID, scope, max(spamD, 0), max(hamD, 0), delta); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO bayes_tokens (domain_id, account_id, token, spam, ham) VALUES (?,?,?,?,?)
			ON CONFLICT (domain_id, account_id, token) DO UPDATE SET `+col+` = max(0, `+col+` + ?)`)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			if _, err := stmt.ExecContext(ctx, domainID, scope, t, max(spamD, 0), max(hamD, 0), delta); err != nil {
				stmt.Close()
				return err
			}
		}
		stmt.Close()
	}
	return nil
}

// BayesCounts implements store.BayesStore.
func (s *Store) BayesCounts(ctx context.Context, domainID, accountID int64, tokens []string) (store.BayesCounts, store.BayesCounts, error) {
	dom := store.BayesCounts{Tokens: map[string][2]int{}}
	acct := store.BayesCounts{Tokens: map[string][2]int{}}
	rows, err := s.db.QueryContext(ctx, `SELECT account_id, spam, ham FROM bayes_totals WHERE domain_id = ? AND account_id IN (0, ?)`, domainID, accountID)
	if err != nil {
		return dom, acct, fmt.Errorf("spam filter counts: %w", err)
	}
	for rows.Next() {
		var id int64
		var sp, h int
		if err := rows.Scan(&id, &sp, &h); err != nil {
			rows.Close()
			return dom, acct, err
		}
		if id == 0 {
			dom.Spam, dom.Ham = sp, h
		} else {
			acct.Spam, acct.Ham = sp, h
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dom, acct, err
	}
	// the tokens in chunks, within SQLite's limit of bound values
	for start := 0; start < len(tokens); start += 400 {
		chunk := tokens[start:min(start+400, len(tokens))]
		args := []any{domainID, accountID}
		for _, t := range chunk {
			args = append(args, t)
		}
		q := `SELECT account_id, token, spam, ham FROM bayes_tokens WHERE domain_id = ? AND account_id IN (0, ?) AND token IN (?` +
			strings.Repeat(",?", len(chunk)-1) + `)`
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return dom, acct, fmt.Errorf("spam filter counts: %w", err)
		}
		for rows.Next() {
			var id int64
			var t string
			var sp, h int
			if err := rows.Scan(&id, &t, &sp, &h); err != nil {
				rows.Close()
				return dom, acct, err
			}
			if id == 0 {
				dom.Tokens[t] = [2]int{sp, h}
			} else {
				acct.Tokens[t] = [2]int{sp, h}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dom, acct, err
		}
	}
	return dom, acct, nil
}
