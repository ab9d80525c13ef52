package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestNetworkFlags(t *testing.T) {
	for _, c := range []struct {
		args    []string
		secure  bool
		proxies string
		usage   string
	}{
		{args: nil},
		{args: []string{"--secure-cookies"}, secure: true},
		{args: []string{"--trusted-proxy", "10.0.0.0/8,fd00::/8, 192.0.2.1"}, proxies: "[10.0.0.0/8 fd00::/8 192.0.2.1/32]"},
		{args: []string{"--trusted-proxy", "10.0.0.0/33"}, usage: "--trusted-proxy: \"10.0.0.0/33\" is not a CIDR range"},
		{args: []string{"--trusted-proxy", "proxy.example"}, usage: "--trusted-proxy: \"proxy.example\" is neither"},
	} {
		cmd := &cobra.Command{Use: "serve"}
		read := networkFlags(cmd)
		if err := cmd.ParseFlags(c.args); err != nil {
			t.Fatal(err)
		}
		opt, err := read()
		var ue usageError
		switch {
		case c.usage != "":
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.usage) {
				t.Errorf("%q: got %v, want a usage error saying %q", c.args, err, c.usage)
			}
		case err != nil:
			t.Errorf("%q: %v", c.args, err)
		default:
			if opt.Secure != c.secure {
				t.Errorf("%q: Secure %v, want %v", c.args, opt.Secure, c.secure)
			}
			got := ""
			if opt.TrustedProxies != nil {
				got = fmt.Sprint(opt.TrustedProxies)
			}
			if got != c.proxies {
				t.Errorf("%q: trusted proxies %s, want %s", c.args, got, c.proxies)
			}
		}
	}
}
