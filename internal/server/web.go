package server

import (
	"context"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/plural"
	"github.com/leaktrace/leaktrace/internal/service"
)

// The web UI: pages rendered on the server with html/template from
// embedded templates, one hand-written style sheet and no script. A
// browser signs in with a password (or OIDC, when configured) and holds a
// session cookie; every request reads the reader afresh from the store
// (Service.PrincipalOf), so a disabled reader or a revoked grant takes
// effect at once.
//
// Every page carries the marking banner of the most highly classified
// document it shows, at its top and bottom.

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// webState is the web UI's own state: sessions, templates, sign-in
// rate limits.
type webState struct {
	pages    map[string]*htmltemplate.Template
	sessions *sessions
	// Sign-in attempts are limited per client address, per address and
	// reader id, and per reader id, whatever the outcome.
	byIP, byPair, byID *signinLimits
	oidc               *oidcClient // nil unless OIDC is configured
	// origin refuses a form posted from another site (by the
	// browser's Sec-Fetch-Site or Origin), before its CSRF token is
	// even read.
	origin *http.CrossOriginProtection
	now    func() time.Time
}

// Page names, one template file each (templates/NAME.html), rendered
// inside templates/layout.html.
var pageNames = []string{"signin", "documents", "document", "issue", "issuedoc", "investigate", "audit", "problem"}

// webRoutes registers the web UI.
func (s *Server) webRoutes(mux *http.ServeMux) error {
	w := &s.web
	w.now = time.Now
	w.pages = map[string]*htmltemplate.Template{}
	for _, name := range pageNames {
		t, err := htmltemplate.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web UI template %s: %w", name, err)
		}
		w.pages[name] = t
	}
	w.sessions = newSessions(w.now)
	w.origin = http.NewCrossOriginProtection()
	w.byIP = newSigninLimits(signinIPRate, signinIPBurst, w.now)
	w.byPair = newSigninLimits(signinPairRate, signinPairBurst, w.now)
	w.byID = newSigninLimits(signinIDRate, signinIDBurst, w.now)
	if err := s.setupOIDC(); err != nil {
		return err
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return err
	}
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.Handle("GET /static/", s.plain(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(rw, r)
	}))

	mux.Handle("GET /signin", s.public(s.signinPage))
	mux.Handle("POST /signin", s.public(s.signin))
	mux.Handle("POST /signout", s.page("", s.signout))
	mux.Handle("GET /oidc/login", s.public(s.oidcLogin))
	mux.Handle("GET /oidc/callback", s.public(s.oidcCallback))

	mux.Handle("GET /{$}", s.page("", s.documentsPage))
	mux.Handle("GET /documents/{id}", s.page("", s.documentPage))
	mux.Handle("GET /documents/{id}/frame", s.page("", s.documentFrame))
	mux.Handle("GET /documents/{id}/download", s.page("", s.download))

	mux.Handle("GET /issue", s.page(service.RoleIssuer, s.issuePage))
	mux.Handle("POST /issue", s.upload(service.RoleIssuer, s.uploadForm))
	mux.Handle("GET /issue/{id}", s.page(service.RoleIssuer, s.issueDocPage))
	mux.Handle("POST /issue/{id}/marking", s.page(service.RoleIssuer, s.markingForm))
	mux.Handle("POST /issue/{id}/grants", s.page(service.RoleIssuer, s.grantsForm))

	mux.Handle("GET /investigate", s.page(service.RoleInvestigator, s.investigatePage))
	mux.Handle("POST /investigate", s.upload(service.RoleInvestigator, s.investigate))

	mux.Handle("GET /audit", s.page(service.RoleAuditor, s.auditPage))
	return nil
}

// view is what a page's template gets, and what a handler fills in.
type view struct {
	Title  string
	Banner string // the marking banner shown at the top and bottom ("" none)
	User   *service.Principal
	CSRF   string
	Nav    string // the current section, for aria-current
	Data   any

	session *session
	status  int
}

// webError is a failure shown to the user as a friendly page.
type webError struct {
	Status  int
	Title   string
	Message string
	Hint    string
}

func (e *webError) Error() string { return e.Message }

var (
	errNoPage = &webError{Status: http.StatusNotFound, Title: "Not found",
		Message: "There is no such page.", Hint: "Use the links at the top of the page."}
	errNoDocument = &webError{Status: http.StatusNotFound, Title: "Not found",
		Message: "There is no such document.", Hint: "Your documents are listed on the first page."}
	errDenied = &webError{Status: http.StatusForbidden, Title: "Access denied",
		Message: "Access denied. Your request was recorded in the custody log.",
		Hint:    "If you need this document, ask its issuer: a reader needs the clearance its marking requires and a grant."}
	errRoleDenied = &webError{Status: http.StatusForbidden, Title: "Access denied",
		Message: "Access denied: this page is not open to you. Your request was recorded in the custody log.",
		Hint:    "An administrator can give you the role this page needs."}
	errSignedOut = &webError{Status: http.StatusUnauthorized, Title: "Signed out",
		Message: "You are no longer signed in.", Hint: "Sign in again; if you can't, ask an administrator."}
	errCSRF = &webError{Status: http.StatusForbidden, Title: "Form expired",
		Message: "This form has expired or did not come from this site, so nothing was done.",
		Hint:    "Go back, reload the page and send the form again."}
	errChanged = &webError{Status: http.StatusConflict, Title: "Changed meanwhile",
		Message: "The document's marking or your access changed while this request was being decided, so nothing was done.",
		Hint:    "Reload the page and try again."}
	errInternal = &webError{Status: http.StatusInternalServerError, Title: "Something went wrong",
		Message: "Something went wrong on the server, and nothing was changed by this request.",
		Hint:    "Try again; if it happens again, tell the administrator the time it happened."}
)

// Limits of a form: the whole request, and what is kept in memory of
// it (the rest of a large upload goes to temporary files). Only the
// upload forms (an issuer's document, an investigator's leak) take
// maxPostBody, and their body is read only once the session and its
// role are checked; every other form (sign-in, sign-out, marking,
// grants) takes maxSmallBody, whoever sends it.
const (
	maxPostBody   = 2*service.MaxLeakInput + 1<<20
	maxSmallBody  = 16 << 10
	maxFormMemory = 32 << 20
)

var (
	errTooLarge = &webError{Status: http.StatusRequestEntityTooLarge, Title: "Too large",
		Message: fmt.Sprintf("What was sent is larger than the %d MiB an upload form takes, so nothing was done.", maxPostBody>>20),
		Hint:    "Send fewer or smaller files."}
	errFormTooLarge = &webError{Status: http.StatusRequestEntityTooLarge, Title: "Too large",
		Message: "What was sent is larger than this form takes, so nothing was done.",
		Hint:    "Reload the page and send the form again."}
	errBadForm = &webError{Status: http.StatusBadRequest, Title: "Form not understood",
		Message: "The form could not be read, so nothing was done.", Hint: "Reload the page and send the form again."}
)

// handlerFunc is a page's handler: it writes the response itself, or
// returns an error shown as a friendly page.
type handlerFunc func(w http.ResponseWriter, r *http.Request, v *view) error

// plain wraps a handler with the security headers and recovery.
func (s *Server) plain(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		defer s.recoverPanic(w, r)
		h(w, r)
	})
}

// public serves a page open to everyone, signed in or not.
func (s *Server) public(h handlerFunc) http.Handler {
	return s.handle("", false, maxSmallBody, h)
}

// page serves a page for a signed-in reader holding role ("" any).
func (s *Server) page(role string, h handlerFunc) http.Handler {
	return s.handle(role, true, maxSmallBody, h)
}

// upload serves an upload form for a signed-in reader holding role:
// the body may be large, and is read only after the role is checked.
func (s *Server) upload(role string, h handlerFunc) http.Handler {
	return s.handle(role, true, maxPostBody, h)
}

// handle runs h: security headers, the session and its principal, the
// CSRF check of every POST, the role, and errors as friendly pages. A
// POST's body is read under limit; a large one (limit above
// maxSmallBody) only after the role is checked, so a reader without it
// can't make the server read it.
func (s *Server) handle(role string, signedIn bool, limit int64, h handlerFunc) http.Handler {
	return s.plain(func(w http.ResponseWriter, r *http.Request) {
		v := &view{}
		ctx := r.Context()
		if sess := s.web.sessions.get(s.sessionCookie(r)); sess != nil {
			p, err := s.svc.PrincipalOf(ctx, sess.reader, sess.via)
			if err == nil && sess.via == "password" {
				err = s.sameCredential(ctx, sess)
			}
			switch {
			case err == nil:
				v.session, v.User, v.CSRF = sess, p, sess.csrf
				setActor(r, p.ID)
				ctx = service.WithActor(ctx, p.ID)
				r = r.WithContext(ctx)
			case errors.Is(err, service.ErrUnauthenticated):
				// Disabled or removed since they signed in, or their
				// password set again: out at once.
				s.web.sessions.drop(sess.id)
				s.clearSessionCookie(w)
			default:
				s.failPage(w, r, v, err)
				return
			}
		}
		if signedIn && r.Method == http.MethodHead {
			// A page's copy would be issued and logged, and not sent.
			w.Header().Set("Allow", "GET")
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		if signedIn && v.User == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/signin", http.StatusSeeOther)
				return
			}
			s.failPage(w, r, v, errCSRF)
			return
		}
		large := limit > maxSmallBody
		if r.Method == http.MethodPost {
			if s.web.origin.Check(r) != nil {
				s.failPage(w, r, v, errCSRF)
				return
			}
			if large && !s.checkRole(w, r, v, role) {
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			// ParseMultipartForm drops the error of a URL-encoded body
			// (too large, say): ParseForm first says it.
			err := r.ParseForm()
			if err == nil {
				err = r.ParseMultipartForm(maxFormMemory)
			}
			if err != nil && !errors.Is(err, http.ErrNotMultipart) {
				var tooLarge *http.MaxBytesError
				switch {
				case errors.As(err, &tooLarge) && large:
					s.failPage(w, r, v, errTooLarge)
				case errors.As(err, &tooLarge):
					s.failPage(w, r, v, errFormTooLarge)
				default:
					s.failPage(w, r, v, errBadForm)
				}
				return
			}
		}
		if r.Method == http.MethodPost && signedIn && !s.validCSRF(r, v.session) {
			s.failPage(w, r, v, errCSRF)
			return
		}
		if !(large && r.Method == http.MethodPost) && !s.checkRole(w, r, v, role) {
			return
		}
		if err := h(w, r, v); err != nil {
			s.failPage(w, r, v, err)
		}
	})
}

// sameCredential returns ErrUnauthenticated if the password sess
// signed in with has been set again (or removed) since.
func (s *Server) sameCredential(ctx context.Context, sess *session) error {
	now, err := s.svc.PasswordVersion(ctx, sess.reader)
	if err != nil {
		return err
	}
	if now == "" || !sameToken(now, sess.credential) {
		return service.ErrUnauthenticated
	}
	return nil
}

// checkRole reports whether the signed-in reader of v holds role ("" any);
// if not, it logs the denial and answers with the friendly page.
func (s *Server) checkRole(w http.ResponseWriter, r *http.Request, v *view, role string) bool {
	if role == "" || v.User.Has(role) {
		return true
	}
	err := s.svc.LogDenied(r.Context(), v.User, deniedAction(r), r.PathValue("id"), "role", "needs the "+role+" role")
	if err != nil && !errors.Is(err, service.ErrForbidden) {
		s.failPage(w, r, v, err)
		return false
	}
	s.failPage(w, r, v, errRoleDenied)
	return false
}

// deniedAction is what a denied entry says a reader without the role a
// page needs asked for (one of custody.DeniedActions).
func deniedAction(r *http.Request) string {
	switch r.Pattern {
	case "GET /issue/{id}":
		return "holders"
	case "POST /issue/{id}/marking":
		return "mark"
	case "POST /issue/{id}/grants":
		if r.PostFormValue("action") == "revoke" {
			return "revoke"
		}
		return "grant"
	case "GET /investigate", "POST /investigate":
		return "trace"
	case "GET /audit":
		return "log"
	}
	return "register" // the issuer's list and upload
}

// recoverPanic turns a panic into the friendly error page: a stack
// trace goes to the log, never to the browser.
func (s *Server) recoverPanic(w http.ResponseWriter, r *http.Request) {
	if p := recover(); p != nil {
		if p == http.ErrAbortHandler {
			panic(p)
		}
		s.log.Error("panic serving a page", "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		s.render(w, "problem", &view{Title: errInternal.Title, Data: errInternal, status: errInternal.Status})
	}
}

// failPage shows err as a friendly page: a known failure with its own
// words, anything else as an internal error (logged, not shown).
func (s *Server) failPage(w http.ResponseWriter, r *http.Request, v *view, err error) {
	var we *webError
	switch {
	case errors.As(err, &we):
	case errors.Is(err, leaktrace.ErrNotFound):
		we = errNoDocument
	case errors.Is(err, service.ErrForbidden):
		we = errDenied
	case errors.Is(err, service.ErrUnauthenticated):
		// Disabled while the request ran.
		we = errSignedOut
	case errors.Is(err, leaktrace.ErrChanged):
		we = errChanged
	case errors.Is(err, context.Canceled):
		return
	default:
		s.log.Error("serving a page", "path", r.URL.Path, "error", err.Error())
		we = errInternal
	}
	v.Title, v.Data, v.status, v.Banner = we.Title, we, we.Status, ""
	s.render(w, "problem", v)
}

// render writes page with v, with status v.status (200 if 0).
func (s *Server) render(w http.ResponseWriter, page string, v *view) {
	t := s.web.pages[page]
	var b strings.Builder
	if err := t.Execute(&b, v); err != nil {
		s.log.Error("rendering a page", "page", page, "error", err.Error())
		http.Error(w, "Something went wrong on the server.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	status := v.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = strings.NewReader(b.String()).WriteTo(w)
}

// pageCSP is the Content-Security-Policy of every page: nothing but this
// site's own style sheet and, for documents shown in a frame, this site's
// own framed copies; no script at all, no plugin, no form posting
// elsewhere, and no framing by anyone.
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// securityHeaders sets the headers every web UI response carries.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// templateFuncs are the helpers the templates use.
var templateFuncs = htmltemplate.FuncMap{
	"bannerClass": bannerClass,
	"has":         func(p *service.Principal, role string) bool { return p != nil && p.Has(role) },
	"pvalue":      formatP,
	"join":        strings.Join,
	"count":       func(n any, noun string) string { return plural.Count(toInt(n), noun) },
	"entryTime": func(s string) string {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"percent": func(a, b int) string {
		if b == 0 {
			return "0%"
		}
		return fmt.Sprintf("%.0f%%", 100*float64(a)/float64(b))
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
}

// toInt reads a count a template holds as an int or an int64.
func toInt(n any) int {
	switch n := n.(type) {
	case int:
		return n
	case int64:
		return int(n)
	}
	return 0
}

// formatP writes a p-value as the CLI's report does.
func formatP(p float64) string {
	switch {
	case p == 0:
		return "<1e-300"
	case p >= 1:
		return "1"
	case p >= 0.001:
		return fmt.Sprintf("%.3f", p)
	}
	return fmt.Sprintf("%.1e", p)
}

// bannerClass is the CSS class of a canonical banner: the colours of
// its level (TOP SECRET with SCI compartments has its own).
func bannerClass(banner string) string {
	switch r := bannerRank(banner); {
	case r >= rankTSSCI:
		return "banner-tssci"
	case r >= rankTS:
		return "banner-ts"
	case r >= rankS:
		return "banner-s"
	case r >= rankC:
		return "banner-c"
	case r >= rankU:
		return "banner-u"
	}
	return "banner-none"
}

// Ranks of banners, for choosing the highest a page shows.
const (
	rankNone = iota
	rankU
	rankC
	rankS
	rankTS
	rankTSSCI
)

// bannerRank orders canonical banners ("TOP SECRET//SI//NOFORN") by
// level, then by whether they carry SCI compartments.
func bannerRank(banner string) int {
	parts := strings.Split(banner, "//")
	level := parts[0]
	sci := len(parts) > 1 && !strings.HasPrefix(parts[1], "NOFORN") && !strings.HasPrefix(parts[1], "REL TO")
	switch level {
	case "TOP SECRET":
		if sci {
			return rankTSSCI
		}
		return rankTS
	case "SECRET":
		return rankS
	case "CONFIDENTIAL":
		return rankC
	case "UNCLASSIFIED":
		return rankU
	}
	return rankNone
}

// highest returns the most highly classified of banners (of equal
// rank, the longest, which carries the most controls): the banner of a
// page that shows several documents.
func highest(banners []string) string {
	best, rank := "", rankNone
	for _, b := range banners {
		if r := bannerRank(b); r > rank || r == rank && rank > rankNone && len(b) > len(best) {
			best, rank = b, r
		}
	}
	return best
}
