package server

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace/internal/service"
)

// fromAddr makes a browser's requests come, through a trusted proxy,
// from addr.
type fromAddr struct {
	addr string
	next http.RoundTripper
}

func (f fromAddr) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.addr)
	return f.next.RoundTrip(r)
}

// TestWebSigninNoLockoutFromElsewhere: wrong passwords for alice from
// one address don't keep alice out from hers; only many addresses
// together reach the per-id limit.
func TestWebSigninNoLockoutFromElsewhere(t *testing.T) {
	v := newTestVaultWith(t, func(string) Options {
		return Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	})
	from := func(addr string) *http.Client {
		c := v.browser(t)
		c.Transport = fromAddr{addr, http.DefaultTransport}
		return c
	}
	for i := range signinPairBurst + 1 {
		v.signinAs(t, from("198.51.100.66"), "alice", fmt.Sprintf("wrong-password-number-%d", i))
	}
	if resp, _ := v.signinAs(t, from("198.51.100.66"), "alice", v.password(t, "alice")); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the attacker's address, past its limit for alice: %d, want 429", resp.StatusCode)
	}
	if resp, body := v.signinAs(t, from("203.0.113.10"), "alice", v.password(t, "alice")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("alice from her own address after another's failures: %d, want 303\n%s", resp.StatusCode, body)
	}
	// The per-id limit, from any address (made small here).
	v.srv.web.byID = newSigninLimits(time.Hour, 3, time.Now)
	for i := range 3 {
		v.signinAs(t, from(fmt.Sprintf("198.51.100.%d", i+1)), "alice", "wrong-password-again")
	}
	resp, page := v.signinAs(t, from("203.0.113.10"), "alice", v.password(t, "alice"))
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("past the per-id limit: %d, want 429", resp.StatusCode)
	}
	if got := signinFailure(t, page); got != errSignin {
		t.Errorf("rate-limited failure %q, want the one message %q", got, errSignin)
	}
}

// TestWebPasswordResetEndsSessions: a session signed in with a password
// ends when the password is set again; a new sign-in with the new one
// works.
func TestWebPasswordResetEndsSessions(t *testing.T) {
	v := newTestVault(t)
	ctx := service.WithActor(context.Background(), "admin")
	c := v.signedIn(t, "alice")
	other := v.signedIn(t, "bob")
	if resp, _ := webGet(t, c, v.ts.URL+"/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("alice's list: %d", resp.StatusCode)
	}
	if err := v.svc.SetPassword(ctx, "alice", "alice-new-passphrase"); err != nil {
		t.Fatal(err)
	}
	if resp, _ := webGet(t, c, v.ts.URL+"/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
		t.Errorf("alice's session after her password was reset: %d to %q, want 303 to /signin", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := webGet(t, other, v.ts.URL+"/"); resp.StatusCode != http.StatusOK {
		t.Errorf("bob's session after alice's reset: %d, want 200", resp.StatusCode)
	}
	c = v.browser(t)
	if resp, _ := v.signinAs(t, c, "alice", "alice-new-passphrase"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing in with the new password: %d", resp.StatusCode)
	}
	if resp, _ := webGet(t, c, v.ts.URL+"/"); resp.StatusCode != http.StatusOK {
		t.Errorf("the new session: %d, want 200", resp.StatusCode)
	}
}
