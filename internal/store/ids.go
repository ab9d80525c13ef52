package store

import "context"

// DocumentIDs lists the ids of the registered documents, sorted.
func (s *Store) DocumentIDs(ctx context.Context) ([]string, error) {
	return s.ids(ctx, `SELECT id FROM documents ORDER BY id`)
}

// RecipientIDs lists the ids of the registered recipients, sorted.
func (s *Store) RecipientIDs(ctx context.Context) ([]string, error) {
	return s.ids(ctx, `SELECT id FROM recipients ORDER BY id`)
}

func (s *Store) ids(ctx context.Context, query string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, query)
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
