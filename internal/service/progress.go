package service

import "context"

// Progress receives the progress of a long operation: done of total steps
// are finished, and stage names the step under way (or "" once done is
// total).
type Progress func(stage string, done, total int)

type progressKey struct{}

// WithProgress returns a context under which long operations
// ([Service.AddDocument]) report their progress to p. Calls come from the
// operation's own goroutine.
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// progressFrom returns ctx's progress receiver, or one that ignores
// everything.
func progressFrom(ctx context.Context) Progress {
	if p, ok := ctx.Value(progressKey{}).(Progress); ok && p != nil {
		return p
	}
	return func(string, int, int) {}
}
