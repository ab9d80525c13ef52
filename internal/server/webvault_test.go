package server

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/service"
)

// A vault for the web UI's tests: readers with different clearances and
// roles, marked documents, grants and passwords, made with the service
// as the CLI makes them.
//
//   - alice: SECRET, USA; granted memo and brief.
//   - bob: CONFIDENTIAL, GBR; granted memo, which he is not cleared for.
//   - ivan: an investigator, cleared for nothing.
//   - dana: an administrator (issuer, investigator, auditor too).
//
// memo is SECRET//NOFORN plain text, brief CONFIDENTIAL Markdown, draft
// unmarked.
type testVault struct {
	*webHome
	memo, brief string // the documents' text
}

// webPasswords are the passwords of the test readers.
var webPasswords = map[string]string{
	"alice": "alice-secret-passphrase",
	"bob":   "bob-secret-passphrase",
	"ivan":  "ivan-secret-passphrase",
	"dana":  "dana-secret-passphrase",
}

func newTestVault(t *testing.T) *testVault {
	t.Helper()
	return newTestVaultWith(t, func(string) Options { return Options{} })
}

// newTestVaultWith is newTestVault with options made knowing the
// server's URL. The vault is made once per test binary (registering a
// document takes a second) and each test gets its own copy of the home.
func newTestVaultWith(t *testing.T, options func(base string) Options) *testVault {
	t.Helper()
	corpus.Require(t)
	vaultTemplate.once.Do(func() { vaultTemplate.err = buildVaultTemplate() })
	if vaultTemplate.err != nil {
		t.Fatal(vaultTemplate.err)
	}
	dir := t.TempDir()
	for name, data := range vaultTemplate.files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h := serveHome(t, dir, options)
	return &testVault{webHome: h, memo: vaultTemplate.memo, brief: vaultTemplate.brief}
}

// vaultTemplate is the test vault's home, as files.
var vaultTemplate struct {
	once        sync.Once
	files       map[string][]byte
	memo, brief string
	err         error
}

// buildVaultTemplate makes the test vault's home in a temporary
// directory and keeps its files.
func buildVaultTemplate() error {
	memos := corpus.Memos(3, 500, 13)
	if len(memos) < 3 {
		return fmt.Errorf("the corpus yields %d memos", len(memos))
	}
	dir, err := os.MkdirTemp("", "leaktrace-vault-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx := service.WithActor(context.Background(), "admin")
	if err := service.Init(ctx, dir, service.InitOptions{Origin: "vault.test/log", Actor: "admin"}); err != nil {
		return err
	}
	s, err := service.Open(ctx, dir)
	if err != nil {
		return err
	}
	err = fillVault(ctx, s, memos)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	vaultTemplate.files = map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		vaultTemplate.files[e.Name()] = b
	}
	vaultTemplate.memo, vaultTemplate.brief = memos[0], memos[1]
	return nil
}

// fillVault adds the test vault's readers, documents, grants and
// passwords.
func fillVault(ctx context.Context, s *service.Service, memos []string) error {
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{
		{ID: "alice", Name: "Alice", Clearance: "S", Citizenship: "USA"},
		{ID: "bob", Name: "Bob", Clearance: "C", Citizenship: "GBR"},
		{ID: "ivan", Name: "Ivan", Roles: []string{service.RoleInvestigator}},
		{ID: "dana", Name: "Dana", Clearance: "TS", Compartments: []string{"SI"}, Citizenship: "USA", Roles: []string{service.RoleAdmin}},
		{ID: "carol", Name: "Carol", Clearance: "S", Citizenship: "USA"},
	}); err != nil {
		return err
	}
	for _, d := range []struct{ file, id, title, text, marking string }{
		{"memo.txt", "memo", "Budget memo", memos[0], "SECRET//NOFORN"},
		{"brief.md", "brief", "Morning brief", memos[1], "CONFIDENTIAL"},
		{"draft.txt", "draft", "Draft", memos[2], ""},
	} {
		if _, err := s.AddDocumentWith(ctx, d.file, []byte(d.text), service.AddOptions{ID: d.id, Title: d.title}); err != nil {
			return err
		}
		if d.marking != "" {
			if _, err := s.SetMarking(ctx, d.id, d.marking); err != nil {
				return err
			}
		}
	}
	if err := s.Grant(ctx, "memo", []string{"alice", "bob", "carol"}); err != nil {
		return err
	}
	if err := s.Grant(ctx, "brief", []string{"alice"}); err != nil {
		return err
	}
	for id, pw := range webPasswords {
		if err := s.SetPassword(ctx, id, pw); err != nil {
			return err
		}
	}
	return nil
}

// password returns id's password.
func (v *testVault) password(t *testing.T, id string) string {
	t.Helper()
	pw, ok := webPasswords[id]
	if !ok {
		t.Fatalf("%s has no password", id)
	}
	return pw
}

// signedIn returns a client signed in as id.
func (v *testVault) signedIn(t *testing.T, id string) *http.Client {
	t.Helper()
	c := v.browser(t)
	resp, body := v.signinAs(t, c, id, v.password(t, id))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("signing in as %s: %d\n%s", id, resp.StatusCode, body)
	}
	return c
}

// signinAs loads the sign-in form and sends it.
func (v *testVault) signinAs(t *testing.T, c *http.Client, id, password string) (*http.Response, string) {
	t.Helper()
	_, page := webGet(t, c, v.ts.URL+"/signin")
	return webPost(t, c, v.ts.URL+"/signin", url.Values{"id": {id}, "password": {password}, "csrf": {csrfOf(t, page)}})
}

// entries returns the decoded log entries of kind, in log order, about
// doc and reader ("" for any).
func (v *testVault) entries(t *testing.T, kind, doc, reader string) []*custody.Entry {
	t.Helper()
	ctx := context.Background()
	size, err := v.svc.Store.LogSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := v.svc.Store.LogEntries(ctx, 0, size)
	if err != nil {
		t.Fatal(err)
	}
	var out []*custody.Entry
	for _, r := range recs {
		e, err := custody.Decode(r.Data)
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind == kind && (doc == "" || e.Document == doc) && (reader == "" || e.Recipient == reader) {
			out = append(out, e)
		}
	}
	return out
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// formValue finds an input's value in a page.
var errorPara = regexp.MustCompile(`(?s)<p class="error" role="alert"[^>]*>(.*?)</p>`)

// signinFailure returns the sign-in page's failure message.
func signinFailure(t *testing.T, page string) string {
	t.Helper()
	m := errorPara.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no failure message on the page:\n%s", page)
	}
	return m[1]
}

func TestWebSigninFailuresAreAlike(t *testing.T) {
	v := newTestVault(t)
	// A wrong password, an unknown reader and a reader without a
	// password get the same page and status: nothing tells which ids
	// exist.
	want := ""
	for _, c := range []struct{ id, password string }{
		{"alice", "not-alices-password"},
		{"nobody", "not-anyones-password"},
		{"carol", "carol-has-no-password"},
		{"alice", ""},
	} {
		resp, page := v.signinAs(t, v.browser(t), c.id, c.password)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s/%q: %d, want 401", c.id, c.password, resp.StatusCode)
		}
		msg := signinFailure(t, page)
		if want == "" {
			want = msg
		}
		if msg != want {
			t.Errorf("%s: failure %q, want the same as every other: %q", c.id, msg, want)
		}
		for _, ck := range resp.Cookies() {
			if ck.Name == "leaktrace_session" && ck.MaxAge >= 0 {
				t.Errorf("%s: a failed sign-in set a session cookie", c.id)
			}
		}
	}
}

func TestWebSigninRateLimited(t *testing.T) {
	v := newTestVault(t)
	// After signinPairBurst wrong passwords, even the right one is refused
	// for a while, with the same message; another reader from the same
	// address can still sign in.
	for i := range signinPairBurst {
		resp, _ := v.signinAs(t, v.browser(t), "alice", fmt.Sprintf("wrong-password-number-%d", i))
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i+1, resp.StatusCode)
		}
	}
	resp, page := v.signinAs(t, v.browser(t), "alice", v.password(t, "alice"))
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the right password after %d wrong ones: %d, want 429", signinPairBurst, resp.StatusCode)
	}
	if got := signinFailure(t, page); got != errSignin {
		t.Errorf("rate-limited failure %q, want the one message %q", got, errSignin)
	}
	// The id's bucket is per id in any case.
	resp, _ = v.signinAs(t, v.browser(t), "ALICE", v.password(t, "alice"))
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the id in capitals escaped its limit: %d", resp.StatusCode)
	}
	v.signedIn(t, "dana")
	// Per address: past its burst (made small here, each attempt costs
	// a hash), every id is refused.
	v.srv.web.byIP = newSigninLimits(time.Hour, 2, time.Now)
	for range 2 {
		v.signinAs(t, v.browser(t), "nobody", "whatever-password")
	}
	resp, _ = v.signinAs(t, v.browser(t), "dana", v.password(t, "dana"))
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after 2 attempts from one address with a burst of 2: %d, want 429", resp.StatusCode)
	}
}

func TestWebSessionCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		v := newTestVault(t)
		v.srv.opt.Secure = secure
		c := v.browser(t)
		resp, _ := v.signinAs(t, c, "alice", v.password(t, "alice"))
		var got *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == v.srv.sessionCookieName() && ck.Value != "" {
				got = ck
			}
		}
		want := map[bool]string{false: "leaktrace_session", true: "__Host-leaktrace"}[secure]
		if got == nil || got.Name != want || !got.HttpOnly || got.SameSite != http.SameSiteStrictMode || got.Secure != secure || got.Path != "/" || got.Domain != "" {
			t.Errorf("secure=%v: session cookie %+v, want %s, HttpOnly, SameSite Strict, Path /, no Domain", secure, got, want)
		}
	}
}

func TestWebSignoutNeedsCSRFAndEndsTheSession(t *testing.T) {
	v := newTestVault(t)
	c := v.signedIn(t, "alice")
	_, page := webGet(t, c, v.ts.URL+"/")
	token := csrfOf(t, page)
	resp, _ := webPost(t, c, v.ts.URL+"/signout", url.Values{"csrf": {token + "x"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-out with a wrong token: %d, want 403", resp.StatusCode)
	}
	if resp, _ := webGet(t, c, v.ts.URL+"/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("a forged sign-out ended the session: %d", resp.StatusCode)
	}
	// Another session's token is no good either.
	other := v.signedIn(t, "dana")
	_, otherPage := webGet(t, other, v.ts.URL+"/")
	if resp, _ := webPost(t, c, v.ts.URL+"/signout", url.Values{"csrf": {csrfOf(t, otherPage)}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-out with another session's token: %d, want 403", resp.StatusCode)
	}
	resp, _ = webPost(t, c, v.ts.URL+"/signout", url.Values{"csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
		t.Fatalf("sign-out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := webGet(t, c, v.ts.URL+"/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("signed out, / gave %d, want 303 to the sign-in page", resp.StatusCode)
	}
}

func TestWebEveryRequestRereadsTheReader(t *testing.T) {
	v := newTestVault(t)
	ctx := service.WithActor(context.Background(), "admin")
	c := v.signedIn(t, "alice")
	if resp, _ := webGet(t, c, v.ts.URL+"/documents/memo"); resp.StatusCode != http.StatusOK {
		t.Fatalf("alice reading memo: %d", resp.StatusCode)
	}
	// A revoked grant is refused at the next request.
	if err := v.svc.Revoke(ctx, "memo", []string{"alice"}); err != nil {
		t.Fatal(err)
	}
	if resp, body := webGet(t, c, v.ts.URL+"/documents/memo"); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Access denied") {
		t.Fatalf("memo after its grant was revoked: %d", resp.StatusCode)
	}
	if _, list := webGet(t, c, v.ts.URL+"/"); strings.Contains(list, `href="/documents/memo"`) {
		t.Error("memo is still listed after its grant was revoked")
	}
	// A disabled reader is out at once.
	yes := true
	if _, err := v.svc.UpdateRecipient(ctx, "alice", service.AccessChange{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := webGet(t, c, v.ts.URL+"/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
		t.Fatalf("a disabled reader's session: %d to %q, want 303 to /signin", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestWebReaderPages(t *testing.T) {
	v := newTestVault(t)
	c := v.signedIn(t, "alice")
	resp, list := webGet(t, c, v.ts.URL+"/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	for _, want := range []string{`href="/documents/memo"`, `href="/documents/brief"`, `class="banner banner-s"`} {
		if !strings.Contains(list, want) {
			t.Errorf("alice's list lacks %s", want)
		}
	}
	if strings.Contains(list, "/documents/draft") {
		t.Error("alice's list shows the unmarked draft")
	}
	// Reading shows the copy the access entry records, character for
	// character.
	_, page := webGet(t, c, v.ts.URL+"/documents/memo")
	views := v.entries(t, "access", "memo", "alice")
	if len(views) != 1 || views[0].Action != "view" {
		t.Fatalf("reading memo logged %d access entries, want one view", len(views))
	}
	shown := preText(t, page)
	if sha256Hex([]byte(shown)) != views[0].CopySHA256 {
		t.Errorf("the page's text is not the logged copy (sha256 %s, logged %s)", sha256Hex([]byte(shown)), views[0].CopySHA256)
	}
	if shown == v.memo {
		t.Error("the page shows the unmarked original")
	}
	if n := strings.Count(page, `class="banner banner-s"`); n != 2 {
		t.Errorf("the reading page shows its banner %d times, want 2", n)
	}
	// Downloads: the same copy, logged as a download.
	resp, body := webGet(t, c, v.ts.URL+"/documents/memo/download")
	if resp.StatusCode != http.StatusOK || body != shown {
		t.Errorf("download: %d, same as shown: %v", resp.StatusCode, body == shown)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("download Content-Disposition %q", cd)
	}
	if got := v.entries(t, "access", "memo", "alice"); len(got) != 2 || got[1].Action != "download" {
		t.Errorf("after a download, %d access entries", len(got))
	}
	resp, pdf := webGet(t, c, v.ts.URL+"/documents/memo/download?format=pdf")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(pdf, "%PDF") {
		t.Errorf("PDF download: %d %q", resp.StatusCode, pdf[:min(8, len(pdf))])
	}
	if resp, _ := webGet(t, c, v.ts.URL+"/documents/memo/download?format=docx"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("download in an unknown format: %d, want 400", resp.StatusCode)
	}
	if resp, body := webGet(t, c, v.ts.URL+"/documents/nosuch"); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "There is no such document.") {
		t.Errorf("unknown document: %d", resp.StatusCode)
	}
}

// preText returns the text of a page's copy, as a browser reads it.
func preText(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<pre class="copy"[^>]*>\n(.*?)</pre>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no copy on the page:\n%s", page)
	}
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'", "&#13;", "\r")
	return r.Replace(m[1])
}

func TestWebDenials(t *testing.T) {
	v := newTestVault(t)
	bob := v.signedIn(t, "bob")
	// memo is beyond bob's clearance, draft unmarked, brief not granted
	// to him: the page he gets is the same, and says no rule.
	var first string
	for _, path := range []string{"/documents/memo", "/documents/memo/download", "/documents/memo/download?format=pdf", "/documents/memo/frame", "/documents/draft", "/documents/brief"} {
		resp, body := webGet(t, bob, v.ts.URL+path)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Access denied") {
			t.Errorf("bob GET %s: %d, want 403 with the denial page", path, resp.StatusCode)
		}
		if first == "" {
			first = body
		}
		if body != first {
			t.Errorf("bob GET %s: the denial differs from memo's:\n%s", path, body)
		}
	}
	denied := v.entries(t, "denied", "", "bob")
	reasons := map[string]string{}
	for _, e := range denied {
		reasons[e.Document+" "+e.Action] = e.Reason
	}
	for key, want := range map[string]string{"memo view": "clearance", "memo download": "clearance", "draft view": "unmarked", "brief view": "grant"} {
		if reasons[key] != want {
			t.Errorf("denied entry of bob's %s: reason %q, want %q", key, reasons[key], want)
		}
	}
	// A page of another role is denied, and logged.
	for path, action := range map[string]string{"/issue": "register", "/investigate": "trace", "/audit": "log", "/issue/memo": "holders"} {
		if resp, _ := webGet(t, bob, v.ts.URL+path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("bob GET %s: %d, want 403", path, resp.StatusCode)
		}
		got := v.entries(t, "denied", "", "bob")
		if last := got[len(got)-1]; last.Action != action || last.Reason != "role" {
			t.Errorf("bob GET %s logged %s/%s, want %s/role", path, last.Action, last.Reason, action)
		}
	}
	grants := len(v.entries(t, "grant", "memo", ""))
	_, page := webGet(t, bob, v.ts.URL+"/")
	if resp, _ := webPost(t, bob, v.ts.URL+"/issue/memo/grants", url.Values{"csrf": {csrfOf(t, page)}, "action": {"grant"}, "readers": {"bob"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("bob granting himself memo: %d, want 403", resp.StatusCode)
	}
	if got := len(v.entries(t, "grant", "memo", "")); got != grants {
		t.Errorf("bob's grant was logged: %d grant entries, were %d", got, grants)
	}
}

func TestWebIssuerPages(t *testing.T) {
	v := newTestVault(t)
	c := v.signedIn(t, "dana")
	_, page := webGet(t, c, v.ts.URL+"/issue")
	if !strings.Contains(page, "UNMARKED") || !strings.Contains(page, `href="/issue/draft"`) {
		t.Error("the issuer's list does not show the unmarked draft as unmarked")
	}
	token := csrfOf(t, page)
	// Marking, granting, revoking, each a form with the CSRF token.
	resp, _ := webPost(t, c, v.ts.URL+"/issue/draft/marking", url.Values{"csrf": {token}, "marking": {"secret//rel to usa, gbr"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("setting a marking: %d", resp.StatusCode)
	}
	doc, err := v.svc.Store.Document(context.Background(), "draft")
	if err != nil || doc.Marking != "SECRET//REL TO USA, GBR" {
		t.Fatalf("draft's marking %q, %v", doc.Marking, err)
	}
	resp, body := webPost(t, c, v.ts.URL+"/issue/draft/marking", url.Values{"csrf": {token}, "marking": {"SECRET//REL TO XYZ"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "The marking was not set") {
		t.Errorf("a bad marking: %d", resp.StatusCode)
	}
	if resp, _ := webPost(t, c, v.ts.URL+"/issue/draft/grants", url.Values{"csrf": {token}, "action": {"grant"}, "readers": {"alice, bob"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("granting: %d", resp.StatusCode)
	}
	if g, _ := v.svc.Store.Grants(context.Background(), "draft"); strings.Join(g, ",") != "alice,bob" {
		t.Errorf("grants of draft: %v", g)
	}
	if resp, _ := webPost(t, c, v.ts.URL+"/issue/draft/grants", url.Values{"csrf": {token}, "action": {"revoke"}, "reader": {"bob"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoking: %d", resp.StatusCode)
	}
	if g, _ := v.svc.Store.Grants(context.Background(), "draft"); strings.Join(g, ",") != "alice" {
		t.Errorf("grants of draft after revoking bob: %v", g)
	}
	resp, body = webPost(t, c, v.ts.URL+"/issue/draft/grants", url.Values{"csrf": {token}, "action": {"grant"}, "readers": {"zed"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Nothing was changed") {
		t.Errorf("granting an unknown reader: %d", resp.StatusCode)
	}
	// Without the token, nothing changes.
	if resp, _ := webPost(t, c, v.ts.URL+"/issue/draft/grants", url.Values{"action": {"grant"}, "readers": {"carol"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("granting without the CSRF token: %d, want 403", resp.StatusCode)
	}
	if g, _ := v.svc.Store.Grants(context.Background(), "draft"); strings.Join(g, ",") != "alice" {
		t.Errorf("a grant without the CSRF token changed the grants: %v", g)
	}
	// Holders.
	alice := v.signedIn(t, "alice")
	webGet(t, alice, v.ts.URL+"/documents/draft/download")
	_, page = webGet(t, c, v.ts.URL+"/issue/draft")
	if !strings.Contains(page, "<td>alice</td>") {
		t.Error("the holders of draft do not list alice")
	}
}

// webUpload sends the issuer's upload form.
func webUpload(t *testing.T, c *http.Client, u string, fields map[string]string, name string, data []byte) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestWebUpload(t *testing.T) {
	v := newTestVault(t)
	c := v.signedIn(t, "dana")
	_, page := webGet(t, c, v.ts.URL+"/issue")
	token := csrfOf(t, page)
	text := []byte(corpus.RequireMemos(t, 4, 400, 13)[3])
	// A marking that can't be read registers nothing.
	resp, body := webUpload(t, c, v.ts.URL+"/issue", map[string]string{"csrf": token, "marking": "SECRETISH", "id": "notes"}, "notes.txt", text)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "The marking was not understood") {
		t.Fatalf("upload with a bad marking: %d", resp.StatusCode)
	}
	if _, err := v.svc.Store.Document(context.Background(), "notes"); err == nil {
		t.Fatal("a document was registered without its marking")
	}
	resp, _ = webUpload(t, c, v.ts.URL+"/issue", map[string]string{"csrf": token, "marking": "TS//SI//NOFORN", "id": "notes", "title": "Notes"}, "notes.txt", text)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/issue/notes?done=registered" {
		t.Fatalf("upload: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	doc, err := v.svc.Store.Document(context.Background(), "notes")
	if err != nil || doc.Marking != "TOP SECRET//SI//NOFORN" || doc.Title != "Notes" {
		t.Fatalf("uploaded document: %+v, %v", doc, err)
	}
	// The same id again: the page says why, nothing changes.
	resp, body = webUpload(t, c, v.ts.URL+"/issue", map[string]string{"csrf": token, "marking": "SECRET", "id": "notes"}, "notes.txt", text)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "The document was not registered") {
		t.Errorf("upload of a taken id: %d", resp.StatusCode)
	}
	// Without the token, nothing is registered.
	resp, _ = webUpload(t, c, v.ts.URL+"/issue", map[string]string{"marking": "SECRET", "id": "other"}, "other.txt", text)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("upload without the CSRF token: %d, want 403", resp.StatusCode)
	}
}

func TestWebAuditPage(t *testing.T) {
	v := newTestVault(t)
	c := v.signedIn(t, "dana")
	resp, page := webGet(t, c, v.ts.URL+"/audit?verify=1")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "The log verifies") {
		t.Fatalf("audit with verify: %d\n%s", resp.StatusCode, page)
	}
	note, _, err := v.svc.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cp := regexp.MustCompile(`(?s)<pre class="note" id="checkpoint">(.*?)</pre>`).FindStringSubmatch(page)
	if cp == nil || html.UnescapeString(cp[1]) != string(note) {
		t.Error("the audit page does not show the latest checkpoint")
	}
	size, _ := v.svc.Store.LogSize(context.Background())
	if !strings.Contains(page, fmt.Sprintf("<td>%d</td>", size-1)) || strings.Contains(page, fmt.Sprintf("<td>%d</td>", size-1-auditPageSize)) {
		t.Errorf("the first page does not list exactly the latest %d entries", auditPageSize)
	}
	_, page = webGet(t, c, v.ts.URL+fmt.Sprintf("/audit?before=%d", 2))
	if !strings.Contains(page, "<td>0</td>") || !strings.Contains(page, "<td>1</td>") || strings.Contains(page, "<td>2</td>") || strings.Contains(page, "Older entries") {
		t.Error("the page before entry 2 does not list entries 0 and 1 alone")
	}
	if resp, _ := webGet(t, c, v.ts.URL+"/audit?before=x"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad page of the log: %d", resp.StatusCode)
	}
}

// docxOf packages paragraphs as a minimal DOCX.
func docxOf(t *testing.T, paras []string) []byte {
	t.Helper()
	var body strings.Builder
	for _, p := range paras {
		body.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + html.EscapeString(p) + `</w:t></w:r></w:p>`)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>` + body.String() + `<w:sectPr/></w:body></w:document>`},
	} {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestWebFormats(t *testing.T) {
	v := newTestVault(t)
	ctx := service.WithActor(context.Background(), "admin")
	paras := strings.Split(strings.TrimSpace(v.brief), "\n\n")
	page := "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page</title><style>p{margin:1em}</style></head><body>\n<p>" +
		strings.Join(paras, "</p>\n<p>") + "</p>\n<script>document.title='x'</script></body></html>\n"
	for _, d := range []struct {
		file string
		data []byte
	}{{"page.html", []byte(page)}, {"report.docx", docxOf(t, paras)}} {
		doc, err := v.svc.AddDocumentWith(ctx, d.file, d.data, service.AddOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.svc.SetMarking(ctx, doc.ID, "CONFIDENTIAL"); err != nil {
			t.Fatal(err)
		}
		if err := v.svc.Grant(ctx, doc.ID, []string{"alice"}); err != nil {
			t.Fatal(err)
		}
	}
	// A PDF document: a typeset copy, registered as a document of its own.
	p, err := v.svc.PrincipalOf(ctx, "alice", "password")
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := v.svc.Deliver(ctx, p, "brief", service.DeliverOptions{Action: "download", Format: leaktrace.FormatPDF})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.svc.AddDocumentWith(ctx, "minutes.pdf", pdf.Data, service.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.svc.SetMarking(ctx, "minutes", "UNCLASSIFIED"); err != nil {
		t.Fatal(err)
	}
	if err := v.svc.Grant(ctx, "minutes", []string{"alice"}); err != nil {
		t.Fatal(err)
	}
	c := v.signedIn(t, "alice")

	// A PDF copy is embedded in a frame (not sandboxed: a sandboxed frame
	// can't show a PDF), and served inline as application/pdf.
	_, pg := webGet(t, c, v.ts.URL+"/documents/minutes")
	if !strings.Contains(pg, `<iframe class="copy-frame" src="/documents/minutes/frame" title="Your copy of minutes"></iframe>`) {
		t.Errorf("the PDF document's page has no frame:\n%s", pg)
	}
	resp, frame := webGet(t, c, v.ts.URL+"/documents/minutes/frame")
	if ct, csp := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Security-Policy"); ct != "application/pdf" || !strings.HasPrefix(frame, "%PDF") || !strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("the PDF frame: %s, %q, CSP %q", ct, frame[:min(5, len(frame))], csp)
	}
	if views := v.entries(t, "access", "minutes", "alice"); len(views) != 1 || views[0].CopySHA256 != sha256Hex([]byte(frame)) {
		t.Errorf("the PDF page and its frame logged %d access entries, want one with the frame's copy", len(views))
	}

	// An HTML copy is shown in a sandboxed frame of its own; the page and
	// its frame are one reading, one access entry.
	_, pg = webGet(t, c, v.ts.URL+"/documents/page")
	if !strings.Contains(pg, `<iframe class="copy-frame" src="/documents/page/frame" title="Your copy of page" sandbox="">`) {
		t.Errorf("the HTML document's page has no sandboxed frame:\n%s", pg)
	}
	resp, frame = webGet(t, c, v.ts.URL+"/documents/page/frame")
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "frame-ancestors 'self'") || strings.Contains(csp, "script-src") {
		t.Errorf("the frame's Content-Security-Policy %q", csp)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") {
		t.Errorf("the frame: %s, %s", resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	views := v.entries(t, "access", "page", "alice")
	if len(views) != 1 || views[0].CopySHA256 != sha256Hex([]byte(frame)) {
		t.Errorf("the page and its frame logged %d access entries, want one with the frame's copy", len(views))
	}

	// A DOCX copy is shown as the text of the copy, with its download.
	_, pg = webGet(t, c, v.ts.URL+"/documents/report")
	shown := preText(t, pg)
	_, file := webGet(t, c, v.ts.URL+"/documents/report/download")
	want, err := format.ByKind("docx").LeakText([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if shown != want || !strings.Contains(pg, "The text of your docx copy") {
		t.Errorf("the DOCX page does not show the text of the copy")
	}
}
