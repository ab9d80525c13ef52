package main

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leaktrace/leaktrace/internal/service"
)

// termSafe returns s unchanged if a terminal would show it as it is, and
// otherwise quoted with Go escapes ("eve\x1b[31m\nforged"), so that text
// from the store — titles, names, ids, actors, file names, a leak's words
// — cannot move the cursor, recolour, or forge a line of the output. New
// values are validated at entry (service.CheckText); this covers values
// stored by older releases, and leaks. Every human-readable printer uses
// it on stored text; JSON output does not need it, since JSON escapes
// control characters itself.
func termSafe(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, service.Unsafe) < 0 {
		return s
	}
	return strconv.Quote(s)
}
