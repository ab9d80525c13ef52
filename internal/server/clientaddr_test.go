package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClientKey(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, fd00::/8,192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	trusting := &Server{opt: Options{TrustedProxies: proxies}}
	plain := &Server{}
	for _, c := range []struct {
		peer, xff, fwd  string
		trusting, plain string
	}{
		// No proxy: the peer.
		{"203.0.113.5:1234", "", "", "203.0.113.5", "203.0.113.5"},
		// A client's own header is ignored.
		{"203.0.113.5:1234", "198.51.100.9", "", "203.0.113.5", "203.0.113.5"},
		// A trusted proxy's is believed, from the right, past other
		// trusted proxies; what the client prepended is not.
		{"10.1.2.3:80", "6.6.6.6, 198.51.100.9, 10.9.9.9", "", "198.51.100.9", "10.1.2.3"},
		{"192.0.2.1:80", "198.51.100.9", "", "198.51.100.9", "192.0.2.1"},
		{"10.1.2.3:80", "", `for=198.51.100.7;proto=https, for="[2001:db8:1:2::9]:4711"`, "2001:db8:1:2::/64", "10.1.2.3"},
		{"192.0.2.2:80", "198.51.100.9", "", "192.0.2.2", "192.0.2.2"},
		// IPv6 by /64: two addresses of one subscriber share a key.
		{"[2001:db8:1:2::1]:443", "", "", "2001:db8:1:2::/64", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "", "", "2001:db8:1:2::/64", "2001:db8:1:2::/64"},
		{"[fd00::1]:443", "2001:db8:9::5", "", "2001:db8:9::/64", "fd00::/64"},
		// An unreadable forwarded address keeps the proxy's.
		{"10.1.2.3:80", "not-an-address", "", "10.1.2.3", "10.1.2.3"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if c.fwd != "" {
			r.Header.Set("Forwarded", c.fwd)
		}
		if got := trusting.clientKey(r); got != c.trusting {
			t.Errorf("%s %q %q trusting proxies: %q, want %q", c.peer, c.xff, c.fwd, got, c.trusting)
		}
		if got := plain.clientKey(r); got != c.plain {
			t.Errorf("%s %q %q trusting none: %q, want %q", c.peer, c.xff, c.fwd, got, c.plain)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "nonsense", "10.0.0.0/8,x"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted it", bad)
		}
	}
}

// TestLimitsBehindAProxy: behind a trusted proxy, one client's failures
// don't limit another's; the API's limit and the sign-in limit key alike.
func TestLimitsBehindAProxy(t *testing.T) {
	proxies, _ := ParseTrustedProxies("10.0.0.0/8")
	v := newVault(t, func(o *Options) { o.AuthBurst = 2; o.TrustedProxies = proxies })
	bad := "lt_0123456789abcdef_notatokennotatokennotatokennotatokenxxxxxx"
	call := func(client, token string) int {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.RemoteAddr = "10.0.0.1:5555"
		req.Header.Set("X-Forwarded-For", client)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		v.srv.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	for range 2 {
		call("198.51.100.1", bad)
	}
	if got := call("198.51.100.1", bad); got != http.StatusTooManyRequests {
		t.Errorf("a limited client behind the proxy: %d, want 429", got)
	}
	if got := call("198.51.100.2", bad); got != http.StatusUnauthorized {
		t.Errorf("another client behind the same proxy: %d, want 401", got)
	}
}
