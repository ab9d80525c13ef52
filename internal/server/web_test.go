package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/service"
)

// webHome is a fresh home served by a test server.
type webHome struct {
	svc *service.Service
	srv *Server
	ts  *httptest.Server
}

// newWebHome initializes a home in a temporary directory and serves it.
func newWebHome(t *testing.T, opt Options) *webHome {
	return newWebHomeWith(t, func(string) Options { return opt })
}

// newWebHomeWith is newWebHome with options made knowing the server's
// URL.
func newWebHomeWith(t *testing.T, options func(base string) Options) *webHome {
	t.Helper()
	dir := t.TempDir()
	if err := service.Init(context.Background(), dir, service.InitOptions{Origin: "vault.test/log", Actor: "admin"}); err != nil {
		t.Fatal(err)
	}
	return serveHome(t, dir, options)
}

// serveHome opens the home in dir and serves it.
func serveHome(t *testing.T, dir string, options func(base string) Options) *webHome {
	t.Helper()
	svc, err := service.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	ts := httptest.NewUnstartedServer(nil)
	opt := options("http://" + ts.Listener.Addr().String())
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := New(svc, opt)
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return &webHome{svc: svc, srv: srv, ts: ts}
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, as a browser's requests look to the server.
func (h *webHome) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// webGet fetches path and returns the response and its body.
func webGet(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// webPost sends a form to path and returns the response and its body.
func webPost(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfOf returns the CSRF token of a page's first form.
func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%s", page)
	}
	return m[1]
}

func TestWebSecurityHeaders(t *testing.T) {
	h := newWebHome(t, Options{})
	c := h.browser(t)
	for _, path := range []string{"/signin", "/static/vault.css", "/"} {
		resp, _ := webGet(t, c, h.ts.URL+path)
		hd := resp.Header
		csp := hd.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
			t.Errorf("%s: Content-Security-Policy %q allows a script", path, csp)
		}
		if got := hd.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", path, got)
		}
		if got := hd.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s: Referrer-Policy = %q", path, got)
		}
		if got := hd.Get("X-Frame-Options"); got != "DENY" {
			t.Errorf("%s: X-Frame-Options = %q", path, got)
		}
	}
}

func TestWebSignedOutGoesToSignin(t *testing.T) {
	h := newWebHome(t, Options{})
	c := h.browser(t)
	for _, path := range []string{"/", "/documents/x", "/documents/x/download", "/issue", "/investigate", "/audit"} {
		resp, _ := webGet(t, c, h.ts.URL+path)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
			t.Errorf("GET %s signed out: %d to %q, want 303 to /signin", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	// A POST without a session changes nothing, whatever it carries.
	resp, _ := webPost(t, c, h.ts.URL+"/issue/x/grants", url.Values{"action": {"grant"}, "readers": {"eve"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /issue/x/grants signed out: %d, want 403", resp.StatusCode)
	}
}

func TestWebSigninPage(t *testing.T) {
	h := newWebHome(t, Options{})
	c := h.browser(t)
	resp, page := webGet(t, c, h.ts.URL+"/signin")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /signin: %d", resp.StatusCode)
	}
	for _, want := range []string{`<html lang="en">`, `<label for="id">`, `<label for="password">`, `autocomplete="current-password"`, `<main id="main">`} {
		if !strings.Contains(page, want) {
			t.Errorf("sign-in page lacks %s", want)
		}
	}
	if strings.Contains(page, "/oidc/login") {
		t.Error("the sign-in page offers OIDC, which is not configured")
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "leaktrace_signin" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Value != csrfOf(t, page) {
		t.Errorf("sign-in cookie %+v: want HttpOnly, SameSite Strict, holding the form's token", cookie)
	}
}

func TestWebSigninNeedsItsFormToken(t *testing.T) {
	h := newWebHome(t, Options{})
	// A form posted without the token its page carried (another site's
	// form, or a stale one) is refused before any password is checked.
	c := h.browser(t)
	_, page := webGet(t, c, h.ts.URL+"/signin")
	token := csrfOf(t, page)
	for name, form := range map[string]url.Values{
		"no token":    {"id": {"alice"}, "password": {"correct horse battery"}},
		"wrong token": {"id": {"alice"}, "password": {"correct horse battery"}, "csrf": {token + "x"}},
	} {
		resp, body := webPost(t, c, h.ts.URL+"/signin", form)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "This form has expired") {
			t.Errorf("%s: %d, want 403 with the expired-form page", name, resp.StatusCode)
		}
	}
	// The token without its cookie (a browser that never loaded the
	// form) is refused too.
	other := h.browser(t)
	resp, _ := webPost(t, other, h.ts.URL+"/signin", url.Values{"id": {"alice"}, "password": {"x"}, "csrf": {token}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("token without its cookie: %d, want 403", resp.StatusCode)
	}
	// A form posted from another origin is refused whatever it carries.
	req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/signin", strings.NewReader(url.Values{"id": {"a"}, "password": {"b"}, "csrf": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site sign-in form: %d, want 403", resp.StatusCode)
	}
}

func TestWebFriendlyErrors(t *testing.T) {
	h := newWebHome(t, Options{})
	// A panic in a handler is logged, and the browser gets the friendly
	// page, never the stack.
	var logged strings.Builder
	h.srv.log = slog.New(slog.NewJSONHandler(&logged, nil))
	rec := httptest.NewRecorder()
	h.srv.plain(func(http.ResponseWriter, *http.Request) { panic("boom: secret detail") }).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	out := rec.Body.String()
	if rec.Code != http.StatusInternalServerError || !strings.Contains(out, "Something went wrong on the server") {
		t.Errorf("panic: %d\n%s", rec.Code, out)
	}
	if strings.Contains(out, "boom") || strings.Contains(out, "goroutine") || strings.Contains(out, ".go:") {
		t.Errorf("the error page shows the panic:\n%s", out)
	}
	if !strings.Contains(logged.String(), "boom: secret detail") {
		t.Errorf("the panic was not logged: %s", logged.String())
	}
}

func TestWebStaticStyleSheet(t *testing.T) {
	h := newWebHome(t, Options{})
	resp, body := webGet(t, h.browser(t), h.ts.URL+"/static/vault.css")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("style sheet: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, "white-space: pre-wrap") {
		t.Error("the style sheet does not keep a copy's spaces (white-space: pre-wrap)")
	}
}

func TestSessionsExpire(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ss := newSessions(func() time.Time { return now })
	a, b := ss.create("alice", "password", ""), ss.create("alice", "password", "")
	if a.id == b.id || a.csrf == b.csrf || a.id == a.csrf || len(a.id) != 43 {
		t.Fatalf("sessions share ids or tokens, or ids are not 32 random bytes: %q %q", a.id, b.id)
	}
	// Used within the idle time, a session lives until its maximum age.
	start := now
	for now.Add(sessionIdle / 2).Before(start.Add(sessionMax)) {
		now = now.Add(sessionIdle / 2)
		if ss.get(a.id) == nil {
			t.Fatalf("session ended after %v of use", now.Sub(start))
		}
	}
	if ss.get(b.id) != nil {
		t.Error("an idle session did not end")
	}
	// Used a quarter of an hour ago, but signed in too long ago.
	now = start.Add(sessionMax + time.Second)
	if ss.get(a.id) != nil {
		t.Error("a session outlived its maximum age")
	}
	c := ss.create("bob", "password", "")
	ss.drop(c.id)
	if ss.get(c.id) != nil || ss.get("") != nil || ss.get("forged") != nil {
		t.Error("a dropped, empty or unknown session id was accepted")
	}
}

func TestLimitersAllowABurstThenARate(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ls := newSigninLimits(10*time.Second, 3, func() time.Time { return now })
	for i := range 3 {
		if !ls.allow("alice") {
			t.Fatalf("attempt %d of a burst of 3 refused", i+1)
		}
	}
	if ls.allow("alice") {
		t.Fatal("a fourth attempt at once was allowed")
	}
	if !ls.allow("bob") {
		t.Fatal("another key shares alice's bucket")
	}
	now = now.Add(10 * time.Second)
	if !ls.allow("alice") || ls.allow("alice") {
		t.Fatal("after 10 s, not exactly one more attempt was allowed")
	}
	// Buckets idle long enough to be full again are forgotten.
	now = now.Add(time.Hour)
	ls.allow("carol")
	if _, ok := ls.m["alice"]; ok {
		t.Error("an idle bucket was kept")
	}
}

func TestBanners(t *testing.T) {
	for _, c := range []struct{ banner, class string }{
		{"TOP SECRET//SI/TK//NOFORN", "banner-tssci"},
		{"TOP SECRET//NOFORN", "banner-ts"},
		{"TOP SECRET//REL TO USA, GBR", "banner-ts"},
		{"SECRET//REL TO USA, GBR", "banner-s"},
		{"CONFIDENTIAL", "banner-c"},
		{"UNCLASSIFIED", "banner-u"},
		{"", "banner-none"},
	} {
		if got := bannerClass(c.banner); got != c.class {
			t.Errorf("bannerClass(%q) = %q, want %q", c.banner, got, c.class)
		}
	}
	if got := highest([]string{"CONFIDENTIAL", "", "SECRET//NOFORN", "SECRET", "UNCLASSIFIED"}); got != "SECRET//NOFORN" {
		t.Errorf("highest = %q, want SECRET//NOFORN", got)
	}
	if got := highest(nil); got != "" {
		t.Errorf("highest(nil) = %q", got)
	}
}

// TestWebTemplatesRender renders every page with the data its handler
// gives it, so that a template mistake fails here and not in front of a
// reader.
func TestWebTemplatesRender(t *testing.T) {
	h := newWebHome(t, Options{})
	p := &service.Principal{Recipient: leaktrace.Recipient{ID: "alice", Roles: []string{"admin"}}, Via: "password"}
	doc := &leaktrace.Document{ID: "memo", Title: "The memo", Format: "txt", Marking: "SECRET//NOFORN"}
	one := int64(7)
	text := "Two  spaces,\u200ba zero-width space, and a trailing space \nend"
	pages := map[string]any{
		"signin":    signinData{ID: "alice", Failed: errSignin},
		"documents": []*leaktrace.Document{doc},
		"document":  &documentData{Doc: doc, Show: showText, Text: copyText(text), LogEntry: 3},
		"issue":     &issueData{Rows: []issueRow{{Doc: doc, Grants: 2, Holders: 1}, {Doc: &leaktrace.Document{ID: "draft"}}}, Form: url.Values{}},
		"issuedoc":  &issueDocData{Doc: doc, Grants: []string{"bob"}, Copies: []leaktrace.Copy{{Document: "memo", Recipient: "bob", SHA256: strings.Repeat("ab", 32)}}, Readers: []string{"bob", "carol"}},
		"investigate": &investigateData{Epsilon: service.DefaultEpsilon, Marking: map[string]string{"memo": doc.Marking}, Report: &service.TraceJSON{
			Epsilon: 1e-6, LeakWords: 60, LeakHash: strings.Repeat("cd", 32), Documents: 2, LogEntry: &one, ChannelsRead: []string{"spacing"},
			Matches: []service.MatchJSON{{Document: "memo", Title: "The memo", MatchedWords: 60, DocumentWords: 500, CoveredWords: 60, MarksObserved: 9, MarksCovered: 10, Readers: 5,
				Suspects: []service.SuspectJSON{{Recipient: "bob", PValue: 1e-9, Accused: true, Agree: 9}, {Recipient: "carol", PValue: 1, Agree: 3}},
				Evidence: []service.Evidence{{Channel: "spacing", Kind: "double", Variant: "  ", Context: "Two  spaces"}}}}}},
		"audit":   &auditData{Checkpoint: "vault.test/log\n8\nabc=\n", Size: 8, Entries: []auditEntry{{Index: 7, Entry: &custody.Entry{Kind: "access", Actor: "bob", Document: "memo", Recipient: "bob", Action: "view"}}, {Index: 6, Bad: "truncated"}}, Older: 1},
		"problem": errDenied,
	}
	for _, name := range pageNames {
		data, ok := pages[name]
		if !ok {
			t.Errorf("no test data for page %s", name)
			continue
		}
		rec := httptest.NewRecorder()
		h.srv.render(rec, name, &view{Title: name, Banner: doc.Marking, User: nil, CSRF: "tok", Data: data})
		_ = p
		if rec.Code != http.StatusOK {
			t.Errorf("page %s: %d\n%s", name, rec.Code, rec.Body)
			continue
		}
		out := rec.Body.String()
		if problems := accessProblems(out); len(problems) > 0 {
			t.Errorf("page %s: %s", name, strings.Join(problems, "; "))
		}
		if n := strings.Count(out, `class="banner banner-s"`); n != 2 {
			t.Errorf("page %s shows its banner %d times, want at the top and the bottom", name, n)
		}
		if name == "document" && !strings.Contains(out, `<pre class="copy" id="copy" tabindex="0" aria-label="Your copy of memo">`+"\n"+text+`</pre>`) {
			t.Errorf("the copy's text is not shown exactly:\n%s", out)
		}
	}
}

func TestWebHeadIssuesNoCopy(t *testing.T) {
	h := newWebHome(t, Options{})
	// A HEAD request would have a copy issued and logged without being
	// sent: the pages of signed-in readers refuse it.
	for _, path := range []string{"/documents/memo", "/documents/memo/download", "/documents/memo/frame"} {
		req, _ := http.NewRequest(http.MethodHead, h.ts.URL+path, nil)
		resp, err := h.browser(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("HEAD %s: %d, want 405", path, resp.StatusCode)
		}
	}
}
