package store

import (
	"context"
	"errors"
	"time"

	"github.com/leaktrace/leaktrace"
)

// The vault's tables: readers' access fields, documents' markings,
// grants, tokens and passwords.

var errUnimplemented = errors.New("store: unimplemented")

// Granted implements leaktrace.Store.
func (s reads) Granted(ctx context.Context, doc, recipient string) (bool, error) {
	return false, errUnimplemented
}

// Grants implements leaktrace.Store.
func (s reads) Grants(ctx context.Context, doc string) ([]string, error) {
	return nil, errUnimplemented
}

// GrantsOf implements leaktrace.Store.
func (s reads) GrantsOf(ctx context.Context, recipient string) ([]string, error) {
	return nil, errUnimplemented
}

// Token implements leaktrace.Store.
func (s reads) Token(ctx context.Context, id string) (*leaktrace.Token, error) {
	return nil, errUnimplemented
}

// Tokens implements leaktrace.Store.
func (s reads) Tokens(ctx context.Context, recipient string) ([]leaktrace.Token, error) {
	return nil, errUnimplemented
}

// Password implements leaktrace.Store.
func (s reads) Password(ctx context.Context, recipient string) (string, error) {
	return "", errUnimplemented
}

// UpdateRecipient implements leaktrace.Store.
func (s *Store) UpdateRecipient(ctx context.Context, r leaktrace.Recipient, rec leaktrace.LogRecord) error {
	return errUnimplemented
}

// SetMarking implements leaktrace.Store.
func (s *Store) SetMarking(ctx context.Context, doc, marking string, rec leaktrace.LogRecord) error {
	return errUnimplemented
}

// SetGrants implements leaktrace.Store.
func (s *Store) SetGrants(ctx context.Context, doc string, recipients []string, granted bool, recs []leaktrace.LogRecord) error {
	return errUnimplemented
}

// AddToken implements leaktrace.Store.
func (s *Store) AddToken(ctx context.Context, t leaktrace.Token, rec leaktrace.LogRecord) error {
	return errUnimplemented
}

// RevokeToken implements leaktrace.Store.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time, rec leaktrace.LogRecord) error {
	return errUnimplemented
}

// SetPassword implements leaktrace.Store.
func (s *Store) SetPassword(ctx context.Context, recipient, hash string, rec leaktrace.LogRecord) error {
	return errUnimplemented
}
