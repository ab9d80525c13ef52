package server

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/marking"
	"github.com/leaktrace/leaktrace/internal/service"
)

// The issuer's pages: register a document with its marking, change the
// marking, grant and revoke readers, see who holds copies.

// issueRow is one document of the issuer's list.
type issueRow struct {
	Doc     *leaktrace.Document
	Grants  int
	Holders int
}

// issueData is the issuer's list page's data.
type issueData struct {
	Rows   []issueRow
	Done   string // what the last form did
	Failed string // why the upload failed
	Form   url.Values
}

// issuePage lists the documents the issuer is cleared for (unmarked
// ones too, which are served to nobody until marked) with the upload
// form.
func (s *Server) issuePage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderIssue(w, r, v, &issueData{Done: doneMessage(r.URL.Query().Get("done"), r.URL.Query().Get("doc"))})
}

func (s *Server) renderIssue(w http.ResponseWriter, r *http.Request, v *view, d *issueData) error {
	ctx := r.Context()
	docs, err := s.svc.IssuerDocuments(ctx, v.User)
	if err != nil {
		return err
	}
	copies, err := s.svc.Store.Copies(ctx, "")
	if err != nil {
		return err
	}
	holders := map[string]map[string]bool{}
	for _, c := range copies {
		if holders[c.Document] == nil {
			holders[c.Document] = map[string]bool{}
		}
		holders[c.Document][c.Recipient] = true
	}
	var banners []string
	for _, doc := range docs {
		g, err := s.svc.Store.Grants(ctx, doc.ID)
		if err != nil {
			return err
		}
		d.Rows = append(d.Rows, issueRow{Doc: doc, Grants: len(g), Holders: len(holders[doc.ID])})
		banners = append(banners, doc.Marking)
	}
	if d.Form == nil {
		d.Form = url.Values{}
	}
	v.Title, v.Nav, v.Banner, v.Data = "Issue documents", "issue", highest(banners), d
	if d.Failed != "" {
		v.status = http.StatusBadRequest
	}
	s.render(w, "issue", v)
	return nil
}

// uploadForm registers an uploaded document with its marking.
func (s *Server) uploadForm(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	banner := strings.TrimSpace(r.PostFormValue("marking"))
	form := url.Values{"id": {r.PostFormValue("id")}, "title": {r.PostFormValue("title")}, "marking": {banner}}
	fail := func(msg string) error {
		return s.renderIssue(w, r, v, &issueData{Failed: msg, Form: form})
	}
	// The marking is checked first: a document is never registered
	// without the marking its issuer meant to give it.
	if _, err := marking.Parse(banner); err != nil {
		return fail("The marking was not understood: " + err.Error() + ". Write a banner such as SECRET//REL TO USA, GBR.")
	}
	// An issuer registers a document only at a marking they are cleared
	// for (a refusal is logged).
	if err := s.svc.MayRegister(ctx, v.User, strings.TrimSpace(r.PostFormValue("id")), banner); err != nil {
		if msg, ok := userMessage(err); ok {
			return fail("The document was not registered: " + msg + ".")
		}
		return err
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		return fail("Choose the document's file.")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, format.MaxSize+1))
	if err != nil {
		return err
	}
	name := filepath.Base(fh.Filename)
	doc, err := s.svc.AddDocumentWith(ctx, name, data, service.AddOptions{
		ID: strings.TrimSpace(r.PostFormValue("id")), Title: strings.TrimSpace(r.PostFormValue("title"))})
	if err != nil {
		if msg, ok := userMessage(err); ok {
			return fail("The document was not registered: " + msg + ".")
		}
		return err
	}
	if _, err := s.svc.MarkAs(ctx, v.User, doc.ID, banner); err != nil {
		if msg, ok := userMessage(err); ok {
			return fail("The document " + doc.ID + " was registered, but its marking was not set: " + msg + ". Set it on the document's page; until then it is served to nobody.")
		}
		return err
	}
	http.Redirect(w, r, "/issue/"+url.PathEscape(doc.ID)+"?done=registered", http.StatusSeeOther)
	return nil
}

// userMessage returns the message of an error caused by what the user
// sent (a file that is no document, an id taken, a marking not
// understood, an unknown reader), which the page shows; ok is false for
// any other error.
func userMessage(err error) (string, bool) {
	for _, e := range []error{
		format.ErrEmpty, format.ErrTooLarge, format.ErrInvalidUTF8, format.ErrBinary, format.ErrFormat, format.ErrMalformed,
		service.ErrInvalidID, service.ErrNotIssued, leaktrace.ErrExists, leaktrace.ErrNotFound, marking.ErrMarking,
		service.ErrLeakTooLarge, service.ErrLeakInput,
	} {
		if errors.Is(err, e) {
			return err.Error(), true
		}
	}
	return "", false
}

// doneMessage says what a form just did, after its redirect.
func doneMessage(done, doc string) string {
	switch done {
	case "registered":
		return "The document was registered with its marking. Grant it to readers below."
	case "marking":
		return "The marking was set."
	case "granted":
		return "The readers were granted the document."
	case "revoked":
		return "The grants were revoked. The readers' past copies stay in the custody log."
	}
	return ""
}

// issueDocData is the page of one document for its issuer.
type issueDocData struct {
	Doc     *leaktrace.Document
	Grants  []string
	Copies  []leaktrace.Copy
	Readers []string // every reader id, for the grant form's suggestions
	Done    string
	Failed  string
}

// issueDocPage shows a document's marking, grants and holders, with the
// forms that change them.
func (s *Server) issueDocPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderIssueDoc(w, r, v, r.PathValue("id"), doneMessage(r.URL.Query().Get("done"), ""), "")
}

func (s *Server) renderIssueDoc(w http.ResponseWriter, r *http.Request, v *view, id, done, failed string) error {
	ctx := r.Context()
	doc, err := s.svc.IssuerDocument(ctx, v.User, "issue", id)
	if err != nil {
		return err
	}
	doc.Content = nil
	d := &issueDocData{Doc: doc, Done: done, Failed: failed}
	if d.Grants, err = s.svc.Store.Grants(ctx, id); err != nil {
		return err
	}
	if d.Copies, err = s.svc.Store.Copies(ctx, id); err != nil {
		return err
	}
	if d.Readers, err = s.svc.Store.RecipientIDs(ctx); err != nil {
		return err
	}
	v.Title, v.Nav, v.Banner, v.Data = "Issue "+doc.ID, "issue", doc.Marking, d
	if failed != "" {
		v.status = http.StatusBadRequest
	}
	s.render(w, "issuedoc", v)
	return nil
}

// markingForm changes a document's marking.
func (s *Server) markingForm(w http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	if _, err := s.svc.MarkAs(r.Context(), v.User, id, strings.TrimSpace(r.PostFormValue("marking"))); err != nil {
		if msg, ok := userMessage(err); ok && !errors.Is(err, leaktrace.ErrNotFound) {
			return s.renderIssueDoc(w, r, v, id, "", "The marking was not set: "+msg+".")
		}
		return err
	}
	http.Redirect(w, r, "/issue/"+url.PathEscape(id)+"?done=marking", http.StatusSeeOther)
	return nil
}

// grantsForm grants the readers named in the form, or revokes those
// ticked.
func (s *Server) grantsForm(w http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	var (
		readers []string
		err     error
		done    string
	)
	switch r.PostFormValue("action") {
	case "grant":
		readers = strings.FieldsFunc(r.PostFormValue("readers"), func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t' })
		if len(readers) == 0 {
			return s.renderIssueDoc(w, r, v, id, "", "Name the readers to grant, separated by commas or spaces.")
		}
		err, done = s.svc.GrantAs(r.Context(), v.User, id, readers), "granted"
	case "revoke":
		readers = r.PostForm["reader"]
		if len(readers) == 0 {
			return s.renderIssueDoc(w, r, v, id, "", "Tick the readers whose grant to revoke.")
		}
		err, done = s.svc.RevokeAs(r.Context(), v.User, id, readers), "revoked"
	default:
		return &webError{Status: http.StatusBadRequest, Title: "Unknown request",
			Message: "The form asked for nothing this page does.", Hint: "Reload the page and use its buttons."}
	}
	if err != nil {
		if msg, ok := userMessage(err); ok {
			return s.renderIssueDoc(w, r, v, id, "", "Nothing was changed: "+msg+".")
		}
		return err
	}
	http.Redirect(w, r, "/issue/"+url.PathEscape(id)+"?done="+done, http.StatusSeeOther)
	return nil
}
