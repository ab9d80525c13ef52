package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/service"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// The API suite: every route answers every status it documents, with a
// body that its documented schema accepts, and never one it does not
// document.

// checkResponse checks an answer against the OpenAPI document: its
// status is documented for its route, and a JSON body is valid against
// the documented schema.
func (v *vault) checkResponse(pattern string, res *response) {
	v.t.Helper()
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || !strings.HasPrefix(path, "/api/") {
		return
	}
	doc := v.spec()
	op, _ := doc["paths"].(map[string]any)[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
	r, ok := op["responses"].(map[string]any)[fmt.Sprint(res.status)].(map[string]any)
	if !ok {
		v.t.Errorf("%s answered %d, which its documentation lacks: %s", pattern, res.status, res.body)
		return
	}
	content, _ := r["content"].(map[string]any)
	ct := res.header.Get("Content-Type")
	if content == nil {
		return
	}
	if js, ok := content["application/json"].(map[string]any); ok {
		if ct != "application/json" {
			v.t.Errorf("%s %d: Content-Type %q, documented application/json", pattern, res.status, ct)
			return
		}
		var body any
		if err := json.Unmarshal(res.body, &body); err != nil {
			v.t.Errorf("%s %d: body is not JSON: %v", pattern, res.status, err)
			return
		}
		for _, p := range validate(doc, js["schema"].(map[string]any), body, "$") {
			v.t.Errorf("%s %d: %s", pattern, res.status, p)
		}
	}
}

var specCache struct {
	doc map[string]any
}

func (v *vault) spec() map[string]any {
	if specCache.doc == nil {
		b, err := OpenAPI()
		if err != nil {
			v.t.Fatal(err)
		}
		json.Unmarshal(b, &specCache.doc)
	}
	return specCache.doc
}

// validate checks a JSON value against a schema of the generated
// document: $ref, anyOf, type, enum, required, properties (strictly: a
// property the schema lacks is a problem, unless additionalProperties
// allows it) and items.
func validate(doc, s map[string]any, v any, at string) []string {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		return validate(doc, doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any), v, at)
	}
	if alts, ok := s["anyOf"].([]any); ok {
		for _, alt := range alts {
			if len(validate(doc, alt.(map[string]any), v, at)) == 0 {
				return nil
			}
		}
		return []string{at + ": matches no alternative of anyOf"}
	}
	var kind string
	switch x := v.(type) {
	case nil:
		kind = "null"
	case bool:
		kind = "boolean"
	case float64:
		kind = "number"
		if x == math.Trunc(x) {
			kind = "integer"
		}
	case string:
		kind = "string"
	case []any:
		kind = "array"
	case map[string]any:
		kind = "object"
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.Contains(types, kind) && !(kind == "integer" && slices.Contains(types, "number")) {
			return []string{fmt.Sprintf("%s: %s, want %v", at, kind, types)}
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		return []string{fmt.Sprintf("%s: %v is not one of %v", at, v, enum)}
	}
	var problems []string
	switch x := v.(type) {
	case map[string]any:
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := x[r.(string)]; !ok {
				problems = append(problems, fmt.Sprintf("%s: lacks %s", at, r))
			}
		}
		props, _ := s["properties"].(map[string]any)
		extra, _ := s["additionalProperties"].(map[string]any)
		for k, val := range x {
			if p, ok := props[k].(map[string]any); ok {
				problems = append(problems, validate(doc, p, val, at+"."+k)...)
			} else if extra != nil {
				problems = append(problems, validate(doc, extra, val, at+"."+k)...)
			} else if props != nil {
				problems = append(problems, fmt.Sprintf("%s: %s is not in the schema", at, k))
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, val := range x {
				problems = append(problems, validate(doc, items, val, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return problems
}

// TestValidateCatchesDrift: the schema check of the suite fails on a
// body that its schema does not describe (so that its silence means
// something).
func TestValidateCatchesDrift(t *testing.T) {
	b, _ := OpenAPI()
	var doc map[string]any
	json.Unmarshal(b, &doc)
	ref := map[string]any{"$ref": "#/components/schemas/Documents"}
	for _, c := range []struct {
		body string
		ok   bool
	}{
		{`{"documents":[{"id":"a","title":"A","marking":"SECRET"}]}`, true},
		{`{"documents":[{"id":"a","title":"A"}]}`, false},
		{`{"documents":[{"id":"a","title":"A","marking":"S","extra":1}]}`, false},
		{`{"documents":null}`, false},
		{`{"documents":[{"id":1,"title":"A","marking":"S"}]}`, false},
	} {
		var v any
		json.Unmarshal([]byte(c.body), &v)
		if p := validate(doc, ref, v, "$"); (len(p) == 0) != c.ok {
			t.Errorf("%s: problems %v, want ok=%v", c.body, p, c.ok)
		}
	}
}

// expectCoverage checks that the suite saw every status every route
// documents, but those no test can cause on purpose (500, 503) and the
// rate limit's 429, which TestRateLimit sees on its own.
func (v *vault) expectCoverage() {
	v.t.Helper()
	for i := range apiTable {
		rt := &apiTable[i]
		pattern := rt.Method + " " + rt.Path
		for _, r := range rt.responses() {
			switch r.Status {
			case 500, 503, 429:
				continue
			}
			if !v.seen[pattern][r.Status] {
				v.t.Errorf("%s: no test saw its documented %d", pattern, r.Status)
			}
		}
	}
}

// call sends a request through the test vault, checks the answer
// against the OpenAPI document and returns it. Bodies too large to send
// over loopback at ease are served in process (inProcess).
func (v *vault) call(method, path, as string, body io.Reader, contentType string, inProcess bool) *response {
	v.t.Helper()
	var res *response
	if inProcess {
		req := httptest.NewRequest(method, path, body)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if as != "" {
			req.Header.Set("Authorization", "Bearer "+v.tokens[as])
		}
		rec := httptest.NewRecorder()
		v.record(rec, req)
		res = &response{rec.Code, rec.Header(), rec.Body.Bytes()}
	} else {
		res = v.do(method, path, as, body, contentType)
	}
	req := httptest.NewRequest(method, path, nil)
	_, pattern := v.srv.mux.Handler(req)
	v.checkResponse(pattern, res)
	return res
}

func (v *vault) want(res *response, status int, what string) *response {
	v.t.Helper()
	if res.status != status {
		v.t.Errorf("%s: %d %s, want %d", what, res.status, bytes.TrimSpace(res.body), status)
	}
	return res
}

func jsonBody(t *testing.T, x any) io.Reader {
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// letters is an endless body of a's.
type letters struct{}

func (letters) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// markingStore changes a document's marking through the service each
// time a copy is about to be recorded, before recording it: a change
// committed between Deliver's decision and its commit.
type markingStore struct {
	leaktrace.Store
	svc      *service.Service
	doc      string
	markings []string // the next markings, one per RecordAccess
	err      error
}

func (m *markingStore) RecordAccess(ctx context.Context, cs []leaktrace.Copy, recs []leaktrace.LogRecord, g leaktrace.AccessGuard) (int64, error) {
	if len(m.markings) > 0 {
		mk := m.markings[0]
		m.markings = m.markings[1:]
		if _, err := m.svc.SetMarking(service.WithActor(ctx, "alice"), m.doc, mk); err != nil && m.err == nil {
			m.err = err
		}
	}
	return m.Store.RecordAccess(ctx, cs, recs, g)
}

// SetMarking sets the next marking just before an issuer's guarded
// marking change (one whose from is set) is written.
func (m *markingStore) SetMarking(ctx context.Context, doc, marking string, from *string, rec leaktrace.LogRecord) error {
	if from != nil && len(m.markings) > 0 {
		mk := m.markings[0]
		m.markings = m.markings[1:]
		if _, err := m.svc.SetMarking(service.WithActor(ctx, "alice"), m.doc, mk); err != nil && m.err == nil {
			m.err = err
		}
	}
	return m.Store.SetMarking(ctx, doc, marking, from, rec)
}

// changedMeanwhile runs call with doc's marking set to each of markings
// in turn just before each copy or guarded marking change is written
// (alice, who is cleared for everything, sets them), and checks that
// nothing but the marking entries was logged, and no copy recorded.
func (v *vault) changedMeanwhile(doc string, markings ...string) func(call func()) {
	return func(call func()) {
		v.t.Helper()
		ctx := v.t.Context()
		real := v.svc.Store
		copies, err := real.Copies(ctx, doc)
		if err != nil {
			v.t.Fatal(err)
		}
		before := v.logSize()
		ms := &markingStore{Store: real, svc: v.svc, doc: doc, markings: markings}
		v.svc.Store = ms
		call()
		v.svc.Store = real
		if ms.err != nil || len(ms.markings) != 0 {
			v.t.Fatalf("changing %s's marking: %v (%d changes left)", doc, ms.err, len(ms.markings))
		}
		after, err := real.Copies(ctx, doc)
		if err != nil {
			v.t.Fatal(err)
		}
		if len(after) != len(copies) {
			v.t.Errorf("%d copies of %s recorded", len(after)-len(copies), doc)
		}
		if got := v.logSize() - before; got != int64(len(markings)) {
			v.t.Errorf("the log grew by %d entries, want the %d marking entries", got, len(markings))
		}
		for n := before; n < v.logSize(); n++ {
			if kind := v.entry(n)["kind"]; kind != "marking" {
				v.t.Errorf("entry %d is a %v entry, want only marking entries", n, kind)
			}
		}
	}
}

// TestAPI runs every route through every status it documents.
func TestAPI(t *testing.T) {
	// Forged tokens are sent to every route: the limit on them from one
	// address is TestRateLimit's.
	v := newVault(t, func(o *Options) { o.AuthBurst = 1000 })
	const js = "application/json"
	call := func(method, path, as string, body io.Reader, ct string) *response {
		return v.call(method, path, as, body, ct, false)
	}

	// Public and any caller.
	v.want(call("GET", "/api/v1/openapi.json", "", nil, ""), 200, "openapi")
	me := v.want(call("GET", "/api/v1/me", "carol", nil, ""), 200, "me")
	var m meJSON
	json.Unmarshal(me.body, &m)
	if m.ID != "carol" || m.Clearance != "TS" || !slices.Equal(m.Compartments, []string{"SI"}) || m.Citizenship != "USA" ||
		!slices.Equal(m.Roles, []string{"reader"}) || m.Via != "token" {
		t.Errorf("carol's /me: %+v", m)
	}
	json.Unmarshal(v.want(call("GET", "/api/v1/me", "ivan", nil, ""), 200, "me").body, &m)
	if !slices.Equal(m.Roles, []string{"investigator"}) {
		t.Errorf("ivan's roles %v", m.Roles)
	}

	// Every route without a token, and with a token that isn't one.
	for _, rt := range apiTable {
		if rt.Role == "" {
			continue
		}
		path := strings.NewReplacer("{id}", "c-memo", "{n}", "0").Replace(rt.Path)
		v.want(call(rt.Method, path, "", nil, ""), 401, rt.Method+" "+rt.Path+" without a token")
		res := v.want(call(rt.Method, path, "lt_0123456789abcdef_notatokennotatokennotatokennotatokenxxxxxx", nil, ""), 401, rt.Method+" "+rt.Path+" with a forged token")
		if h := res.header.Get("WWW-Authenticate"); !strings.Contains(h, `error="invalid_token"`) {
			t.Errorf("forged token: WWW-Authenticate %q", h)
		}
	}

	// Documents and copies.
	v.want(call("GET", "/api/v1/documents", "dave", nil, ""), 200, "list")
	v.want(call("GET", "/api/v1/documents/c-memo/copy", "dave", nil, ""), 200, "dave's copy")
	v.want(call("GET", "/api/v1/documents/c-memo/copy?format=docx", "dave", nil, ""), 400, "an unknown format")
	v.want(call("GET", "/api/v1/documents/s-rel-gbr/copy", "dave", nil, ""), 403, "dave's s-rel-gbr")
	v.want(call("GET", "/api/v1/documents/nope/copy", "dave", nil, ""), 404, "an unknown document")
	before := v.logSize()
	if res := v.do("HEAD", "/api/v1/documents/c-memo/copy", "dave", nil, ""); res.status != 405 || v.logSize() != before {
		t.Errorf("HEAD of a copy: %d, the log grew by %d; want 405 and no entry", res.status, v.logSize()-before)
	}
	pdf := v.want(call("GET", "/api/v1/documents/c-memo/copy?format=pdf", "dave", nil, ""), 200, "dave's PDF copy")
	if want := v.issued("c-memo", "dave", service.IssueOptions{Format: "pdf"}); !bytes.Equal(pdf.body, want) {
		t.Errorf("dave's PDF copy differs from 'leaktrace issue c-memo dave --format pdf'")
	}
	if ct := pdf.header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("PDF copy: Content-Type %q", ct)
	}
	// The document's marking changing between the decision and the
	// commit, twice running (to markings dave is cleared for): 409, with
	// nothing recorded but the two marking entries.
	v.changedMeanwhile("c-memo", "UNCLASSIFIED", "CONFIDENTIAL")(func() {
		v.want(call("GET", "/api/v1/documents/c-memo/copy", "dave", nil, ""), 409, "a copy whose marking changed twice before its commit")
	})

	// Issuers register, mark and grant; others are refused.
	form := func(fields map[string]string, name, content string) (io.Reader, string) {
		return multipartBody(t, fields, [][3]string{{"file", name, content}})
	}
	body, ct := form(map[string]string{"id": "new-memo", "title": "New memo", "marking": "secret//rel to gbr, usa"}, "new-memo.txt", v.text["spare"])
	res := v.want(call("POST", "/api/v1/documents", "isla", body, ct), 201, "register")
	var reg registeredJSON
	json.Unmarshal(res.body, &reg)
	if reg.ID != "new-memo" || reg.Marking != "SECRET//REL TO USA, GBR" || reg.Words == 0 || reg.Marks.Total == 0 {
		t.Errorf("registered: %s", res.body)
	}
	body, ct = form(map[string]string{"id": "new-memo"}, "new-memo.txt", v.text["spare"])
	v.want(call("POST", "/api/v1/documents", "isla", body, ct), 409, "register a taken id")
	n, _ := v.svc.Store.DocumentCount(t.Context())
	body, ct = form(map[string]string{"id": "bad-marking", "marking": "SECRET//REL TO GBR"}, "bad.txt", v.text["spare"])
	v.want(call("POST", "/api/v1/documents", "isla", body, ct), 400, "register with a bad marking")
	if n2, _ := v.svc.Store.DocumentCount(t.Context()); n2 != n {
		t.Errorf("a registration refused for its marking left %d documents, had %d", n2, n)
	}
	body, ct = form(nil, "memo.rtf", `{\rtf1 hello}`)
	v.want(call("POST", "/api/v1/documents", "isla", body, ct), 422, "register an RTF file")
	body, ct = multipartBody(t, map[string]string{"id": "x"}, nil)
	v.want(call("POST", "/api/v1/documents", "isla", body, ct), 400, "register without a file")
	v.want(call("POST", "/api/v1/documents", "isla", strings.NewReader("just text"), "text/plain"), 400, "register a non-form")
	body, ct = form(nil, "memo.txt", v.text["spare"])
	v.want(call("POST", "/api/v1/documents", "alice", body, ct), 403, "a reader registers")

	v.want(call("PUT", "/api/v1/documents/unmarked/marking", "isla", jsonBody(t, markingRequest{"confidential"}), js), 200, "mark")
	// The marking changing between the issuer's decision and the write:
	// 409, with nothing logged but the change made meanwhile.
	v.changedMeanwhile("unmarked", "UNCLASSIFIED")(func() {
		v.want(call("PUT", "/api/v1/documents/unmarked/marking", "isla", jsonBody(t, markingRequest{"secret"}), js), 409, "a marking changed before its write")
	})
	v.want(call("PUT", "/api/v1/documents/unmarked/marking", "isla", jsonBody(t, markingRequest{"SUPER SECRET"}), js), 400, "a bad marking")
	v.want(call("PUT", "/api/v1/documents/unmarked/marking", "isla", strings.NewReader(`{"marking": "C", "extra": 1}`), js), 400, "an unknown field")
	v.want(call("PUT", "/api/v1/documents/unmarked/marking", "isla", strings.NewReader(`{"marking": "C"} {}`), js), 400, "two values")
	v.want(call("PUT", "/api/v1/documents/nope/marking", "isla", jsonBody(t, markingRequest{"C"}), js), 404, "mark an unknown document")
	v.want(call("PUT", "/api/v1/documents/unmarked/marking", "alice", jsonBody(t, markingRequest{"U"}), js), 403, "a reader marks")

	for _, method := range []string{"POST", "DELETE"} {
		what := method + " grants"
		res := v.want(call(method, "/api/v1/documents/unmarked/grants", "isla", jsonBody(t, grantsRequest{[]string{"dave"}}), js), 200, what)
		var g grantsJSON
		json.Unmarshal(res.body, &g)
		if has := slices.Contains(g.Grants, "dave"); has != (method == "POST") {
			t.Errorf("%s: grants now %v", what, g.Grants)
		}
		v.want(call(method, "/api/v1/documents/unmarked/grants", "isla", jsonBody(t, grantsRequest{}), js), 400, what+" of nobody")
		v.want(call(method, "/api/v1/documents/unmarked/grants", "isla", jsonBody(t, grantsRequest{[]string{"nobody"}}), js), 404, what+" to an unknown reader")
		v.want(call(method, "/api/v1/documents/nope/grants", "isla", jsonBody(t, grantsRequest{[]string{"dave"}}), js), 404, what+" of an unknown document")
		v.want(call(method, "/api/v1/documents/unmarked/grants", "dave", jsonBody(t, grantsRequest{[]string{"dave"}}), js), 403, what+" by a reader")
	}
	res = v.want(call("GET", "/api/v1/documents/c-memo/holders", "isla", nil, ""), 200, "holders")
	var h holdersJSON
	json.Unmarshal(res.body, &h)
	var holders []string
	for _, c := range h.Copies {
		holders = append(holders, c.Recipient+"/"+c.Format)
	}
	sort.Strings(holders)
	if h.Marking != "CONFIDENTIAL" || !slices.Contains(holders, "dave/") || !slices.Contains(holders, "dave/pdf") || !slices.Contains(h.Grants, "carol") {
		t.Errorf("holders of c-memo: %s", res.body)
	}
	v.want(call("GET", "/api/v1/documents/nope/holders", "isla", nil, ""), 404, "holders of an unknown document")
	v.want(call("GET", "/api/v1/documents/c-memo/holders", "dave", nil, ""), 403, "holders by a reader")

	// Investigators trace, as a body or as files.
	leak := excerpt(string(v.issued("c-memo", "dave", service.IssueOptions{})), 120)
	v.want(call("POST", "/api/v1/trace?epsilon=1e-9", "ivan", strings.NewReader(leak), "text/plain"), 200, "trace a body")
	body, ct = multipartBody(t, nil, [][3]string{{"leak", "page1.txt", leak[:len(leak)/2]}, {"leak", "page2.txt", leak[len(leak)/2:]}})
	res = v.want(call("POST", "/api/v1/trace", "ivan", body, ct), 200, "trace files")
	var rep service.TraceJSON
	json.Unmarshal(res.body, &rep)
	if len(rep.Inputs) != 2 || len(rep.Matches) == 0 || rep.Matches[0].Suspects[0].Recipient != "dave" {
		t.Errorf("trace of two files: %s", res.body)
	}
	v.want(call("POST", "/api/v1/trace?epsilon=2", "ivan", strings.NewReader(leak), "text/plain"), 400, "epsilon 2")
	v.want(call("POST", "/api/v1/trace?epsilon=x", "ivan", strings.NewReader(leak), "text/plain"), 400, "epsilon x")
	body, ct = multipartBody(t, map[string]string{"other": "x"}, nil)
	v.want(call("POST", "/api/v1/trace", "ivan", body, ct), 400, "trace a form without leak")
	v.want(call("POST", "/api/v1/trace", "ivan", strings.NewReader("   "), "text/plain"), 422, "trace nothing")
	v.want(call("POST", "/api/v1/trace", "ivan", bytes.NewReader([]byte{0, 1, 2, 3, 0, 0}), "application/octet-stream"), 422, "trace binary")
	v.want(call("POST", "/api/v1/trace", "alice", strings.NewReader(leak), "text/plain"), 403, "a reader traces")

	// Auditors read the log.
	res = v.want(call("GET", "/api/v1/log/checkpoint", "audrey", nil, ""), 200, "checkpoint")
	verifier, err := note.NewVerifier(v.svc.LogKey())
	if err != nil {
		t.Fatal(err)
	}
	cp, err := custody.OpenCheckpoint(res.body, verifier)
	if err != nil {
		t.Fatalf("the served checkpoint does not verify: %v", err)
	}
	res = v.want(call("GET", "/api/v1/log/entries/0", "audrey", nil, ""), 200, "entry 0")
	if e, err := custody.Decode(res.body); err != nil || e.Kind != custody.KindInit {
		t.Errorf("entry 0: %v %v", e, err)
	}
	leaf := tlog.RecordHash(res.body)
	res = v.want(call("GET", fmt.Sprintf("/api/v1/log/proof/0?size=%d", cp.Size), "audrey", nil, ""), 200, "proof of entry 0")
	var inc service.Inclusion
	if err := json.Unmarshal(res.body, &inc); err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckRecord(inc.Proof, cp.Size, cp.Root, 0, leaf); err != nil {
		t.Errorf("the served proof does not prove entry 0 in the served checkpoint: %v", err)
	}
	v.want(call("GET", "/api/v1/log/proof/1", "audrey", nil, ""), 200, "proof against the latest checkpoint")
	v.want(call("GET", "/api/v1/log/entries/x", "audrey", nil, ""), 400, "entry x")
	v.want(call("GET", "/api/v1/log/entries/-1", "audrey", nil, ""), 400, "entry -1")
	v.want(call("GET", "/api/v1/log/entries/999999", "audrey", nil, ""), 404, "entry past the end")
	v.want(call("GET", "/api/v1/log/proof/x", "audrey", nil, ""), 400, "proof of x")
	v.want(call("GET", "/api/v1/log/proof/0?size=0", "audrey", nil, ""), 400, "proof in size 0")
	v.want(call("GET", "/api/v1/log/proof/999999", "audrey", nil, ""), 404, "proof past the end")
	for _, p := range []string{"/api/v1/log/checkpoint", "/api/v1/log/entries/0", "/api/v1/log/proof/0"} {
		v.want(call("GET", p, "ivan", nil, ""), 403, p+" by an investigator")
	}

	// Bodies too large: 413 with a JSON error, whether announced or not.
	for _, rt := range apiTable {
		if rt.Request == nil {
			continue
		}
		path := strings.NewReplacer("{id}", "c-memo").Replace(rt.Path)
		as := map[string]string{"trace": "ivan"}[rt.ID]
		if as == "" {
			as = "isla"
		}
		// Each body is well-formed as far as it goes, so that only its
		// size can be refused.
		ct, prefix := js, `{"readers": ["`
		switch rt.ID {
		case "trace":
			ct, prefix = "text/plain", ""
		case "registerDocument":
			ct, prefix = "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n"
		case "setMarking":
			prefix = `{"marking": "`
		}
		res := v.call(rt.Method, path, as, io.MultiReader(strings.NewReader(prefix), io.LimitReader(letters{}, rt.Request.Limit+1)), ct, true)
		v.want(res, 413, rt.ID+" with an unannounced body past the limit")
		req := httptest.NewRequest(rt.Method, path, io.LimitReader(letters{}, 10))
		req.ContentLength = rt.Request.Limit + 1
		req.Header.Set("Authorization", "Bearer "+v.tokens[as])
		rec := httptest.NewRecorder()
		v.record(rec, req)
		if rec.Code != 413 || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("%s with Content-Length past the limit: %d %s", rt.ID, rec.Code, rec.Body)
		}
	}

	// A 422 for a PDF that can't be typeset: a document in a script the
	// PDF fonts can't draw.
	ctx := service.WithActor(t.Context(), "admin")
	cjk := strings.Repeat("The committee met on Tuesday and agreed to the plan 漢字 without change. ", 20)
	if _, err := v.svc.AddDocumentWith(ctx, "cjk.txt", []byte(cjk), service.AddOptions{ID: "cjk"}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.svc.SetMarking(ctx, "cjk", "U"); err != nil {
		t.Fatal(err)
	}
	if err := v.svc.Grant(ctx, "cjk", []string{"dave"}); err != nil {
		t.Fatal(err)
	}
	v.want(call("GET", "/api/v1/documents/cjk/copy?format=pdf", "dave", nil, ""), 422, "a PDF copy the fonts can't draw")

	v.expectCoverage()
	v.verify()
}

// TestRateLimit: failed tokens from one address are limited: past the
// burst, every request with a token from it is 429 with Retry-After,
// even one with a valid token, until the bucket refills; a missing
// token is never limited (it is no guess).
func TestRateLimit(t *testing.T) {
	v := newVault(t, func(o *Options) { o.AuthBurst = 3; o.AuthFailures = time.Hour })
	bad := "lt_0123456789abcdef_notatokennotatokennotatokennotatokenxxxxxx"
	v.want(v.call("GET", "/api/v1/me", "alice", nil, "", false), 200, "a valid token")
	for i := range 3 {
		v.want(v.call("GET", "/api/v1/me", bad, nil, "", false), 401, fmt.Sprintf("bad token %d", i+1))
	}
	res := v.want(v.call("GET", "/api/v1/me", bad, nil, "", false), 429, "bad token 4")
	if res.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Only failures are refused: a valid token passes from a limited
	// address, an invalid one still gets 429.
	v.want(v.call("GET", "/api/v1/me", "alice", nil, "", false), 200, "a valid token from a limited address")
	v.want(v.call("GET", "/api/v1/me", bad, nil, "", false), 429, "bad token 5")
	v.want(v.call("GET", "/api/v1/me", "", nil, "", false), 401, "no token from a limited address")
	// Another address is not limited.
	req := httptest.NewRequest("GET", "/api/v1/me", nil)
	req.RemoteAddr = "192.0.2.7:4242"
	req.Header.Set("Authorization", "Bearer "+v.tokens["alice"])
	rec := httptest.NewRecorder()
	v.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("another address: %d, want 200", rec.Code)
	}
}

// TestRevocationTakesEffectAtOnce: nothing is cached past a request: a
// revoked grant, a revoked token and a disabled reader are refused at
// the next request.
func TestRevocationTakesEffectAtOnce(t *testing.T) {
	v := newVault(t)
	ctx := service.WithActor(t.Context(), "admin")
	v.want(v.get("/api/v1/documents/c-memo/copy", "dave"), 200, "before")
	if err := v.svc.Revoke(ctx, "c-memo", []string{"dave"}); err != nil {
		t.Fatal(err)
	}
	v.want(v.get("/api/v1/documents/c-memo/copy", "dave"), 403, "after the grant is revoked")
	if slices.Contains(v.listed("dave"), "c-memo") {
		t.Error("dave still lists c-memo")
	}
	v.want(v.get("/api/v1/documents/u-memo/copy", "dave"), 200, "another grant")
	tok := v.tokens["dave"]
	id := strings.Split(tok, "_")[1]
	if err := v.svc.RevokeToken(ctx, id); err != nil {
		t.Fatal(err)
	}
	v.want(v.get("/api/v1/documents/u-memo/copy", "dave"), 401, "after the token is revoked")
	disabled := true
	v.want(v.get("/api/v1/documents/u-memo/copy", "bob"), 200, "bob before")
	if _, err := v.svc.UpdateRecipient(ctx, "bob", service.AccessChange{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	v.want(v.get("/api/v1/documents/u-memo/copy", "bob"), 401, "bob disabled")
}
