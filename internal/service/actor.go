package service

import "context"

// actorKey is the context key of the actor.
type actorKey struct{}

// WithActor returns a copy of ctx naming actor as who makes the changes
// done with it: the custody log records actor in the entry of each. A
// server passes each request's own actor, so requests never share one.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor ctx names (see [WithActor]), or
// [DefaultActor] if it names none.
func ActorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok {
		return a
	}
	return DefaultActor()
}
