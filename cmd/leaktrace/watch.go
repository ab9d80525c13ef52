package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/leaktrace/leaktrace/internal/server"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/watch"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// Errors of watch.
var (
	// errWatchIncomplete: a --once scan left something undone.
	errWatchIncomplete = errors.New("the scan left something undone")
	// errWatchSetting: a config file names a setting watch does not have.
	errWatchSetting = errors.New("unknown watch setting")
	// errListenAddr: --listen can't be listened on.
	errListenAddr = errors.New("cannot serve the push endpoint on --listen")
	// errPushTokenShort: the push token is too easy to guess.
	errPushTokenShort = errors.New("the push token is too short")
)

// minPushToken is the shortest push token taken, in bytes.
const minPushToken = 16

// watchFlags are the settings of leak watch, as flags of watch and as the
// names in a --config file (and serve's --watch-config).
type watchFlags struct {
	fs                *pflag.FlagSet
	dirs, feeds       []string
	listen, tokenFile string
	interval          time.Duration
	webhook           string
	webhookHeaders    []string
	webhookSecretFile string
	smtpAddr          string
	smtpFrom          string
	smtpTo            []string
	smtpUser          string
	smtpPasswordFile  string
	smtpInsecure      bool
	warnings          []string // said on standard error by the command
	epsilon           float64
	minWords          int
	concurrency       int
	maxItemSize       string
	timeout           time.Duration
}

func addWatchFlags(fs *pflag.FlagSet) *watchFlags {
	w := &watchFlags{fs: fs}
	fs.StringArrayVar(&w.dirs, "dir", nil, "watch the files in this folder and its subfolders (repeatable)")
	fs.StringArrayVar(&w.feeds, "feed", nil, "watch this RSS, Atom or JSON Feed (repeatable)")
	fs.StringVar(&w.listen, "listen", "", "serve the push endpoint for scrapers on this address, host:port")
	fs.StringVar(&w.tokenFile, "push-token-file", "", "file holding the push endpoint's bearer token (or $LEAKTRACE_PUSH_TOKEN)")
	fs.DurationVar(&w.interval, "interval", watch.DefaultInterval, "time between scans")
	fs.StringVar(&w.webhook, "alert-webhook", "", "POST each alert as JSON to this URL")
	fs.StringArrayVar(&w.webhookHeaders, "alert-webhook-header", nil, `send this header with each alert, "Name: value" (repeatable)`)
	fs.StringVar(&w.webhookSecretFile, "alert-webhook-secret-file", "", "send the secret in this file as the X-Leaktrace-Secret header")
	fs.StringVar(&w.smtpAddr, "smtp-addr", "", "e-mail each alert through this SMTP server, host:port")
	fs.StringVar(&w.smtpFrom, "smtp-from", "", "the alert e-mails' sender")
	fs.StringArrayVar(&w.smtpTo, "smtp-to", nil, "an alert e-mail recipient (repeatable)")
	fs.StringVar(&w.smtpUser, "smtp-user", "", "SMTP user name (default --smtp-from)")
	fs.StringVar(&w.smtpPasswordFile, "smtp-password-file", "", "file holding the SMTP password (or $LEAKTRACE_SMTP_PASSWORD)")
	fs.BoolVar(&w.smtpInsecure, "smtp-insecure", false, "send alert e-mails to a server that is not on this machine even without STARTTLS (in clear)")
	fs.Float64Var(&w.epsilon, "epsilon", watch.DefaultEpsilon, "false-accusation bound of every trace")
	fs.IntVar(&w.minWords, "min-words", watch.DefaultMinWords, "least words of an item aligned with a document for an alert when no reader is accused")
	fs.IntVar(&w.concurrency, "concurrency", 0, "traces run at once (default: the number of CPUs)")
	fs.StringVar(&w.maxItemSize, "max-item-size", "64MiB", "largest item read (bytes, or with KiB, MiB, GiB)")
	fs.DurationVar(&w.timeout, "timeout", watch.DefaultLimits().Timeout, "time limit of one scan of a source, and of one download")
	return w
}

// applyConfig sets the flags a config file names, unless the command line
// set them: the command line wins.
func (w *watchFlags) applyConfig(path string) error {
	settings, err := watch.ReadConfig(path)
	if err != nil {
		return err
	}
	onLine := map[string]bool{}
	w.fs.Visit(func(f *pflag.Flag) { onLine[f.Name] = true })
	for _, s := range settings {
		if f := w.fs.Lookup(s.Name); f == nil || s.Name == "config" {
			return fmt.Errorf("%s: %w %q", path, errWatchSetting, s.Name)
		}
		if onLine[s.Name] {
			continue
		}
		if err := w.fs.Set(s.Name, s.Value); err != nil {
			return usagef("%s: %s: %w", path, s.Name, err)
		}
	}
	return nil
}

// settings reads the files the flags name and returns the settings.
func (w *watchFlags) settings() (*watch.Settings, error) {
	s := &watch.Settings{Dirs: w.dirs, Feeds: w.feeds, Listen: w.listen, Webhook: w.webhook, Interval: w.interval,
		Epsilon: w.epsilon, MinWords: w.minWords, Concurrency: w.concurrency, Timeout: w.timeout}
	if w.interval <= 0 || w.timeout <= 0 || w.concurrency < 0 || w.minWords < 1 {
		return nil, usagef("--interval and --timeout must be positive durations (e.g. 5m, 30s), --concurrency zero or more, --min-words one or more")
	}
	n, err := parseSize(w.maxItemSize)
	if err != nil {
		return nil, usagef("--max-item-size %q: %w", w.maxItemSize, err)
	}
	s.MaxItemBytes = n
	if err := service.CheckEpsilon(w.epsilon); err != nil {
		return nil, err
	}
	if w.listen != "" {
		if s.PushToken, err = secret(w.tokenFile, "LEAKTRACE_PUSH_TOKEN"); err != nil {
			return nil, err
		}
		if s.PushToken == "" {
			return nil, usagef("--listen needs a token: --push-token-file FILE or $LEAKTRACE_PUSH_TOKEN")
		}
		if len(s.PushToken) < minPushToken {
			return nil, fmt.Errorf("%w: %d bytes, at least %d", errPushTokenShort, len(s.PushToken), minPushToken)
		}
		if w.tokenFile != "" {
			if fi, err := os.Stat(w.tokenFile); err == nil && fi.Mode().Perm()&0o077 != 0 {
				w.warnings = append(w.warnings, fmt.Sprintf("the push token file %s can be read by other users (mode %04o): chmod 600 %s", w.tokenFile, fi.Mode().Perm(), w.tokenFile))
			}
		}
	}
	if len(w.webhookHeaders) > 0 || w.webhookSecretFile != "" {
		if w.webhook == "" {
			return nil, usagef("--alert-webhook-header and --alert-webhook-secret-file go with --alert-webhook")
		}
		s.WebhookHeader = http.Header{}
		for _, h := range w.webhookHeaders {
			k, v, ok := strings.Cut(h, ":")
			if !ok || strings.TrimSpace(k) == "" {
				return nil, usagef(`--alert-webhook-header %q: want "Name: value"`, h)
			}
			s.WebhookHeader.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		}
		if w.webhookSecretFile != "" {
			v, err := secret(w.webhookSecretFile, "")
			if err != nil {
				return nil, err
			}
			s.WebhookHeader.Set("X-Leaktrace-Secret", v)
		}
	}
	if w.smtpAddr != "" || w.smtpFrom != "" || len(w.smtpTo) > 0 {
		if w.smtpAddr == "" || w.smtpFrom == "" || len(w.smtpTo) == 0 {
			return nil, usagef("e-mail alerts need --smtp-addr, --smtp-from and --smtp-to together")
		}
		pw, err := secret(w.smtpPasswordFile, "LEAKTRACE_SMTP_PASSWORD")
		if err != nil {
			return nil, err
		}
		s.SMTP = &watch.SMTP{Addr: w.smtpAddr, From: w.smtpFrom, To: w.smtpTo, Username: w.smtpUser, Password: pw,
			Insecure: w.smtpInsecure}
	}
	if err := s.Check(); err != nil {
		if errors.Is(err, watch.ErrNoSource) {
			return nil, usageError{err}
		}
		return nil, err
	}
	return s, nil
}

// secret reads a secret from a file (its content, without the line end),
// or else from the environment variable env.
func secret(file, env string) (string, error) {
	if file == "" {
		if env == "" {
			return "", nil
		}
		return os.Getenv(env), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// parseSize parses a size in bytes, with an optional KiB, MiB or GiB (or
// K, M, G, KB, MB, GB: all powers of 1024).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, errors.New("want a positive number of bytes, e.g. 64MiB")
	}
	return n * mult, nil
}

func (a *app) watchCommand() *cobra.Command {
	var once, asJSON bool
	var config, metricsAddr string
	var w *watchFlags
	cmd := &cobra.Command{
		Use:   "watch [--dir D]... [--feed URL]... [--listen ADDR --push-token-file F] [--alert-webhook URL] [--interval 5m] [--once]",
		Short: "Watch folders, feeds and a push endpoint for leaks, and raise alerts",
		Long: `watch looks where leaks surface and raises the alarm itself. It scans
folders (--dir: every file trace reads, new or changed) and feeds (--feed:
RSS, Atom and JSON Feed, each item's text and HTML and the enclosures it
can trace), and takes items that scrapers push (--listen, with a token;
the format is in docs/watch-push.md).

Each new item is traced with the real pipeline, and the trace is logged in
the custody log, whether it matched or not. Items are deduplicated by
content (SHA-256) and by the source's item id, in the store, so a restart
traces nothing twice and alerts nothing twice. An item in which a
registered document is found raises one alert: an "accusation" when the
trace accused a reader (p-value at most --epsilon), a "document" alert
when it names nobody. Alerts go to the log (a JSON line on standard
error), and to --alert-webhook (POSTed as JSON) and --smtp-* (e-mail) when
given. An alert is recorded before it is sent and marked sent after: one
whose delivery failed is sent again later (at least once).

It scans every --interval until stopped (SIGINT, SIGTERM). With --once it
scans every source once, makes every delivery attempt, prints a summary
(--json: as JSON) and exits: 0 if nothing failed, 1 if a source, an item
or a delivery failed (the summary says which; they are tried again at the
next run).

--config FILE reads the same settings from a file: a JSON object, or
name = value lines, named as the flags ("dir", "alert-webhook"); the
command line wins over the file.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if config != "" {
				if err := w.applyConfig(config); err != nil {
					return err
				}
			}
			st, err := w.settings()
			if err != nil {
				return err
			}
			for _, warn := range w.warnings {
				fmt.Fprintf(cmd.ErrOrStderr(), "leaktrace: warning: %s\n", termSafe(warn))
			}
			if once && st.Listen != "" {
				return usagef("--once scans --dir and --feed once; --listen serves until stopped: leave one out")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Need(ctx, service.OpTrace); err != nil {
				return err
			}
			var m *watch.Metrics
			if metricsAddr != "" {
				reg := prometheus.NewRegistry()
				m = watch.NewMetrics(reg)
				ln, err := server.Listen(metricsAddr)
				if err != nil {
					return fmt.Errorf("%w: %w", errMetricsAddr, err)
				}
				msrv := &http.Server{Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), ReadHeaderTimeout: 10 * time.Second}
				go msrv.Serve(ln)
				defer msrv.Close()
			}
			logger := slog.New(slog.NewJSONHandler(a.stderr, nil))
			var progress func(watch.Counts)
			if !asJSON {
				progress = a.watchProgress()
			}
			return a.runWatch(ctx, s, st, m, logger, progress, once, asJSON)
		},
	}
	w = addWatchFlags(cmd.Flags())
	cmd.Flags().BoolVar(&once, "once", false, "scan every source once, deliver the alerts, print a summary and exit")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary of --once as JSON")
	cmd.Flags().StringVar(&config, "config", "", "read settings from this file (JSON, or name = value lines)")
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this address, host:port")
	return cmd
}

// watchProgress returns a progress line on standard error when it is a
// terminal, nil otherwise.
func (a *app) watchProgress() func(watch.Counts) {
	f, ok := a.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(c watch.Counts) {
		fmt.Fprintf(f, "\r\x1b[Kwatch: %s, %d traced, %s, %d failed, %s", count(c.Items, "item"), c.Traced,
			count(c.Duplicates, "duplicate"), c.Failed, count(c.Alerts, "alert"))
	}
}

// runWatch runs leak watch under settings st: once, or until ctx ends.
func (a *app) runWatch(ctx context.Context, s *service.Service, st *watch.Settings, m *watch.Metrics, logger *slog.Logger,
	progress func(watch.Counts), once, asJSON bool) error {
	e := watch.NewEngine(s, st.Sources(), st.Alerters(logger), withProgress(st.Options(logger, m), progress))
	if once {
		sum, err := e.Once(ctx)
		if progress != nil {
			fmt.Fprint(a.stderr, "\r\x1b[K")
		}
		if err != nil {
			return err
		}
		if asJSON {
			if err := writeJSON(a.stdout, sum); err != nil {
				return err
			}
		} else {
			printSummary(a.stdout, sum)
		}
		if sum.Failed() {
			return errWatchIncomplete
		}
		return nil
	}
	stopPush, err := servePush(ctx, st, e, logger)
	if err != nil {
		return err
	}
	defer stopPush()
	logger.Info("watch started", slog.Int("sources", len(st.Dirs)+len(st.Feeds)), slog.String("listen", st.Listen),
		slog.Duration("interval", st.Interval))
	err = e.Run(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// startWatch runs leak watch beside the server until ctx ends or the
// function it returns is called, which waits for it to stop.
func (a *app) startWatch(ctx context.Context, s *service.Service, st *watch.Settings, m *watch.Metrics, logger *slog.Logger) (func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	e := watch.NewEngine(s, st.Sources(), st.Alerters(logger), st.Options(logger, m))
	stopPush, err := servePush(ctx, st, e, logger)
	if err != nil {
		cancel()
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
		stopPush()
	}, nil
}

func withProgress(o watch.Options, p func(watch.Counts)) watch.Options {
	o.Progress = p
	return o
}

// pushReadTimeout bounds reading a pushed request, body included: the
// largest body at a slow 256 KiB/s is about 6 minutes.
const pushReadTimeout = 10 * time.Minute

// servePush serves the push endpoint if st has one, and returns how to
// stop it.
func servePush(ctx context.Context, st *watch.Settings, e *watch.Engine, logger *slog.Logger) (func(), error) {
	if st.Listen == "" {
		return func() {}, nil
	}
	ln, err := server.Listen(st.Listen)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errListenAddr, err)
	}
	srv := &http.Server{Handler: st.PushHandler(e), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: pushReadTimeout, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go srv.Serve(ln)
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		e.Wait()
	}, nil
}

// printSummary prints what a --once scan did.
func printSummary(w io.Writer, sum *watch.Summary) {
	for _, s := range sum.Sources {
		switch {
		case s.Error != "":
			fmt.Fprintf(w, "%s: error: %s\n", termSafe(s.Name), termSafe(s.Error))
		default:
			fmt.Fprintf(w, "%s: %s, %d traced, %s, %d failed, %s\n", termSafe(s.Name), count(s.Items, "item"), s.Traced,
				count(s.Duplicates, "duplicate"), s.Failed, count(s.Alerts, "alert"))
		}
		for _, e := range s.ItemErrors {
			fmt.Fprintf(w, "  %s\n", termSafe(e))
		}
	}
	for _, al := range sum.Raised {
		where := al.Link
		if where == "" {
			where = al.Item
		}
		fmt.Fprintf(w, "alert: %s: %s (%s; log entry %d)\n", al.Kind, termSafe(watch.Summary1(al)), termSafe(where), al.LogEntry)
	}
	fmt.Fprintf(w, "%s raised, %d delivered, %d not delivered, %d pending\n", count(sum.Alerts, "alert"), sum.Delivered, sum.Undelivered, sum.Pending)
}
