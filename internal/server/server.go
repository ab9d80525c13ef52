// Package server is leaktrace's vault: an HTTP server where cleared
// readers get their own marked copies, issuers register and grant
// documents, investigators trace leaks and auditors read the custody log.
// It is a front end of package service, like the CLI: every decision and
// every log entry is the service's.
//
// The JSON API is under /api/v1 (bearer tokens; see api.go and its
// OpenAPI document, generated from the same table that registers the
// handlers); the web UI is everything else (password or OIDC sign-in
// with session cookies; see web.go). Prometheus metrics are served apart,
// by [Server.MetricsHandler] on a listener of their own (not to readers).
//
// Every request re-reads its caller from the store: nothing about a
// reader, a token or a grant is cached past the request, so a revocation
// or a disabled reader takes effect at the next request.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"github.com/leaktrace/leaktrace/internal/service"
	"golang.org/x/time/rate"
)

// Defaults of [Options].
const (
	// DefaultShutdownTimeout is how long a shutdown waits for requests in
	// flight before cutting them off.
	DefaultShutdownTimeout = 15 * time.Second
	// DefaultAuthFailures and DefaultAuthBurst limit failed bearer-token
	// attempts per client address: a burst of DefaultAuthBurst, then one
	// per DefaultAuthFailures.
	DefaultAuthFailures = time.Second
	DefaultAuthBurst    = 10
)

// Errors of starting a server.
var (
	// ErrAddrInUse: another program listens on the address.
	ErrAddrInUse = errors.New("address already in use")
	// ErrListen: the address can't be listened on (malformed, not this
	// machine's, or a privileged port).
	ErrListen = errors.New("cannot listen")
	// ErrTLS: the TLS certificate or key can't be read or don't match.
	ErrTLS = errors.New("cannot load the TLS certificate")
	// ErrShutdown: requests were still running when the shutdown's wait
	// ran out, and were cut off.
	ErrShutdown = errors.New("requests cut off at shutdown")
)

// Options configure a Server.
type Options struct {
	// Logger receives one JSON line per request and per event; nil
	// discards them. Lines never hold tokens, passwords or document
	// content.
	Logger *slog.Logger
	// Secure marks session cookies Secure (set when serving TLS, or
	// behind a TLS-terminating proxy).
	Secure bool
	// TrustedProxies are the peers whose Forwarded or X-Forwarded-For
	// header names the client, for rate limits (see
	// [ParseTrustedProxies]); a header from any other peer is ignored.
	TrustedProxies []netip.Prefix
	// OIDC, if set, offers sign-in with an OpenID Connect provider.
	OIDC *OIDCConfig
	// TLS, if not nil, serves HTTPS with it (see [LoadTLS]).
	TLS *tls.Config
	// ShutdownTimeout bounds the wait for requests in flight when the
	// server stops; 0 means [DefaultShutdownTimeout].
	ShutdownTimeout time.Duration
	// AuthFailures and AuthBurst limit failed bearer-token attempts per
	// client address (429 past the limit); 0 means
	// [DefaultAuthFailures] and [DefaultAuthBurst].
	AuthFailures time.Duration
	AuthBurst    int
}

// Server serves one open home.
type Server struct {
	svc     *service.Service
	log     *slog.Logger
	opt     Options
	mux     *http.ServeMux
	web     webState
	metrics *metrics
	limits  *limiter
	// openapi is the API's OpenAPI document, generated from apiTable.
	openapi []byte
	// apiPatterns are the patterns the API registered, in order.
	apiPatterns []string
}

// New returns a server over svc.
func New(svc *service.Service, opt Options) (*Server, error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opt.ShutdownTimeout <= 0 {
		opt.ShutdownTimeout = DefaultShutdownTimeout
	}
	if opt.AuthFailures <= 0 {
		opt.AuthFailures = DefaultAuthFailures
	}
	if opt.AuthBurst <= 0 {
		opt.AuthBurst = DefaultAuthBurst
	}
	if opt.TLS != nil {
		opt.Secure = true
	}
	s := &Server{svc: svc, log: log, opt: opt, mux: http.NewServeMux(), metrics: newMetrics(),
		limits: newLimiter(rate.Every(opt.AuthFailures), opt.AuthBurst)}
	doc, err := OpenAPI()
	if err != nil {
		return nil, err
	}
	s.openapi = doc
	s.apiRoutes(s.mux)
	if err := s.webRoutes(s.mux); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the server's HTTP handler: its routes, with every
// request logged and measured.
func (s *Server) Handler() http.Handler { return s.observe(s.mux) }

// MetricsHandler serves the server's Prometheus metrics at GET /metrics.
// They are not among [Server.Handler]'s routes: what they count (traces
// that accused someone, denials) is for the operators, so they are
// served on a listener of their own (see [Server.ServeMetrics]).
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.handler())
	return mux
}

// ServeMetrics serves [Server.MetricsHandler] over plain HTTP on ln
// until ctx is done. It closes ln.
func (s *Server) ServeMetrics(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	s.log.Info("serving metrics", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	hs.Shutdown(sctx)
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Listen listens on a TCP address ("127.0.0.1:8080", ":0"), with errors
// that say what went wrong: [ErrAddrInUse] or [ErrListen].
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, fmt.Errorf("listening on %s: %w", addr, ErrAddrInUse)
	case err != nil:
		return nil, fmt.Errorf("%w on %s: %w", ErrListen, addr, err)
	}
	return ln, nil
}

// LoadTLS reads a PEM certificate (chain) and its private key for
// [Options].TLS. Errors wrap [ErrTLS].
func LoadTLS(certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("%w from %s and %s: %w", ErrTLS, certFile, keyFile, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// ListenAndServe listens on addr and serves until ctx is done (see
// [Server.Serve]).
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := Listen(addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve serves HTTP (HTTPS with [Options].TLS) on ln until ctx is done,
// then shuts down gracefully: it stops accepting connections, lets the
// requests in flight finish for at most [Options].ShutdownTimeout, and
// returns nil, or an error wrapping [ErrShutdown] if some had to be cut
// off. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// Requests outlive ctx: its end starts the shutdown, which lets
		// them finish.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ErrorLog:    slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if s.opt.TLS != nil {
		hs.TLSConfig = s.opt.TLS.Clone()
		scheme = "https"
	}
	s.log.Info("serving", "addr", ln.Addr().String(), "scheme", scheme)
	errc := make(chan error, 1)
	go func() {
		if s.opt.TLS != nil {
			errc <- hs.ServeTLS(ln, "", "")
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "wait", s.opt.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opt.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && serr != nil {
		return serr
	}
	if err != nil {
		hs.Close()
		s.log.Warn("stopped", "error", err.Error())
		return fmt.Errorf("%w after %s: %w", ErrShutdown, s.opt.ShutdownTimeout, err)
	}
	s.log.Info("stopped")
	return nil
}

// reqInfo is what the request log learns while a request runs.
type reqInfo struct {
	actor string
}

type reqInfoKey struct{}

// setActor records who made a request, for its log line: the
// principal's id once they are authenticated.
func setActor(r *http.Request, id string) {
	if ri, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		ri.actor = id
	}
}

// observe logs and measures every request: one JSON line with its
// method, route pattern, status, duration and actor, and the request
// metrics. Neither holds the raw path's query, a header or a body.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			// A handler's panic is a 500 for this request, not the
			// server's end; http.ErrAbortHandler is how a handler says
			// it gave up on the response, and is passed on.
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "route", route(r), "panic", fmt.Sprint(v))
				if !sw.wrote {
					writeError(sw, http.StatusInternalServerError, "internal error", "")
				}
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			d := time.Since(start)
			s.metrics.request(route(r), status, d)
			s.log.Info("request", "method", r.Method, "route", route(r), "status", status,
				"duration_ms", float64(d.Microseconds())/1000, "bytes", sw.bytes, "actor", ri.actor)
		}()
		next.ServeHTTP(sw, r)
	})
}

// route names the pattern that served r, "unmatched" for none: a label
// that takes few values, unlike paths.
func route(r *http.Request) string {
	if r.Pattern == "" {
		return "unmatched"
	}
	return r.Pattern
}

// statusWriter remembers a response's status and size.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
