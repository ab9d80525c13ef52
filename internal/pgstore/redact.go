package pgstore

import (
	"net/url"
	"strings"
)

// mask replaces a password in a redacted URL.
const mask = "xxxxx"

// Redact returns a connection URL or key=value string with every
// password in it (the URL's user password, password= and sslpassword=
// parameters) replaced by xxxxx, for messages and listings. It never
// fails: what it can't parse is masked from the first place a password
// could start.
func Redact(conn string) string {
	for _, scheme := range []string{"postgres://", "postgresql://"} {
		if rest, ok := strings.CutPrefix(conn, scheme); ok {
			return scheme + redactURL(rest, conn)
		}
	}
	return redactKeywords(conn)
}

// redactURL redacts rest, the part of the URL conn after its scheme.
func redactURL(rest, conn string) string {
	var b strings.Builder
	at := -1
	if _, err := url.Parse(conn); err == nil {
		// As Go's URL parser (and so pgx) reads it: the user info
		// ends at the last '@' before the first '/', '?' or '#'.
		authority := rest
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			authority = rest[:i]
		}
		at = strings.LastIndexByte(authority, '@')
	} else {
		// A malformed one may hold a password with '/', '?' or '#'
		// in it: everything up to the last '@' may be user info.
		at = strings.LastIndexByte(rest, '@')
	}
	if at >= 0 {
		writeUserinfo(&b, rest[:at])
		rest = rest[at+1:]
	}
	path, query, ok := strings.Cut(rest, "?")
	b.WriteString(path)
	if !ok {
		return b.String()
	}
	b.WriteByte('?')
	for i, pair := range strings.Split(query, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		key, _, hasValue := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(key)
		if err != nil {
			k = key
		}
		if hasValue && isPasswordKey(k) {
			b.WriteString(key + "=" + mask)
		} else {
			b.WriteString(pair)
		}
	}
	return b.String()
}

func writeUserinfo(b *strings.Builder, info string) {
	if user, _, ok := strings.Cut(info, ":"); ok {
		b.WriteString(user + ":" + mask)
	} else {
		b.WriteString(info)
	}
	b.WriteByte('@')
}

func isPasswordKey(k string) bool {
	k = strings.ToLower(strings.TrimSpace(k))
	return k == "password" || k == "sslpassword"
}

// redactKeywords redacts a key=value connection string: values are
// bare words or single-quoted, with backslash escapes.
func redactKeywords(s string) string {
	var b strings.Builder
	i := 0
	for i < len(s) {
		// Copy the blanks before a key.
		for i < len(s) && isSpace(s[i]) {
			b.WriteByte(s[i])
			i++
		}
		start := i
		for i < len(s) && s[i] != '=' && !isSpace(s[i]) {
			i++
		}
		key := s[start:i]
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) || s[i] != '=' {
			// Not key=value, which libpq refuses: what follows
			// could be a password.
			b.WriteString(key)
			if i < len(s) {
				b.WriteString(" " + mask)
			}
			return b.String()
		}
		i++ // '='
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		vstart := i
		if i < len(s) && s[i] == '\'' {
			i++
			for i < len(s) && s[i] != '\'' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			i = min(i+1, len(s))
		} else {
			for i < len(s) && !isSpace(s[i]) {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			i = min(i, len(s))
		}
		if isPasswordKey(key) {
			b.WriteString(key + "=" + mask)
		} else {
			b.WriteString(key + "=" + s[vstart:i])
		}
	}
	return b.String()
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
