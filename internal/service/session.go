package service

import (
	"context"
	"errors"

	"github.com/leaktrace/leaktrace"
)

// Helpers of web sign-in sessions.

// PasswordVersion returns a version of reader id's password: the
// SHA-256 of its stored hash, which changes whenever the password is set
// again; "" if the reader has none. A session started with a password
// records it at sign-in and ends when it differs.
func (s *Service) PasswordVersion(ctx context.Context, id string) (string, error) {
	h, err := s.Store.Password(ctx, id)
	switch {
	case errors.Is(err, leaktrace.ErrNotFound):
		return "", nil
	case err != nil:
		return "", err
	}
	return leaktrace.Hash([]byte(h)), nil
}

// SignInRefused does the work of a failed SignIn (checking password
// against the dummy hash) for a sign-in refused before it was tried (too
// many attempts), so that its answer takes as long as any other
// failure's.
func (s *Service) SignInRefused(ctx context.Context, password string) error {
	password = password[:min(len(password), MaxPassword)]
	return argonSlot(ctx, len(password), func() { checkPassword(dummyHash(), password) })
}
