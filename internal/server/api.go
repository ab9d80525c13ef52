package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/format/docx"
	"github.com/leaktrace/leaktrace/internal/format/pdfsrc"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marking"
	"github.com/leaktrace/leaktrace/internal/pgstore"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/store"
	"golang.org/x/time/rate"
)

// The JSON API under /api/v1. One table, apiTable, describes every
// operation: it registers the handlers (apiRoutes) and generates the
// OpenAPI document (openapi.go), so that the two can't disagree.
//
// Every operation but the OpenAPI document needs a bearer token
// ("Authorization: Bearer lt_..."), checked against the store at every
// request (service.Authenticate). The caller is the actor of every
// custody-log entry the request makes. A role the operation needs and
// the caller lacks is a logged denial (403); so is a document the access
// rules refuse, and a reader is never told which rule failed.

// Request body limits.
const (
	// MaxUpload bounds a leak to trace or a document to register, the
	// size of the largest input a trace reads (service.MaxLeakInput).
	MaxUpload = service.MaxLeakInput
	// MaxJSON bounds a JSON request body.
	MaxJSON = 1 << 20
	// maxField bounds a multipart form's text field (an id, a title, a
	// marking).
	maxField = 4 << 10
)

// An apiRoute is one operation of the API.
type apiRoute struct {
	Method string
	Path   string
	// ID is the OpenAPI operationId.
	ID      string
	Summary string
	// Role is the role the caller needs ("" for a public operation,
	// needing no token; every caller is a reader).
	Role string
	// Action is what a denied entry says was asked, when the caller
	// lacks Role.
	Action string
	Query  []param
	// Request is the request body, nil for none.
	Request *reqBody
	// Responses are the operation's own responses; the ones every
	// operation of its kind has (401, 403, 413, 429, 500...) are added
	// by responses.
	Responses []resp
	handle    func(s *Server, w http.ResponseWriter, r *http.Request, p *service.Principal) error
}

// param is a query parameter.
type param struct {
	Name, Desc string
	Schema     schema
}

// reqBody is a request body: its media types and their schemas (a Go
// value whose type is reflected, or a schema), and its size limit.
type reqBody struct {
	Desc    string
	Limit   int64
	Content map[string]any
}

// resp is a response: Body is a Go value whose type is reflected (for
// application/json), a schema, or nil for none.
type resp struct {
	Status int
	Desc   string
	Media  string
	Body   any
}

// The API's wire types.

// errorJSON is every error's body.
type errorJSON struct {
	Error string `json:"error"`
	Hint  string `json:"hint,omitempty"`
}

// documentJSON is a document a reader may read.
type documentJSON struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Marking string `json:"marking"`
}

type documentsJSON struct {
	Documents []documentJSON `json:"documents" openapi:"nonnull"`
}

// registeredJSON is a newly registered document.
type registeredJSON struct {
	ID      string          `json:"id"`
	Title   string          `json:"title"`
	Format  string          `json:"format"`
	Words   int             `json:"words"`
	Marks   leaktrace.Marks `json:"marks"`
	Marking string          `json:"marking"`
	SHA256  string          `json:"sha256"`
}

type markingRequest struct {
	Marking string `json:"marking"`
}

type markingJSON struct {
	Document string `json:"document"`
	Marking  string `json:"marking"`
}

type grantsRequest struct {
	Readers []string `json:"readers" openapi:"nonnull"`
}

// grantsJSON lists the readers granted a document after a change.
type grantsJSON struct {
	Document string   `json:"document"`
	Grants   []string `json:"grants" openapi:"nonnull"`
}

// holdersJSON says who holds copies of a document and who may read it.
type holdersJSON struct {
	Document string     `json:"document"`
	Title    string     `json:"title"`
	Marking  string     `json:"marking"`
	Grants   []string   `json:"grants" openapi:"nonnull"`
	Copies   []copyJSON `json:"copies" openapi:"nonnull"`
}

// copyJSON is an issued copy.
type copyJSON struct {
	Recipient string    `json:"recipient"`
	Format    string    `json:"format,omitempty"`
	Layout    int       `json:"layout,omitempty"`
	Footer    bool      `json:"footer,omitempty"`
	SHA256    string    `json:"copy_sha256"`
	IssuedAt  time.Time `json:"issued_at"`
}

// meJSON is the caller as the vault sees them now.
type meJSON struct {
	ID           string   `json:"id"`
	Name         string   `json:"name,omitempty"`
	Email        string   `json:"email,omitempty"`
	Roles        []string `json:"roles" openapi:"nonnull"`
	Clearance    string   `json:"clearance"`
	Compartments []string `json:"compartments" openapi:"nonnull"`
	Citizenship  string   `json:"citizenship,omitempty"`
	Via          string   `json:"via"`
}

// Bodies of the routes that are not JSON.
var (
	binary     = schema{"type": "string", "contentMediaType": "application/octet-stream"}
	textSchema = schema{"type": "string"}
	traceForm  = schema{"type": "object", "required": []string{"leak"}, "properties": map[string]any{
		"leak": schema{"type": "array", "items": binary, "description": "the leak's files (text, PDF, DOCX, pictures), pooled into one trace"},
	}}
	documentForm = schema{"type": "object", "required": []string{"file"}, "properties": map[string]any{
		"file":    schema{"type": "string", "contentMediaType": "application/octet-stream", "description": "the document; its file name's extension tells its format"},
		"id":      schema{"type": "string", "description": "the document's id (default: from the file name)"},
		"title":   schema{"type": "string"},
		"marking": schema{"type": "string", "description": "its classification banner, e.g. SECRET//REL TO USA, GBR; an unmarked document is served to nobody"},
	}}
)

// apiTable is the API.
var apiTable = []apiRoute{
	{Method: "GET", Path: "/api/v1/openapi.json", ID: "openapi", Summary: "This API's OpenAPI 3.1 document.",
		Responses: []resp{{200, "The OpenAPI document.", "application/json", schema{"type": "object"}}},
		handle:    (*Server).openAPI},
	{Method: "GET", Path: "/api/v1/me", ID: "me", Summary: "The caller: id, roles and clearance.", Role: service.RoleReader,
		Responses: []resp{{200, "The caller.", "application/json", meJSON{}}},
		handle:    (*Server).me},
	{Method: "GET", Path: "/api/v1/documents", ID: "listDocuments", Summary: "The documents the caller may read now.", Role: service.RoleReader,
		Responses: []resp{{200, "The documents, sorted by id.", "application/json", documentsJSON{}}},
		handle:    (*Server).listDocuments},
	{Method: "GET", Path: "/api/v1/documents/{id}/copy", ID: "getCopy", Summary: "The caller's own marked copy, logged before it is sent.", Role: service.RoleReader,
		Query: []param{{"format", "pdf for the typeset PDF copy; absent for the document's own format", schema{"type": "string", "enum": []string{"pdf"}}}},
		Responses: []resp{
			{200, "The copy, byte-identical to 'leaktrace issue ID CALLER'; X-Leaktrace-Log-Entry is its access entry.", "*/*", binary},
			{400, "An unknown format.", "application/json", errorJSON{}},
			{403, "Access denied (the rule that failed is logged for the auditor, not told).", "application/json", errorJSON{}},
			{404, "No such document.", "application/json", errorJSON{}},
			{409, "The document's marking or the caller's access changed twice while the copy was being made; nothing was sent or recorded.", "application/json", errorJSON{}},
			{422, "The copy can't be made in that format.", "application/json", errorJSON{}},
		},
		handle: (*Server).getCopy},
	{Method: "POST", Path: "/api/v1/documents", ID: "registerDocument", Summary: "Register a document, with its marking.", Role: service.RoleIssuer, Action: "register",
		Request: &reqBody{Desc: "The document and its id, title and marking.", Limit: MaxUpload, Content: map[string]any{"multipart/form-data": documentForm}},
		Responses: []resp{
			{201, "Registered.", "application/json", registeredJSON{}},
			{403, "Access denied: the caller lacks the issuer role, or is not cleared for the marking (logged).", "application/json", errorJSON{}},
			{409, "The id is taken.", "application/json", errorJSON{}},
			{422, "The document can't be registered (its format, its text).", "application/json", errorJSON{}},
		},
		handle: (*Server).registerDocument},
	{Method: "PUT", Path: "/api/v1/documents/{id}/marking", ID: "setMarking", Summary: "Set a document's classification marking.", Role: service.RoleIssuer, Action: "mark",
		Request: &reqBody{Desc: "The banner, in any form the parser reads.", Limit: MaxJSON, Content: map[string]any{"application/json": markingRequest{}}},
		Responses: []resp{{200, "The marking set, in canonical form.", "application/json", markingJSON{}}, {403, "Access denied: the caller lacks the issuer role, or is not cleared for the document's marking or the new one (logged).", "application/json", errorJSON{}}, {404, "No such document.", "application/json", errorJSON{}},
			{409, "The document's marking changed between the decision and the write; nothing was written.", "application/json", errorJSON{}}},
		handle: (*Server).setMarking},
	{Method: "POST", Path: "/api/v1/documents/{id}/grants", ID: "grant", Summary: "Grant a document to readers (need to know).", Role: service.RoleIssuer, Action: "grant",
		Request:   &reqBody{Desc: "The readers' ids.", Limit: MaxJSON, Content: map[string]any{"application/json": grantsRequest{}}},
		Responses: []resp{{200, "The readers granted the document now.", "application/json", grantsJSON{}}, {403, "Access denied: the caller lacks the issuer role, is not cleared for the document's marking, the document is unmarked, or the caller named themselves to grant (logged).", "application/json", errorJSON{}}, {404, "No such document or reader.", "application/json", errorJSON{}}},
		handle:    (*Server).grant},
	{Method: "DELETE", Path: "/api/v1/documents/{id}/grants", ID: "revoke", Summary: "Withdraw readers' grants of a document; their past copies stay in the log.", Role: service.RoleIssuer, Action: "revoke",
		Request:   &reqBody{Desc: "The readers' ids.", Limit: MaxJSON, Content: map[string]any{"application/json": grantsRequest{}}},
		Responses: []resp{{200, "The readers granted the document now.", "application/json", grantsJSON{}}, {403, "Access denied: the caller lacks the issuer role, is not cleared for the document's marking, the document is unmarked, or the caller named themselves to grant (logged).", "application/json", errorJSON{}}, {404, "No such document or reader.", "application/json", errorJSON{}}},
		handle:    (*Server).revoke},
	{Method: "GET", Path: "/api/v1/documents/{id}/holders", ID: "holders", Summary: "Who holds copies of a document, and who is granted it.", Role: service.RoleIssuer, Action: "holders",
		Responses: []resp{{200, "Its copies and grants.", "application/json", holdersJSON{}}, {403, "Access denied: the caller lacks the issuer role, or is not cleared for the document's marking (logged).", "application/json", errorJSON{}}, {404, "No such document.", "application/json", errorJSON{}}},
		handle:    (*Server).holders},
	{Method: "POST", Path: "/api/v1/trace", ID: "trace", Summary: "Trace a leak: the 'trace --json' report, logged.", Role: service.RoleInvestigator, Action: "trace",
		Query: []param{
			{"epsilon", "the false-accusation bound, strictly between 0 and 1 (default 1e-6)", schema{"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}},
			{"name", "with a raw body: the leak's file name, whose extension may tell its format", schema{"type": "string"}},
		},
		Request: &reqBody{Desc: "The leak: the body itself, or files in the multipart field leak.", Limit: MaxUpload,
			Content: map[string]any{"text/plain": textSchema, "application/octet-stream": binary, "multipart/form-data": traceForm}},
		Responses: []resp{
			{200, "The report, as 'leaktrace trace --json' prints it.", "application/json", service.TraceJSON{}},
			{422, "The leak can't be read (no words, not a text, PDF or picture).", "application/json", errorJSON{}},
		},
		handle: (*Server).trace},
	{Method: "GET", Path: "/api/v1/log/checkpoint", ID: "checkpoint", Summary: "The custody log's latest signed checkpoint (C2SP tlog-checkpoint).", Role: service.RoleAuditor, Action: "log",
		Responses: []resp{{200, "The signed note.", "text/plain", textSchema}},
		handle:    (*Server).checkpoint},
	{Method: "GET", Path: "/api/v1/log/entries/{n}", ID: "logEntry", Summary: "A custody-log entry's exact bytes (the leaf).", Role: service.RoleAuditor, Action: "log",
		Responses: []resp{{200, "The entry's canonical JSON.", "application/json", schema{"type": "object"}}, {400, "Not an entry number.", "application/json", errorJSON{}}, {404, "No such entry.", "application/json", errorJSON{}}},
		handle:    (*Server).logEntry},
	{Method: "GET", Path: "/api/v1/log/proof/{n}", ID: "logProof", Summary: "An inclusion proof of entry n (RFC 6962).", Role: service.RoleAuditor, Action: "log",
		Query:     []param{{"size", "the tree size to prove against (default: the latest checkpoint's)", schema{"type": "integer", "minimum": 1}}},
		Responses: []resp{{200, "The proof.", "application/json", service.Inclusion{}}, {400, "Not an entry number or tree size.", "application/json", errorJSON{}}, {404, "No such entry or tree.", "application/json", errorJSON{}}},
		handle:    (*Server).logProof},
}

// responses are a route's responses: its own, and those every route of
// its kind has.
func (rt *apiRoute) responses() []resp {
	out := append([]resp(nil), rt.Responses...)
	has := map[int]bool{}
	for _, r := range out {
		has[r.Status] = true
	}
	add := func(status int, desc string) {
		if !has[status] {
			out = append(out, resp{status, desc, "application/json", errorJSON{}})
			has[status] = true
		}
	}
	if rt.Request != nil {
		add(http.StatusBadRequest, "A malformed request.")
		add(http.StatusRequestEntityTooLarge, fmt.Sprintf("The body is larger than %d bytes.", rt.Request.Limit))
	}
	if rt.Role != "" {
		add(http.StatusUnauthorized, "No valid bearer token (WWW-Authenticate: Bearer).")
		add(http.StatusTooManyRequests, "Too many invalid tokens from this address; retry after Retry-After seconds.")
		add(http.StatusServiceUnavailable, "The store is busy; retry after Retry-After seconds.")
	}
	if rt.Role != "" && rt.Role != service.RoleReader {
		add(http.StatusForbidden, "Access denied: the caller lacks the "+rt.Role+" role (logged).")
	}
	add(http.StatusInternalServerError, "An internal error (logged).")
	return out
}

// apiRoutes registers the JSON API under /api/v1.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	for i := range apiTable {
		rt := &apiTable[i]
		pattern := rt.Method + " " + rt.Path
		mux.Handle(pattern, s.apiHandler(rt))
		s.apiPatterns = append(s.apiPatterns, pattern)
	}
}

// apiHandler wraps a route's handler: authentication, role, body limit,
// errors.
func (s *Server) apiHandler(rt *apiRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		var p *service.Principal
		if rt.Role != "" {
			if p = s.authenticate(w, r); p == nil {
				return
			}
			setActor(r, p.ID)
			r = r.WithContext(service.WithActor(r.Context(), p.ID))
			if !p.Has(rt.Role) {
				err := s.svc.LogDenied(r.Context(), p, rt.Action, r.PathValue("id"), "role", "needs the "+rt.Role+" role")
				if !errors.Is(err, service.ErrForbidden) {
					s.fail(w, r, err)
					return
				}
				s.metrics.denied("role")
				writeError(w, http.StatusForbidden, "access denied", "this needs the "+rt.Role+" role")
				return
			}
		}
		if rt.Request != nil {
			if r.ContentLength > rt.Request.Limit {
				s.fail(w, r, &http.MaxBytesError{Limit: rt.Request.Limit})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, rt.Request.Limit)
		}
		if err := rt.handle(s, w, r, p); err != nil {
			s.fail(w, r, err)
		}
	})
}

// authenticate returns the caller of r, or nil after answering 401 (no
// valid token) or 429 (too many invalid ones from this address).
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) *service.Principal {
	h := r.Header.Get("Authorization")
	if h == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="leaktrace"`)
		writeError(w, http.StatusUnauthorized, "authentication required", "send Authorization: Bearer TOKEN, a token that 'leaktrace token create ID' printed")
		return nil
	}
	// Only failures count, and only they are refused: a valid token
	// passes even from an address that sent many invalid ones.
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	var p *service.Principal
	err := service.ErrUnauthenticated
	if strings.EqualFold(scheme, "Bearer") && token != "" {
		p, err = s.svc.Authenticate(r.Context(), token)
	}
	switch {
	case errors.Is(err, service.ErrUnauthenticated):
		ip := s.clientKey(r)
		if s.limits.blocked(ip) {
			s.metrics.authFail.WithLabelValues("rate_limited").Inc()
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(s.opt.AuthFailures.Round(time.Second).Seconds()))))
			writeError(w, http.StatusTooManyRequests, "too many invalid tokens from this address", "wait, then retry with a valid token")
			return nil
		}
		s.limits.fail(ip)
		s.metrics.authFail.WithLabelValues("invalid").Inc()
		w.Header().Set("WWW-Authenticate", `Bearer realm="leaktrace", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "invalid token", "the token is unknown, revoked or malformed, or its reader is disabled; ask an administrator for a new one")
		return nil
	case err != nil:
		s.fail(w, r, err)
		return nil
	}
	return p
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal error", "")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeError answers an error.
func writeError(w http.ResponseWriter, status int, msg, hint string) {
	b, _ := json.Marshal(errorJSON{Error: msg, Hint: hint})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Disposition")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// apiError is an error a handler answers as it is.
type apiError struct {
	status    int
	msg, hint string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(hint, format string, args ...any) error {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, args...), hint}
}

// decodeJSON reads a JSON body into v: one value, no unknown fields.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return err
		}
		return badRequest("send one JSON object, as the OpenAPI document (/api/v1/openapi.json) describes", "the body is not the JSON expected: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("send one JSON object", "the body holds more than one JSON value")
	}
	return nil
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request, _ *service.Principal) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(s.openapi)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	roles := p.Roles
	if len(roles) == 0 {
		roles = []string{service.RoleReader}
	}
	clearance := p.Clearance
	if clearance == "" {
		clearance = "U"
	}
	writeJSON(w, http.StatusOK, meJSON{ID: p.ID, Name: p.Name, Email: p.Email, Roles: roles, Clearance: clearance,
		Compartments: nonNil(p.Compartments), Citizenship: p.Citizenship, Via: p.Via})
	return nil
}

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	docs, err := s.svc.Readable(r.Context(), p)
	if err != nil {
		return err
	}
	out := documentsJSON{Documents: []documentJSON{}}
	for _, d := range docs {
		out.Documents = append(out.Documents, documentJSON{ID: d.ID, Title: d.Title, Marking: d.Marking})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getCopy(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	if r.Method == http.MethodHead {
		// Every copy made is recorded and logged as served: one whose
		// bytes would not be sent is not made.
		w.Header().Set("Allow", "GET")
		return &apiError{http.StatusMethodNotAllowed, "a copy is only served whole", "use GET"}
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != leaktrace.FormatPDF {
		return badRequest("pass format=pdf for the typeset PDF copy, or no format for the document's own", "unknown copy format %q", format)
	}
	d, err := s.svc.Deliver(r.Context(), p, r.PathValue("id"), service.DeliverOptions{Action: "download", Format: format})
	var de *service.DeniedError
	if errors.As(err, &de) {
		s.metrics.denied(de.Reason)
	}
	if err != nil {
		return err
	}
	s.metrics.copyServed("download", format)
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename}))
	h.Set("Content-Length", strconv.Itoa(len(d.Data)))
	h.Set("X-Leaktrace-Log-Entry", strconv.FormatInt(d.LogEntry, 10))
	h.Set("X-Leaktrace-Copy-Sha256", d.SHA256)
	w.WriteHeader(http.StatusOK)
	w.Write(d.Data)
	return nil
}

func (s *Server) registerDocument(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return badRequest("send multipart/form-data with the fields file, id, title and marking", "the body is not a multipart form: %v", err)
	}
	var (
		filename string
		data     []byte
		fields   = map[string]string{}
		gotFile  bool
	)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return multipartError(err)
		}
		switch name := part.FormName(); name {
		case "file":
			if gotFile {
				return badRequest("register one document per request", "more than one file")
			}
			gotFile, filename = true, part.FileName()
			if data, err = io.ReadAll(part); err != nil {
				return multipartError(err)
			}
		case "id", "title", "marking":
			b, err := io.ReadAll(io.LimitReader(part, maxField+1))
			if err != nil {
				return multipartError(err)
			}
			if len(b) > maxField {
				return badRequest("", "the field %s is longer than %d bytes", name, maxField)
			}
			fields[name] = string(b)
		default:
			return badRequest("the fields are file, id, title and marking", "unknown field %q", name)
		}
	}
	if !gotFile {
		return badRequest("send the document in the field file", "no file")
	}
	if filename == "" {
		return badRequest("send the file with its file name: its extension tells its format", "the file has no name")
	}
	banner := fields["marking"]
	// A banner not understood, or one the issuer is not cleared for, is
	// refused before registering, so that it leaves nothing behind.
	if err := s.svc.MayRegister(r.Context(), p, fields["id"], banner); err != nil {
		return err
	}
	d, err := s.svc.AddDocumentWith(r.Context(), filename, data, service.AddOptions{ID: fields["id"], Title: fields["title"]})
	if err != nil {
		return err
	}
	out := registeredJSON{ID: d.ID, Title: d.Title, Format: d.Format, Words: d.Words, Marks: d.Marks, SHA256: d.SHA256}
	if banner != "" {
		if out.Marking, err = s.svc.MarkAs(r.Context(), p, d.ID, banner); err != nil {
			return fmt.Errorf("document %s was registered, but its marking was not set: %w", d.ID, err)
		}
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// multipartError is a multipart body that can't be read: too large, or
// malformed.
func multipartError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return err
	}
	return badRequest("send a well-formed multipart/form-data body", "the multipart body can't be read: %v", err)
}

func (s *Server) setMarking(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	var req markingRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	id := r.PathValue("id")
	m, err := s.svc.MarkAs(r.Context(), p, id, req.Marking)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, markingJSON{Document: id, Marking: m})
	return nil
}

func (s *Server) grant(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	return s.setGrants(w, r, p, s.svc.GrantAs)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	return s.setGrants(w, r, p, s.svc.RevokeAs)
}

func (s *Server) setGrants(w http.ResponseWriter, r *http.Request, p *service.Principal, change func(context.Context, *service.Principal, string, []string) error) error {
	var req grantsRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if len(req.Readers) == 0 {
		return badRequest(`send {"readers": ["ID", ...]}`, "no readers")
	}
	id := r.PathValue("id")
	if err := change(r.Context(), p, id, req.Readers); err != nil {
		return err
	}
	grants, err := s.svc.Store.Grants(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, grantsJSON{Document: id, Grants: nonNil(grants)})
	return nil
}

func (s *Server) holders(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	id := r.PathValue("id")
	d, err := s.svc.IssuerDocument(r.Context(), p, "holders", id)
	if err != nil {
		return err
	}
	copies, err := s.svc.Store.Copies(r.Context(), id)
	if err != nil {
		return err
	}
	grants, err := s.svc.Store.Grants(r.Context(), id)
	if err != nil {
		return err
	}
	out := holdersJSON{Document: d.ID, Title: d.Title, Marking: d.Marking, Grants: nonNil(grants), Copies: []copyJSON{}}
	for _, c := range copies {
		out.Copies = append(out.Copies, copyJSON{Recipient: c.Recipient, Format: c.Format, Layout: c.Layout, Footer: c.Footer,
			SHA256: c.SHA256, IssuedAt: c.IssuedAt.UTC()})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) trace(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	q := r.URL.Query()
	epsilon := service.DefaultEpsilon
	if v := q.Get("epsilon"); v != "" {
		var err error
		if epsilon, err = strconv.ParseFloat(v, 64); err != nil {
			return badRequest("pass epsilon a probability strictly between 0 and 1, such as 1e-6 (the default)", "epsilon %q is not a number", v)
		}
	}
	if err := service.CheckEpsilon(epsilon); err != nil {
		return err
	}
	inputs, err := leakInputs(r)
	if err != nil {
		return err
	}
	_, out, err := s.svc.TraceAndLog(r.Context(), inputs, service.TraceOptions{Epsilon: epsilon, Suspects: service.DefaultSuspects})
	if err != nil {
		return err
	}
	outcome := "no_match"
	for _, m := range out.Matches {
		outcome = "unattributed"
		for _, su := range m.Suspects {
			if su.Accused {
				outcome = "accused"
			}
		}
		if outcome == "accused" {
			break
		}
	}
	s.metrics.traced(outcome)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// leakInputs reads a trace's inputs: the files of a multipart form's
// leak field, or the body itself.
func leakInputs(r *http.Request) ([]service.TraceInput, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "leak"
		}
		return []service.TraceInput{{Name: name, Data: data}}, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, multipartError(err)
	}
	var inputs []service.TraceInput
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, multipartError(err)
		}
		if part.FormName() != "leak" {
			return nil, badRequest("send the leak's files in the field leak", "unknown field %q", part.FormName())
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, multipartError(err)
		}
		name := part.FileName()
		if name == "" {
			name = fmt.Sprintf("leak-%d", len(inputs)+1)
		}
		inputs = append(inputs, service.TraceInput{Name: name, Data: data})
	}
	if len(inputs) == 0 {
		return nil, badRequest("send the leak's files in the field leak", "no leak")
	}
	return inputs, nil
}

func (s *Server) checkpoint(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	note, _, err := s.svc.Checkpoint(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(note)
	return nil
}

// entryNumber reads the entry number of a log route.
func entryNumber(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil || n < 0 {
		return 0, badRequest("entries are numbered from 0", "%q is not an entry number", r.PathValue("n"))
	}
	return n, nil
}

func (s *Server) logEntry(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	n, err := entryNumber(r)
	if err != nil {
		return err
	}
	// A stored entry that does not decode is served as it is: the
	// auditor's tools judge it.
	data, _, err := s.svc.Entry(r.Context(), n)
	if data == nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(data)
	return nil
}

func (s *Server) logProof(w http.ResponseWriter, r *http.Request, p *service.Principal) error {
	n, err := entryNumber(r)
	if err != nil {
		return err
	}
	var size int64
	if v := r.URL.Query().Get("size"); v != "" {
		if size, err = strconv.ParseInt(v, 10, 64); err != nil || size < 1 {
			return badRequest("the size is a tree size, at least 1 (the checkpoint's second line is the latest)", "%q is not a tree size", v)
		}
	}
	proof, err := s.svc.Proof(r.Context(), n, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, proof)
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// fail answers err: the one place that words the API's errors. A 4xx
// about the caller's own input says what was wrong with it; a denial
// says only "access denied"; a 5xx says nothing of the cause, which is
// logged.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, hint := errorFor(err)
	if status >= 500 {
		s.log.Error("request failed", "route", route(r), "status", status, "error", err.Error())
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeError(w, status, msg, hint)
}

// errorFor words err as a status, an error and a hint.
func errorFor(err error) (int, string, string) {
	var ae *apiError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.msg, ae.hint
	case errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge, "the request body is too large",
			fmt.Sprintf("send at most %d MiB", max(1, mb.Limit>>20))
	case errors.Is(err, service.ErrForbidden):
		return http.StatusForbidden, "access denied", ""
	case errors.Is(err, service.ErrUnauthenticated):
		return http.StatusUnauthorized, "authentication required", ""
	case errors.Is(err, service.ErrNoEntry):
		return http.StatusNotFound, err.Error(), "entries are numbered from 0; the checkpoint's second line is the log's size"
	case errors.Is(err, leaktrace.ErrNotFound):
		return http.StatusNotFound, err.Error(), ""
	case errors.Is(err, leaktrace.ErrExists), errors.Is(err, service.ErrIDCase):
		return http.StatusConflict, err.Error(), "ids are unique, and differ in more than case: choose another"
	case errors.Is(err, marking.ErrMarking):
		return http.StatusBadRequest, err.Error(), "write a banner such as TOP SECRET//SI//NOFORN, SECRET//REL TO USA, GBR, CONFIDENTIAL or UNCLASSIFIED"
	case errors.Is(err, service.ErrInvalidID):
		return http.StatusBadRequest, err.Error(), "ids use only ASCII letters, digits and . _ @ + -"
	case errors.Is(err, service.ErrInvalidText):
		return http.StatusBadRequest, err.Error(), "remove control, bidirectional and invisible characters from the title"
	case errors.Is(err, service.ErrEpsilon):
		return http.StatusBadRequest, err.Error(), "pass epsilon a probability strictly between 0 and 1, such as 1e-6 (the default)"
	case errors.Is(err, service.ErrLeakTooLarge), errors.Is(err, format.ErrTooLarge), errors.Is(err, docx.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, err.Error(), "send only the pages that leaked"
	case errors.Is(err, layout.ErrGlyph), errors.Is(err, layout.ErrDirection), errors.Is(err, layout.ErrFormat):
		return http.StatusUnprocessableEntity, "this document's copy can't be typeset as a PDF: " + err.Error(),
			"download the copy in the document's own format (without format=pdf)"
	case errors.Is(err, service.ErrEmptyLeak), errors.Is(err, service.ErrBinaryLeak), errors.Is(err, service.ErrLeakInput):
		return http.StatusUnprocessableEntity, err.Error(),
			"send text, a document in a format leaktrace marks (" + format.SupportedNames() + "), a PDF or a PNG, JPEG or TIFF picture"
	case errors.Is(err, format.ErrUnsupported), errors.Is(err, format.ErrUnknownFormat), errors.Is(err, format.ErrFormat),
		errors.Is(err, format.ErrBinary), errors.Is(err, format.ErrInvalidUTF8), errors.Is(err, format.ErrEmpty),
		errors.Is(err, format.ErrMalformed), errors.Is(err, format.ErrOption), errors.Is(err, docx.ErrNotDOCX),
		errors.Is(err, docx.ErrBadXML), errors.Is(err, pdfsrc.ErrEncrypted), errors.Is(err, pdfsrc.ErrNoText),
		errors.Is(err, service.ErrNotIssued):
		return http.StatusUnprocessableEntity, err.Error(), "leaktrace marks " + format.SupportedNames() + " documents, named with their extension"
	case errors.Is(err, leaktrace.ErrChanged):
		return http.StatusConflict, "the document's marking or your access changed while the copy was being made", "try again"
	case errors.Is(err, store.ErrBusy):
		return http.StatusServiceUnavailable, "the store is busy", "retry in a moment"
	case errors.Is(err, pgstore.ErrUnreachable):
		return http.StatusServiceUnavailable, "the store's database server is unreachable", "retry in a moment"
	}
	return http.StatusInternalServerError, "internal error", "the server's log says more"
}

// limiter limits failed attempts per client address: each address has
// a token bucket that failures drain; an address with an empty bucket
// is refused (429) until it refills. Successful requests cost nothing.
type limiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	m     map[string]*rate.Limiter
}

// maxTracked bounds the addresses a limiter remembers; past it, those
// whose bucket has refilled are forgotten.
const maxTracked = 10000

func newLimiter(every rate.Limit, burst int) *limiter {
	return &limiter{every: every, burst: burst, m: map[string]*rate.Limiter{}}
}

// blocked reports whether key has no attempt left.
func (l *limiter) blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.m[key]
	return lim != nil && lim.Tokens() < 1
}

// fail records a failed attempt by key.
func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.m[key]
	if lim == nil {
		if len(l.m) >= maxTracked {
			for k, v := range l.m {
				if v.Tokens() >= float64(l.burst) {
					delete(l.m, k)
				}
			}
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.m[key] = lim
	}
	lim.Allow()
}
