package marks

import "strings"

var revealNames = map[rune]string{
	'\u200B': "⟨ZWSP⟩", '\u200C': "⟨ZWNJ⟩", '\u200D': "⟨ZWJ⟩", '\u2060': "⟨WJ⟩",
	'\u00A0': "⟨NBSP⟩", '\u2019': "⟨’⟩", '\u201C': "⟨“⟩", '\u201D': "⟨”⟩", '\u2026': "⟨…⟩",
}

// Reveal makes invisible and typographic mark characters visible, for
// showing evidence to a person: ⟨ZWNJ⟩, ⟨’⟩ and so on. A trailing space
// before a line break shows as ⟨SP⟩.
func Reveal(s string) string {
	var b strings.Builder
	for i, r := range s {
		if n, ok := revealNames[r]; ok {
			b.WriteString(n)
			continue
		}
		if r == ' ' && (strings.HasPrefix(s[i+1:], "\n") || strings.HasPrefix(s[i+1:], "\r\n")) {
			b.WriteString("⟨SP⟩")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
