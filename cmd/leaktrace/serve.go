package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/leaktrace/leaktrace/internal/server"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/watch"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// errMetricsAddr: --metrics-addr can't be listened on.
var errMetricsAddr = errors.New("cannot serve metrics on --metrics-addr")

func (a *app) serveCommand() *cobra.Command {
	var addr, certFile, keyFile, metricsAddr, watchConfig string
	var network func() (server.Options, error)
	var oidc func() (*server.OIDCConfig, error)
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--tls-cert FILE --tls-key FILE] [--secure-cookies] [--trusted-proxy CIDR] [--metrics-addr ADDR]",
		Short: "Run the vault: readers get their own marked copies over HTTP",
		Long: `serve runs the vault over the home: an HTTP server where readers get their
own marked copy of the documents their clearance, compartments, citizenship
and grants allow, issuers register and grant documents, investigators trace
leaks and auditors read the custody log.

  /api/v1/...           the JSON API (Authorization: Bearer TOKEN, a token
                        from 'leaktrace token create ID'); its OpenAPI 3.1
                        document is /api/v1/openapi.json
  /                     the web UI (password sign-in, and OIDC with the
                        --oidc flags)

Every copy served is recorded and logged before it leaves, exactly as
'leaktrace issue' would issue it, and every refusal is logged; the actor of
each entry is the reader who asked. Every request reads the store afresh,
so a revoked token or grant, or a disabled reader, is out at once.

It logs one JSON line per request to standard error (method, route, status,
duration, actor; never a token, a password or a document's content). On
SIGTERM or SIGINT it stops accepting connections and lets the requests in
flight finish (for at most 15 seconds).

Prometheus metrics (GET /metrics) are served only with --metrics-addr, on
that address of their own, over plain HTTP (say 127.0.0.1:9090, for the
monitoring system); they are never on --addr, where readers are.

--addr is the address to listen on (default 127.0.0.1:8080, this machine
only; :8080 listens on every interface). With --tls-cert and --tls-key
(PEM files) it serves HTTPS and marks its cookies Secure; without them,
put it behind a TLS-terminating proxy before readers reach it over a
network, and give --secure-cookies so that browsers send the session
cookie over HTTPS only.

Failed sign-ins and invalid tokens are limited per client address (an
IPv6 address by its /64). Behind a proxy, every client has the proxy's
address: --trusted-proxy CIDR[,CIDR...] names the proxies whose Forwarded
or X-Forwarded-For header is believed (from no other peer is it).

With --oidc-issuer, --oidc-client-id, --oidc-client-secret-file and
--oidc-redirect (this server's /oidc/callback as browsers reach it), the
web UI also offers sign-in with that OpenID Connect provider. The ID
token's sub claim is the reader id (--oidc-claim preferred_username takes
the username instead, --oidc-claim email the email address, only when the
token says email_verified); it must be a registered, enabled reader.
WARNING: the claim must be one the provider does not let its users
choose, change or reuse: whoever can name themselves "dana" there signs in
here as reader dana, with dana's clearance and roles. sub is the safe
choice.

--watch-config FILE runs leak watch inside the server, with the settings
of 'leaktrace watch' read from FILE (a JSON object, or name = value
lines, named as the flags of 'leaktrace watch'); its metrics are served
with the server's. See 'leaktrace watch --help'.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (certFile == "") != (keyFile == "") {
				return usagef("--tls-cert and --tls-key go together")
			}
			oidcConfig, err := oidc()
			if err != nil {
				return err
			}
			if _, err := network(); err != nil {
				return err
			}
			var watchSettings *watch.Settings
			if watchConfig != "" {
				w := addWatchFlags(pflag.NewFlagSet("watch", pflag.ContinueOnError))
				if err := w.applyConfig(watchConfig); err != nil {
					return err
				}
				if watchSettings, err = w.settings(); err != nil {
					return err
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			// The vault issues copies: without the keys it could serve
			// nothing. Better refuse now than answer every download 500.
			if err := s.Need(ctx, service.OpIssue); err != nil {
				return err
			}
			opt, err := network()
			if err != nil {
				return err
			}
			opt.Logger, opt.OIDC = slog.New(slog.NewJSONHandler(a.stderr, nil)), oidcConfig
			if certFile != "" {
				if opt.TLS, err = server.LoadTLS(certFile, keyFile); err != nil {
					return err
				}
			}
			srv, err := server.New(s, opt)
			if err != nil {
				return err
			}
			ln, err := server.Listen(addr)
			if err != nil {
				return err
			}
			if watchSettings != nil {
				stopWatch, err := a.startWatch(ctx, s, watchSettings, watch.NewMetrics(srv.Metrics()), opt.Logger)
				if err != nil {
					ln.Close()
					return err
				}
				defer stopWatch()
			}
			if metricsAddr == "" {
				return srv.Serve(ctx, ln)
			}
			mln, err := server.Listen(metricsAddr)
			if err != nil {
				ln.Close()
				return fmt.Errorf("%w: %w", errMetricsAddr, err)
			}
			mctx, stopMetrics := context.WithCancel(ctx)
			merr := make(chan error, 1)
			go func() { merr <- srv.ServeMetrics(mctx, mln) }()
			err = srv.Serve(ctx, ln)
			stopMetrics()
			if e := <-merr; err == nil {
				err = e
			}
			return err
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on, host:port")
	cmd.Flags().StringVar(&certFile, "tls-cert", "", "PEM certificate (chain) to serve HTTPS with")
	cmd.Flags().StringVar(&keyFile, "tls-key", "", "PEM private key of --tls-cert")
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this address of their own, host:port (default: not served)")
	cmd.Flags().StringVar(&watchConfig, "watch-config", "", "run leak watch too, with the settings in this file (see 'leaktrace watch --help')")
	network = networkFlags(cmd)
	oidc = oidcFlags(cmd)
	return cmd
}
