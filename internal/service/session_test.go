package service

import (
	"strings"
	"testing"
)

// TestPasswordVersion: "" without a password; a new version each time
// the password is set, even to the same one.
func TestPasswordVersion(t *testing.T) {
	s := vaultHome(t)
	ctx := WithActor(t.Context(), "ann")
	v0, err := s.PasswordVersion(ctx, "r1")
	if err != nil || v0 != "" {
		t.Fatalf("without a password: %q, %v", v0, err)
	}
	var versions []string
	for range 2 {
		if err := s.SetPassword(ctx, "r1", "the-same-passphrase"); err != nil {
			t.Fatal(err)
		}
		v, err := s.PasswordVersion(ctx, "r1")
		if err != nil || len(v) != 64 {
			t.Fatalf("after SetPassword: %q, %v", v, err)
		}
		versions = append(versions, v)
	}
	if versions[0] == versions[1] {
		t.Error("setting the password again kept its version")
	}
}

// TestSignInRefusedHashes: a refused sign-in hashes, as a failed one
// does, with the password bounded as SignIn bounds it.
func TestSignInRefusedHashes(t *testing.T) {
	s := vaultHome(t)
	var lengths []int
	onArgon = func(n int) { lengths = append(lengths, n) }
	t.Cleanup(func() { onArgon = nil })
	for _, pw := range []string{"short", strings.Repeat("x", MaxPassword+100)} {
		if err := s.SignInRefused(t.Context(), pw); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SignIn(t.Context(), "nobody", pw); err == nil {
			t.Fatal("nobody signed in")
		}
	}
	if want := []int{5, 5, MaxPassword, MaxPassword}; len(lengths) != 4 || lengths[0] != want[0] || lengths[1] != want[1] || lengths[2] != want[2] || lengths[3] != want[3] {
		t.Errorf("hashed lengths %v, want %v (a refusal like a failure)", lengths, want)
	}
}
