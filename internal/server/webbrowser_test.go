package server

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/leaktrace/leaktrace/internal/tooltest"
)

// The browser tests drive the web UI in real headless Chromium.
// scripts/vault-screenshots runs them with LEAKTRACE_VAULT_SCREENSHOTS
// set to a directory (docs/vault), where each page's screenshot is
// written, at a laptop's 1366×768.

// Screen size of the browser tests: a common laptop's.
const screenW, screenH = 1366, 768

// startChromium starts headless Chromium with a fresh profile and returns
// its context; the test ends it.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	bin := tooltest.Require(t, "chromium", "chromium", "chromium-browser", "google-chrome")
	profile := t.TempDir()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-device-scale-factor", "1"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(screenW, screenH),
		chromedp.Env("HOME="+profile),
	)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(screenW, screenH)); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// browserStep bounds one browser step.
const browserStep = 20 * time.Second

// browse runs actions with a time limit.
func browse(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, browserStep)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// loadPage runs actions that load a page and returns its HTTP status.
func loadPage(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, browserStep)
	defer cancel()
	resp, err := chromedp.RunResponse(c, actions...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return resp.Status
}

// pageText returns the text content of the first element sel matches.
func pageText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, browserStep)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

// shoot writes the window as docs/vault/NAME.png when the
// screenshots are asked for.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("LEAKTRACE_VAULT_SCREENSHOTS")
	if dir == "" {
		return
	}
	c, cancel := context.WithTimeout(ctx, browserStep)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// browserSignIn fills in and sends the sign-in form, and returns the status of
// the page it lands on.
func browserSignIn(t *testing.T, ctx context.Context, base, id, password string) int64 {
	t.Helper()
	browse(t, ctx, "opening the sign-in page", chromedp.Navigate(base+"/signin"), chromedp.WaitVisible(chromedp.ID("id")))
	return loadPage(t, ctx, "signing in as "+id,
		chromedp.SetValue(chromedp.ID("id"), id),
		chromedp.SetValue(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type="submit"]`)))
}

// browserSignOut presses the sign-out button.
func browserSignOut(t *testing.T, ctx context.Context) {
	t.Helper()
	if got := loadPage(t, ctx, "signing out", chromedp.Click(chromedp.CSS(`form.signout button`))); got != 200 {
		t.Fatalf("sign-out landed on a %d page", got)
	}
	if !strings.HasSuffix(pageURL(t, ctx), "/signin") {
		t.Fatalf("sign-out did not land on the sign-in page")
	}
}

// pageURL returns the page's URL.
func pageURL(t *testing.T, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// allowDownloads lets the browser save downloads into a new directory.
func allowDownloads(t *testing.T, ctx context.Context) string {
	t.Helper()
	dir := t.TempDir()
	on := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// downloadFile clicks sel, a download link, and returns the file saved.
func downloadFile(t *testing.T, ctx context.Context, dir, sel string) []byte {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, browserStep)
	defer cancel()
	events := chromedp.BrowserEvents(c, browser.DownloadProgress)
	if err := chromedp.Do(c, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
	for ev, err := range events {
		if err != nil {
			t.Fatalf("downloading from %s: %v", sel, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return b
		case browser.DownloadProgressStateCanceled:
			t.Fatalf("the download from %s was canceled", sel)
		}
	}
	t.Fatalf("no download from %s", sel)
	return nil
}

// TestWebBrowser walks the web UI in Chromium as its users do: a wrong
// password, a reader who signs in, lists, reads and downloads her copy
// and signs out, a reader not cleared who is denied, an investigator
// who traces an excerpt of her copy to her, and an administrator's
// issuer and auditor pages.
func TestWebBrowser(t *testing.T) {
	v := newTestVault(t)
	ctx := startChromium(t)
	base := v.ts.URL

	// Sign-in: a wrong password and an unknown reader get the same
	// message.
	browse(t, ctx, "opening the sign-in page", chromedp.Navigate(base+"/signin"), chromedp.WaitVisible(chromedp.ID("id")))
	shoot(t, ctx, "signin")
	if got := browserSignIn(t, ctx, base, "alice", "not-alices-password"); got != 401 {
		t.Fatalf("a wrong password: %d, want 401", got)
	}
	wrong := pageText(t, ctx, "#signin-error")
	if browserSignIn(t, ctx, base, "nobody", "not-anyones-password"); pageText(t, ctx, "#signin-error") != wrong || wrong != errSignin {
		t.Errorf("an unknown reader's failure differs from a wrong password's (%q)", wrong)
	}

	// A reader: her documents, her copy, its download.
	if got := browserSignIn(t, ctx, base, "alice", v.password(t, "alice")); got != 200 || pageURL(t, ctx) != base+"/" {
		t.Fatalf("signing in as alice: %d at %s", got, pageURL(t, ctx))
	}
	if got := pageText(t, ctx, "#whoami"); got != "alice" {
		t.Errorf("signed in as %q", got)
	}
	if got := pageText(t, ctx, ".banner"); got != "SECRET//NOFORN" {
		t.Errorf("the list's banner is %q, want its highest marking SECRET//NOFORN", got)
	}
	rows := pageText(t, ctx, "table.list tbody")
	if !strings.Contains(rows, "Budget memo") || !strings.Contains(rows, "Morning brief") || strings.Contains(rows, "Draft") {
		t.Errorf("alice's list: %q", rows)
	}
	// The keyboard's first stop is the link past the navigation.
	browse(t, ctx, "pressing Tab", chromedp.KeyEvent("\t"))
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.getAttribute("href")`)); err != nil || got != "#main" {
		t.Errorf("the first Tab stop is %q (%v), want the skip link to #main", got, err)
	}
	fitsScreen(t, ctx, "the list")
	shoot(t, ctx, "documents")
	if got := loadPage(t, ctx, "opening memo", chromedp.Click(chromedp.CSS(`a[href="/documents/memo"]`))); got != 200 {
		t.Fatalf("opening memo: %d", got)
	}
	shown := pageText(t, ctx, "#copy")
	views := v.entries(t, "access", "memo", "alice")
	if len(views) != 1 || sha256Hex([]byte(shown)) != views[0].CopySHA256 {
		t.Fatalf("the page's text is not the copy its access entry records (%d entries)", len(views))
	}
	if shown == v.memo {
		t.Error("the page shows the unmarked original")
	}
	banners, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".banner"), b => b.textContent)`))
	if err != nil || len(banners) != 2 || banners[0] != "SECRET//NOFORN" || banners[1] != "SECRET//NOFORN" {
		t.Errorf("the reading page's banners: %q, %v", banners, err)
	}
	fitsScreen(t, ctx, "the reading page")
	shoot(t, ctx, "document")
	dir := allowDownloads(t, ctx)
	file := downloadFile(t, ctx, dir, `a[href="/documents/memo/download"]`)
	if string(file) != shown {
		t.Error("the downloaded copy differs from the copy shown")
	}
	if got := v.entries(t, "access", "memo", "alice"); len(got) != 2 || got[1].Action != "download" || got[1].CopySHA256 != sha256Hex(file) {
		t.Error("the download is not logged with its copy's hash")
	}
	browserSignOut(t, ctx)
	browse(t, ctx, "opening / signed out", chromedp.Navigate(base+"/"))
	if !strings.HasSuffix(pageURL(t, ctx), "/signin") {
		t.Errorf("signed out, / shows %s", pageURL(t, ctx))
	}

	// A reader not cleared for memo, though granted it.
	browserSignIn(t, ctx, base, "bob", v.password(t, "bob"))
	if got := loadPage(t, ctx, "bob opening memo", chromedp.Navigate(base+"/documents/memo")); got != 403 {
		t.Fatalf("bob opening memo: %d, want 403", got)
	}
	if got := pageText(t, ctx, "h1"); got != "Access denied" {
		t.Errorf("bob's denial page: %q", got)
	}
	shoot(t, ctx, "denied")
	browserSignOut(t, ctx)

	// An investigator traces 70 words of alice's copy to her.
	browserSignIn(t, ctx, base, "ivan", v.password(t, "ivan"))
	browse(t, ctx, "opening the trace page", chromedp.Navigate(base+"/investigate"), chromedp.WaitVisible(chromedp.ID("leak")))
	if got := loadPage(t, ctx, "tracing", chromedp.SetValue(chromedp.ID("leak"), excerptOf(shown, 70)),
		chromedp.Click(chromedp.CSS(`form[action="/investigate"] button[type="submit"]`))); got != 200 {
		t.Fatalf("tracing: %d", got)
	}
	if got := pageText(t, ctx, "tr.accused td"); got != "alice" {
		t.Errorf("the trace accuses %q, want alice", got)
	}
	if got := pageText(t, ctx, ".banner"); got != "SECRET//NOFORN" {
		t.Errorf("the report's banner is %q, want the matched memo's", got)
	}
	shoot(t, ctx, "investigate")
	browserSignOut(t, ctx)

	// An administrator: the issuer's and the auditor's pages.
	browserSignIn(t, ctx, base, "dana", v.password(t, "dana"))
	browse(t, ctx, "opening the issuer's page", chromedp.Navigate(base+"/issue"), chromedp.WaitVisible(chromedp.ID("file")))
	fitsScreen(t, ctx, "the issuer's page")
	shoot(t, ctx, "issue")
	browse(t, ctx, "opening memo's issuer page", chromedp.Navigate(base+"/issue/memo"), chromedp.WaitVisible(chromedp.ID("readers")))
	if got := pageText(t, ctx, "table.list tbody"); !strings.Contains(got, "alice") {
		t.Errorf("memo's holders: %q", got)
	}
	fitsScreen(t, ctx, "a document's issuer page")
	shoot(t, ctx, "issue-document")
	browse(t, ctx, "verifying the log", chromedp.Navigate(base+"/audit?verify=1"), chromedp.WaitVisible(chromedp.ID("verify-result")))
	if got := pageText(t, ctx, "#verify-result"); !strings.HasPrefix(got, "The log verifies") {
		t.Errorf("verify: %q", got)
	}
	fitsScreen(t, ctx, "the audit page")
	shoot(t, ctx, "audit")
	browserSignOut(t, ctx)
}

// fitsScreen checks that the page needs no sideways scrolling on the laptop
// screen.
func fitsScreen(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if w > screenW {
		t.Errorf("%s is %d pixels wide, wider than a %d-pixel screen", what, w, screenW)
	}
}

// excerptOf returns about n words from the middle of text, as they are
// (marks and all), from the start of a word to the end of one.
func excerptOf(text string, n int) string {
	idx := regexp.MustCompile(`\S+`).FindAllStringIndex(text, -1)
	start := max(0, len(idx)/3)
	end := min(len(idx), start+n) - 1
	return text[idx[start][0]:idx[end][1]]
}
