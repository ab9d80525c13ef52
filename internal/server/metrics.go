package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (not the process-global one), so that two servers in one process (as
// in tests) count apart. Labels take few values: route patterns, status
// codes, formats and denial reasons, never ids or paths.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	copies   *prometheus.CounterVec
	denials  *prometheus.CounterVec
	traces   *prometheus.CounterVec
	authFail *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_http_requests_total",
			Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "leaktrace_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
		copies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_copies_served_total",
			Help: "Marked copies served to readers, each logged first, by action (view, download) and format (own, pdf).",
		}, []string{"action", "format"}),
		denials: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_denials_total",
			Help: "Requests refused and logged as denied, by the rule that failed.",
		}, []string{"reason"}),
		traces: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_traces_total",
			Help: "Leaks traced, by outcome: accused (a reader named), unattributed (a document matched, nobody named), no_match.",
		}, []string{"outcome"}),
		authFail: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_auth_failures_total",
			Help: "Bearer tokens refused (invalid), and requests refused for too many of them from one address (rate_limited).",
		}, []string{"result"}),
	}
	// Known label values start at 0, so that rates are defined before
	// the first event.
	for _, a := range []string{"view", "download"} {
		for _, f := range []string{"own", "pdf"} {
			m.copies.WithLabelValues(a, f)
		}
	}
	for _, r := range []string{"clearance", "compartments", "noforn", "rel-to", "grant", "unmarked", "role"} {
		m.denials.WithLabelValues(r)
	}
	for _, o := range []string{"accused", "unattributed", "no_match"} {
		m.traces.WithLabelValues(o)
	}
	for _, r := range []string{"invalid", "rate_limited"} {
		m.authFail.WithLabelValues(r)
	}
	m.reg.MustRegister(m.requests, m.latency, m.copies, m.denials, m.traces, m.authFail,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *metrics) request(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// copyServed counts a copy served; format "" is the document's own.
func (m *metrics) copyServed(action, format string) {
	if format == "" {
		format = "own"
	}
	m.copies.WithLabelValues(action, format).Inc()
}

func (m *metrics) denied(reason string) { m.denials.WithLabelValues(reason).Inc() }

func (m *metrics) traced(outcome string) { m.traces.WithLabelValues(outcome).Inc() }

// Metrics is the registry of the server's metrics (served by
// [Server.ServeMetrics]), for what runs beside it, such as leak watch, to
// register its own.
func (s *Server) Metrics() prometheus.Registerer { return s.metrics.reg }
