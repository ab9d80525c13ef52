package server

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/service"
)

// The investigator's page (trace a leak) and the auditor's (the custody
// log).

// investigateData is the investigator's page's data.
type investigateData struct {
	Failed  string
	Leak    string
	Report  *service.TraceJSON
	Marking map[string]string // matched documents' markings
	Epsilon float64
}

// investigatePage shows the form to paste or upload a leak.
func (s *Server) investigatePage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav, v.Data = "Trace a leak", "investigate", &investigateData{Epsilon: service.DefaultEpsilon}
	s.render(w, "investigate", v)
	return nil
}

// investigate traces the pasted text and the uploaded files as one leak,
// logs the trace, and shows the report with its evidence.
func (s *Server) investigate(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	d := &investigateData{Epsilon: service.DefaultEpsilon, Leak: r.PostFormValue("leak")}
	v.Title, v.Nav, v.Data = "Trace a leak", "investigate", d
	fail := func(msg string) error {
		d.Failed, v.status = msg, http.StatusBadRequest
		s.render(w, "investigate", v)
		return nil
	}
	if e := strings.TrimSpace(r.PostFormValue("epsilon")); e != "" {
		eps, err := strconv.ParseFloat(e, 64)
		if err == nil {
			err = service.CheckEpsilon(eps)
		}
		if err != nil {
			return fail("The false-accusation bound must be a number between 0 and 1, such as 1e-6.")
		}
		d.Epsilon = eps
	}
	var inputs []service.TraceInput
	if strings.TrimSpace(d.Leak) != "" {
		inputs = append(inputs, service.TraceInput{Name: "pasted text", Data: []byte(d.Leak)})
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["files"] {
			data, err := readUpload(fh)
			if err != nil {
				return err
			}
			if len(data) > 0 {
				inputs = append(inputs, service.TraceInput{Name: filepath.Base(fh.Filename), Data: data})
			}
		}
	}
	if len(inputs) == 0 {
		return fail("Paste the leaked text, or choose the leaked files (text, PDF or pictures).")
	}
	_, out, err := s.svc.TraceAndLog(ctx, inputs, service.TraceOptions{Epsilon: d.Epsilon, Suspects: service.DefaultSuspects})
	if err != nil {
		if msg, ok := userMessage(err); ok && !errors.Is(err, leaktrace.ErrNotFound) {
			return fail("The leak could not be traced: " + msg + ".")
		}
		return err
	}
	d.Report, d.Marking = out, map[string]string{}
	var banners []string
	for _, m := range out.Matches {
		doc, err := s.svc.Store.Document(ctx, m.Document)
		if err != nil {
			return err
		}
		d.Marking[m.Document] = doc.Marking
		banners = append(banners, doc.Marking)
	}
	// The report quotes the documents it matched: it carries their
	// highest marking.
	v.Banner = highest(banners)
	s.render(w, "investigate", v)
	return nil
}

// readUpload reads an uploaded file, at most service.MaxLeakInput+1
// bytes (the trace refuses a larger one).
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, service.MaxLeakInput+1))
}

// auditPageSize is how many log entries the auditor's page lists.
const auditPageSize = 50

// auditEntry is one listed custody-log entry.
type auditEntry struct {
	Index int64
	Entry *custody.Entry
	Bad   string // why it can't be decoded
}

// auditData is the auditor's page's data.
type auditData struct {
	Checkpoint string
	Size       int64
	Entries    []auditEntry
	Newer      int64 // the before= of the page of newer entries, 0 for none
	Older      int64 // the before= of the page of older entries, 0 for none
	Verified   bool
	Verify     *service.Report
}

// auditPage shows the latest signed checkpoint, a page of the log's
// entries, newest first, and, when asked, the result of verifying the
// whole log (log verify).
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	note, _, err := s.svc.Checkpoint(ctx)
	if err != nil {
		return err
	}
	size, err := s.svc.Store.LogSize(ctx)
	if err != nil {
		return err
	}
	d := &auditData{Checkpoint: string(note), Size: size}
	end := size
	if b := r.URL.Query().Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 1 {
			return &webError{Status: http.StatusBadRequest, Title: "No such page",
				Message: "That page of the log does not exist.", Hint: "Start from the latest entries."}
		}
		end = min(n, size)
	}
	start := max(0, end-auditPageSize)
	if end > start {
		recs, err := s.svc.Store.LogEntries(ctx, start, end)
		if err != nil {
			return err
		}
		for i := len(recs) - 1; i >= 0; i-- {
			e := auditEntry{Index: start + int64(i)}
			if e.Entry, err = custody.Decode(recs[i].Data); err != nil {
				e.Bad = err.Error()
			}
			d.Entries = append(d.Entries, e)
		}
	}
	if start > 0 {
		d.Older = start
	}
	if end < size {
		d.Newer = min(size, end+auditPageSize)
	}
	if r.URL.Query().Get("verify") != "" {
		if d.Verify, err = s.svc.VerifyLog(ctx, nil); err != nil {
			return err
		}
		d.Verified = true
	}
	v.Title, v.Nav, v.Data = "Custody log", "audit", d
	s.render(w, "audit", v)
	return nil
}
