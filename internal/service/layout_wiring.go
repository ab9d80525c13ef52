package service

// The layout channel's packages, as tracing calls them.

import (
	"context"

	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marks"
	"github.com/leaktrace/leaktrace/internal/pdfread"
	"github.com/leaktrace/leaktrace/internal/picture"
)

func sniffLeak(data []byte) string { return picture.Sniff(data) }

func readPDF(ctx context.Context, data []byte) (string, []layout.SeenPage, error) {
	return pdfread.Read(ctx, data)
}

func readPicture(ctx context.Context, data []byte, name string) (string, []layout.SeenPage, error) {
	return picture.Read(ctx, data, name)
}

func newLayoutPlan(set *marks.Set, title string, version int) (layoutPlan, error) {
	p, err := layout.NewPlan(set, title, version)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func observeLayout(p layoutPlan, pages []layout.SeenPage) []layout.Observation {
	return layout.Observe(p.(*layout.Plan), pages)
}
