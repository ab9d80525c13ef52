package pgstore

import "context"

// DocumentIDs implements leaktrace.Store.
func (s *Store) DocumentIDs(ctx context.Context) ([]string, error) {
	return s.column(ctx, `SELECT id FROM documents ORDER BY id`)
}

// RecipientIDs implements leaktrace.Store.
func (s *Store) RecipientIDs(ctx context.Context) ([]string, error) {
	return s.column(ctx, `SELECT id FROM recipients ORDER BY id`)
}
