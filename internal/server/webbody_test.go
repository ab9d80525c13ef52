package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// countingBody is a multipart request body of n bytes, one file part
// that goes on, and counts what was read of it.
type countingBody struct {
	n, read int
}

const countingPart = "--x\r\nContent-Disposition: form-data; name=\"leak\"; filename=\"leak.txt\"\r\n\r\n"

func (b *countingBody) Read(p []byte) (int, error) {
	if b.read >= b.n {
		return 0, io.EOF
	}
	k := min(len(p), b.n-b.read)
	for i := range p[:k] {
		if at := b.read + i; at < len(countingPart) {
			p[i] = countingPart[at]
		} else {
			p[i] = 'a'
		}
	}
	b.read += k
	return k, nil
}

func (b *countingBody) Close() error { return nil }

func TestWebSmallFormsTakeSmallBodies(t *testing.T) {
	v := newTestVault(t)
	// Anyone, signed in or not: a sign-in form of 64 KiB is refused
	// whole, not read into memory up to the upload limit.
	c := v.browser(t)
	_, page := webGet(t, c, v.ts.URL+"/signin")
	resp, _ := webPost(t, c, v.ts.URL+"/signin", url.Values{"id": {"alice"}, "password": {strings.Repeat("x", 64<<10)}, "csrf": {csrfOf(t, page)}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 64 KiB sign-in form: %d, want 413", resp.StatusCode)
	}
	// An overlong id is no limiter's key and is not echoed.
	_, page = webGet(t, c, v.ts.URL+"/signin")
	long := strings.Repeat("z", maxIDLen+1)
	resp, body := webPost(t, c, v.ts.URL+"/signin", url.Values{"id": {long}, "password": {"whatever"}, "csrf": {csrfOf(t, page)}})
	if resp.StatusCode != http.StatusUnauthorized || strings.Contains(body, long) {
		t.Errorf("an overlong id: %d, echoed %v; want 401, not echoed", resp.StatusCode, strings.Contains(body, long))
	}
	v.srv.web.byID.mu.Lock()
	_, kept := v.srv.web.byID.m[long]
	v.srv.web.byID.mu.Unlock()
	if kept {
		t.Error("an overlong id became a limiter's key")
	}
	// A signed-in issuer's marking form is small too.
	dana := v.signedIn(t, "dana")
	_, page = webGet(t, dana, v.ts.URL+"/issue/memo")
	resp, _ = webPost(t, dana, v.ts.URL+"/issue/memo/marking", url.Values{"marking": {strings.Repeat("S", 64<<10)}, "csrf": {csrfOf(t, page)}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 64 KiB marking form: %d, want 413", resp.StatusCode)
	}
}

func TestWebUploadBodyReadOnlyWithTheRole(t *testing.T) {
	v := newTestVault(t)
	alice := v.signedIn(t, "alice")
	u, _ := url.Parse(v.ts.URL)
	for _, path := range []string{"/investigate", "/issue"} {
		// alice is neither investigator nor issuer: her 8 MiB upload is
		// refused before it is read.
		body := &countingBody{n: 8 << 20}
		req := httptest.NewRequest("POST", path, body)
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		for _, ck := range alice.Jar.Cookies(u) {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		v.srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s by a reader: %d, want 403", path, rec.Code)
		}
		if body.read > maxSmallBody {
			t.Errorf("%s by a reader: %d bytes of the body read before the role was checked", path, body.read)
		}
	}
}
