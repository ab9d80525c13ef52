package service

import (
	"context"
	"errors"

	"github.com/leaktrace/leaktrace"
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
)

// DeniedError is a refused request. Reason and Detail are for the
// auditor (they are logged); a reader is told only that access was
// denied.
type DeniedError struct {
	Action   string // "view", "download", "trace", ...
	Document string // "" when the request names none
	Reason   string // custody.Entry.Reason: "clearance", "grant", "role", ...
	Detail   string
}

func (e *DeniedError) Error() string {
	if e.Document != "" {
		return "access to " + e.Document + " denied (" + e.Reason + ")"
	}
	return e.Action + " denied (" + e.Reason + ")"
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

// Has reports whether p holds role. Every principal is a reader; admin
// holds every other role too. No role lets anyone read a document the
// access rules don't allow.
func (p *Principal) Has(role string) bool { panic("unimplemented") }

// ParseRoles reads a comma-separated list of roles ("reader,issuer"),
// sorted and without duplicates. ErrRole names an unknown one.
func ParseRoles(s string) ([]string, error) { panic("unimplemented") }

// AccessChange changes a reader's access fields; nil fields are left
// as they are.
type AccessChange struct {
	Clearance    *string   // a level as marking.ParseLevel reads it
	Compartments *[]string // SCI compartments
	Citizenship  *string   // an ISO 3166-1 alpha-3 code
	Roles        *[]string
	Disabled     *bool
}

// UpdateRecipient changes a reader's access fields, validated, and logs
// the change (a clearance entry). ErrNotFound for an unknown reader.
func (s *Service) UpdateRecipient(ctx context.Context, id string, change AccessChange) (*leaktrace.Recipient, error) {
	panic("unimplemented")
}

// SetMarking parses banner (marking.Parse), stores its canonical form as
// the document's marking and logs it (a marking entry). It returns the
// canonical form.
func (s *Service) SetMarking(ctx context.Context, doc, banner string) (string, error) {
	panic("unimplemented")
}

// Grant grants doc to the readers (need to know), all or none, one
// grant entry each.
func (s *Service) Grant(ctx context.Context, doc string, recipients []string) error {
	panic("unimplemented")
}

// Revoke withdraws doc's grants from the readers, all or none, one
// revoke entry each. Their past copies stay in the log.
func (s *Service) Revoke(ctx context.Context, doc string, recipients []string) error {
	panic("unimplemented")
}

// CreateToken creates an API bearer token for a reader and logs it (a
// credential entry naming its id). The secret is returned once; only its
// hash is stored.
func (s *Service) CreateToken(ctx context.Context, recipient string) (secret string, t *leaktrace.Token, err error) {
	panic("unimplemented")
}

// RevokeToken revokes a token by id and logs it. ErrNotFound.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	panic("unimplemented")
}

// SetPassword sets a reader's web sign-in password, hashed with
// argon2id, and logs that it was set (never the password). ErrPassword
// if it is too short (under 12 characters) or too long.
func (s *Service) SetPassword(ctx context.Context, recipient, password string) error {
	panic("unimplemented")
}

// Authenticate returns the principal a bearer token belongs to.
// ErrUnauthenticated for a malformed, unknown or revoked token, or a
// disabled reader.
func (s *Service) Authenticate(ctx context.Context, bearer string) (*Principal, error) {
	panic("unimplemented")
}

// SignIn checks a reader's password. ErrUnauthenticated for a wrong
// password, an unknown reader, one without a password or a disabled one,
// after the same work in every case.
func (s *Service) SignIn(ctx context.Context, id, password string) (*Principal, error) {
	panic("unimplemented")
}

// PrincipalOf returns the principal of a signed-in session's reader as
// the store holds them now. ErrUnauthenticated if they are unknown or
// disabled.
func (s *Service) PrincipalOf(ctx context.Context, id, via string) (*Principal, error) {
	panic("unimplemented")
}

// Readable lists the documents p may read now (without their content),
// sorted by id.
func (s *Service) Readable(ctx context.Context, p *Principal) ([]*leaktrace.Document, error) {
	panic("unimplemented")
}

// Authorize decides whether p may read doc now: ErrNotFound for an
// unknown document, a *DeniedError naming the rule that failed, or the
// document. It logs nothing (see [Service.Deliver] and
// [Service.LogDenied]).
func (s *Service) Authorize(ctx context.Context, p *Principal, doc string) (*leaktrace.Document, error) {
	panic("unimplemented")
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

// Deliver authorizes p for doc and, if allowed, renders p's own copy,
// records it and appends its access entry (naming the reader, the
// document and the copy's hash) in one transaction, before returning the
// bytes. A denial is logged (a denied entry) and returned as a
// *DeniedError; an unknown document is ErrNotFound. The actor of the
// entries is p.ID.
func (s *Service) Deliver(ctx context.Context, p *Principal, doc string, opt DeliverOptions) (*Delivery, error) {
	panic("unimplemented")
}

// LogDenied logs a refused request (a denied entry) with p as actor and
// returns the *DeniedError describing it. For refusals decided outside
// [Service.Deliver]: a role a request needs, a document listed or traced
// without the right.
func (s *Service) LogDenied(ctx context.Context, p *Principal, action, doc, reason, detail string) error {
	panic("unimplemented")
}
