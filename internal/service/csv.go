package service

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/leaktrace/leaktrace"
)

// Errors in a readers' CSV file that the CLI turns into hints.
var (
	// ErrCSVHeader: the header has no id column.
	ErrCSVHeader = errors.New("no id column")
	// ErrCSVRow: a row has more or fewer fields than the header.
	ErrCSVRow = errors.New("a row's fields do not match the header")
)

// csvRowError is an [ErrCSVRow], worded with the row's line.
type csvRowError struct {
	line, fields int
	header       []string
}

func (e *csvRowError) Error() string {
	return fmt.Sprintf("line %d has %d fields, but the header has %d (%s)", e.line, e.fields, len(e.header), strings.Join(e.header, ","))
}

func (e *csvRowError) Is(target error) bool { return target == ErrCSVRow }

// ParseRecipientsCSV reads readers from a CSV with the header
// id,name,email (name and email optional, any column order, any case),
// and optionally the access fields clearance, compartments, citizenship
// and roles (lists separated by ';' or ','; [Service.AddRecipients]
// validates them). Blank lines are skipped; every other row has the
// header's fields.
func ParseRecipientsCSV(r io.Reader) ([]leaktrace.Recipient, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the CSV file is empty")
	}
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[h] = i
	}
	idCol, ok := col["id"]
	if !ok {
		return nil, fmt.Errorf("the CSV header %q has %w", strings.Join(header, ","), ErrCSVHeader)
	}
	field := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []leaktrace.Recipient
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, &csvRowError{line, len(rec), header}
		}
		if idCol >= len(rec) || strings.TrimSpace(rec[idCol]) == "" {
			return nil, fmt.Errorf("line %d: no id", line)
		}
		r := leaktrace.Recipient{ID: strings.TrimSpace(rec[idCol]), Name: field(rec, "name"), Email: field(rec, "email"),
			Clearance: field(rec, "clearance"), Compartments: csvList(field(rec, "compartments")), Citizenship: field(rec, "citizenship")}
		if roles := field(rec, "roles"); roles != "" {
			if r.Roles, err = ParseRoles(strings.Join(csvList(roles), ",")); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// csvList splits a list field of the CSV at ';' or ','.
func csvList(s string) []string {
	var out []string
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
