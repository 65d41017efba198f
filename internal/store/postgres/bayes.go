package postgres

// What the spam classifier learned (store.BayesStore).

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"postroom/internal/store"
)

// TrainBayes implements store.BayesStore.
func (s *Store) TrainBayes(ctx context.Context, domainID, accountID int64, blobKey string, tokens []string, spam bool) (bool, error) {
	changed := false
	err := s.write(ctx, func(tx pgx.Tx) error {
		var was bool
		err := tx.QueryRow(ctx, `SELECT spam FROM bayes_trained WHERE account_id = $1 AND blob_key = $2`, accountID, blobKey).Scan(&was)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		case was == spam:
			return nil // trained so already
		default:
			if err := bayesAdd(ctx, tx, domainID, accountID, tokens, was, -1); err != nil {
				return err
			}
		}
		if err := bayesAdd(ctx, tx, domainID, accountID, tokens, spam, 1); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO bayes_trained (account_id, blob_key, spam) VALUES ($1,$2,$3)
			ON CONFLICT (account_id, blob_key) DO UPDATE SET spam=EXCLUDED.spam`, accountID, blobKey, spam)
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
func bayesAdd(ctx context.Context, tx pgx.Tx, domainID, accountID int64, tokens []string, spam bool, delta int) error {
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
		if _, err := tx.Exec(ctx, `INSERT INTO bayes_totals (domain_id, account_id, spam, ham) VALUES ($1,$2,$3,$4)
			ON CONFLICT (domain_id, account_id) DO UPDATE SET `+col+` = greatest(0, bayes_totals.`+col+` + $5)`,
			domainID, scope, max(spamD, 0), max(hamD, 0), delta); err != nil {
			return err
		}
		// one statement for every token (each once: ON CONFLICT may not
		// change one row twice; spam.MessageTokens gives each once anyway): an unnest of the list, not a
		// round trip each
		if _, err := tx.Exec(ctx, `INSERT INTO bayes_tokens (domain_id, account_id, token, spam, ham)
			SELECT $1, $2, t, $4, $5 FROM unnest($3::text[]) AS t
			ON CONFLICT (domain_id, account_id, token) DO UPDATE SET `+col+` = greatest(0, bayes_tokens.`+col+` + $6)`,
			domainID, scope, unique(tokens), max(spamD, 0), max(hamD, 0), delta); err != nil {
			return err
		}
	}
	return nil
}

// BayesCounts implements store.BayesStore.
func (s *Store) BayesCounts(ctx context.Context, domainID, accountID int64, tokens []string) (store.BayesCounts, store.BayesCounts, error) {
	dom := store.BayesCounts{Tokens: map[string][2]int{}}
	acct := store.BayesCounts{Tokens: map[string][2]int{}}
	rows, err := s.pool.Query(ctx, `SELECT account_id, spam, ham FROM bayes_totals WHERE domain_id = $1 AND account_id IN (0, $2)`, domainID, accountID)
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
	// the tokens in chunks, so that one query stays small
	for start := 0; start < len(tokens); start += 400 {
		chunk := tokens[start:min(start+400, len(tokens))]
		q := `SELECT account_id, token, spam, ham FROM bayes_tokens WHERE domain_id = $1 AND account_id IN (0, $2) AND token = ANY($3)`
		rows, err := s.pool.Query(ctx, q, domainID, accountID, chunk)
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

// unique returns l without repeats, in first-seen order.
func unique(l []string) []string {
	seen := make(map[string]bool, len(l))
	out := l[:0:0]
	for _, v := range l {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
