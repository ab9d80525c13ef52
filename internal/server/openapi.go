package server

import (
	"encoding"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
)

// The OpenAPI 3.1 document of the API, generated from apiTable: the
// operations, their parameters and responses from the table, and the
// JSON Schemas of the bodies from the Go types the handlers encode, by
// reflection on their json tags. Nothing is written by hand, so the
// document can't drift from the code; docs/openapi.json is a copy that
// a test keeps equal.

// schema is a JSON Schema (2020-12, the dialect of OpenAPI 3.1) or an
// OpenAPI object.
type schema = map[string]any

// APIVersion is the version of the API the document describes.
const APIVersion = "1.0.0"

var pathParam = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// pathParams describe the path parameters the routes use.
var pathParams = map[string]param{
	"id": {"id", "the document's id", schema{"type": "string"}},
	"n":  {"n", "the entry's index in the log, from 0", schema{"type": "integer", "minimum": 0}},
}

// OpenAPI returns the API's OpenAPI 3.1 document as indented JSON.
func OpenAPI() ([]byte, error) {
	g := &generator{defs: schema{}, types: map[string]reflect.Type{}}
	paths := map[string]map[string]any{}
	for i := range apiTable {
		rt := &apiTable[i]
		op, err := g.operation(rt)
		if err != nil {
			return nil, fmt.Errorf("openapi: %s %s: %w", rt.Method, rt.Path, err)
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		m := strings.ToLower(rt.Method)
		if _, dup := paths[rt.Path][m]; dup {
			return nil, fmt.Errorf("openapi: %s %s is in the table twice", rt.Method, rt.Path)
		}
		paths[rt.Path][m] = op
	}
	if g.err != nil {
		return nil, fmt.Errorf("openapi: %w", g.err)
	}
	doc := schema{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info": schema{
			"title":   "leaktrace vault API",
			"version": APIVersion,
			"description": "Cleared readers get their own marked copies of the documents the access rules allow; " +
				"issuers register, mark and grant documents; investigators trace leaks; auditors read the custody log. " +
				"Every copy served and every denial is a custody-log entry. Errors are {\"error\": ..., \"hint\": ...}.",
			"license": schema{"name": "see the project's LICENSE"},
		},
		"paths": paths,
		"components": schema{
			"schemas": g.defs,
			"securitySchemes": schema{
				"bearer": schema{"type": "http", "scheme": "bearer",
					"description": "A token that 'leaktrace token create ID' printed (lt_<id>_<secret>), checked at every request."},
			},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// generator builds the document's schemas.
type generator struct {
	defs  schema                  // components/schemas
	types map[string]reflect.Type // the type behind each name in defs
	err   error
}

func (g *generator) operation(rt *apiRoute) (schema, error) {
	op := schema{"operationId": rt.ID, "summary": rt.Summary}
	if rt.Role == "" {
		op["security"] = []any{}
		op["description"] = "Public: needs no token."
	} else {
		op["security"] = []any{schema{"bearer": []string{}}}
		op["x-leaktrace-role"] = rt.Role
		op["description"] = "Needs the " + rt.Role + " role."
		if rt.Role == "reader" {
			op["description"] = "Any authenticated reader."
		}
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		p, ok := pathParams[m[1]]
		if !ok {
			return nil, fmt.Errorf("path parameter {%s} is not described in pathParams", m[1])
		}
		params = append(params, schema{"name": p.Name, "in": "path", "required": true, "description": p.Desc, "schema": p.Schema})
	}
	for _, p := range rt.Query {
		params = append(params, schema{"name": p.Name, "in": "query", "required": false, "description": p.Desc, "schema": p.Schema})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if rt.Request != nil {
		content := schema{}
		for media, v := range rt.Request.Content {
			content[media] = schema{"schema": g.schemaOf(v)}
		}
		op["requestBody"] = schema{"required": true, "description": rt.Request.Desc, "content": content}
	}
	responses := schema{}
	for _, r := range rt.responses() {
		if http.StatusText(r.Status) == "" {
			return nil, fmt.Errorf("status %d is not an HTTP status", r.Status)
		}
		out := schema{"description": r.Desc}
		if r.Body != nil {
			out["content"] = schema{r.Media: schema{"schema": g.schemaOf(r.Body)}}
		}
		if h := responseHeaders(rt, r.Status); len(h) > 0 {
			out["headers"] = h
		}
		responses[fmt.Sprint(r.Status)] = out
	}
	op["responses"] = responses
	return op, nil
}

// responseHeaders are the headers a response carries.
func responseHeaders(rt *apiRoute, status int) schema {
	h := schema{}
	str := schema{"type": "string"}
	switch status {
	case http.StatusUnauthorized:
		h["WWW-Authenticate"] = schema{"description": "Bearer, with error=\"invalid_token\" for a token that was refused.", "schema": str}
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		h["Retry-After"] = schema{"description": "Seconds to wait.", "schema": schema{"type": "integer"}}
	}
	if rt.ID == "getCopy" && status == http.StatusOK {
		h["Content-Disposition"] = schema{"description": "attachment, with the copy's file name.", "schema": str}
		h["X-Leaktrace-Log-Entry"] = schema{"description": "The index of the copy's access entry in the custody log.", "schema": schema{"type": "integer"}}
		h["X-Leaktrace-Copy-Sha256"] = schema{"description": "The SHA-256 of the copy, as the access entry records it.", "schema": str}
	}
	return h
}

// schemaOf returns v's schema: v itself if it is one, else the schema of
// its Go type.
func (g *generator) schemaOf(v any) schema {
	if s, ok := v.(schema); ok {
		return s
	}
	return g.typeSchema(reflect.TypeOf(v))
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	timeType          = reflect.TypeFor[time.Time]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
)

// typeSchema returns the schema of the JSON encoding/json makes of t.
func (g *generator) typeSchema(t reflect.Type) schema {
	switch {
	case t == timeType:
		return schema{"type": "string", "format": "date-time"}
	case t == rawMessageType:
		return schema{} // any JSON value
	case t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) ||
		t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType):
		// Types that encode themselves encode as strings here (a
		// tlog.Hash is base64); one that does not is caught by the API
		// suite's check of every response against its schema.
		return schema{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.typeSchema(t.Elem())
	case reflect.Bool:
		return schema{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return schema{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return schema{"type": "number"}
	case reflect.String:
		return schema{"type": "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return schema{"type": "string", "contentEncoding": "base64"}
		}
		return schema{"type": "array", "items": g.typeSchema(t.Elem())}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			g.fail("%s: map keys must be strings", t)
		}
		return schema{"type": "object", "additionalProperties": g.typeSchema(t.Elem())}
	case reflect.Struct:
		return g.structRef(t)
	case reflect.Interface:
		return schema{}
	}
	g.fail("%s: no JSON Schema for kind %s", t, t.Kind())
	return schema{}
}

func (g *generator) fail(format string, args ...any) {
	if g.err == nil {
		g.err = fmt.Errorf(format, args...)
	}
}

// structRef returns a reference to t's schema in components/schemas,
// adding it under its name: the type's name without a JSON suffix,
// capitalized (errorJSON is Error, service.TraceJSON is Trace).
func (g *generator) structRef(t reflect.Type) schema {
	if t.Name() == "" {
		return g.structSchema(t)
	}
	name := strings.TrimSuffix(t.Name(), "JSON")
	name = string(unicode.ToUpper(rune(name[0]))) + name[1:]
	ref := schema{"$ref": "#/components/schemas/" + name}
	if have, ok := g.types[name]; ok {
		if have != t {
			g.fail("%s and %s would both be the schema %s", have, t, name)
		}
		return ref
	}
	g.types[name] = t
	g.defs[name] = schema{} // taken before it is filled, for recursive types
	g.defs[name] = g.structSchema(t)
	return ref
}

// structSchema is the schema of a struct's encoding: its fields by
// their json names, embedded structs' fields among them. A field without
// omitempty is required; one that may encode as null (a pointer, a nil
// slice or map) is nullable unless it is tagged openapi:"nonnull" (its
// handler never leaves it nil).
func (g *generator) structSchema(t reflect.Type) schema {
	props := schema{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			omit := slices.Contains(strings.Split(opts, ","), "omitempty") || slices.Contains(strings.Split(opts, ","), "omitzero")
			s := g.typeSchema(f.Type)
			k := f.Type.Kind()
			mayBeNull := k == reflect.Pointer || k == reflect.Interface ||
				(k == reflect.Slice || k == reflect.Map) && f.Tag.Get("openapi") != "nonnull" && f.Type != rawMessageType
			if !omit && mayBeNull {
				s = nullable(s)
			}
			if !omit {
				required = append(required, name)
			}
			props[name] = s
		}
	}
	walk(t)
	out := schema{"type": "object", "properties": props}
	if len(required) > 0 {
		slices.Sort(required)
		out["required"] = required
	}
	return out
}

// nullable lets s also be null.
func nullable(s schema) schema {
	if len(s) == 0 {
		return s
	}
	if t, ok := s["type"].(string); ok {
		c := schema{}
		for k, v := range s {
			c[k] = v
		}
		c["type"] = []string{t, "null"}
		return c
	}
	return schema{"anyOf": []any{s, schema{"type": "null"}}}
}
