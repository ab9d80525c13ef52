package watch

import "github.com/prometheus/client_golang/prometheus"

// Metrics count what an engine does, per source and per alerter. Its
// methods do nothing on a nil *Metrics.
type Metrics struct {
	items      *prometheus.CounterVec
	tracedC    *prometheus.CounterVec
	duplicates *prometheus.CounterVec
	failedC    *prometheus.CounterVec
	alerts     *prometheus.CounterVec
	sourceErrs *prometheus.CounterVec
	deliveries *prometheus.CounterVec
}

// NewMetrics registers the engine's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_watch_items_total",
			Help: "Items leak watch found, by source.",
		}, []string{"source"}),
		tracedC: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_watch_items_traced_total",
			Help: "Items traced (each trace a custody-log entry), by source.",
		}, []string{"source"}),
		duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_watch_items_duplicate_total",
			Help: "Items whose content was traced before, by source.",
		}, []string{"source"}),
		failedC: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_watch_items_failed_total",
			Help: "Items that could not be read or traced, by source.",
		}, []string{"source"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_watch_alerts_total",
			Help: "Alerts raised (a registered document found in an item), by source.",
		}, []string{"source"}),
		sourceErrs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_watch_source_errors_total",
			Help: "Scans of a source that failed as a whole, by source.",
		}, []string{"source"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leaktrace_watch_alert_deliveries_total",
			Help: "Alert deliveries, by alerter and result (delivered, or failed after every attempt).",
		}, []string{"alerter", "result"}),
	}
	reg.MustRegister(m.items, m.tracedC, m.duplicates, m.failedC, m.alerts, m.sourceErrs, m.deliveries)
	return m
}

// source starts a source's counters at 0.
func (m *Metrics) source(name string) {
	if m == nil {
		return
	}
	for _, c := range []*prometheus.CounterVec{m.items, m.tracedC, m.duplicates, m.failedC, m.alerts, m.sourceErrs} {
		c.WithLabelValues(name)
	}
}

func (m *Metrics) seen(source string, n int) {
	if m != nil {
		m.items.WithLabelValues(source).Add(float64(n))
	}
}

func (m *Metrics) traced(source string) {
	if m != nil {
		m.tracedC.WithLabelValues(source).Inc()
	}
}

func (m *Metrics) duplicate(source string) {
	if m != nil {
		m.duplicates.WithLabelValues(source).Inc()
	}
}

func (m *Metrics) failed(source string, n int) {
	if m != nil {
		m.failedC.WithLabelValues(source).Add(float64(n))
	}
}

func (m *Metrics) alerted(source string, n int) {
	if m != nil {
		m.alerts.WithLabelValues(source).Add(float64(n))
	}
}

func (m *Metrics) sourceFailed(source string) {
	if m != nil {
		m.sourceErrs.WithLabelValues(source).Inc()
	}
}

func (m *Metrics) delivery(alerter string, ok bool) {
	if m == nil {
		return
	}
	r := "failed"
	if ok {
		r = "delivered"
	}
	m.deliveries.WithLabelValues(alerter, r).Inc()
}
