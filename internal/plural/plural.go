// Package plural words counts in messages: "1 copy", "2 copies".
package plural

import (
	"strconv"
	"strings"
)

// Count returns n and the noun, in the plural unless n is 1: "1 row",
// "2 rows", "0 copies", "3 entries". The plural adds "s", or "ies" for a
// final consonant and "y", which covers the nouns leaktrace counts.
func Count(n int, noun string) string {
	return strconv.Itoa(n) + " " + Noun(n, noun)
}

// Noun returns noun, in the plural unless n is 1.
func Noun(n int, noun string) string {
	if n == 1 || noun == "" {
		return noun
	}
	if strings.HasSuffix(noun, "y") && len(noun) > 1 && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])) {
		return noun[:len(noun)-1] + "ies"
	}
	return noun + "s"
}
