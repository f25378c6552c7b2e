package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/petitmonde/chargedesk/model"
)

// A chargedesk gateway (api/gateway) serves the Agent API to a team and says
// so on every answer; it pushes status changes on its events stream.
const (
	GatewayHeader     = "X-Chargedesk-Gateway"
	GatewayEventsPath = "/api/v1/gateway/events"
	// clientPath is the tail of the Agent API's base URL, which the events
	// stream's URL replaces.
	clientPath = "/api/v1/client"
)

// maxEventLine bounds one line of the events stream (one booking).
const maxEventLine = 1 << 20

// ViaGateway tells whether an answer came from a chargedesk gateway.
func (c *Client) ViaGateway() bool { return c.gateway.Load() }

// Pushed reads the gateway's events stream until ctx ends or the stream
// breaks: open is called once it is open, each booking (sanitised, the key
// redacted) goes to fn. It returns why it stopped.
func (c *Client) Pushed(ctx context.Context, open func(), fn func(model.Booking)) error {
	url := strings.TrimSuffix(c.cfg.BaseURL, clientPath) + GatewayEventsPath
	if err := c.insecure(http.MethodGet, GatewayEventsPath); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-API-Key", c.cfg.APIKey)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	hc := &http.Client{Transport: c.http.GetClient().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("events: %s", c.redact.String(err.Error()))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return fmt.Errorf("events: the gateway answered %d %s", resp.StatusCode, model.SanitizeLine(resp.Header.Get("Content-Type")))
	}
	open()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventLine)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue // event names, comments, keep-alives
		}
		var b model.Booking
		if json.Unmarshal([]byte(c.redact.String(data)), &b) != nil || b.ID == "" {
			continue
		}
		sanitizeAnswer(&b)
		fn(b)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("events: %s", c.redact.String(err.Error()))
	}
	return fmt.Errorf("events: the gateway closed the stream")
}
