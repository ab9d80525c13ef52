package service

import (
	"context"
	"slices"

	"github.com/leaktrace/leaktrace"
)

// What an issuer may do through the server. [Service.SetMarking],
// [Service.Grant] and [Service.Revoke] are the home's operator's, who
// holds its keys and may do anything; the variants below take the
// principal asking and refuse what their own clearance doesn't allow, so
// that an issuer can never reach a document above them by re-marking it
// or granting it:
//
//   - they see (list, holders) and change only documents whose marking
//     they are cleared for (rules 4 of the access rules: level,
//     compartments, NOFORN, REL TO; not the grant), and unmarked ones,
//     which are served to nobody until an issuer marks them;
//   - a marking they set or register a document with, and the marking
//     it replaces, must be one they are cleared for;
//   - they grant and revoke only documents already marked, and never
//     grant themselves: someone else must.
//
// Every refusal is logged (a denied entry with the principal as actor)
// and returned as a *DeniedError.

// issuer reads p afresh and checks that they still hold the issuer
// role, logging a refusal of action on doc.
func (s *Service) issuer(ctx context.Context, p *Principal, action, doc string) (*leaktrace.Recipient, error) {
	r, err := s.current(ctx, p)
	if err != nil {
		return nil, err
	}
	if !(&Principal{Recipient: *r}).Has(RoleIssuer) {
		return nil, s.LogDenied(ctx, p, action, doc, "role", "needs the "+RoleIssuer+" role")
	}
	return r, nil
}

// denied logs dn as p's refused action and returns it.
func (s *Service) denied(ctx context.Context, p *Principal, action string, dn *DeniedError) error {
	return s.LogDenied(ctx, p, action, dn.Document, dn.Reason, dn.Detail)
}

// issuerDocument reads doc for issuer r: ErrNotFound, a logged
// refusal if it is marked above r, or the document.
func (s *Service) issuerDocument(ctx context.Context, p *Principal, r *leaktrace.Recipient, action, doc string) (*leaktrace.Document, error) {
	d, err := s.Store.Document(ctx, doc)
	if err != nil {
		return nil, err
	}
	if d.Marking != "" {
		if dn := clears(r, d.ID, d.Marking); dn != nil {
			return nil, s.denied(ctx, p, action, dn)
		}
	}
	return d, nil
}

// IssuerDocuments lists the documents issuer p may manage (see above):
// those marked at what p is cleared for, and the unmarked ones, sorted
// by id. A principal without the issuer role is refused (logged, action
// "issue").
func (s *Service) IssuerDocuments(ctx context.Context, p *Principal) ([]*leaktrace.Document, error) {
	r, err := s.issuer(ctx, p, "issue", "")
	if err != nil {
		return nil, err
	}
	ds, err := s.Store.Documents(ctx)
	if err != nil {
		return nil, err
	}
	out := []*leaktrace.Document{}
	for _, d := range ds {
		if d.Marking == "" || clears(r, d.ID, d.Marking) == nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// IssuerDocument returns doc for issuer p to manage (its issuer page,
// its holders): ErrNotFound for an unknown document, a logged
// *DeniedError (its action is action) if p may not manage it.
func (s *Service) IssuerDocument(ctx context.Context, p *Principal, action, doc string) (*leaktrace.Document, error) {
	r, err := s.issuer(ctx, p, action, doc)
	if err != nil {
		return nil, err
	}
	return s.issuerDocument(ctx, p, r, action, doc)
}

// MayRegister checks, before a document is registered, that issuer p
// may register it (as doc, "" when its id is not chosen yet) with the
// marking banner: a marking error if banner is not understood, a logged
// *DeniedError (action "register") if p is not cleared for it. An empty
// banner registers the document unmarked, which any issuer may.
func (s *Service) MayRegister(ctx context.Context, p *Principal, doc, banner string) error {
	r, err := s.issuer(ctx, p, "register", doc)
	if err != nil || banner == "" {
		return err
	}
	canon, err := parseMarking(banner)
	if err != nil {
		return err
	}
	if dn := clears(r, doc, canon); dn != nil {
		return s.denied(ctx, p, "register", dn)
	}
	return nil
}

// MarkAs is [Service.SetMarking] asked by issuer p, with p as the
// marking entry's actor: p must be cleared for the document's marking
// and for the new one, or the refusal is logged (action "mark") and
// returned as a *DeniedError. If the marking changed between the
// decision and the write, nothing is written and the error matches
// leaktrace.ErrChanged.
func (s *Service) MarkAs(ctx context.Context, p *Principal, doc, banner string) (string, error) {
	ctx = WithActor(ctx, p.ID)
	r, err := s.issuer(ctx, p, "mark", doc)
	if err != nil {
		return "", err
	}
	d, err := s.issuerDocument(ctx, p, r, "mark", doc)
	if err != nil {
		return "", err
	}
	canon, err := parseMarking(banner)
	if err != nil {
		return "", err
	}
	if dn := clears(r, doc, canon); dn != nil {
		return "", s.denied(ctx, p, "mark", dn)
	}
	// p was found cleared for the marking d has now: the change commits
	// only if that is still its marking (ErrChanged if the operator
	// changed it meanwhile).
	return s.setMarking(ctx, doc, canon, &d.Marking)
}

// GrantAs is [Service.Grant] asked by issuer p, with p as the grant
// entries' actor: the document must be marked at what p is cleared for,
// and p may not grant themselves; a refusal is logged (action "grant")
// and returned as a *DeniedError (reason "unmarked", the rule of the
// marking p fails, or "self").
func (s *Service) GrantAs(ctx context.Context, p *Principal, doc string, recipients []string) error {
	ctx = WithActor(ctx, p.ID)
	if err := s.mayGrant(ctx, p, "grant", doc); err != nil {
		return err
	}
	if slices.Contains(recipients, p.ID) {
		return s.LogDenied(ctx, p, "grant", doc, "self", "an issuer may not grant themselves a document")
	}
	return s.Grant(ctx, doc, recipients)
}

// RevokeAs is [Service.Revoke] asked by issuer p, with p as the revoke
// entries' actor: the document must be marked at what p is cleared for;
// a refusal is logged (action "revoke") and returned as a *DeniedError.
func (s *Service) RevokeAs(ctx context.Context, p *Principal, doc string, recipients []string) error {
	ctx = WithActor(ctx, p.ID)
	if err := s.mayGrant(ctx, p, "revoke", doc); err != nil {
		return err
	}
	return s.Revoke(ctx, doc, recipients)
}

// mayGrant checks that issuer p may change doc's grants.
func (s *Service) mayGrant(ctx context.Context, p *Principal, action, doc string) error {
	r, err := s.issuer(ctx, p, action, doc)
	if err != nil {
		return err
	}
	d, err := s.issuerDocument(ctx, p, r, action, doc)
	if err != nil {
		return err
	}
	if d.Marking == "" {
		return s.LogDenied(ctx, p, action, doc, "unmarked", "the document must be marked before it is granted")
	}
	return nil
}
