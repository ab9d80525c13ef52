package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/leaktrace/leaktrace/internal/server"
	"github.com/spf13/cobra"
)

// oidcFlags registers serve's OIDC sign-in flags on cmd and returns the
// function that reads them: the web UI's OIDC configuration, or nil when
// no OIDC flag was given.
func oidcFlags(cmd *cobra.Command) func() (*server.OIDCConfig, error) {
	var c server.OIDCConfig
	var secretFile string
	f := cmd.Flags()
	f.StringVar(&c.Issuer, "oidc-issuer", "", "issuer URL of an OpenID Connect provider to offer sign-in with")
	f.StringVar(&c.ClientID, "oidc-client-id", "", "the vault's client id at the OIDC provider")
	f.StringVar(&secretFile, "oidc-client-secret-file", "", "file holding the vault's client secret at the OIDC provider")
	f.StringVar(&c.RedirectURL, "oidc-redirect", "", "this server's /oidc/callback URL as browsers reach it, registered at the provider")
	f.StringVar(&c.Claim, "oidc-claim", server.ClaimSubject, "the ID token claim that is the reader id: sub, preferred_username, or email (only when verified); never one users can choose at the provider")
	return func() (*server.OIDCConfig, error) {
		given := 0
		for _, v := range []string{c.Issuer, c.ClientID, secretFile, c.RedirectURL} {
			if v != "" {
				given++
			}
		}
		switch {
		case given == 0:
			return nil, nil
		case given < 4:
			return nil, usagef("--oidc-issuer, --oidc-client-id, --oidc-client-secret-file and --oidc-redirect go together")
		case c.Claim != server.ClaimSubject && c.Claim != server.ClaimUsername && c.Claim != server.ClaimEmail:
			return nil, usagef("--oidc-claim is %s, %s or %s, not %q", server.ClaimSubject, server.ClaimUsername, server.ClaimEmail, c.Claim)
		}
		b, err := os.ReadFile(secretFile)
		if err != nil {
			return nil, fmt.Errorf("reading the OIDC client secret: %w", err)
		}
		if c.ClientSecret = strings.TrimSpace(string(b)); c.ClientSecret == "" {
			return nil, usagef("--oidc-client-secret-file %s is empty", secretFile)
		}
		return &c, nil
	}
}
