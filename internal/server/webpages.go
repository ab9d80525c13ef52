package server

import (
	"errors"
	htmltemplate "html/template"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/service"
)

// Sign-in, the reader's documents, reading and downloading a copy.

// errSignin is the one answer to every failed sign-in: a wrong password,
// an unknown reader, one without a password, a disabled one, too many
// attempts. It never says which.
var errSignin = "Sign-in failed. Check your reader id and password; after several failed attempts, wait a minute before trying again."

// Longest reader id and password a sign-in form may send.
const (
	maxIDLen       = 256
	maxPasswordLen = 1024
)

// signinData is the sign-in page's data.
type signinData struct {
	ID     string
	Failed string
	OIDC   bool
}

// signinPage shows the sign-in form, with a fresh token that ties the
// form to this browser (a sign-in form posted from another site fails).
func (s *Server) signinPage(w http.ResponseWriter, r *http.Request, v *view) error {
	if v.User != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	s.renderSignin(w, v, "", "", http.StatusOK)
	return nil
}

func (s *Server) renderSignin(w http.ResponseWriter, v *view, id, failed string, status int) {
	token := randomToken()
	s.setCookie(w, s.signinCookieName(), token, int(signinTokenAge.Seconds()), false)
	v.Title, v.CSRF, v.status = "Sign in", token, status
	v.User = nil
	v.Data = signinData{ID: id, Failed: failed, OIDC: s.web.oidc != nil}
	s.render(w, "signin", v)
}

// signin checks a password and starts a session.
func (s *Server) signin(w http.ResponseWriter, r *http.Request, v *view) error {
	c, err := r.Cookie(s.signinCookieName())
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		return errCSRF
	}
	id := strings.TrimSpace(r.PostFormValue("id"))
	password := r.PostFormValue("password")
	// Lengths first: an overlong id is neither a limiter's key nor
	// echoed back.
	if id == "" || len(id) > maxIDLen || password == "" || len(password) > maxPasswordLen {
		if len(id) > maxIDLen {
			id = ""
		}
		s.renderSignin(w, v, id, errSignin, http.StatusUnauthorized)
		return nil
	}
	// Every attempt counts, whether it succeeds or not and whether the id
	// exists or not: against the address, against the address and the
	// id together (strictly), and against the id from any address
	// (loosely, so that no one can lock a reader out but with many
	// addresses). A refused attempt does a sign-in's work all the same.
	ip, key := s.clientKey(r), strings.ToLower(id)
	if !s.web.byIP.allow(ip) || !s.web.byPair.allow(ip+"\x00"+key) || !s.web.byID.allow(key) {
		s.log.Warn("sign-in rate limited", "ip", ip)
		if err := s.svc.SignInRefused(r.Context(), password); err != nil {
			return err
		}
		s.renderSignin(w, v, id, errSignin, http.StatusTooManyRequests)
		return nil
	}
	// The password's version is read before it is checked: if it is set
	// again in between, the session is already out of date, never the
	// other way round.
	credential, err := s.svc.PasswordVersion(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.svc.SignIn(r.Context(), id, password)
	if errors.Is(err, service.ErrUnauthenticated) {
		s.log.Info("sign-in failed", "ip", s.clientKey(r))
		s.renderSignin(w, v, id, errSignin, http.StatusUnauthorized)
		return nil
	}
	if err != nil {
		return err
	}
	if !s.startSession(w, r, p.ID, "password", credential) {
		return errInternal
	}
	s.setCookie(w, s.signinCookieName(), "", -1, false)
	s.log.Info("signed in", "reader", p.ID, "via", "password")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// signout ends the session.
func (s *Server) signout(w http.ResponseWriter, r *http.Request, v *view) error {
	s.web.sessions.drop(v.session.id)
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

// documentsPage lists the documents the reader may read now.
func (s *Server) documentsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	docs, err := s.svc.Readable(r.Context(), v.User)
	if err != nil {
		return err
	}
	var banners []string
	for _, d := range docs {
		banners = append(banners, d.Marking)
	}
	v.Title, v.Nav, v.Banner, v.Data = "My documents", "documents", highest(banners), docs
	s.render(w, "documents", v)
	return nil
}

// How a copy is shown in the browser.
const (
	showText  = "text"  // in a <pre>, every character as it is
	showFrame = "frame" // HTML and PDF, in a frame of their own
)

// documentData is the reading page's data.
type documentData struct {
	Doc  *leaktrace.Document
	Show string
	Text htmltemplate.HTML // the copy's text (showText), escaped by copyText
	// Extracted: Text is the text of a binary copy (DOCX), not the copy.
	Extracted bool
	Typeset   bool // a PDF copy can be downloaded too
	SHA256    string
	LogEntry  int64
}

// showAs says how a document of format kind is shown.
func showAs(kind string) string {
	if kind == "html" || kind == "pdf" {
		return showFrame
	}
	return showText
}

// documentPage shows the reader's own copy. Text formats are delivered
// (and logged) here; an HTML or PDF copy is delivered by the frame the
// page holds, so that one reading is one access entry.
func (s *Server) documentPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	id := r.PathValue("id")
	doc, err := s.svc.Authorize(ctx, v.User, id)
	if err != nil {
		return s.denied(r, v, "view", id, err)
	}
	d := &documentData{Doc: doc, Show: showAs(doc.Format)}
	if f := format.ByKind(doc.Format); f != nil {
		d.Typeset = f.Typeset
	}
	if d.Show == showText {
		dl, err := s.svc.Deliver(ctx, v.User, id, service.DeliverOptions{Action: "view"})
		if err != nil {
			return err
		}
		d.Doc, d.SHA256, d.LogEntry = dl.Document, dl.SHA256, dl.LogEntry
		text := string(dl.Data)
		if f := format.ByKind(doc.Format); f != nil && f.Binary && f.LeakText != nil {
			if text, err = f.LeakText(dl.Data); err != nil {
				return err
			}
			d.Extracted = true
		}
		d.Text = copyText(text)
	}
	v.Title, v.Nav, v.Banner, v.Data = d.Doc.Title, "documents", d.Doc.Marking, d
	if v.Title == "" {
		v.Title = d.Doc.ID
	}
	s.render(w, "document", v)
	return nil
}

// copyText escapes a copy's text for a <pre> so that the page's text is
// the copy's, character for character: HTML's own characters are
// escaped, a carriage return is written as a reference (a parser turns
// a raw CR LF into LF), and a newline goes first (a parser drops the
// first newline of a <pre>, which would eat the copy's own). Bytes that
// are not UTF-8 (an email's other charsets) are shown as U+FFFD.
func copyText(s string) htmltemplate.HTML {
	s = htmltemplate.HTMLEscapeString(strings.ToValidUTF8(s, "\uFFFD"))
	return htmltemplate.HTML("\n" + strings.ReplaceAll(s, "\r", "&#13;"))
}

// denied turns a refusal of Authorize into the friendly error, logging
// it first (Authorize logs nothing).
func (s *Server) denied(r *http.Request, v *view, action, doc string, err error) error {
	var de *service.DeniedError
	if errors.As(err, &de) {
		if lerr := s.svc.LogDenied(r.Context(), v.User, action, doc, de.Reason, de.Detail); lerr != nil && !errors.Is(lerr, service.ErrForbidden) {
			return lerr
		}
		return errDenied
	}
	return err
}

// frameCSP is the policy of a copy shown in a frame: an HTML copy runs
// no script, loads nothing from anywhere, and is sandboxed in an opaque
// origin; only this site's pages may frame it.
const (
	frameCSPHTML = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
	frameCSPPDF  = "default-src 'none'; frame-ancestors 'self'"
)

// documentFrame delivers an HTML or PDF copy for the frame of its
// reading page.
func (s *Server) documentFrame(w http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	dl, err := s.svc.Deliver(r.Context(), v.User, id, service.DeliverOptions{Action: "view"})
	if err != nil {
		return err
	}
	h := w.Header()
	if dl.Document.Format == "html" {
		h.Set("Content-Security-Policy", frameCSPHTML)
	} else {
		h.Set("Content-Security-Policy", frameCSPPDF)
	}
	h.Set("X-Frame-Options", "SAMEORIGIN")
	s.sendCopy(w, dl, "inline")
	return nil
}

// download delivers the reader's copy as a file: in the document's own
// format, or typeset (?format=pdf).
func (s *Server) download(w http.ResponseWriter, r *http.Request, v *view) error {
	f := r.URL.Query().Get("format")
	if f != "" && f != leaktrace.FormatPDF {
		return &webError{Status: http.StatusBadRequest, Title: "No such format",
			Message: "A copy can be downloaded in the document's own format or as PDF.",
			Hint:    "Use the download links of the document's page."}
	}
	dl, err := s.svc.Deliver(r.Context(), v.User, r.PathValue("id"), service.DeliverOptions{Action: "download", Format: f})
	if err != nil {
		return err
	}
	s.sendCopy(w, dl, "attachment")
	return nil
}

// sendCopy writes a delivered copy, its bytes as they are.
func (s *Server) sendCopy(w http.ResponseWriter, dl *service.Delivery, disposition string) {
	h := w.Header()
	ct := dl.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	cd := mime.FormatMediaType(disposition, map[string]string{"filename": dl.Filename})
	if dl.Filename == "" || cd == "" {
		cd = disposition
	}
	h.Set("Content-Disposition", cd)
	h.Set("Content-Length", strconv.Itoa(len(dl.Data)))
	h.Set("X-Leaktrace-Log-Entry", strconv.FormatInt(dl.LogEntry, 10))
	_, _ = w.Write(dl.Data)
}
