package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/server"
	"github.com/spf13/cobra"
)

func TestOIDCFlags(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	all := []string{"--oidc-issuer", "https://id.example", "--oidc-client-id", "vault", "--oidc-client-secret-file", secret, "--oidc-redirect", "https://vault.example/oidc/callback"}
	for _, c := range []struct {
		name  string
		args  []string
		want  *server.OIDCConfig
		usage string // a usage error containing this
	}{
		{name: "none"},
		{name: "all", args: all, want: &server.OIDCConfig{Issuer: "https://id.example", ClientID: "vault", ClientSecret: "s3cret",
			RedirectURL: "https://vault.example/oidc/callback", Claim: "sub"}},
		{name: "username claim", args: append(all, "--oidc-claim", "preferred_username"), want: &server.OIDCConfig{Issuer: "https://id.example", ClientID: "vault",
			ClientSecret: "s3cret", RedirectURL: "https://vault.example/oidc/callback", Claim: "preferred_username"}},
		{name: "some", args: all[:4], usage: "go together"},
		{name: "bad claim", args: append(all, "--oidc-claim", "email"), usage: "--oidc-claim is sub or preferred_username"},
		{name: "empty secret", args: append(all[:4:4], "--oidc-client-secret-file", empty, "--oidc-redirect", "https://v/oidc/callback"), usage: "is empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := &cobra.Command{Use: "serve"}
			read := oidcFlags(cmd)
			if err := cmd.ParseFlags(c.args); err != nil {
				t.Fatal(err)
			}
			got, err := read()
			var ue usageError
			switch {
			case c.usage != "":
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.usage) {
					t.Errorf("got %v, want a usage error saying %q", err, c.usage)
				}
			case err != nil:
				t.Fatal(err)
			case (got == nil) != (c.want == nil) || got != nil && *got != *c.want:
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}
