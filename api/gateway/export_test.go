package gateway

import (
	"context"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// JournalForTest records an attempt as a create does before its POST.
func JournalForTest(s *Store, agent string, req model.BookingRequest, since time.Time) error {
	_, err := journal{ctx: context.Background(), s: s, agent: agent}.Begin(req, since)
	return err
}

// UpstreamForTest is the API the gateway talks to.
func UpstreamForTest(g *Gateway) string { return g.cfg.UpstreamURL }

// WatchedForTest is how many bookings the watch keeps.
func WatchedForTest(g *Gateway) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.watched)
}
