package main

import (
	"github.com/leaktrace/leaktrace/internal/server"
	"github.com/spf13/cobra"
)

// networkFlags registers serve's flags about the network in front of
// it (--secure-cookies, --trusted-proxy) and returns the function that
// reads them into the server's options.
func networkFlags(cmd *cobra.Command) func() (server.Options, error) {
	var secure bool
	var proxies string
	f := cmd.Flags()
	f.BoolVar(&secure, "secure-cookies", false, "mark cookies Secure (sent over HTTPS only), behind a TLS-terminating proxy; implied by --tls-cert")
	f.StringVar(&proxies, "trusted-proxy", "", "CIDR[,CIDR...] of proxies whose Forwarded or X-Forwarded-For header names the client")
	return func() (server.Options, error) {
		trusted, err := server.ParseTrustedProxies(proxies)
		if err != nil {
			return server.Options{}, usagef("--trusted-proxy: %v", err)
		}
		return server.Options{Secure: secure, TrustedProxies: trusted}, nil
	}
}
