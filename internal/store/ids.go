package store

import "context"

// DocumentIDs lists the ids of the registered documents, sorted.
func (s *Store) DocumentIDs(ctx context.Context) ([]string, error) {
	return s.ids(ctx, `SELECT id FROM documents ORDER BY id`)
}

// DocumentIDFolded implements leaktrace.Store.
func (s *Store) DocumentIDFolded(ctx context.Context, id string) (string, error) {
	ids, err := s.ids(ctx, `SELECT id FROM documents WHERE lower(id) = lower(?1) ORDER BY id <> ?1, id LIMIT 1`, id)
	if len(ids) == 0 {
		return "", err
	}
	return ids[0], err
}

// DocumentsWithSHA256 implements leaktrace.Store.
func (s *Store) DocumentsWithSHA256(ctx context.Context, sha256 string) ([]string, error) {
	return s.ids(ctx, `SELECT id FROM documents WHERE sha256 = ? ORDER BY id`, sha256)
}

// RecipientIDs lists the ids of the registered recipients, sorted.
func (s *Store) RecipientIDs(ctx context.Context) ([]string, error) {
	return s.ids(ctx, `SELECT id FROM recipients ORDER BY id`)
}

func (s *Store) ids(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
