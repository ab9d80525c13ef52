package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/service"
)

// A vault for the API tests: a real home (SQLite store, keys), readers
// with their access fields, documents cut from the corpus (not from the
// repository) with their markings and grants, and a bearer token for
// every reader, all made with the service's own calls.

// testReader is a reader of the test vault.
type testReader struct {
	id           string
	clearance    string
	compartments []string
	citizenship  string
	roles        []string
	grants       []string // documents granted
}

// testDoc is a document of the test vault; marking "" leaves it
// unmarked.
type testDoc struct {
	id, marking string
}

var vaultDocs = []testDoc{
	{"ts-si-noforn", "TOP SECRET//SI//NOFORN"},
	{"ts-tk", "TOP SECRET//TK"},
	{"s-rel-gbr", "SECRET//REL TO USA, GBR"},
	{"c-memo", "CONFIDENTIAL"},
	{"u-memo", "UNCLASSIFIED"},
	{"unmarked", ""},
}

var allDocs = []string{"c-memo", "s-rel-gbr", "ts-si-noforn", "ts-tk", "u-memo", "unmarked"}

// vaultReaders: five readers of different clearances, compartments,
// citizenships and grants (each may read exactly what readable says),
// and one of each other role (two issuers: isla cleared SECRET, ian
// UNCLASSIFIED).
var vaultReaders = []testReader{
	{id: "alice", clearance: "TS", compartments: []string{"SI", "TK"}, citizenship: "USA", grants: allDocs},
	{id: "bob", clearance: "S", citizenship: "GBR", grants: []string{"c-memo", "s-rel-gbr", "ts-si-noforn", "u-memo"}},
	{id: "carol", clearance: "TS", compartments: []string{"SI"}, citizenship: "USA", grants: []string{"c-memo", "ts-si-noforn", "ts-tk"}},
	{id: "dave", clearance: "C", citizenship: "CAN", grants: []string{"c-memo", "s-rel-gbr", "u-memo"}},
	{id: "erin", clearance: "TS", compartments: []string{"SI"}, citizenship: "AUS", grants: []string{"s-rel-gbr", "ts-si-noforn", "u-memo"}},
	{id: "ivan", clearance: "U", roles: []string{"investigator"}},
	{id: "isla", clearance: "S", citizenship: "USA", roles: []string{"issuer"}},
	{id: "ian", clearance: "U", roles: []string{"issuer"}},
	{id: "audrey", clearance: "U", roles: []string{"auditor"}},
}

// readable is what the access rules allow each of the five readers,
// worked out by hand from the rules (clearance at least the level,
// every compartment, NOFORN for USA only, REL TO listing the
// citizenship, a grant; an unmarked document for nobody):
//   - alice (TS, SI TK, USA, granted all): every marked document;
//   - bob (S, GBR): not ts-si-noforn (clearance);
//   - carol (TS, SI, USA): not ts-tk (compartments), u-memo not granted;
//   - dave (C, CAN): not s-rel-gbr (clearance);
//   - erin (TS, SI, AUS): not ts-si-noforn (noforn) nor s-rel-gbr (rel-to).
var readable = map[string][]string{
	"alice": {"c-memo", "s-rel-gbr", "ts-si-noforn", "ts-tk", "u-memo"},
	"bob":   {"c-memo", "s-rel-gbr", "u-memo"},
	"carol": {"c-memo", "ts-si-noforn"},
	"dave":  {"c-memo", "u-memo"},
	"erin":  {"u-memo"},
}

// vault is a running test vault.
type vault struct {
	t      *testing.T
	svc    *service.Service
	srv    *Server
	url    string
	tokens map[string]string
	text   map[string]string // each document's registered text
	mu     sync.Mutex
	seen   map[string]map[int]bool // statuses seen, by route pattern
}

// template is the test vault's home, built once per test binary and
// copied for each test (registering documents estimates their capacity,
// which takes seconds): its directory, closed, and what the tests need
// to know of it.
var template struct {
	once   sync.Once
	dir    string
	tokens map[string]string
	text   map[string]string
	err    error
}

// buildTemplate builds the test vault's home in template.dir with the
// service's own calls.
func buildTemplate(memos []string) error {
	dir, err := os.MkdirTemp("", "leaktrace-vault-test-")
	if err != nil {
		return err
	}
	template.dir = filepath.Join(dir, "home")
	template.tokens, template.text = map[string]string{}, map[string]string{}
	ctx := service.WithActor(context.Background(), "admin")
	if err := service.Init(ctx, template.dir, service.InitOptions{}); err != nil {
		return err
	}
	svc, err := service.Open(ctx, template.dir)
	if err != nil {
		return err
	}
	defer svc.Close()
	var rs []leaktrace.Recipient
	for _, r := range vaultReaders {
		rs = append(rs, leaktrace.Recipient{ID: r.id, Name: strings.ToUpper(r.id[:1]) + r.id[1:]})
	}
	if err := svc.AddRecipients(ctx, rs); err != nil {
		return err
	}
	for _, r := range vaultReaders {
		change := service.AccessChange{Clearance: &r.clearance, Citizenship: &r.citizenship}
		if r.compartments != nil {
			change.Compartments = &r.compartments
		}
		if r.roles != nil {
			change.Roles = &r.roles
		}
		if _, err := svc.UpdateRecipient(ctx, r.id, change); err != nil {
			return fmt.Errorf("UpdateRecipient %s: %w", r.id, err)
		}
		secret, _, err := svc.CreateToken(ctx, r.id)
		if err != nil {
			return err
		}
		template.tokens[r.id] = secret
	}
	for i, d := range vaultDocs {
		if _, err := svc.AddDocumentWith(ctx, d.id+".txt", []byte(memos[i]), service.AddOptions{ID: d.id, Title: "Memo " + d.id}); err != nil {
			return err
		}
		template.text[d.id] = memos[i]
		if d.marking != "" {
			if _, err := svc.SetMarking(ctx, d.id, d.marking); err != nil {
				return err
			}
		}
	}
	template.text["spare"] = memos[len(vaultDocs)]
	for _, r := range vaultReaders {
		for _, d := range r.grants {
			if err := svc.Grant(ctx, d, []string{r.id}); err != nil {
				return err
			}
		}
	}
	return nil
}

// newVault copies the test vault's home for a test, opens it and
// serves it over loopback.
func newVault(t *testing.T, opts ...func(*Options)) *vault {
	t.Helper()
	memos := corpus.RequireMemos(t, len(vaultDocs)+1, 400, 13)
	template.once.Do(func() { template.err = buildTemplate(memos) })
	if template.err != nil {
		t.Fatalf("building the test vault: %v", template.err)
	}
	dir := filepath.Join(t.TempDir(), "home")
	if err := os.CopyFS(dir, os.DirFS(template.dir)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{service.KeyFile, service.LogKeyFile} {
		if err := os.Chmod(filepath.Join(dir, f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := service.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	v := &vault{t: t, svc: svc, tokens: template.tokens, text: template.text, seen: map[string]map[int]bool{}}
	v.srv = newServer(t, svc, opts...)
	ts := httptest.NewServer(http.HandlerFunc(v.record))
	t.Cleanup(ts.Close)
	v.url = ts.URL
	return v
}

// record serves a request and remembers the status its route answered.
func (v *vault) record(w http.ResponseWriter, r *http.Request) {
	_, pattern := v.srv.mux.Handler(r)
	sw := &statusWriter{ResponseWriter: w}
	v.srv.Handler().ServeHTTP(sw, r)
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.seen[pattern] == nil {
		v.seen[pattern] = map[int]bool{}
	}
	status := sw.status
	if status == 0 {
		status = 200
	}
	v.seen[pattern][status] = true
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) errorJSON(t *testing.T) errorJSON {
	t.Helper()
	var e errorJSON
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error == "" {
		t.Fatalf("status %d: body %q is not a JSON error", r.status, r.body)
	}
	return e
}

// do sends a request as reader (no token for "", the raw token for a
// string starting with "lt_" or "Bearer").
func (v *vault) do(method, path, as string, body io.Reader, contentType string) *response {
	v.t.Helper()
	req, err := http.NewRequest(method, v.url+path, body)
	if err != nil {
		v.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	switch {
	case as == "":
	case strings.HasPrefix(as, "lt_"):
		req.Header.Set("Authorization", "Bearer "+as)
	default:
		tok, ok := v.tokens[as]
		if !ok {
			v.t.Fatalf("no token for %s", as)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	return &response{res.StatusCode, res.Header, b}
}

func (v *vault) get(path, as string) *response { return v.do("GET", path, as, nil, "") }

func (v *vault) sendJSON(method, path, as string, body any) *response {
	b, err := json.Marshal(body)
	if err != nil {
		v.t.Fatal(err)
	}
	return v.do(method, path, as, bytes.NewReader(b), "application/json")
}

// multipartBody builds a multipart form of fields and files (name →
// file name, content).
func multipartBody(t *testing.T, fields map[string]string, files [][3]string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, val := range fields {
		mw.WriteField(k, val)
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f[0], f[1])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, f[2])
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// issued is reader's copy of doc as 'leaktrace issue' makes it.
func (v *vault) issued(doc, reader string, opt service.IssueOptions) []byte {
	v.t.Helper()
	ctx := service.WithActor(v.t.Context(), "admin")
	m, _, err := v.svc.Marker(ctx, doc)
	if err != nil {
		v.t.Fatal(err)
	}
	out, err := v.svc.IssueWith(ctx, m, []string{reader}, opt)
	if err != nil {
		v.t.Fatal(err)
	}
	return out[0].Data
}

func (v *vault) logSize() int64 {
	v.t.Helper()
	n, err := v.svc.Store.LogSize(v.t.Context())
	if err != nil {
		v.t.Fatal(err)
	}
	return n
}

// lastEntry decodes the newest custody-log entry.
func (v *vault) entry(n int64) map[string]any {
	v.t.Helper()
	data, _, err := v.svc.Entry(v.t.Context(), n)
	if err != nil {
		v.t.Fatal(err)
	}
	var e map[string]any
	if err := json.Unmarshal(data, &e); err != nil {
		v.t.Fatal(err)
	}
	return e
}

// listed returns the ids GET /api/v1/documents lists for reader.
func (v *vault) listed(reader string) []string {
	v.t.Helper()
	res := v.get("/api/v1/documents", reader)
	if res.status != 200 {
		v.t.Fatalf("%s: GET /api/v1/documents: %d %s", reader, res.status, res.body)
	}
	var out documentsJSON
	if err := json.Unmarshal(res.body, &out); err != nil {
		v.t.Fatal(err)
	}
	ids := []string{}
	for _, d := range out.Documents {
		ids = append(ids, d.ID)
	}
	return ids
}

// excerpt returns about n words of text from its middle, cut at word
// boundaries with the bytes between them (and any marks) intact.
func excerpt(text string, n int) string {
	type span struct{ start, end int }
	var words []span
	in := false
	for i, r := range text {
		space := r == ' ' || r == '\n' || r == '\t' || r == '\r'
		switch {
		case !space && !in:
			words = append(words, span{i, i})
			in = true
		case space && in:
			words[len(words)-1].end = i
			in = false
		}
	}
	if in {
		words[len(words)-1].end = len(text)
	}
	first := max(0, len(words)/2-n/2)
	last := min(len(words), first+n) - 1
	return text[words[first].start:words[last].end]
}

// TestDoneWhen is the vault's acceptance test. On documents cut from
// the corpus, each of five readers with different clearances,
// compartments, citizenships and grants lists exactly the documents the
// rules allow and gets 200 with their own copy (byte-identical to
// 'leaktrace issue') for those, 403 for every other, 404 for an unknown
// one and 401 without a token; every download adds its access entry to
// the custody log before the bytes arrive; an investigator's trace of a
// 60-word excerpt of a copy names its reader, and a reader's trace is a
// logged 403.
func TestDoneWhen(t *testing.T) {
	v := newVault(t)
	for _, reader := range []string{"alice", "bob", "carol", "dave", "erin"} {
		if got := v.listed(reader); !slices.Equal(got, readable[reader]) {
			t.Errorf("%s lists %v, want %v", reader, got, readable[reader])
		}
		for _, doc := range allDocs {
			before := v.logSize()
			res := v.get("/api/v1/documents/"+doc+"/copy", reader)
			after := v.logSize()
			if after < before+1 {
				t.Errorf("%s GET %s: the log grew by %d entries, want at least 1", reader, doc, after-before)
			}
			if !slices.Contains(readable[reader], doc) {
				if res.status != 403 {
					t.Errorf("%s GET %s: %d, want 403", reader, doc, res.status)
					continue
				}
				if e := res.errorJSON(t); e.Error != "access denied" || e.Hint != "" {
					t.Errorf("%s GET %s: 403 says %q (hint %q), want only \"access denied\"", reader, doc, e.Error, e.Hint)
				}
				if e := v.entry(after - 1); e["kind"] != "denied" || e["recipient"] != reader || e["document"] != doc || e["actor"] != reader {
					t.Errorf("%s GET %s: the last entry is %v, want %s's denial", reader, doc, e, reader)
				}
				continue
			}
			if res.status != 200 {
				t.Errorf("%s GET %s: %d %s, want 200", reader, doc, res.status, res.body)
				continue
			}
			if want := v.issued(doc, reader, service.IssueOptions{}); !bytes.Equal(res.body, want) {
				t.Errorf("%s GET %s: the copy differs from 'leaktrace issue %s %s'", reader, doc, doc, reader)
			}
			if !strings.HasPrefix(res.header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s GET %s: Content-Disposition %q", reader, doc, res.header.Get("Content-Disposition"))
			}
			var n int64
			if _, err := fmt.Sscan(res.header.Get("X-Leaktrace-Log-Entry"), &n); err != nil {
				t.Fatalf("X-Leaktrace-Log-Entry %q", res.header.Get("X-Leaktrace-Log-Entry"))
			}
			if n < before || n >= after {
				t.Errorf("%s GET %s: X-Leaktrace-Log-Entry %d is not among the entries the download added [%d, %d)", reader, doc, n, before, after)
			}
			e := v.entry(n)
			if e["kind"] != "access" || e["action"] != "download" || e["recipient"] != reader || e["actor"] != reader ||
				e["document"] != doc || e["copy_sha256"] != leaktrace.Hash(res.body) {
				t.Errorf("%s GET %s: entry %d is %v, want the access entry of this copy", reader, doc, n, e)
			}
		}
		if res := v.get("/api/v1/documents/no-such-doc/copy", reader); res.status != 404 {
			t.Errorf("%s GET an unknown document: %d, want 404", reader, res.status)
		}
	}
	for _, doc := range allDocs {
		if res := v.get("/api/v1/documents/"+doc+"/copy", ""); res.status != 401 || !strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("GET %s without a token: %d, WWW-Authenticate %q; want 401, Bearer", doc, res.status, res.header.Get("WWW-Authenticate"))
		}
	}
	if res := v.get("/api/v1/documents", ""); res.status != 401 {
		t.Errorf("GET /api/v1/documents without a token: %d, want 401", res.status)
	}

	// A 60-word excerpt of bob's copy of s-rel-gbr names bob.
	copyText := string(v.issued("s-rel-gbr", "bob", service.IssueOptions{}))
	leak := excerpt(copyText, 60)
	if w := len(strings.Fields(leak)); w != 60 {
		t.Fatalf("the excerpt has %d words", w)
	}
	res := v.do("POST", "/api/v1/trace", "ivan", strings.NewReader(leak), "text/plain")
	if res.status != 200 {
		t.Fatalf("investigator's trace: %d %s", res.status, res.body)
	}
	var rep service.TraceJSON
	if err := json.Unmarshal(res.body, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Matches) == 0 || rep.Matches[0].Document != "s-rel-gbr" || len(rep.Matches[0].Suspects) == 0 ||
		rep.Matches[0].Suspects[0].Recipient != "bob" || !rep.Matches[0].Suspects[0].Accused {
		t.Fatalf("the trace of a 60-word excerpt of bob's copy does not accuse bob: %s", res.body)
	}
	for _, m := range rep.Matches {
		for _, s := range m.Suspects[1:] {
			if s.Accused {
				t.Errorf("the trace also accuses %s", s.Recipient)
			}
		}
	}
	if rep.LogEntry == nil || v.entry(*rep.LogEntry)["kind"] != "trace" || v.entry(*rep.LogEntry)["actor"] != "ivan" {
		t.Errorf("the trace's log entry %v is not ivan's trace entry", rep.LogEntry)
	}
	// A reader's trace is refused and logged.
	before := v.logSize()
	res = v.do("POST", "/api/v1/trace", "bob", strings.NewReader(leak), "text/plain")
	if res.status != 403 {
		t.Fatalf("a reader's trace: %d, want 403", res.status)
	}
	if e := v.entry(v.logSize() - 1); v.logSize() != before+1 || e["kind"] != "denied" || e["recipient"] != "bob" || e["reason"] != "role" {
		t.Errorf("a reader's trace logged %d entries, the last %v; want one denial of bob for role", v.logSize()-before, e)
	}
	v.verify()
}

// verify runs 'log verify': the custody log and the store agree.
func (v *vault) verify() {
	v.t.Helper()
	rep, err := v.svc.VerifyLog(v.t.Context(), nil)
	if err == nil {
		err = rep.Err()
	}
	if err != nil {
		v.t.Errorf("log verify: %v", err)
	}
}
