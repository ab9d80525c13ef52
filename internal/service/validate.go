package service

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/format"
)

// Limits on the free text a home records, in bytes of UTF-8. They are far
// above any real value and keep a log entry or a listing readable.
const (
	MaxActor = 256
	MaxTitle = 512
	MaxName  = 256
	MaxEmail = 320 // RFC 5321: 64 for the local part, 255 for the domain, and the @
)

// Errors for values refused at entry. They are wrapped with the field
// and the offending value (quoted); test with errors.Is.
var (
	ErrInvalidText  = errors.New("invalid text")
	ErrInvalidActor = errors.New("invalid actor")
	ErrInvalidEmail = errors.New("invalid email address")
	// ErrIDCase: an id differs only in upper and lower case from another,
	// and the two would name the same file on a case-insensitive file
	// system.
	ErrIDCase = errors.New("id differs only in case from another")
	// ErrRecipientExists and ErrDocumentExists wrap leaktrace.ErrExists
	// when the service finds the id taken.
	ErrRecipientExists = fmt.Errorf("recipient %w", leaktrace.ErrExists)
	ErrDocumentExists  = fmt.Errorf("document %w", leaktrace.ErrExists)
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$`)

// CheckID validates a document or recipient id. Ids name files (a
// recipient's copy is DIR/<id>.<ext>), so they are restricted to ASCII
// characters that every file system keeps as they are.
func CheckID(kind, id string) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("%w: %s id %q: use 1-128 ASCII letters (A-Z, a-z), digits and . _ @ + -, starting with a letter or digit", ErrInvalidID, kind, id)
	}
	return nil
}

// Unsafe reports whether r may not appear in recorded text: a control
// character (Unicode category Cc: C0, DEL and C1, newline and tab
// included), a line or paragraph separator, or a format character
// (category Cf): the bidirectional controls (U+061C, U+200E, U+200F,
// U+202A–U+202E, U+2066–U+2069), which can make a terminal line read
// differently from its bytes, and invisible ones such as U+FEFF, U+00AD
// (soft hyphen) or U+2061–U+2064, which make two names that look alike
// differ. Only the zero-width joiner and non-joiner (U+200D, U+200C),
// which some scripts and emoji need, are allowed.
func Unsafe(r rune) bool {
	if r == '\u200c' || r == '\u200d' {
		return false
	}
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) ||
		unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Bidi_Control, r)
}

// CheckText validates a free-text value (a title, a name) of at most
// limit bytes: valid UTF-8 without [Unsafe] characters.
func CheckText(field, s string, limit int) error {
	return checkText(ErrInvalidText, field+" ", s, limit)
}

// CheckActor validates who the custody log records as making a change:
// like [CheckText], not blank, at most [MaxActor] bytes.
func CheckActor(actor string) error {
	if strings.TrimSpace(actor) == "" {
		return fmt.Errorf("%w: %q is blank", ErrInvalidActor, actor)
	}
	return checkText(ErrInvalidActor, "", actor, MaxActor)
}

func checkText(kind error, field, s string, limit int) error {
	if len(s) > limit {
		if field == "" {
			field = "it "
		}
		return fmt.Errorf("%w: %sis %d bytes, more than %d", kind, field, len(s), limit)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s%q is not valid UTF-8", kind, field, s)
	}
	for i, r := range s {
		if Unsafe(r) {
			what := "control"
			if unicode.Is(unicode.Cf, r) && !unicode.Is(unicode.Bidi_Control, r) {
				what = "invisible"
			}
			return fmt.Errorf("%w: %s%q has the %s character %U at byte %d", kind, field, s, what, r, i)
		}
	}
	return nil
}

// CheckEmail validates an email address: empty, or one bare address
// (user@example.org, no display name or angle brackets).
func CheckEmail(email string) error {
	if email == "" {
		return nil
	}
	if err := CheckText("email", email, MaxEmail); err != nil {
		return err
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Name != "" || a.Address != email || !strings.Contains(a.Address, "@") {
		return fmt.Errorf("%w: %q: want a bare address such as user@example.org", ErrInvalidEmail, email)
	}
	return nil
}

// CheckRecipient validates a recipient's id, name and email.
func CheckRecipient(r leaktrace.Recipient) error {
	if err := CheckID("recipient", r.ID); err != nil {
		return err
	}
	if err := CheckText(fmt.Sprintf("recipient %s's name", r.ID), r.Name, MaxName); err != nil {
		return err
	}
	if err := CheckEmail(r.Email); err != nil {
		return fmt.Errorf("recipient %s: %w", r.ID, err)
	}
	return nil
}

// checkNewIDs refuses ids that are taken (in existing, or earlier in
// ids), or that differ only in case from one taken.
func checkNewIDs(kind string, ids, existing []string, exists error) error {
	taken := make(map[string]string, len(existing)+len(ids))
	for _, id := range existing {
		taken[strings.ToLower(id)] = id
	}
	listed := make(map[string]bool, len(ids))
	for _, id := range ids {
		other, ok := taken[strings.ToLower(id)]
		switch {
		case !ok:
			taken[strings.ToLower(id)] = id
			listed[id] = true
		case other != id:
			return fmt.Errorf("%s %q: %w: %q (ids name files, and some file systems do not tell them apart)", kind, id, ErrIDCase, other)
		case listed[id]:
			return fmt.Errorf("%s %q is listed twice: %w", kind, id, exists)
		default:
			return fmt.Errorf("%s %q: %w", kind, id, exists)
		}
	}
	return nil
}

// checkRecipients validates new recipients against each other and the
// store.
func (s *Service) checkRecipients(ctx context.Context, rs []leaktrace.Recipient) error {
	ids := make([]string, len(rs))
	for i, r := range rs {
		if err := CheckRecipient(r); err != nil {
			return err
		}
		ids[i] = r.ID
	}
	existing, err := s.Store.RecipientIDs(ctx)
	if err != nil {
		return err
	}
	return checkNewIDs("recipient", ids, existing, ErrRecipientExists)
}

// checkDocument validates a new document's format (see
// [format.CheckSupported]), and its id and title (given or defaulted)
// against the store.
func (s *Service) checkDocument(ctx context.Context, filename string, data []byte, id, title string) error {
	if err := CheckActor(ActorFrom(ctx)); err != nil {
		return err // before analysing the document; record checks it again
	}
	if err := format.CheckSupported(filename, data); err != nil {
		return err
	}
	if err := CheckID("document", id); err != nil {
		return err
	}
	field := "title"
	if title == "" {
		field, title = "title (by default the file name)", filepath.Base(filename)
	} else if err := CheckText("file name", filepath.Base(filename), MaxTitle); err != nil {
		// Stored beside the title, and shown: checked as it is
		// (PostgreSQL refuses invalid UTF-8 where SQLite stores it).
		return err
	}
	if err := CheckText(field, title, MaxTitle); err != nil {
		return err
	}
	other, err := s.Store.DocumentIDFolded(ctx, id)
	if err != nil || other == "" {
		return err
	}
	return checkNewIDs("document", []string{id}, []string{other}, ErrDocumentExists)
}
