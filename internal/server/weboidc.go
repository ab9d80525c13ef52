package server

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/leaktrace/leaktrace/internal/service"
	"golang.org/x/oauth2"
)

// OIDCConfig configures sign-in with an OpenID Connect provider (the
// authorization code flow with PKCE, a nonce and a state tied to the
// browser). The provider only says who someone is; what they may do is
// the vault's: the claim names a registered reader, who must not be
// disabled, and their clearance, grants and roles are the store's.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL (its discovery document is at
	// Issuer + "/.well-known/openid-configuration").
	Issuer string
	// ClientID and ClientSecret are the vault's credentials at the
	// provider.
	ClientID, ClientSecret string
	// RedirectURL is this server's /oidc/callback as the browser reaches
	// it, registered at the provider.
	RedirectURL string
	// Claim is the ID token claim whose value is the reader id: "sub"
	// (the default: the provider's stable, unique subject),
	// "preferred_username" (readable ids; use it only with a provider
	// whose usernames users can't choose, change or reuse: whoever gets
	// to name themselves "dana" there signs in here as reader dana,
	// with dana's roles) or "email" (accepted only from an ID token
	// whose email_verified is true; the same warning holds).
	Claim string
}

// OIDC claims a reader id may come from.
const (
	ClaimSubject  = "sub"
	ClaimUsername = "preferred_username"
	ClaimEmail    = "email"
)

// ErrOIDC: OIDC sign-in is configured wrongly, or its provider can't be
// reached when the server starts.
var ErrOIDC = errors.New("OIDC sign-in cannot be set up")

// oidcLoginAge bounds how long a sign-in may take at the provider.
const oidcLoginAge = 10 * time.Minute

// oidcClient is the configured provider.
type oidcClient struct {
	claim    string
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	// aead seals a sign-in under way into the browser's state cookie,
	// under a key made when the server starts: the server keeps nothing
	// per sign-in, so no number of /oidc/login requests fills its
	// memory.
	aead cipher.AEAD
}

// oidcPending is a sign-in sent to the provider and not yet back, as
// sealed in the state cookie.
type oidcPending struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Expires  int64  `json:"e"` // Unix seconds
}

// seal returns p sealed for the cookie name.
func (o *oidcClient) seal(p oidcPending, name string) string {
	b, _ := json.Marshal(p)
	nonce := make([]byte, o.aead.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(o.aead.Seal(nonce, nonce, b, []byte(name)))
}

// open returns what seal sealed for the cookie name, or false if the
// value was not sealed by this server (or was altered).
func (o *oidcClient) open(value, name string) (oidcPending, bool) {
	var p oidcPending
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(b) < o.aead.NonceSize() {
		return p, false
	}
	plain, err := o.aead.Open(nil, b[:o.aead.NonceSize()], b[o.aead.NonceSize():], []byte(name))
	if err != nil || json.Unmarshal(plain, &p) != nil {
		return p, false
	}
	return p, true
}

// setupOIDC reads the provider's discovery document when OIDC is
// configured.
func (s *Server) setupOIDC() error {
	c := s.opt.OIDC
	if c == nil {
		return nil
	}
	claim := c.Claim
	if claim == "" {
		claim = ClaimSubject
	}
	if claim != ClaimSubject && claim != ClaimUsername && claim != ClaimEmail {
		return fmt.Errorf("%w: the reader id claim must be %q, %q or %q, not %q", ErrOIDC, ClaimSubject, ClaimUsername, ClaimEmail, claim)
	}
	scopes := []string{oidc.ScopeOpenID, "profile"}
	if claim == ClaimEmail {
		scopes = append(scopes, "email")
	}
	if c.Issuer == "" || c.ClientID == "" || c.RedirectURL == "" {
		return fmt.Errorf("%w: it needs an issuer URL, a client id and a redirect URL", ErrOIDC)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	provider, err := oidc.NewProvider(ctx, c.Issuer)
	if err != nil {
		return fmt.Errorf("%w: discovering %s: %w", ErrOIDC, c.Issuer, err)
	}
	var key [32]byte
	rand.Read(key[:])
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	s.web.oidc = &oidcClient{
		aead:  aead,
		claim: claim,
		oauth: oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: c.RedirectURL,
			Endpoint: provider.Endpoint(), Scopes: scopes},
		verifier: provider.Verifier(&oidc.Config{ClientID: c.ClientID}),
	}
	return nil
}

// oidcStateCookie names the cookie that ties a sign-in under way to the
// browser that started it. It is SameSite Lax: it must come back with
// the provider's redirect, a navigation from another site.
func (s *Server) oidcStateCookie() string {
	if s.opt.Secure {
		return "__Host-leaktrace-oidc"
	}
	return "leaktrace_oidc"
}

// oidcLogin sends the browser to the provider.
func (s *Server) oidcLogin(w http.ResponseWriter, r *http.Request, v *view) error {
	o := s.web.oidc
	if o == nil {
		return errNoPage
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	p := oidcPending{State: state, Nonce: nonce, Verifier: verifier, Expires: s.web.now().Add(oidcLoginAge).Unix()}
	name := s.oidcStateCookie()
	s.setCookie(w, name, o.seal(p, name), int(oidcLoginAge.Seconds()), true)
	http.Redirect(w, r, o.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
	return nil
}

// errOIDCFailed is the one answer to every failed OIDC sign-in, as for
// passwords.
var errOIDCFailed = &webError{Status: http.StatusUnauthorized, Title: "Sign-in failed",
	Message: "Sign-in with your organization's account failed, or your account is not a reader of this vault.",
	Hint:    "Try again from the sign-in page; if it fails again, ask an administrator whether your account is registered."}

// oidcCallback completes a sign-in: it checks the state against the
// browser's cookie, exchanges the code (with the PKCE verifier), verifies
// the ID token and its nonce, and signs in the reader the claim names.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request, v *view) error {
	o := s.web.oidc
	if o == nil {
		return errNoPage
	}
	ctx := r.Context()
	q := r.URL.Query()
	state := q.Get("state")
	name := s.oidcStateCookie()
	c, err := r.Cookie(name)
	s.setCookie(w, name, "", -1, true)
	if err != nil {
		return errCSRF
	}
	p, ok := o.open(c.Value, name)
	if !ok || !sameToken(state, p.State) || s.web.now().Unix() > p.Expires {
		return errCSRF
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		s.log.Info("OIDC sign-in refused by the provider", "error", q.Get("error"))
		return errOIDCFailed
	}
	if !s.web.byIP.allow(s.clientKey(r)) {
		return errOIDCFailed
	}
	tok, err := o.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(p.Verifier))
	if err != nil {
		s.log.Warn("OIDC code exchange failed", "error", err.Error())
		return errOIDCFailed
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil || !sameToken(idt.Nonce, p.Nonce) {
		s.log.Warn("OIDC ID token rejected", "error", fmt.Sprint(err))
		return errOIDCFailed
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return errOIDCFailed
	}
	if verified, _ := claims["email_verified"].(bool); o.claim == ClaimEmail && !verified {
		// An address the provider has not verified is one its user
		// typed: anyone's.
		s.log.Info("OIDC sign-in with an unverified email refused", "issuer", idt.Issuer)
		return errOIDCFailed
	}
	id, _ := claims[o.claim].(string)
	id = strings.TrimSpace(id)
	if id == "" || len(id) > maxIDLen {
		return errOIDCFailed
	}
	pr, err := s.svc.PrincipalOf(ctx, id, "oidc")
	if errors.Is(err, service.ErrUnauthenticated) {
		s.log.Info("OIDC sign-in of no reader", "issuer", idt.Issuer)
		return errOIDCFailed
	}
	if err != nil {
		return err
	}
	if !s.startSession(w, r, pr.ID, "oidc", "") {
		return errInternal
	}
	s.log.Info("signed in", "reader", pr.ID, "via", "oidc")
	// The session cookie is SameSite Strict, and this request came from
	// the provider's site: a redirect would carry on that cross-site
	// navigation, without the cookie. A page of this site moving on by
	// itself makes the next request same-site.
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Refresh", "0; url=/")
	_, _ = fmt.Fprint(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed in · leaktrace vault</title>`+
		`<meta http-equiv="refresh" content="0; url=/"></head><body><main><p>Signed in. <a href="/">Continue to your documents</a>.</p></main></body></html>`)
	return nil
}
