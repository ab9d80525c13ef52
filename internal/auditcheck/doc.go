// Package auditcheck holds no code, only a test: the custody log checked
// the way an outside auditor would, with a verifier built from
// golang.org/x/mod/sumdb/note and sumdb/tlog alone and the leaktrace
// binary's output — none of leaktrace's own packages. If the log's
// guarantees only held when checked by leaktrace itself, they would not
// be guarantees. TestImportsNoProjectCode keeps it that way.
package auditcheck
