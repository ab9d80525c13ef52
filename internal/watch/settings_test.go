package watch

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// The webhook does not follow a redirect (which would turn the POST
// into a GET without the alert): a 3xx is a failed delivery.
func TestWebhookRedirectIsAFailedDelivery(t *testing.T) {
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hook" {
			http.Redirect(w, r, "/moved", http.StatusFound)
			return
		}
		gets.Add(1)
	}))
	t.Cleanup(srv.Close)
	s := &Settings{Webhook: srv.URL + "/hook"}
	als := s.Alerters(nil)
	if len(als) != 2 {
		t.Fatalf("alerters: %d", len(als))
	}
	err := als[1].Send(t.Context(), Alert{Kind: KindDocument, Found: time.Now()})
	if err == nil || gets.Load() != 0 {
		t.Fatalf("a webhook that redirects: %v, followed %d times; want a failed delivery", err, gets.Load())
	}
}
