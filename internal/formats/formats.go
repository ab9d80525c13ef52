// Package formats links in every document format leaktrace marks: each
// is a package under internal/format that registers itself
// (format.Register) when imported. Import this package, with a blank
// identifier, wherever documents are parsed; the root package does.
package formats

import (
	_ "github.com/leaktrace/leaktrace/internal/format/docx"   // DOCX
	_ "github.com/leaktrace/leaktrace/internal/format/html"   // HTML pages
	_ "github.com/leaktrace/leaktrace/internal/format/pdfsrc" // existing PDFs
)
