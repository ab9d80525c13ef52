package service

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marking"
)

// The vault: who may do what, and the operations the server offers on
// top of the CLI's. Every decision reads the store afresh: nothing is
// cached past a revocation, a change of clearance or a disabled reader.

// Roles a reader may hold (leaktrace.Recipient.Roles).
const (
	RoleReader       = "reader"       // lists and reads the documents the rules allow (everyone)
	RoleIssuer       = "issuer"       // registers documents, sets markings, grants readers
	RoleInvestigator = "investigator" // traces leaks
	RoleAuditor      = "auditor"      // reads and verifies the custody log
	RoleAdmin        = "admin"        // all of the above but reading, and manages readers and tokens
)

// Errors of the vault.
var (
	// ErrUnauthenticated: no valid credentials (a wrong password, an
	// unknown, revoked or malformed token, a disabled reader). It never
	// says which, so that ids can't be enumerated. HTTP 401.
	ErrUnauthenticated = errors.New("not authenticated")
	// ErrForbidden is matched by every *DeniedError. HTTP 403.
	ErrForbidden = errors.New("forbidden")
	// ErrRole: a role that is not one of the five.
	ErrRole = errors.New("unknown role")
	// ErrPassword: a password too short or too long to set.
	ErrPassword = errors.New("unacceptable password")
	// ErrMarkingBanner: a marking that no PDF copy's pages could carry
	// legibly as their banner (it wraps the layout error).
	ErrMarkingBanner = errors.New("marking too long for a PDF copy's banner")
)

// DeniedError is a refused request. Reason and Detail are for the
// auditor and the operator (Reason is logged); Error says only that
// access was denied, so that a front end may show it to the reader.
type DeniedError struct {
	Action   string // "view", "download", "trace", ...
	Document string // "" when the request names none
	Reason   string // custody.Entry.Reason: "clearance", "grant", "role", ...
	Detail   string
}

// Error names the document asked for, if any, never the rule that
// failed.
func (e *DeniedError) Error() string {
	if e.Document != "" {
		return "access to " + e.Document + " denied"
	}
	return "access denied"
}

// Is makes a DeniedError match ErrForbidden.
func (e *DeniedError) Is(target error) bool { return target == ErrForbidden }

// Principal is an authenticated caller: the reader as the store holds
// them at the time of the request.
type Principal struct {
	leaktrace.Recipient
	// Via says how they authenticated: "token", "password" or "oidc".
	Via string
}

// AccessChange changes a reader's access fields; nil fields are left
// as they are.
type AccessChange struct {
	Clearance    *string   // a level as marking.ParseLevel reads it
	Compartments *[]string // SCI compartments
	Citizenship  *string   // an ISO 3166-1 alpha-3 code
	Roles        *[]string
	Disabled     *bool
}

// DeliverOptions choose what [Service.Deliver] serves.
type DeliverOptions struct {
	// Action is "view" (shown in the browser) or "download".
	Action string
	// Format is "" for the document's own format or
	// leaktrace.FormatPDF for the typeset PDF copy.
	Format string
}

// Delivery is a reader's own copy, recorded and logged.
type Delivery struct {
	Document    *leaktrace.Document // without content
	Data        []byte              // byte-identical to "leaktrace issue DOC READER" (with --format pdf for Format "pdf")
	SHA256      string
	Filename    string // a download's file name
	ContentType string
	LogEntry    int64 // the access entry's index
}

// Has reports whether p holds role. Every principal is a reader; admin
// holds every other role too. No role lets anyone read a document the
// access rules don't allow.
func (p *Principal) Has(role string) bool {
	switch {
	case role == RoleReader:
		return true
	case slices.Contains(p.Roles, role):
		return true
	case role == RoleIssuer || role == RoleInvestigator || role == RoleAuditor:
		return slices.Contains(p.Roles, RoleAdmin)
	}
	return false
}

// ParseRoles reads a comma-separated list of roles ("reader,issuer"),
// sorted and without duplicates. ErrRole names an unknown one.
func ParseRoles(s string) ([]string, error) {
	var out []string
	for _, r := range strings.Split(s, ",") {
		r = strings.ToLower(strings.TrimSpace(r))
		if r == "" {
			continue
		}
		if !slices.Contains(custody.Roles, r) {
			return nil, fmt.Errorf("%w %q: roles are reader, issuer, investigator, auditor and admin", ErrRole, r)
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// checkRoles validates roles and returns them as stored: sorted, without
// duplicates, without "reader" (which everyone is).
func checkRoles(roles []string) ([]string, error) {
	r, err := ParseRoles(strings.Join(roles, ","))
	if err != nil {
		return nil, err
	}
	r = slices.DeleteFunc(r, func(v string) bool { return v == RoleReader })
	if len(r) == 0 {
		return nil, nil
	}
	return r, nil
}

// checkAccess validates a reader's access fields and puts them in their
// stored form: the clearance abbreviated ("" is "U"), compartments upper
// case and sorted, citizenship an upper-case ISO 3166-1 alpha-3 code,
// roles as [checkRoles] gives them.
func checkAccess(r *leaktrace.Recipient) error {
	if r.Clearance == "" || r.Clearance == unclassified {
		r.Clearance = unclassified
	} else {
		lvl, err := marking.ParseLevel(r.Clearance)
		if err != nil {
			return fmt.Errorf("reader %q: clearance: %w", r.ID, err)
		}
		r.Clearance = lvl.Abbrev()
	}
	if len(r.Compartments) > 0 {
		c, err := marking.ParseCompartments(strings.Join(r.Compartments, ","))
		if err != nil {
			return fmt.Errorf("reader %q: compartments: %w", r.ID, err)
		}
		r.Compartments = c
	} else {
		r.Compartments = nil
	}
	if r.Citizenship != "" {
		c := strings.ToUpper(strings.TrimSpace(r.Citizenship))
		if !marking.ValidCountry(c) {
			return fmt.Errorf("reader %q: citizenship: %w: %q is not an ISO 3166-1 alpha-3 country code (USA, GBR, FRA, ...)", r.ID, marking.ErrMarking, r.Citizenship)
		}
		r.Citizenship = c
	}
	roles, err := checkRoles(r.Roles)
	if err != nil {
		return fmt.Errorf("reader %q: %w", r.ID, err)
	}
	r.Roles = roles
	return nil
}

// unclassified is the clearance of a reader cleared for nothing more
// (marking.Unclassified.Abbrev()), every reader's by default.
const unclassified = "U"

// setAccess copies r's access fields into a log entry, leaving out a
// clearance of U when omitU.
func setAccess(e *custody.Entry, r *leaktrace.Recipient, omitU bool) {
	e.Clearance = r.Clearance
	if omitU && e.Clearance == unclassified {
		e.Clearance = ""
	}
	e.Compartments, e.Citizenship, e.Roles = r.Compartments, r.Citizenship, r.Roles
}

// UpdateRecipient changes a reader's access fields, validated, and logs
// the change (a clearance entry). The change applies to the reader as
// the store holds them in the transaction that writes it, so a
// concurrent change to another field is kept, and the entry describes
// the state written. ErrNotFound for an unknown reader.
func (s *Service) UpdateRecipient(ctx context.Context, id string, change AccessChange) (*leaktrace.Recipient, error) {
	if err := s.logKey(OpVault); err != nil {
		return nil, err
	}
	var out leaktrace.Recipient
	err := s.Store.UpdateRecipient(ctx, id, func(r *leaktrace.Recipient) (leaktrace.LogRecord, error) {
		if change.Clearance != nil {
			r.Clearance = *change.Clearance
		}
		if change.Compartments != nil {
			r.Compartments = *change.Compartments
		}
		if change.Citizenship != nil {
			r.Citizenship = *change.Citizenship
		}
		if change.Roles != nil {
			r.Roles = *change.Roles
		}
		if change.Disabled != nil {
			r.Disabled = *change.Disabled
		}
		if err := checkAccess(r); err != nil {
			return leaktrace.LogRecord{}, err
		}
		out = *r
		return record(s.entry(ctx, custody.KindClearance, s.now(), func(e *custody.Entry) {
			e.Recipient = r.ID
			setAccess(e, r, false)
			e.Disabled = r.Disabled
		}))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// parseMarking reads a banner into its canonical form, refusing one that
// a PDF copy's pages could not print (ErrMarkingBanner).
func parseMarking(banner string) (string, error) {
	m, err := marking.Parse(banner)
	if err != nil {
		return "", err
	}
	canon := m.String()
	if err := layout.CheckBanner(canon); err != nil {
		return "", fmt.Errorf("%w: %w", ErrMarkingBanner, err)
	}
	return canon, nil
}

// SetMarking parses banner (marking.Parse), stores its canonical form as
// the document's marking and logs it (a marking entry). It returns the
// canonical form.
func (s *Service) SetMarking(ctx context.Context, doc, banner string) (string, error) {
	return s.setMarking(ctx, doc, banner, nil)
}

// setMarking is SetMarking, changing the marking only if it is *from
// when from is not nil (leaktrace.ErrChanged if it is not).
func (s *Service) setMarking(ctx context.Context, doc, banner string, from *string) (string, error) {
	if err := s.logKey(OpVault); err != nil {
		return "", err
	}
	canon, err := parseMarking(banner)
	if err != nil {
		return "", err
	}
	rec, err := record(s.entry(ctx, custody.KindMarking, s.now(), func(e *custody.Entry) {
		e.Document, e.Marking = doc, canon
	}))
	if err != nil {
		return "", err
	}
	if err := s.Store.SetMarking(ctx, doc, canon, from, rec); err != nil {
		return "", err
	}
	return canon, nil
}

// Grant grants doc to the readers (need to know), all or none, one
// grant entry each.
func (s *Service) Grant(ctx context.Context, doc string, recipients []string) error {
	return s.setGrants(ctx, doc, recipients, true)
}

// Revoke withdraws doc's grants from the readers, all or none, one
// revoke entry each. Their past copies stay in the log.
func (s *Service) Revoke(ctx context.Context, doc string, recipients []string) error {
	return s.setGrants(ctx, doc, recipients, false)
}

func (s *Service) setGrants(ctx context.Context, doc string, recipients []string, granted bool) error {
	if err := s.logKey(OpVault); err != nil {
		return err
	}
	kind := custody.KindGrant
	if !granted {
		kind = custody.KindRevoke
	}
	rs := slices.Clone(recipients)
	slices.Sort(rs)
	rs = slices.Compact(rs)
	now := s.now()
	recs := make([]leaktrace.LogRecord, len(rs))
	for i, r := range rs {
		if err := CheckID("recipient", r); err != nil {
			return err
		}
		var err error
		if recs[i], err = record(s.entry(ctx, kind, now, func(e *custody.Entry) { e.Document, e.Recipient = doc, r })); err != nil {
			return err
		}
	}
	return s.Store.SetGrants(ctx, doc, rs, granted, recs)
}

// LogDenied logs a refused request (a denied entry) with p as actor and
// returns the *DeniedError describing it. For refusals decided outside
// [Service.Deliver]: a role a request needs, a document listed or traced
// without the right.
func (s *Service) LogDenied(ctx context.Context, p *Principal, action, doc, reason, detail string) error {
	ctx = WithActor(ctx, p.ID)
	rec, err := record(s.entry(ctx, custody.KindDenied, s.now(), func(e *custody.Entry) {
		e.Recipient, e.Document, e.Action, e.Reason = p.ID, doc, action, reason
	}))
	if err == nil {
		_, err = s.Store.AppendLog(ctx, []leaktrace.LogRecord{rec})
	}
	if err != nil {
		return fmt.Errorf("logging a refused %s: %w", action, err)
	}
	return &DeniedError{Action: action, Document: doc, Reason: reason, Detail: detail}
}

// current reads p's reader afresh: ErrUnauthenticated if they are gone
// or disabled.
func (s *Service) current(ctx context.Context, p *Principal) (*leaktrace.Recipient, error) {
	r, err := s.Store.Recipient(ctx, p.ID)
	if errors.Is(err, leaktrace.ErrNotFound) || err == nil && r.Disabled {
		return nil, ErrUnauthenticated
	}
	return r, err
}

// decide applies access rules 3 to 5 of a reader to a document: its
// marking, the reader's clearance, and the grant. It returns nil or the
// *DeniedError of the first rule that fails.
func decide(r *leaktrace.Recipient, d *leaktrace.Document, granted bool) *DeniedError {
	deny := func(reason, detail string) *DeniedError {
		return &DeniedError{Document: d.ID, Reason: reason, Detail: detail}
	}
	if d.Marking == "" {
		return deny("unmarked", "the document has no classification marking")
	}
	if dn := clears(r, d.ID, d.Marking); dn != nil {
		return dn
	}
	if !granted {
		return deny("grant", "the reader is not granted the document")
	}
	return nil
}

// clears checks that r's clearance, compartments and citizenship pass
// the marking banner (non-empty, as stored) of document doc: nil, or
// the *DeniedError of the rule that fails ("unmarked" if the banner
// can't be read).
func clears(r *leaktrace.Recipient, doc, banner string) *DeniedError {
	deny := func(reason, detail string) *DeniedError {
		return &DeniedError{Document: doc, Reason: reason, Detail: detail}
	}
	m, err := marking.Parse(banner)
	if err != nil {
		return deny("unmarked", "its stored marking can't be read: "+err.Error())
	}
	lvl := marking.Unclassified
	if r.Clearance != "" {
		if lvl, err = marking.ParseLevel(r.Clearance); err != nil {
			return deny("clearance", "the reader's stored clearance can't be read: "+err.Error())
		}
	}
	c := marking.Clearance{Level: lvl, Compartments: r.Compartments, Citizenship: r.Citizenship}
	if err := c.Check(m); err != nil {
		var dn *marking.Denial
		if errors.As(err, &dn) {
			return deny(dn.Rule, dn.Detail)
		}
		return deny("clearance", err.Error())
	}
	return nil
}

// Readable lists the documents p may read now (without their content),
// sorted by id.
func (s *Service) Readable(ctx context.Context, p *Principal) ([]*leaktrace.Document, error) {
	r, err := s.current(ctx, p)
	if err != nil {
		return nil, err
	}
	granted, err := s.Store.GrantsOf(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	ds, err := s.Store.Documents(ctx)
	if err != nil {
		return nil, err
	}
	out := []*leaktrace.Document{}
	for _, d := range ds {
		if _, ok := slices.BinarySearch(granted, d.ID); ok && decide(r, d, true) == nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// Authorize decides whether p may read doc now: ErrNotFound for an
// unknown document, a *DeniedError naming the rule that failed, or the
// document. It logs nothing (see [Service.Deliver] and
// [Service.LogDenied]).
func (s *Service) Authorize(ctx context.Context, p *Principal, doc string) (*leaktrace.Document, error) {
	_, d, err := s.authorize(ctx, p, doc)
	return d, err
}

// authorize is [Service.Authorize], returning the reader as read for the
// decision too.
func (s *Service) authorize(ctx context.Context, p *Principal, doc string) (*leaktrace.Recipient, *leaktrace.Document, error) {
	d, err := s.Store.Document(ctx, doc)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.current(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	granted, err := s.Store.Granted(ctx, doc, r.ID)
	if err != nil {
		return nil, nil, err
	}
	if dn := decide(r, d, granted); dn != nil {
		return nil, nil, dn
	}
	return r, d, nil
}

// Deliver authorizes p for doc and, if allowed, renders p's own copy,
// records it and appends its access entry (naming the reader, the
// document and the copy's hash) in one transaction, before returning the
// bytes. That transaction first checks that what the decision rested on
// still holds (the grant, the reader enabled with the same clearance,
// compartments and citizenship, the document's marking): a change
// committed meanwhile makes Deliver decide again, once. A denial is
// logged (a denied entry) and returned as a *DeniedError; an unknown
// document is ErrNotFound; access that changes again while the copy is
// made is leaktrace.ErrChanged, and nothing is delivered. The actor of
// the entries is p.ID.
func (s *Service) Deliver(ctx context.Context, p *Principal, doc string, opt DeliverOptions) (*Delivery, error) {
	if !slices.Contains(custody.AccessActions, opt.Action) {
		return nil, fmt.Errorf("delivering %q: unknown action %q (view or download)", doc, opt.Action)
	}
	ctx = WithActor(ctx, p.ID)
	iopt := IssueOptions{Format: opt.Format}
	for attempt := 1; ; attempt++ {
		r, allowed, err := s.authorize(ctx, p, doc)
		if err != nil {
			var dn *DeniedError
			if errors.As(err, &dn) {
				if lerr := s.LogDenied(ctx, p, opt.Action, doc, dn.Reason, dn.Detail); !errors.As(lerr, &dn) {
					return nil, lerr
				}
			}
			return nil, err
		}
		if afterAuthorize != nil {
			afterAuthorize()
		}
		d, data, idx, err := s.deliverAs(ctx, r, allowed, iopt, opt.Action)
		if errors.Is(err, leaktrace.ErrChanged) && attempt < 2 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("delivering %q to %q: %w", doc, p.ID, err)
		}
		ext := CopyExt(d, iopt.Format)
		return &Delivery{Document: d, Data: data, SHA256: leaktrace.Hash(data), Filename: d.ID + "-" + r.ID + ext,
			ContentType: contentType(ext), LogEntry: idx}, nil
	}
}

// deliverAs renders r's copy of the document allowed (as read for the
// decision, so under the marking decided on) and records it with its
// access entry, guarded by the decision: leaktrace.ErrChanged if the
// grant, the reader or the marking changed before the copy was
// recorded. It returns the document (without its
// content), the copy and its entry's index.
func (s *Service) deliverAs(ctx context.Context, r *leaktrace.Recipient, allowed *leaktrace.Document, opt IssueOptions, action string) (*leaktrace.Document, []byte, int64, error) {
	// The document the decision read is the one rendered: no second
	// read, and no copy under a marking other than the one decided on.
	d := allowed
	m, err := s.markerOf(ctx, d)
	if err != nil {
		return nil, nil, 0, err
	}
	out, copies, recs, err := s.render(ctx, m, []string{r.ID}, opt, custody.KindAccess, action)
	if err != nil {
		return nil, nil, 0, err
	}
	guard := leaktrace.AccessGuard{Document: d.ID, Marking: allowed.Marking,
		Recipient: r.ID, Clearance: r.Clearance, Compartments: r.Compartments, Citizenship: r.Citizenship}
	idx, err := s.Store.RecordAccess(ctx, copies, recs, guard)
	if err != nil {
		return nil, nil, 0, err
	}
	// d is the cached marker's own document, read by every other
	// delivery while it renders: hand out a copy without its content.
	dc := *d
	dc.Content = nil
	return &dc, out[0].Data, idx, nil
}

// afterAuthorize, when set (by tests), runs between Deliver's decision
// and its reading of the document to render.
var afterAuthorize func()

// contentType is the media type of a copy with the given extension.
// CopyExt is the file name extension of a copy of d in format (as
// IssueOptions.Format: "" for the document's own): the format's, else
// the extension d was registered with, else its kind's.
func CopyExt(d *leaktrace.Document, format string) string {
	if format != "" {
		return "." + format
	}
	if ext := filepath.Ext(d.Filename); ext != "" {
		return ext
	}
	return "." + d.Format
}

func contentType(ext string) string {
	switch strings.ToLower(ext) {
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".md", ".markdown":
		return "text/markdown; charset=utf-8"
	case ".eml":
		return "message/rfc822"
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".pdf":
		return "application/pdf"
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
