// Package custody defines leaktrace's custody log: an append-only Merkle
// log of every change to a home, with RFC 6962 hashing
// (golang.org/x/mod/sumdb/tlog) and checkpoints signed as notes with
// Ed25519 (golang.org/x/mod/sumdb/note). Auditors and courts use it to
// check that nobody — investigators included — rewrote the record of who
// received which copy after the fact.
//
// # Entries
//
// Entry i of the log is a byte string, the leaf; its tlog.RecordHash
// (SHA-256 of 0x00 || leaf) is leaf i of the tree. A leaf is one JSON
// object, version 1, in this canonical form:
//
//   - the fields in the order below, absent ones left out (never null,
//     never ""), no other fields;
//   - no whitespace; strings escaped as Go's encoding/json does with HTML
//     escaping off (\" \\ \n \r \t, other control characters and U+2028,
//     U+2029 as \uXXXX, everything else literal UTF-8);
//   - "time" in RFC 3339 UTC with as many fraction digits as needed
//     (time.RFC3339Nano), hashes as 64 lowercase hex digits.
//
// Fields, in order:
//
//	v                1
//	kind             "init" | "document" | "recipient" | "copy" | "trace" |
//	                 "access" | "denied" | "grant" | "revoke" | "marking" |
//	                 "clearance" | "credential"
//	time             when the change was made
//	actor            who made it: the OS user, or --actor / $LEAKTRACE_ACTOR;
//	                 for the vault server's entries the signed-in reader
//	origin           init: the log's origin (its checkpoints' first line)
//	document         document, copy, access, grant, revoke, marking: the
//	                 document's id; denied: the document asked for, if any
//	document_sha256  document, copy, access: SHA-256 of the document's content
//	reencode         document only: true if its email's 7-bit text parts
//	                 may be re-encoded (doc add --reencode)
//	recipient        recipient, copy, access, grant, revoke, clearance,
//	                 credential: the reader's id; denied: the caller's
//	copy_sha256      copy, access: SHA-256 of the issued copy's bytes
//	format, layout   copy, access, typeset only: "pdf" and the layout
//	                 version (>= 1)
//	footer           copy, access, typeset only: true if its pages name the
//	                 reader
//	leak_sha256      trace: SHA-256 of the leaked text that was traced
//	result           trace: the trace report, a JSON value (compact)
//	action           access: "view" | "download"; denied: what was asked
//	                 (one of [DeniedActions]); credential: "token-create" |
//	                 "token-revoke" | "password"
//	reason           denied: the rule that failed (one of [DeniedReasons])
//	marking          marking; document when registered with one: the
//	                 canonical classification banner; copy, access,
//	                 typeset only: the banner printed on its pages (its
//	                 document's marking), absent for a document without one
//	clearance        clearance: the reader's level ("U", "C", "S", "TS");
//	                 recipient when given at add
//	compartments     clearance, recipient (optional): the reader's SCI
//	                 compartments, sorted, a non-empty list
//	citizenship      clearance, recipient (optional): ISO 3166-1 alpha-3
//	roles            clearance, recipient (optional): the reader's roles,
//	                 sorted, from "admin", "auditor", "investigator",
//	                 "issuer", "reader"
//	disabled         clearance only: true if the reader is disabled
//	token            credential "token-create" | "token-revoke": the
//	                 token's public id (16 lowercase hex), never its secret
//	token_sha256     credential "token-create" (optional): the token's
//	                 stored hash, the SHA-256 of its secret
//	password_hash_sha256
//	                 credential "password" (optional): SHA-256 of the
//	                 argon2id PHC string stored, salt included (the salt
//	                 is random and not in the log, so the value gives
//	                 nothing to test a guessed password against)
//
// A clearance entry holds the reader's whole access state after the
// change; absent fields are empty (no compartments, citizenship unknown,
// reader only, enabled). A recipient entry leaves out what is the
// default (clearance U, nothing else). token_sha256 and
// password_hash_sha256 let "log verify" catch a token's or a password's
// stored hash replaced; credential entries written before they existed
// lack them, and their rows are then checked only for being there. Fields
// of the vault come after
// every earlier field, so entries of the earlier kinds keep their bytes.
//
// For example:
//
//	{"v":1,"kind":"copy","time":"2026-03-01T09:30:00.5Z","actor":"ann","document":"memo","document_sha256":"9f…","recipient":"r0042","copy_sha256":"4b…"}
//
// [Decode] accepts exactly the bytes [Encode] produces, so one entry has
// one encoding and a leaf cannot be re-encoded into a different hash.
// Entry 0 is always the init entry. Re-issuing a copy appends a new copy
// entry; readers' names and e-mail addresses are deliberately left out:
// the log cannot be edited, and personal data must stay correctable.
//
// # Checkpoints
//
// After every change the store keeps a checkpoint in the C2SP
// tlog-checkpoint format — the origin line, the tree size in decimal, the
// root hash in standard base64, each ending in a newline — signed as a
// note (C2SP signed-note) by the home's Ed25519 key. The key's name is the
// origin, chosen at init (default "leaktrace.local/<16 hex digits>").
// Anyone can check a checkpoint with the verifier key that "leaktrace log
// key" prints, using only note.Open, and an entry against it with
// tlog.CheckRecord.
//
// # The signing key
//
// The signer key lives in the home as log.key (mode 0600), the verifier
// key as log.pub. Whoever holds log.key can sign checkpoints for any tree:
// with write access to the store they could rebuild a different history
// and sign it, and only someone who kept an earlier checkpoint (an
// auditor) would notice, because the new tree would not extend it. They
// cannot make a rewritten log consistent with a checkpoint an auditor
// already holds, cannot forge copies (that takes marking.key), and cannot
// read anything the store does not already hold. Without log.key, any
// change to the store's entries, hashes or checkpoints is caught by "log
// verify"; removing the newest entries together with their rows and
// checkpoints (restoring an old backup) is caught only against a newer
// checkpoint an auditor kept — so hand checkpoints out regularly.
//
// Back log.key up with marking.key. Losing it does not lose the record —
// existing checkpoints still verify with log.pub — but no new change can
// be signed by the same key. Rotation is not built in yet: a new key means
// a new verifier key that auditors must be told about out of band.
package custody

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Version is the entry format version this package writes and reads.
const Version = 1

// Entry kinds.
const (
	KindInit      = "init"
	KindDocument  = "document"
	KindRecipient = "recipient"
	KindCopy      = "copy"
	KindTrace     = "trace"

	// The vault's kinds (see the package doc for their fields).
	KindAccess     = "access"     // a reader was served their copy (view or download)
	KindDenied     = "denied"     // a request was refused
	KindGrant      = "grant"      // a reader was granted a document
	KindRevoke     = "revoke"     // a grant was withdrawn
	KindMarking    = "marking"    // a document's marking was set or changed
	KindClearance  = "clearance"  // a reader's access fields were changed
	KindCredential = "credential" // a token was created or revoked, or a password set
)

// MaxEntrySize bounds an entry's encoding, so that a trace report cannot
// bloat the log and a decoder never reads an unbounded leaf.
const MaxEntrySize = 1 << 20

// ErrEntry is wrapped by every error about a malformed entry.
var ErrEntry = errors.New("malformed log entry")

// Entry is one custody-log entry. Fields that do not apply to its kind are
// empty.
type Entry struct {
	V              int    `json:"v"`
	Kind           string `json:"kind"`
	Time           string `json:"time"`
	Actor          string `json:"actor"`
	Origin         string `json:"origin,omitempty"`
	Document       string `json:"document,omitempty"`
	DocumentSHA256 string `json:"document_sha256,omitempty"`
	// Reencode: a document registered with --reencode (its points are
	// found so).
	Reencode   bool   `json:"reencode,omitempty"`
	Recipient  string `json:"recipient,omitempty"`
	CopySHA256 string `json:"copy_sha256,omitempty"`
	// Format and Layout say a copy was typeset: "pdf" under layout
	// version Layout. A copy in the document's own format has neither.
	Format     string          `json:"format,omitempty"`
	Layout     int             `json:"layout,omitempty"`
	Footer     bool            `json:"footer,omitempty"` // a PDF copy whose pages name the reader
	LeakSHA256 string          `json:"leak_sha256,omitempty"`
	Result     json.RawMessage `json:"result,omitempty"`

	// The vault's fields, after every earlier one so that entries of
	// earlier kinds keep their bytes.
	//
	// Action: access "view" | "download"; denied: what was asked
	// ("view", "download", "list", "trace", "sign-in", ...); credential
	// "token-create" | "token-revoke" | "password".
	Action string `json:"action,omitempty"`
	// Reason: denied only, the rule that failed ("clearance",
	// "compartments", "noforn", "rel-to", "grant", "unmarked",
	// "disabled", "role", "self": an issuer granting themselves).
	Reason string `json:"reason,omitempty"`
	// Marking: document (when registered with one), marking; the
	// canonical banner.
	Marking string `json:"marking,omitempty"`
	// Access fields of a reader: recipient (when given at add),
	// clearance.
	Clearance    string   `json:"clearance,omitempty"`
	Compartments []string `json:"compartments,omitempty"`
	Citizenship  string   `json:"citizenship,omitempty"`
	Roles        []string `json:"roles,omitempty"`
	Disabled     bool     `json:"disabled,omitempty"`
	// Token: credential "token-create" | "token-revoke", the token's
	// public id (never its secret).
	Token string `json:"token,omitempty"`
	// TokenSHA256: credential "token-create", the token's stored hash
	// (the SHA-256 of its secret).
	TokenSHA256 string `json:"token_sha256,omitempty"`
	// PasswordHashSHA256: credential "password", the SHA-256 of the
	// argon2id PHC string stored.
	PasswordHashSHA256 string `json:"password_hash_sha256,omitempty"`
}

// FormatTime is the canonical form of an entry's time, the same as the
// store's.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// When returns the entry's time.
func (e *Entry) When() (time.Time, error) { return time.Parse(time.RFC3339Nano, e.Time) }

// Encode returns e's canonical bytes, after checking that e is a valid
// entry of its kind. Result is compacted.
func Encode(e *Entry) ([]byte, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEntry, err)
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrEntry, len(b), MaxEntrySize)
	}
	return b, nil
}

// Decode parses an entry, accepting only its canonical encoding.
func Decode(b []byte) (*Entry, error) {
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrEntry, len(b), MaxEntrySize)
	}
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrEntry)
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEntry, err)
	}
	if e.V != Version {
		return nil, fmt.Errorf("%w: version %d, this leaktrace reads version %d", ErrEntry, e.V, Version)
	}
	again, err := Encode(&e)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(again, b) {
		return nil, fmt.Errorf("%w: not in canonical form", ErrEntry)
	}
	return &e, nil
}

// The fixed values of the vault's fields.
var (
	// AccessActions are an access entry's actions.
	AccessActions = []string{"download", "view"}
	// DeniedActions are what a denied entry may say was asked: the
	// API's requests, and the web UI's pages ("audit", "issue").
	DeniedActions = []string{"audit", "download", "grant", "holders", "issue", "list", "log", "mark", "register", "revoke", "sign-in", "trace", "view"}
	// DeniedReasons are the rules a denied entry may say failed.
	DeniedReasons = []string{"clearance", "compartments", "disabled", "grant", "noforn", "rel-to", "role", "self", "unmarked"}
	// CredentialActions are a credential entry's actions.
	CredentialActions = []string{"password", "token-create", "token-revoke"}
	// Clearances are the levels a reader may be cleared for, abbreviated.
	Clearances = []string{"C", "S", "TS", "U"}
	// Roles are the roles a reader may hold.
	Roles = []string{"admin", "auditor", "investigator", "issuer", "reader"}
)

// fieldRules says, per kind, which fields an entry must have (true) and
// which it may have (false); every other field must be absent.
var fieldRules = map[string]map[string]bool{
	KindInit:     {"origin": true},
	KindDocument: {"document": true, "document_sha256": true, "reencode": false, "marking": false},
	KindRecipient: {"recipient": true,
		"clearance": false, "compartments": false, "citizenship": false, "roles": false},
	KindCopy: {"document": true, "document_sha256": true, "recipient": true, "copy_sha256": true,
		"format": false, "layout": false, "footer": false, "marking": false},
	KindTrace: {"leak_sha256": true, "result": true},
	KindAccess: {"document": true, "document_sha256": true, "recipient": true, "copy_sha256": true, "action": true,
		"format": false, "layout": false, "footer": false, "marking": false},
	KindDenied:  {"recipient": true, "action": true, "reason": true, "document": false},
	KindGrant:   {"document": true, "recipient": true},
	KindRevoke:  {"document": true, "recipient": true},
	KindMarking: {"document": true, "marking": true},
	KindClearance: {"recipient": true, "clearance": true,
		"compartments": false, "citizenship": false, "roles": false, "disabled": false},
	KindCredential: {"recipient": true, "action": true, "token": false, "token_sha256": false, "password_hash_sha256": false},
}

// check enforces the per-kind field rules of the package doc.
func (e *Entry) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s entry: %s", ErrEntry, e.Kind, fmt.Sprintf(format, args...))
	}
	if e.V != Version {
		return bad("version %d, want %d", e.V, Version)
	}
	t, err := time.Parse(time.RFC3339Nano, e.Time)
	if err != nil || FormatTime(t) != e.Time {
		return bad("time %q is not RFC 3339 UTC", e.Time)
	}
	if e.Actor == "" {
		return bad("no actor")
	}
	rules, ok := fieldRules[e.Kind]
	if !ok {
		return fmt.Errorf("%w: unknown kind %q", ErrEntry, e.Kind)
	}
	// Every field but v, kind, time and actor, in order, and whether the
	// entry has it.
	fields := []struct {
		name string
		has  bool
	}{
		{"origin", e.Origin != ""},
		{"document", e.Document != ""},
		{"document_sha256", e.DocumentSHA256 != ""},
		{"reencode", e.Reencode},
		{"recipient", e.Recipient != ""},
		{"copy_sha256", e.CopySHA256 != ""},
		{"format", e.Format != ""},
		{"layout", e.Layout != 0},
		{"footer", e.Footer},
		{"leak_sha256", e.LeakSHA256 != ""},
		{"result", len(e.Result) > 0},
		{"action", e.Action != ""},
		{"reason", e.Reason != ""},
		{"marking", e.Marking != ""},
		{"clearance", e.Clearance != ""},
		{"compartments", len(e.Compartments) > 0},
		{"citizenship", e.Citizenship != ""},
		{"roles", len(e.Roles) > 0},
		{"disabled", e.Disabled},
		{"token", e.Token != ""},
		{"token_sha256", e.TokenSHA256 != ""},
		{"password_hash_sha256", e.PasswordHashSHA256 != ""},
	}
	for _, f := range fields {
		must, may := rules[f.name]
		switch {
		case must && !f.has:
			return bad("no %s", f.name)
		case !may && f.has:
			return bad("unexpected %s", f.name)
		}
	}
	for _, h := range []struct{ name, value string }{
		{"document_sha256", e.DocumentSHA256}, {"copy_sha256", e.CopySHA256}, {"leak_sha256", e.LeakSHA256},
		{"token_sha256", e.TokenSHA256}, {"password_hash_sha256", e.PasswordHashSHA256},
	} {
		if h.value != "" && !IsSHA256(h.value) {
			return bad("%s is not 64 lowercase hex digits", h.name)
		}
	}
	switch {
	case e.Format == "" && (e.Layout != 0 || e.Footer):
		return bad("layout or footer without a format")
	// A PDF copy's banner: a copy or access entry carries the marking
	// printed on a typeset copy's pages, never on a copy in the
	// document's own format.
	case e.Marking != "" && (e.Kind == KindCopy || e.Kind == KindAccess) && e.Format == "":
		return bad("marking without a format (only a PDF copy carries a banner)")
	case e.Format != "" && e.Format != "pdf":
		return bad("unknown copy format %q", e.Format)
	case e.Format == "pdf" && e.Layout < 1:
		return bad("PDF copy without a layout version")
	}
	if e.Kind == KindInit && !ValidOrigin(e.Origin) {
		return bad("origin %q is not a valid note name", e.Origin)
	}
	if len(e.Result) > 0 && !json.Valid(e.Result) {
		return bad("result is not JSON")
	}
	return e.checkVault(bad)
}

// checkVault checks the values of the vault's fields.
func (e *Entry) checkVault(bad func(string, ...any) error) error {
	actions := map[string][]string{KindAccess: AccessActions, KindDenied: DeniedActions, KindCredential: CredentialActions}
	if e.Action != "" && !slices.Contains(actions[e.Kind], e.Action) {
		return bad("unknown action %q", e.Action)
	}
	if e.Reason != "" && !slices.Contains(DeniedReasons, e.Reason) {
		return bad("unknown reason %q", e.Reason)
	}
	if e.Clearance != "" && !slices.Contains(Clearances, e.Clearance) {
		return bad("unknown clearance %q", e.Clearance)
	}
	if e.Citizenship != "" && !isTrigraph(e.Citizenship) {
		return bad("citizenship %q is not three upper-case letters", e.Citizenship)
	}
	if err := checkList(e.Compartments); err != nil {
		return bad("compartments: %v", err)
	}
	if err := checkList(e.Roles); err != nil {
		return bad("roles: %v", err)
	}
	for _, r := range e.Roles {
		if !slices.Contains(Roles, r) {
			return bad("unknown role %q", r)
		}
	}
	if e.Kind == KindCredential {
		switch {
		case e.Action == "password" && e.Token != "":
			return bad("a password with a token")
		case e.Action != "password" && e.Token == "":
			return bad("no token")
		case e.TokenSHA256 != "" && e.Action != "token-create":
			return bad("a token hash on a %s", e.Action)
		case e.PasswordHashSHA256 != "" && e.Action != "password":
			return bad("a password hash on a %s", e.Action)
		}
	}
	if e.Token != "" && !IsTokenID(e.Token) {
		return bad("token %q is not 16 lowercase hex digits", e.Token)
	}
	return nil
}

// checkList checks a list field: sorted, without duplicates, of
// non-empty strings without commas (the store joins lists with commas).
func checkList(l []string) error {
	for i, v := range l {
		switch {
		case v == "" || strings.ContainsAny(v, ", "):
			return fmt.Errorf("%q is empty or has a comma or space", v)
		case i > 0 && l[i-1] >= v:
			return fmt.Errorf("not sorted or has duplicates (%q, %q)", l[i-1], v)
		}
	}
	return nil
}

func isTrigraph(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// IsTokenID reports whether s is a token's public id: 16 lowercase hex
// digits.
func IsTokenID(s string) bool {
	if len(s) != 16 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && s == strings.ToLower(s)
}

// IsSHA256 reports whether s is a SHA-256 hash in lowercase hex.
func IsSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && s == strings.ToLower(s)
}
