package gateway

import (
	"context"
	"fmt"
)

// The store's reads behind the gateway's in-memory indexes: the token
// index (tokens.go) and who made each booking (bookers.go).

// activeAgents is every active agent, by its token's hash.
func (s *Store) activeAgents(ctx context.Context) (map[string]string, error) {
	return s.pairs(ctx, `SELECT token_hash, name FROM agents WHERE revoked_at IS NULL`)
}

// agentsRevision changes whenever the agents may have changed: local with
// every add and revoke through this Store, shared (asked only when shared
// is set) with every commit another connection made to the file, such as
// another process's `chargedesk gateway agent revoke` (SQLite's PRAGMA
// data_version, one read of the file's header).
func (s *Store) agentsRevision(ctx context.Context, shared bool) (revision, error) {
	r := revision{local: s.agentsChanged.Load()}
	if !shared {
		return r, nil
	}
	if err := s.db.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&r.shared); err != nil {
		return r, fmt.Errorf("the store's data version: %w", err)
	}
	return r, nil
}

// bookers is who made each booking made through the gateway, by booking id.
func (s *Store) bookers(ctx context.Context) (map[string]string, error) {
	return s.pairs(ctx, `SELECT id, agent FROM bookings`)
}

// pairs is what a query of two text columns selects, the first to the
// second.
func (s *Store) pairs(ctx context.Context, query string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}
