package server

import (
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
)

// newOIDCVault serves a vault whose sign-in also offers a real, in-process
// OpenID Connect provider, taking reader ids from claim.
func newOIDCVault(t *testing.T, claim string) (*testVault, *mockoidc.MockOIDC) {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	v := newTestVaultWith(t, func(base string) Options {
		return Options{OIDC: &OIDCConfig{Issuer: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret,
			RedirectURL: base + "/oidc/callback", Claim: claim}}
	})
	return v, m
}

// oidcBrowser follows redirects, as a browser does through the provider.
func oidcBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

func TestWebOIDCSignin(t *testing.T) {
	for _, claim := range []string{"", ClaimUsername} {
		t.Run("claim="+claim, func(t *testing.T) {
			v, m := newOIDCVault(t, claim)
			if _, page := webGet(t, v.browser(t), v.ts.URL+"/signin"); !strings.Contains(page, `href="/oidc/login"`) {
				t.Fatal("the sign-in page does not offer OIDC")
			}
			user := &mockoidc.MockUser{Subject: "alice", PreferredUsername: "not-a-reader"}
			if claim == ClaimUsername {
				user = &mockoidc.MockUser{Subject: "0b6f1c6e-opaque", PreferredUsername: "alice"}
			}
			m.QueueUser(user)
			c := oidcBrowser(t)
			resp, page := webGet(t, c, v.ts.URL+"/oidc/login")
			if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Signed in.") {
				t.Fatalf("OIDC sign-in: %d\n%s", resp.StatusCode, page)
			}
			resp, page = webGet(t, c, v.ts.URL+"/")
			if resp.StatusCode != http.StatusOK || !strings.Contains(page, `<strong id="whoami">alice</strong>`) || !strings.Contains(page, `href="/documents/memo"`) {
				t.Fatalf("after OIDC sign-in, /: %d\n%s", resp.StatusCode, page)
			}
			// An account that names no reader is refused, with one message.
			bad := &mockoidc.MockUser{Subject: "mallory", PreferredUsername: "mallory"}
			m.QueueUser(bad)
			resp, page = webGet(t, oidcBrowser(t), v.ts.URL+"/oidc/login")
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, html.EscapeString(errOIDCFailed.Message)) {
				t.Errorf("OIDC sign-in of no reader: %d\n%s", resp.StatusCode, page)
			}
		})
	}
}

func TestWebOIDCState(t *testing.T) {
	v, m := newOIDCVault(t, "")
	// A callback whose state is not the one this browser was sent with
	// (a forged or replayed sign-in) is refused.
	noRedirect := v.browser(t)
	resp, _ := webGet(t, noRedirect, v.ts.URL+"/oidc/login")
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("/oidc/login: %d", resp.StatusCode)
	}
	auth, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := auth.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Errorf("the authorization request lacks PKCE, a nonce or a state: %v", q)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "alice"})
	resp, _ = webGet(t, noRedirect, auth.String())
	back := resp.Header.Get("Location")
	// Another browser, without the state cookie, can't use the code.
	if resp, _ := webGet(t, v.browser(t), back); resp.StatusCode != http.StatusForbidden {
		t.Errorf("callback in another browser: %d, want 403", resp.StatusCode)
	}
	forged := strings.Replace(back, "state="+url.QueryEscape(q.Get("state")), "state=forged", 1)
	if resp, _ := webGet(t, noRedirect, forged); resp.StatusCode != http.StatusForbidden {
		t.Errorf("callback with a forged state: %d, want 403", resp.StatusCode)
	}
}

// TestWebOIDCLoginKeepsNothing: a sign-in under way lives only in the
// browser's sealed state cookie. More /oidc/login requests than the
// server holds sessions leave the next sign-in working; a state cookie
// altered, or one past its age, is refused.
func TestWebOIDCLoginKeepsNothing(t *testing.T) {
	v, m := newOIDCVault(t, "")
	h := v.srv.Handler()
	for i := range maxSessions + 1 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/oidc/login", nil))
		if rec.Code != http.StatusFound {
			t.Fatalf("/oidc/login number %d: %d, want 302", i+1, rec.Code)
		}
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "alice"})
	if resp, page := webGet(t, oidcBrowser(t), v.ts.URL+"/oidc/login"); resp.StatusCode != http.StatusOK || !strings.Contains(page, "Signed in.") {
		t.Fatalf("OIDC sign-in after a flood of /oidc/login: %d\n%s", resp.StatusCode, page)
	}

	// The cookie holds no readable state, and can't be altered.
	c := v.browser(t)
	resp, _ := webGet(t, c, v.ts.URL+"/oidc/login")
	auth, _ := url.Parse(resp.Header.Get("Location"))
	state := auth.Query().Get("state")
	u, _ := url.Parse(v.ts.URL)
	var sealed *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == v.srv.oidcStateCookie() {
			sealed = ck
		}
	}
	if sealed == nil || strings.Contains(sealed.Value, state) {
		t.Fatalf("the state cookie %v holds the state %q in the clear", sealed, state)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "alice"})
	resp, _ = webGet(t, c, auth.String())
	back := resp.Header.Get("Location")
	altered := []byte(sealed.Value)
	altered[len(altered)/2] ^= 1
	if altered[len(altered)/2] == '-' || altered[len(altered)/2] == '_' {
		altered[len(altered)/2] = 'A'
	}
	c.Jar.SetCookies(u, []*http.Cookie{{Name: sealed.Name, Value: string(altered), Path: "/"}})
	if resp, _ := webGet(t, c, back); resp.StatusCode != http.StatusForbidden {
		t.Errorf("callback with an altered state cookie: %d, want 403", resp.StatusCode)
	}
	// Past its age, the same cookie and code are refused.
	c.Jar.SetCookies(u, []*http.Cookie{{Name: sealed.Name, Value: sealed.Value, Path: "/"}})
	v.srv.web.now = func() time.Time { return time.Now().Add(oidcLoginAge + time.Minute) }
	if resp, _ := webGet(t, c, back); resp.StatusCode != http.StatusForbidden {
		t.Errorf("callback past the sign-in's age: %d, want 403", resp.StatusCode)
	}
}

// TestWebOIDCEmailMustBeVerified: with the email claim, an ID token whose
// email_verified is not true signs no one in, whatever address it names.
func TestWebOIDCEmailMustBeVerified(t *testing.T) {
	v, m := newOIDCVault(t, ClaimEmail)
	m.QueueUser(&mockoidc.MockUser{Subject: "x-1", Email: "alice", EmailVerified: false})
	resp, page := webGet(t, oidcBrowser(t), v.ts.URL+"/oidc/login")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, html.EscapeString(errOIDCFailed.Message)) {
		t.Errorf("an unverified email naming alice: %d\n%s", resp.StatusCode, page)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "x-2", Email: "alice", EmailVerified: true})
	if resp, page := webGet(t, oidcBrowser(t), v.ts.URL+"/oidc/login"); resp.StatusCode != http.StatusOK || !strings.Contains(page, "Signed in.") {
		t.Errorf("a verified email naming alice: %d\n%s", resp.StatusCode, page)
	}
}
