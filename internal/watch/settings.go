package watch

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/leaktrace/leaktrace/internal/service"
)

// Errors of settings.
var (
	// ErrNoSource: nothing to watch.
	ErrNoSource = errors.New("nothing to watch: no folder, feed or push endpoint")
	// ErrNoPushToken: a push endpoint without a token.
	ErrNoPushToken = errors.New("the push endpoint needs a token")
	// ErrSMTP: incomplete SMTP settings.
	ErrSMTP = errors.New("e-mail alerts need an SMTP server, a sender and at least one recipient")
)

// Settings are what leak watch is told, by flags or a config file: what
// to watch, how, and where to send alerts.
type Settings struct {
	Dirs  []string
	Feeds []string
	// Listen is the push endpoint's address, "" for none; PushToken its
	// token.
	Listen    string
	PushToken string
	// Webhook is the URL alerts are POSTed to, "" for none, with
	// WebhookHeader.
	Webhook       string
	WebhookHeader http.Header
	// SMTP, if not nil, e-mails alerts.
	SMTP *SMTP

	Interval     time.Duration
	Epsilon      float64
	MinWords     int
	Concurrency  int
	MaxItemBytes int64
	Timeout      time.Duration
}

// Check checks that the settings make sense together.
func (s *Settings) Check() error {
	if len(s.Dirs) == 0 && len(s.Feeds) == 0 && s.Listen == "" {
		return ErrNoSource
	}
	if s.Listen != "" && s.PushToken == "" {
		return ErrNoPushToken
	}
	if s.SMTP != nil && (s.SMTP.Addr == "" || s.SMTP.From == "" || len(s.SMTP.To) == 0) {
		return ErrSMTP
	}
	if s.Epsilon != 0 {
		if err := service.CheckEpsilon(s.Epsilon); err != nil {
			return err
		}
	}
	if s.Interval < 0 || s.Timeout < 0 || s.MaxItemBytes < 0 || s.Concurrency < 0 || s.MinWords < 0 {
		return fmt.Errorf("the interval, timeout, size limit, concurrency and least words must not be negative")
	}
	return nil
}

// Limits are the sources' limits.
func (s *Settings) Limits() Limits {
	l := DefaultLimits()
	if s.MaxItemBytes > 0 {
		l.MaxItemBytes = s.MaxItemBytes
	}
	if s.Timeout > 0 {
		l.Timeout = s.Timeout
		l.Client = &http.Client{Timeout: 2 * s.Timeout}
	}
	return l
}

// Alerters are the alerters: the log (always), then the webhook and
// e-mail if set.
func (s *Settings) Alerters(logger *slog.Logger) []Alerter {
	out := []Alerter{&Log{Logger: logger}}
	if s.Webhook != "" {
		// A redirect is not followed (a 301 or 302 would turn the POST
		// into a GET without the alert): it is a failed delivery.
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		out = append(out, &Webhook{URL: s.Webhook, Header: s.WebhookHeader, Client: client})
	}
	if s.SMTP != nil {
		out = append(out, s.SMTP)
	}
	return out
}

// Options are the engine's options under these settings.
func (s *Settings) Options(logger *slog.Logger, m *Metrics) Options {
	return Options{Interval: s.Interval, Epsilon: s.Epsilon, MinWords: s.MinWords, Concurrency: s.Concurrency, Limits: s.Limits(),
		Logger: logger, Metrics: m}
}
