package main

import (
	"bytes"
	"context"
	"errors"
	"io"
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
		{name: "email claim", args: append(all, "--oidc-claim", "email"), want: &server.OIDCConfig{Issuer: "https://id.example", ClientID: "vault",
			ClientSecret: "s3cret", RedirectURL: "https://vault.example/oidc/callback", Claim: "email"}},
		{name: "bad claim", args: append(all, "--oidc-claim", "name"), usage: "--oidc-claim is sub, preferred_username or email"},
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

// TestServeOIDCErrors: serve's OIDC flags go together, and a provider
// that can't be reached stops serve at start with a hint.
func TestServeOIDCErrors(t *testing.T) {
	home := initHome(t)
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--home", home, "serve", "--oidc-issuer", "https://id.example"}, 2, []string{"--oidc-issuer, --oidc-client-id, --oidc-client-secret-file and --oidc-redirect go together"}},
		{[]string{"--home", home, "serve", "--addr", "127.0.0.1:0", "--oidc-issuer", "http://127.0.0.1:1", "--oidc-client-id", "vault",
			"--oidc-client-secret-file", secret, "--oidc-redirect", "http://127.0.0.1:8080/oidc/callback"}, 1,
			[]string{"OIDC sign-in cannot be set up", "hint: check --oidc-issuer"}},
	} {
		var stderr bytes.Buffer
		code := run(context.Background(), c.args, strings.NewReader(""), io.Discard, &stderr)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, code, c.code, stderr.String())
		}
		for _, w := range c.want {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("%v: stderr lacks %q:\n%s", c.args, w, stderr.String())
			}
		}
	}
}
