package service

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
)

// vaultLog is the vault's state as its log entries tell it, replayed in
// log order: documents' markings, grants, readers' access fields,
// tokens and passwords.
type vaultLog struct {
	markings map[string]string               // by document: its latest marking
	grants   map[string]map[string]bool      // by document, the readers granted it
	access   map[string]*leaktrace.Recipient // by reader: their latest access fields
	tokens   map[string]*leaktrace.Token     // by id; RevokedAt is set (to any time) if revoked
	password map[string]bool                 // readers with a password set
}

func newVaultLog() *vaultLog {
	return &vaultLog{markings: map[string]string{}, grants: map[string]map[string]bool{},
		access: map[string]*leaktrace.Recipient{}, tokens: map[string]*leaktrace.Token{}, password: map[string]bool{}}
}

// replay applies entry i. docs and readers are the documents and readers
// logged so far.
func (v *vaultLog) replay(rep *Report, i int, e *custody.Entry, docs map[string][]*custody.Entry, readers map[string]*custody.Entry) {
	knownDoc := func() bool {
		if len(docs[e.Document]) == 0 {
			rep.problem("entry %d: %s of %q before that document was logged", i, e.Kind, e.Document)
			return false
		}
		return true
	}
	knownReader := func() bool {
		if readers[e.Recipient] == nil {
			rep.problem("entry %d: %s for %q before that reader was logged", i, e.Kind, e.Recipient)
			return false
		}
		return true
	}
	switch e.Kind {
	case custody.KindDocument:
		v.markings[e.Document] = e.Marking
	case custody.KindMarking:
		if knownDoc() {
			v.markings[e.Document] = e.Marking
		}
	case custody.KindRecipient, custody.KindClearance:
		if e.Kind == custody.KindClearance && !knownReader() {
			return
		}
		c := e.Clearance
		if c == "" {
			c = unclassified
		}
		v.access[e.Recipient] = &leaktrace.Recipient{ID: e.Recipient, Clearance: c, Compartments: e.Compartments,
			Citizenship: e.Citizenship, Roles: e.Roles, Disabled: e.Disabled}
	case custody.KindGrant, custody.KindRevoke:
		if !knownDoc() || !knownReader() {
			return
		}
		if v.grants[e.Document] == nil {
			v.grants[e.Document] = map[string]bool{}
		}
		if e.Kind == custody.KindGrant {
			v.grants[e.Document][e.Recipient] = true
		} else {
			delete(v.grants[e.Document], e.Recipient)
		}
	case custody.KindCredential:
		if !knownReader() {
			return
		}
		switch e.Action {
		case "password":
			v.password[e.Recipient] = true
		case "token-create":
			if v.tokens[e.Token] != nil {
				rep.problem("entry %d creates token %s a second time", i, e.Token)
			}
			v.tokens[e.Token] = &leaktrace.Token{ID: e.Token, Recipient: e.Recipient}
		case "token-revoke":
			t := v.tokens[e.Token]
			switch {
			case t == nil:
				rep.problem("entry %d revokes token %s, which was never created", i, e.Token)
			case t.Recipient != e.Recipient:
				rep.problem("entry %d revokes token %s of %q as %q's", i, e.Token, t.Recipient, e.Recipient)
			default:
				if at, err := e.When(); err == nil {
					t.RevokedAt = at
				}
			}
		}
	}
}

// checkDocuments compares the documents' markings and grants with the
// replayed log.
func (v *vaultLog) checkDocuments(ctx context.Context, r leaktrace.StoreReader, rep *Report, ds []*leaktrace.Document) error {
	for _, d := range ds {
		if want := v.markings[d.ID]; d.Marking != want {
			rep.problem("document %q: store has marking %q, the log %q", d.ID, d.Marking, want)
		}
		got, err := r.Grants(ctx, d.ID)
		if err != nil {
			return err
		}
		want := slices.Sorted(maps.Keys(v.grants[d.ID]))
		if !slices.Equal(got, want) {
			rep.problem("document %q: store grants it to [%s], the log to [%s]", d.ID, strings.Join(got, ", "), strings.Join(want, ", "))
		}
	}
	return nil
}

// checkReaders compares the readers' access fields, tokens and passwords
// with the replayed log.
func (v *vaultLog) checkReaders(ctx context.Context, r leaktrace.StoreReader, rep *Report, rs []leaktrace.Recipient) error {
	for _, row := range rs {
		if want := v.access[row.ID]; want != nil && !sameAccess(&row, want) {
			rep.problem("reader %q: store has %s, the log %s", row.ID, accessString(&row), accessString(want))
		}
		_, err := r.Password(ctx, row.ID)
		switch has := err == nil; {
		case err != nil && !errors.Is(err, leaktrace.ErrNotFound):
			return err
		case has && !v.password[row.ID]:
			rep.problem("reader %q has a password the log never recorded being set", row.ID)
		case !has && v.password[row.ID]:
			rep.problem("reader %q: the log records a password set, the store has none", row.ID)
		}
	}
	ts, err := r.Tokens(ctx, "")
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, t := range ts {
		seen[t.ID] = true
		want := v.tokens[t.ID]
		switch {
		case want == nil:
			rep.problem("token %s of %q is in the store but not in the log", t.ID, t.Recipient)
		case want.Recipient != t.Recipient:
			rep.problem("token %s: store has it as %q's, the log as %q's", t.ID, t.Recipient, want.Recipient)
		case want.RevokedAt.IsZero() != t.RevokedAt.IsZero():
			rep.problem("token %s of %q: store has it revoked %t, the log %t", t.ID, t.Recipient, !t.RevokedAt.IsZero(), !want.RevokedAt.IsZero())
		}
	}
	for _, id := range slices.Sorted(maps.Keys(v.tokens)) {
		if !seen[id] {
			rep.problem("token %s is in the log but not in the store", id)
		}
	}
	return nil
}

func sameAccess(a, b *leaktrace.Recipient) bool {
	return a.Clearance == b.Clearance && slices.Equal(a.Compartments, b.Compartments) && a.Citizenship == b.Citizenship &&
		slices.Equal(a.Roles, b.Roles) && a.Disabled == b.Disabled
}

func accessString(r *leaktrace.Recipient) string {
	s := "clearance " + r.Clearance
	if len(r.Compartments) > 0 {
		s += " compartments " + strings.Join(r.Compartments, ",")
	}
	if r.Citizenship != "" {
		s += " citizenship " + r.Citizenship
	}
	if len(r.Roles) > 0 {
		s += " roles " + strings.Join(r.Roles, ",")
	}
	if r.Disabled {
		s += " disabled"
	}
	return s
}
