package pgstore

import "context"

// DocumentIDs implements leaktrace.Store.
func (s *Store) DocumentIDs(ctx context.Context) ([]string, error) {
	return s.column(ctx, `SELECT id FROM documents ORDER BY id`)
}

// DocumentIDFolded implements leaktrace.Store.
func (s *Store) DocumentIDFolded(ctx context.Context, id string) (string, error) {
	ids, err := s.column(ctx, `SELECT id FROM documents WHERE lower(id) = lower($1::text COLLATE "C") ORDER BY id <> $1, id LIMIT 1`, id)
	if len(ids) == 0 {
		return "", err
	}
	return ids[0], err
}

// DocumentsWithSHA256 implements leaktrace.Store.
func (s *Store) DocumentsWithSHA256(ctx context.Context, sha256 string) ([]string, error) {
	return s.column(ctx, `SELECT id FROM documents WHERE sha256 = $1 ORDER BY id`, sha256)
}

// RecipientIDs implements leaktrace.Store.
func (s *Store) RecipientIDs(ctx context.Context) ([]string, error) {
	return s.column(ctx, `SELECT id FROM recipients ORDER BY id`)
}
