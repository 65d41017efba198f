// Package metrics owns the server's Prometheus series (issue 19): their
// names, help texts and labels, and the /metrics handler. Adapters and
// services report what happened through the small functions here
// (Connection, Login, Delivered, Outbound, ...); nothing else registers
// series, so that every name starts with postroom_ and is documented in
// one place.
//
// Metrics are this process's: each node of a cluster is scraped on its
// own and Prometheus sums them. A function here never fails and costs a
// few atomic operations, so callers need no guard.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var registry = prometheus.NewRegistry()

func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	registry.MustRegister(c)
	return c
}

func histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	registry.MustRegister(h)
	return h
}

// latency buckets, in seconds: a store commit is milliseconds, a
// delivery with its fsyncs tens of them, a slow web request seconds.
var latency = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

var (
	connections = counterVec("postroom_connections_total",
		"Connections on each listener, accepted or refused (per-address or server-wide limit).", "listener", "result")
	logins = counterVec("postroom_logins_total",
		"Login attempts by protocol (imap, pop3, smtp, web, carddav) and result (ok, failed).", "protocol", "result")
	received = counterVec("postroom_messages_received_total",
		"Messages delivered into a mailbox, one per recipient, by folder role (inbox, spam, ...).", "folder")
	outbound = counterVec("postroom_outbound_recipients_total",
		"Outbound recipients tried by the queue: sent, deferred (tried again later) or bounced.", "result")
	spamVerdicts = counterVec("postroom_spam_verdicts_total",
		"Messages judged spam at delivery, by the code of the weightiest reason (blocked-sender, blocked-phrase, dmarc, forged-sender, learned, ...).", "reason")
	deliveryLatency = histogramVec("postroom_delivery_duration_seconds",
		"Time to deliver one message to all its local recipients, durably stored.", latency, "source")
	storeLatency = histogramVec("postroom_store_write_duration_seconds",
		"Time of one database write transaction, waiting for the writer included.", latency, "backend")
	httpLatency = histogramVec("postroom_http_request_duration_seconds",
		"Web and API requests by route pattern, method and status class.", latency, "route", "method", "status")
)

func init() {
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

// Connection counts a connection a listener accepted or refused.
func Connection(listener string, accepted bool) {
	result := "accepted"
	if !accepted {
		result = "refused"
	}
	connections.WithLabelValues(listener, result).Inc()
}

// Login counts a login attempt.
func Login(protocol string, ok bool) {
	result := "ok"
	if !ok {
		result = "failed"
	}
	logins.WithLabelValues(protocol, result).Inc()
}

// Delivered counts a message stored for one recipient in the folder of
// that role ("inbox" when it has none).
func Delivered(folderRole string) {
	if folderRole == "" {
		folderRole = "inbox"
	}
	received.WithLabelValues(folderRole).Inc()
}

// Outbound results.
const (
	Sent     = "sent"
	Deferred = "deferred"
	Bounced  = "bounced"
)

// Outbound counts an outbound recipient's attempt by its result.
func Outbound(result string) { outbound.WithLabelValues(result).Inc() }

// Spam counts a spam verdict by its reason's kind.
func Spam(reason string) { spamVerdicts.WithLabelValues(reason).Inc() }

// DeliveryTime records how long one delivery took; source is "smtp" or
// "queue" (the queue's local deliveries: webmail and submission).
func DeliveryTime(source string, d time.Duration) {
	deliveryLatency.WithLabelValues(source).Observe(d.Seconds())
}

// StoreWrite records one write transaction of a backend.
func StoreWrite(backend string, d time.Duration) {
	storeLatency.WithLabelValues(backend).Observe(d.Seconds())
}

// HTTPRequest records one web request; route is the pattern it matched
// ("GET /api/v1/messages/{id}"), never the raw path, so that ids do not
// make a series each.
func HTTPRequest(route, method string, status int, d time.Duration) {
	class := "5xx"
	switch {
	case status < 200:
		class = "1xx"
	case status < 300:
		class = "2xx"
	case status < 400:
		class = "3xx"
	case status < 500:
		class = "4xx"
	}
	httpLatency.WithLabelValues(route, method, class).Observe(d.Seconds())
}

// QueueState reads the outbound queue: how many messages wait and since
// when the oldest has.
type QueueState func(ctx context.Context) (messages int, oldest time.Time, err error)

// WatchQueue makes the queue's size and oldest age part of every scrape,
// read from the store at that moment (so any node tells the shared
// queue's truth). The server calls it once; now is its clock.
func WatchQueue(read QueueState, now func() time.Time) {
	registry.MustRegister(&queueCollector{read: read, now: now})
}

var (
	queueSize = prometheus.NewDesc("postroom_queue_messages", "Messages waiting in the outbound queue.", nil, nil)
	queueAge  = prometheus.NewDesc("postroom_queue_oldest_age_seconds", "Age of the oldest message in the outbound queue (0 when empty).", nil, nil)
)

type queueCollector struct {
	read QueueState
	now  func() time.Time
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueSize; ch <- queueAge }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, oldest, err := c.read(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueSize, err)
		return
	}
	age := 0.0
	if n > 0 && !oldest.IsZero() {
		age = max(c.now().Sub(oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(queueSize, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(queueAge, prometheus.GaugeValue, age)
}

// Handler serves the series in the Prometheus text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(registry, promhttp.HandlerOpts{})
}
