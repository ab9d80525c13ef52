package watch

import "net/http"

// Sources are the folders' and feeds' sources.
func (s *Settings) Sources() []Source {
	var out []Source
	l := s.Limits()
	for _, d := range s.Dirs {
		out = append(out, NewDir(d, l))
	}
	for _, f := range s.Feeds {
		out = append(out, NewFeed(f, l))
	}
	return out
}

// PushHandler is the push endpoint, handing items to sub.
func (s *Settings) PushHandler(sub Submitter) http.Handler {
	return NewPushHandler("push", s.PushToken, sub, s.Limits())
}
