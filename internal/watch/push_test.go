package watch

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/service"
)

// recorder is a Submitter that keeps what it is given.
type recorder struct {
	mu    sync.Mutex
	items []Item
	err   error
	wait  chan struct{} // if set, Submit waits for it (or ctx)
}

func (r *recorder) Submit(ctx context.Context, it Item) (*Result, error) {
	if r.wait != nil {
		select {
		case <-r.wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return nil, r.err
	}
	r.items = append(r.items, it)
	n := int64(len(r.items))
	return &Result{LogEntry: &n}, nil
}

func (r *recorder) got() []Item {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Item(nil), r.items...)
}

const testToken = "s3cret-token"

// ailItem is what pyail's feed_json_item sends for data.
func ailItem(data string, meta map[string]any) map[string]any {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(data))
	zw.Close()
	sum := sha256.Sum256([]byte(data))
	return map[string]any{
		"data":             base64.StdEncoding.EncodeToString(z.Bytes()),
		"data-sha256":      hex.EncodeToString(sum[:]),
		"meta":             meta,
		"source":           "ail_feeder_telegram",
		"source_uuid":      "9cde0855-248b-4439-b964-0495b9b2b8bb",
		"default_encoding": "UTF-8",
	}
}

// post sends body to h as JSON with the given Authorization header and
// returns the status, the decoded reply and the response.
func post(t *testing.T, h http.Handler, auth string, body any) (int, pushReply, *http.Response) {
	t.Helper()
	var b []byte
	switch v := body.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/import/json/item", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var rep pushReply
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatalf("reply %q is not JSON: %v", w.Body.String(), err)
	}
	return w.Code, rep, w.Result()
}

// The token is required, as a bearer token or bare as AIL's clients send
// it; an empty token opens nothing.
func TestPushRequiresTheToken(t *testing.T) {
	rec := &recorder{}
	h := NewPushHandler("push", testToken, rec, DefaultLimits())
	item := map[string]any{"content": "hello"}
	for _, auth := range []string{"", "Bearer wrong", "Bearer " + testToken + "x", testToken[:5], "Basic " + testToken} {
		if code, _, resp := post(t, h, auth, item); code != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: %d, want 401 with WWW-Authenticate", auth, code)
		}
	}
	for _, auth := range []string{"Bearer " + testToken, "bearer  " + testToken, testToken} {
		if code, rep, _ := post(t, h, auth, item); code != http.StatusOK || rep.Status != "success" {
			t.Errorf("Authorization %q: %d %+v, want 200", auth, code, rep)
		}
	}
	if n := len(rec.got()); n != 3 {
		t.Errorf("%d items submitted, want 3", n)
	}
	open := NewPushHandler("push", "", rec, DefaultLimits())
	for _, auth := range []string{"", "Bearer ", "Bearer x"} {
		if code, _, _ := post(t, open, auth, item); code != http.StatusUnauthorized {
			t.Errorf("empty token, Authorization %q: %d, want 401", auth, code)
		}
	}
}

// An item pushed as an AIL feeder pushes it (gzip, base64, data-sha256,
// meta) is decoded, named and identified from its meta.
func TestPushTakesWhatAILFeedersSend(t *testing.T) {
	rec := &recorder{}
	h := NewPushHandler("push:ail", testToken, rec, DefaultLimits())
	msg := ailItem("the leaked paragraph, in a chat", map[string]any{
		"chat": map[string]any{"id": 4242, "name": "drops"},
		"id":   17,
		"date": map[string]any{"timestamp": 1767225600},
		"type": "message",
		"link": "https://t.me/drops/17",
	})
	// An older feeder's spelling (hyphens), HTML data and a title.
	page := ailItem("<div><p>Posted &amp; shared</p></div>", map[string]any{"atom-rss:title": "A post", "id": "urn:post:1"})
	delete(page, "source_uuid")
	page["source-uuid"] = "26755b8d-6451-42c6-84aa-26a5a2b13744"
	delete(page, "default_encoding")
	page["default-encoding"] = "UTF-8"
	code, rep, _ := post(t, h, testToken, []any{msg, page})
	if code != http.StatusOK || rep.Status != "success" || len(rep.Results) != 2 || rep.Results[1].LogEntry == nil || *rep.Results[1].LogEntry != 2 {
		t.Fatalf("%d %+v", code, rep)
	}
	got := rec.got()
	want := []Item{
		{Source: "push:ail", ID: "9cde0855-248b-4439-b964-0495b9b2b8bb/4242/17", Link: "https://t.me/drops/17", Name: "item.txt",
			Data: []byte("the leaked paragraph, in a chat"), Published: time.Unix(1767225600, 0).UTC()},
		{Source: "push:ail", ID: "26755b8d-6451-42c6-84aa-26a5a2b13744/urn:post:1", Name: "item.html", Title: "A post",
			Data: []byte("<div><p>Posted &amp; shared</p></div>")},
	}
	for i := range want {
		if fmt.Sprint(got[i]) != fmt.Sprint(want[i]) {
			t.Errorf("item %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// The plain form: content as text, or data_base64 for any file.
func TestPushPlainForm(t *testing.T) {
	rec := &recorder{}
	h := NewPushHandler("push", testToken, rec, DefaultLimits())
	pic := pngPicture(t)
	code, rep, _ := post(t, h, "Bearer "+testToken, []any{
		map[string]any{"id": "a1", "link": "https://forum.example/a1", "title": "t", "content": "some text", "published": "2026-01-02T03:04:05+01:00"},
		map[string]any{"id": "a2", "name": "../../etc/photo", "data_base64": base64.StdEncoding.EncodeToString(pic)},
		map[string]any{"name": "dump.html", "data_base64": base64.RawStdEncoding.EncodeToString([]byte("<p>x</p>"))},
	})
	if code != http.StatusOK || len(rep.Results) != 3 {
		t.Fatalf("%d %+v", code, rep)
	}
	got := rec.got()
	if it := got[0]; it.ID != "a1" || it.Link != "https://forum.example/a1" || it.Title != "t" || it.Name != "item.txt" ||
		string(it.Data) != "some text" || !it.Published.Equal(time.Date(2026, 1, 2, 2, 4, 5, 0, time.UTC)) {
		t.Errorf("text item: %+v", it)
	}
	if it := got[1]; it.Name != "photo.png" || !bytes.Equal(it.Data, pic) {
		t.Errorf("picture item named %q, %d bytes", it.Name, len(it.Data))
	}
	if it := got[2]; it.Name != "dump.html" || string(it.Data) != "<p>x</p>" {
		t.Errorf("unpadded base64 item: %+v", it)
	}
}

// Bodies and items that are not right are refused with the status that
// says why, and no item of a refused body is submitted.
func TestPushRefusesBadRequests(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxItemBytes = 1000
	good := map[string]any{"content": "fine"}
	bomb := func() map[string]any {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(bytes.Repeat([]byte("a"), 100000))
		zw.Close()
		return map[string]any{"data": base64.StdEncoding.EncodeToString(z.Bytes())}
	}()
	badSum := ailItem("text", nil)
	badSum["data-sha256"] = strings.Repeat("0", 64)
	for _, c := range []struct {
		name string
		body any
		code int
	}{
		{"not JSON", "hello", http.StatusBadRequest},
		{"broken JSON", `{"content": "x"`, http.StatusBadRequest},
		{"a JSON string", `"x"`, http.StatusBadRequest},
		{"an empty array", `[]`, http.StatusUnprocessableEntity},
		{"an array with a number", []any{good, 3}, http.StatusUnprocessableEntity},
		{"no content", map[string]any{"id": "x"}, http.StatusUnprocessableEntity},
		{"empty content", map[string]any{"content": "  \n"}, http.StatusUnprocessableEntity},
		{"both forms", map[string]any{"content": "x", "data": "eA=="}, http.StatusUnprocessableEntity},
		{"content and data_base64", map[string]any{"content": "x", "data_base64": "eA=="}, http.StatusUnprocessableEntity},
		{"bad base64", map[string]any{"data_base64": "%%%"}, http.StatusUnprocessableEntity},
		{"bad gzip", map[string]any{"data": base64.StdEncoding.EncodeToString([]byte("\x1f\x8bnot gzip"))}, http.StatusUnprocessableEntity},
		{"a wrong data-sha256", badSum, http.StatusUnprocessableEntity},
		{"a number for a string", map[string]any{"content": "x", "title": 3}, http.StatusUnprocessableEntity},
		{"meta not an object", map[string]any{"data": "eA==", "meta": "x"}, http.StatusUnprocessableEntity},
		{"an unknown encoding", map[string]any{"data": "eA==", "default_encoding": "klingon"}, http.StatusUnprocessableEntity},
		{"a bad time", map[string]any{"content": "x", "published": "yesterday"}, http.StatusUnprocessableEntity},
		{"content over the limit", map[string]any{"content": strings.Repeat("x", 1001)}, http.StatusRequestEntityTooLarge},
		{"a gzip bomb", bomb, http.StatusRequestEntityTooLarge},
		{"a body over the limit", map[string]any{"content": strings.Repeat("x", 2<<20)}, http.StatusRequestEntityTooLarge},
	} {
		rec := &recorder{}
		h := NewPushHandler("push", testToken, rec, lim)
		code, rep, _ := post(t, h, testToken, []any{good, c.body})
		if c.name == "not JSON" || c.name == "broken JSON" || c.name == "a JSON string" || c.name == "an empty array" || c.name == "a body over the limit" {
			code, rep, _ = post(t, h, testToken, c.body)
		}
		if code != c.code || rep.Status != "error" || rep.Reason == "" {
			t.Errorf("%s: %d %+v, want %d with a reason", c.name, code, rep, c.code)
		}
		if n := len(rec.got()); n != 0 {
			t.Errorf("%s: %d items submitted, want none", c.name, n)
		}
	}

	h := NewPushHandler("push", testToken, &recorder{}, lim)
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"content": "x"}`))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", testToken)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusUnsupportedMediaType {
		t.Errorf("a form body: %d, want 415", w.Code)
	}
	req = httptest.NewRequest(http.MethodPut, "/", nil)
	req.Header.Set("Authorization", testToken)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "POST" {
		t.Errorf("PUT: %d, want 405 with Allow: POST", w.Code)
	}
	req = httptest.NewRequest(http.MethodGet, "/api/v1/ping", nil)
	req.Header.Set("Authorization", testToken)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"pong"`) {
		t.Errorf("ping: %d %s", w.Code, w.Body)
	}
}

// A saturated endpoint says so: 429 when too many requests are in
// flight, 503 when the engine did not take the item in time, both with
// Retry-After; an item the trace refuses is 422, other failures 500.
func TestPushSaturationAndFailures(t *testing.T) {
	rec := &recorder{wait: make(chan struct{})}
	h := NewPushHandler("push", testToken, rec, DefaultLimits()).(*pushHandler)
	h.slots = make(chan struct{}, 1)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	started := make(chan struct{})
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"content": "first"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", testToken)
		close(started)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	<-started
	// Wait until the first request holds the only slot.
	for len(h.slots) == 0 {
		time.Sleep(time.Millisecond)
	}
	code, _, resp := post(t, h, testToken, map[string]any{"content": "second"})
	if code != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a request beyond the limit: %d (Retry-After %q), want 429 with Retry-After", code, resp.Header.Get("Retry-After"))
	}
	close(rec.wait)
	if code := <-done; code != http.StatusOK {
		t.Errorf("the first request: %d", code)
	}

	for _, c := range []struct {
		err   error
		code  int
		retry bool
	}{
		{fmt.Errorf("waiting for a trace slot: %w", context.DeadlineExceeded), http.StatusServiceUnavailable, true},
		{fmt.Errorf("tracing: %w", service.ErrEmptyLeak), http.StatusUnprocessableEntity, false},
		{errors.New("the store is gone"), http.StatusInternalServerError, false},
	} {
		h := NewPushHandler("push", testToken, &recorder{err: c.err}, DefaultLimits())
		code, rep, resp := post(t, h, testToken, map[string]any{"content": "x"})
		if code != c.code || rep.Status != "error" || (resp.Header.Get("Retry-After") != "") != c.retry {
			t.Errorf("Submit error %v: %d %+v (Retry-After %q), want %d", c.err, code, rep, resp.Header.Get("Retry-After"), c.code)
		}
	}
}

// tracer is a Submitter that traces each item with the real pipeline.
type tracer struct {
	s       *service.Service
	reports []*service.TraceReport
}

func (tr *tracer) Submit(ctx context.Context, it Item) (*Result, error) {
	rep, err := tr.s.TraceInputs(ctx, []service.TraceInput{{Name: it.Name, Data: it.Data}}, service.DefaultEpsilon, 5)
	if err != nil {
		return nil, err
	}
	tr.reports = append(tr.reports, rep)
	return &Result{}, nil
}

// An excerpt of a reader's copy pushed as an AIL feeder pushes it
// (gzip-compressed, base64) is traced to that reader.
func TestPushedAILItemTracesToTheReader(t *testing.T) {
	s, copies := traceHome(t, 30)
	excerpt := attack.Excerpt(copies["r011"], 90, rand.New(rand.NewPCG(15, 2)))
	tr := &tracer{s: s}
	h := NewPushHandler("push", testToken, tr, DefaultLimits())
	code, rep, _ := post(t, h, testToken, ailItem(excerpt, map[string]any{"id": "m1"}))
	if code != http.StatusOK || len(tr.reports) != 1 {
		t.Fatalf("%d %+v", code, rep)
	}
	m := tr.reports[0].Matches
	if len(m) != 1 || m[0].Suspects[0].Recipient != "r011" || !m[0].Suspects[0].Accused {
		t.Fatalf("the pushed excerpt did not name r011: %d matches", len(m))
	}
}

// Text in another encoding is decoded to UTF-8; a picture is kept as
// it is whatever encoding is said.
func TestPushDecodesTextEncodings(t *testing.T) {
	data := []byte("caf\xe9 cr\xe8me") // ISO-8859-1
	body, _ := json.Marshal(map[string]any{"data": base64.StdEncoding.EncodeToString(data), "default_encoding": "ISO-8859-1"})
	items, err := decodePush(body, 1000)
	if err != nil || len(items) != 1 || string(items[0].Data) != "café crème" {
		t.Fatalf("%v %q", err, items)
	}
	body, _ = json.Marshal(map[string]any{"data": base64.StdEncoding.EncodeToString(pngPicture(t)), "default_encoding": "ISO-8859-1"})
	items, err = decodePush(body, 1000)
	if err != nil || !bytes.Equal(items[0].Data, pngPicture(t)) || items[0].Name != "item.png" {
		t.Fatalf("a picture with an encoding was changed: %v %+v", err, items)
	}
}

// The answer tells a pusher what became of its items (duplicate, log
// entry) and never the alerts: who was accused is not for whoever holds
// the push token.
func TestPushAnswerHidesAlerts(t *testing.T) {
	entry := int64(7)
	sub := submitFunc(func(context.Context, Item) (*Result, error) {
		return &Result{LogEntry: &entry, Alerts: []Alert{{Kind: KindAccusation, Source: "push",
			Documents: []AlertDocument{{ID: "board-minutes", Title: "Secret minutes", WordsMatched: 90,
				Accused: []AlertSuspect{{Recipient: "r011", PValue: 1e-9}}}}}}}, nil
	})
	h := NewPushHandler("push", testToken, sub, DefaultLimits())
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"content": "x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", testToken)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, body)
	}
	for _, leak := range []string{"alerts", "r011", "board-minutes", "Secret minutes", "p_value", "accus"} {
		if strings.Contains(body, leak) {
			t.Errorf("the answer %s tells %q", body, leak)
		}
	}
	var rep map[string]any
	json.Unmarshal([]byte(body), &rep)
	res, _ := rep["results"].([]any)
	if len(res) != 1 {
		t.Fatalf("results %v", rep["results"])
	}
	if r := res[0].(map[string]any); len(r) != 2 || r["log_entry"] != float64(7) || r["duplicate"] != false {
		t.Errorf("result %v, want only duplicate and log_entry", r)
	}
}

type submitFunc func(context.Context, Item) (*Result, error)

func (f submitFunc) Submit(ctx context.Context, it Item) (*Result, error) { return f(ctx, it) }

// A request carries at most PushMaxItems items, and a token pushes at
// most PushBurst items at once: 413, then 429 with Retry-After.
func TestPushLimitsItemsAndRate(t *testing.T) {
	rec := &recorder{}
	h := NewPushHandler("push", testToken, rec, DefaultLimits())
	many := make([]map[string]any, PushMaxItems+1)
	for i := range many {
		many[i] = map[string]any{"content": fmt.Sprintf("item %d", i)}
	}
	if code, rep, _ := post(t, h, testToken, many); code != http.StatusRequestEntityTooLarge {
		t.Errorf("%d items: %d %+v, want 413", len(many), code, rep)
	}
	many = many[:PushMaxItems]
	var refused *http.Response
	for n := 0; n <= PushBurst/PushMaxItems+1 && refused == nil; n++ {
		if code, rep, resp := post(t, h, testToken, many); code == http.StatusTooManyRequests {
			refused = resp
		} else if code != http.StatusOK {
			t.Fatalf("request %d: %d %+v", n, code, rep)
		}
	}
	if refused == nil || refused.Header.Get("Retry-After") == "" {
		t.Fatalf("more than %d items at once were all taken (or 429 without Retry-After)", PushBurst)
	}
	if n := len(rec.got()); n > PushBurst {
		t.Errorf("%d items taken, more than the burst of %d", n, PushBurst)
	}
}

// An array of small gzip bombs, each under the per-item limit, is
// refused once their contents together pass the limit: decoding is
// bounded per request, not per item.
func TestPushRefusesAnArrayOfGzipBombs(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxItemBytes = 4096
	rec := &recorder{}
	h := NewPushHandler("push", testToken, rec, lim)
	bomb := strings.Repeat("a", 4000)
	items := make([]map[string]any, 50)
	for i := range items {
		items[i] = ailItem(bomb, map[string]any{"id": i})
	}
	code, rep, _ := post(t, h, testToken, items)
	if code != http.StatusRequestEntityTooLarge || len(rec.got()) != 0 {
		t.Fatalf("%d items of %d bytes each (limit %d): %d %+v, %d submitted; want 413, none", len(items), len(bomb), lim.MaxItemBytes, code, rep, len(rec.got()))
	}
	raws := make([]json.RawMessage, len(items))
	for i, it := range items {
		raws[i], _ = json.Marshal(it)
	}
	// Bounded decoding: what is decoded before the refusal is at most
	// the limit (decodeItems returns no items, so check the budget by
	// the item it stops at).
	_, err := decodeItems(raws, lim.MaxItemBytes)
	if !errors.Is(err, ErrTooLarge) || !strings.HasPrefix(err.Error(), "item 1:") {
		t.Errorf("decodeItems: %v, want the second item refused", err)
	}
}

// A saturated engine (Submit does not return) gives 503 with
// Retry-After once the wait is over, not an answer that never comes.
func TestPushSaturationTimesOut(t *testing.T) {
	rec := &recorder{wait: make(chan struct{})}
	h := NewPushHandler("push", testToken, rec, DefaultLimits()).(*pushHandler)
	h.wait = 20 * time.Millisecond
	type answer struct {
		code  int
		retry string
	}
	done := make(chan answer, 1)
	go func() {
		code, _, resp := post(t, h, testToken, map[string]any{"content": "x"})
		done <- answer{code, resp.Header.Get("Retry-After")}
	}()
	select {
	case a := <-done:
		if a.code != http.StatusServiceUnavailable || a.retry == "" {
			t.Errorf("%d (Retry-After %q), want 503 with Retry-After", a.code, a.retry)
		}
	case <-time.After(10 * time.Second):
		close(rec.wait)
		t.Fatal("no answer while the engine is saturated")
	}
}

// A pushed link with a control character (a line break, a bidi
// override) is refused.
func TestPushRefusesLinkWithControlCharacters(t *testing.T) {
	rec := &recorder{}
	h := NewPushHandler("push", testToken, rec, DefaultLimits())
	for _, link := range []string{"https://x.example/a\nDocument b: 1 words matched", "https://x.example/\u202eexe.txt", "a\u2028b"} {
		if code, rep, _ := post(t, h, testToken, map[string]any{"content": "x", "link": link}); code != http.StatusUnprocessableEntity {
			t.Errorf("link %q: %d %+v, want 422", link, code, rep)
		}
	}
	if n := len(rec.got()); n != 0 {
		t.Errorf("%d items submitted", n)
	}
}
