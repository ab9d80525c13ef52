// Package server is leaktrace's vault: an HTTP server where cleared
// readers get their own marked copies, issuers register and grant
// documents, investigators trace leaks and auditors read the custody log.
// It is a front end of package service, like the CLI: every decision and
// every log entry is the service's.
//
// The JSON API is under /api/v1 (bearer tokens; see api.go and its
// OpenAPI document); the web UI is everything else (password or OIDC
// sign-in with session cookies; see web.go).
package server

import (
	"log/slog"
	"net/http"

	"github.com/leaktrace/leaktrace/internal/service"
)

// Options configure a Server.
type Options struct {
	// Logger receives one JSON line per request and per event; nil
	// discards them.
	Logger *slog.Logger
	// Secure marks session cookies Secure (set when serving TLS, or
	// behind a TLS-terminating proxy).
	Secure bool
	// OIDC, if set, offers sign-in with an OpenID Connect provider.
	OIDC *OIDCConfig
}

// Server serves one open home.
type Server struct {
	svc *service.Service
	log *slog.Logger
	opt Options
	mux *http.ServeMux
	web webState
}

// New returns a server over svc.
func New(svc *service.Service, opt Options) (*Server, error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{svc: svc, log: log, opt: opt, mux: http.NewServeMux()}
	s.apiRoutes(s.mux)
	if err := s.webRoutes(s.mux); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }
