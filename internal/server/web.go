package server

import "net/http"

// webState is the web UI's own state: sessions, templates, sign-in
// rate limits.
type webState struct{}

// webRoutes registers the web UI.
func (s *Server) webRoutes(mux *http.ServeMux) error { return nil }
