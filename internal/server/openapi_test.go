package server

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/openapi.json from the code")

// goldenOpenAPI is the copy of the OpenAPI document kept in the
// repository, for readers and tools that don't run the server.
var goldenOpenAPI = filepath.Join("..", "..", "docs", "openapi.json")

// TestOpenAPIGolden: docs/openapi.json is the document the code
// generates (go test ./internal/server -run OpenAPIGolden -update
// rewrites it).
func TestOpenAPIGolden(t *testing.T) {
	doc, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(goldenOpenAPI, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenOpenAPI)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(doc, want) {
		t.Errorf("%s differs from the document the code generates; run 'go test ./internal/server -run OpenAPIGolden -update' and review the diff", goldenOpenAPI)
	}
}

// TestOpenAPIServed: the server serves the generated document, without
// a token.
func TestOpenAPIServed(t *testing.T) {
	s := newServer(t, newHome(t))
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	want, _ := OpenAPI()
	if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), want) {
		t.Fatalf("GET /api/v1/openapi.json: %d, %d bytes; want 200 and the generated document", rec.Code, rec.Body.Len())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

// specOperations reads the document's operations as "METHOD /path"
// patterns.
func specOperations(t *testing.T, doc map[string]any) []string {
	t.Helper()
	var ops []string
	for path, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			ops = append(ops, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(ops)
	return ops
}

func parseDoc(t *testing.T) map[string]any {
	t.Helper()
	b, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestOpenAPIMatchesMux: every operation of the document is served by
// the server's mux under exactly that pattern, every pattern the API
// registered is in the document, and no other method on a documented
// path reaches an API handler.
func TestOpenAPIMatchesMux(t *testing.T) {
	s := newServer(t, newHome(t))
	doc := parseDoc(t)
	ops := specOperations(t, doc)
	if len(ops) != len(apiTable) {
		t.Errorf("the document has %d operations, the table %d", len(ops), len(apiTable))
	}
	fill := regexp.MustCompile(`\{[^}]+\}`)
	for _, op := range ops {
		method, path, _ := strings.Cut(op, " ")
		r := httptest.NewRequest(method, fill.ReplaceAllString(path, "7"), nil)
		if _, pattern := s.mux.Handler(r); pattern != op {
			t.Errorf("%s is documented, but the mux serves it with %q", op, pattern)
		}
		for _, other := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} {
			if other == method || slices.Contains(ops, other+" "+path) || other == "HEAD" && slices.Contains(ops, "GET "+path) {
				continue
			}
			r := httptest.NewRequest(other, fill.ReplaceAllString(path, "7"), nil)
			if _, pattern := s.mux.Handler(r); strings.Contains(pattern, "/api/") {
				t.Errorf("%s %s is not documented, but the mux serves it with %q", other, path, pattern)
			}
		}
	}
	for _, p := range s.apiPatterns {
		if !slices.Contains(ops, p) {
			t.Errorf("the API registers %q, which the document lacks", p)
		}
	}
	if len(s.apiPatterns) != len(ops) {
		t.Errorf("the API registers %d patterns, the document has %d operations", len(s.apiPatterns), len(ops))
	}
}

// TestNoRouteOutsideTable: no file of the package names an API path
// the table lacks, so no handler can be registered under /api/ beside
// the table (and outside the document).
func TestNoRouteOutsideTable(t *testing.T) {
	known := map[string]bool{}
	for _, rt := range apiTable {
		known[rt.Path] = true
		known[rt.Method+" "+rt.Path] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	apiPath := regexp.MustCompile(`^(?:[A-Z]+ +)?/api(?:/|$)`)
	literals := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !apiPath.MatchString(s) {
				return true
			}
			literals++
			if !known[s] {
				t.Errorf("%s: %q names an API path the table (apiTable) lacks", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
	if literals < len(apiTable) {
		t.Errorf("found %d API path literals, fewer than the table's %d routes; is the scan broken?", literals, len(apiTable))
	}
}

// TestOpenAPIStructure checks the document against the rules of OpenAPI
// 3.1 that a generator can break: the version, unique operation ids,
// every path template's parameters declared as required path
// parameters, responses with descriptions and a success, JSON Schema
// types only (no 3.0 "nullable"), every $ref resolving, every security
// requirement naming a scheme.
func TestOpenAPIStructure(t *testing.T) {
	doc := parseDoc(t)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if s, _ := info["title"].(string); s == "" {
		t.Error("info.title is missing")
	}
	if s, _ := info["version"].(string); s == "" {
		t.Error("info.version is missing")
	}
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	schemes, _ := comps["securitySchemes"].(map[string]any)
	methods := []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
	ids := map[string]bool{}
	tmpl := regexp.MustCompile(`\{([^}]+)\}`)
	for path, item := range doc["paths"].(map[string]any) {
		if !strings.HasPrefix(path, "/") {
			t.Errorf("path %q does not begin with /", path)
		}
		var want []string
		for _, m := range tmpl.FindAllStringSubmatch(path, -1) {
			want = append(want, m[1])
		}
		for method, o := range item.(map[string]any) {
			where := method + " " + path
			if !slices.Contains(methods, method) {
				t.Errorf("%s: %q is not an operation of a path item", where, method)
				continue
			}
			op := o.(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s: operationId %q is missing or not unique", where, id)
			}
			ids[id] = true
			var got []string
			params, _ := op["parameters"].([]any)
			seen := map[string]bool{}
			for _, p := range params {
				p := p.(map[string]any)
				name, in := p["name"].(string), p["in"].(string)
				if seen[in+" "+name] {
					t.Errorf("%s: parameter %s in %s twice", where, name, in)
				}
				seen[in+" "+name] = true
				if !slices.Contains([]string{"path", "query", "header", "cookie"}, in) {
					t.Errorf("%s: parameter %s in %q", where, name, in)
				}
				if _, ok := p["schema"].(map[string]any); !ok {
					t.Errorf("%s: parameter %s has no schema", where, name)
				}
				if in == "path" {
					got = append(got, name)
					if p["required"] != true {
						t.Errorf("%s: path parameter %s is not required", where, name)
					}
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: path parameters %v, the template has %v", where, got, want)
			}
			resps, _ := op["responses"].(map[string]any)
			success := false
			for code, r := range resps {
				if !regexp.MustCompile(`^[1-5]\d\d$`).MatchString(code) {
					t.Errorf("%s: response %q is not a status code", where, code)
				}
				success = success || code[0] == '2'
				if d, _ := r.(map[string]any)["description"].(string); d == "" {
					t.Errorf("%s: response %s has no description", where, code)
				}
			}
			if !success {
				t.Errorf("%s: no success response", where)
			}
			if sec, ok := op["security"].([]any); ok {
				for _, req := range sec {
					for name := range req.(map[string]any) {
						if schemes[name] == nil {
							t.Errorf("%s: security scheme %q is not defined", where, name)
						}
					}
				}
			} else {
				t.Errorf("%s: no security requirement (an empty list for a public operation)", where)
			}
		}
	}
	// Every schema, wherever it is: types are JSON Schema's, refs resolve,
	// and the 3.0-only "nullable" is absent.
	types := []string{"string", "number", "integer", "boolean", "object", "array", "null"}
	refs := map[string]bool{}
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				switch k {
				case "$ref":
					ref, _ := x.(string)
					name, ok := strings.CutPrefix(ref, "#/components/schemas/")
					if !ok || schemas[name] == nil {
						t.Errorf("%s: $ref %q does not resolve", where, ref)
					}
					refs[name] = true
				case "nullable":
					t.Errorf("%s: nullable is OpenAPI 3.0; 3.1 writes type [T, \"null\"]", where)
				case "type":
					var ts []any
					if s, ok := x.(string); ok {
						ts = []any{s}
					} else {
						ts, _ = x.([]any)
					}
					for _, ty := range ts {
						if s, _ := ty.(string); !slices.Contains(types, s) {
							t.Errorf("%s: type %v is not a JSON Schema type", where, ty)
						}
					}
				}
				if k == "properties" {
					// Property names are not keywords: walk their schemas.
					for name, p := range x.(map[string]any) {
						walk(where+"/properties/"+name, p)
					}
					continue
				}
				walk(where+"/"+k, x)
			}
		case []any:
			for _, x := range v {
				walk(where, x)
			}
		}
	}
	walk("#/paths", doc["paths"])
	walk("#/components/schemas", schemas)
	for name := range schemas {
		if !refs[name] {
			t.Errorf("components/schemas/%s is never referenced", name)
		}
	}
	if len(schemas) < 10 {
		t.Errorf("only %d schemas; is the reflection broken?", len(schemas))
	}
}
