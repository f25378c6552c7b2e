package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Subscribe returns the status changes the gateway sees from now on, as
// the events stream sends them (each a booking as JSON), and the function
// that ends the subscription. The channel is closed when the gateway's
// watch (Run) ends.
func (g *Gateway) Subscribe() (<-chan []byte, func()) {
	ch := g.hub.subscribe()
	return ch, func() { g.hub.unsubscribe(ch) }
}

// hub fans status changes out to the agents subscribed to the events.
type hub struct {
	mu     sync.Mutex
	subs   map[chan []byte]struct{}
	closed bool
	change chan struct{} // closed, and replaced, at every subscribe and unsubscribe
}

func newHub() *hub { return &hub{subs: map[chan []byte]struct{}{}, change: make(chan struct{})} }

// subscribe adds a subscriber; after close, its channel is closed at once.
func (h *hub) subscribe() chan []byte {
	ch := make(chan []byte, 64)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(ch)
		return ch
	}
	h.subs[ch] = struct{}{}
	h.changed()
	return ch
}

func (h *hub) unsubscribe(ch chan []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[ch]; ok {
		delete(h.subs, ch)
		h.changed()
	}
}

// changed tells whoever waits on the subscribers that they changed; h.mu
// is held.
func (h *hub) changed() {
	close(h.change)
	h.change = make(chan struct{})
}

// subscribers is how many there are now, and a channel closed when that
// changes.
func (h *hub) subscribers() (int, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs), h.change
}

// publish sends one booking (as JSON) to every subscriber; one too slow to
// keep 64 events misses this one (it reads the booking when it catches up).
func (h *hub) publish(raw []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- raw:
		default:
		}
	}
}

// close ends every subscription (their channels are closed) and every
// later one.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		close(ch)
		delete(h.subs, ch)
	}
	h.closed = true
	h.changed()
}

// keepAlive is how often an idle events stream gets a comment line, so
// proxies keep it open.
const keepAlive = 15 * time.Second

// events streams status changes as server-sent events: "event: booking"
// with the booking as JSON, one per change the gateway sees. It ends when
// the agent's token is revoked (checked at every event and keep-alive), the
// agent goes, or the gateway's watch stops.
func (g *Gateway) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeBody(w, http.StatusInternalServerError, errorBody("streaming is not supported here"))
		return
	}
	token := callerOf(r).token
	ch := g.hub.subscribe()
	defer g.hub.unsubscribe(ch)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprint(w, ": chargedesk gateway events\n\n")
	fl.Flush()
	t := time.NewTicker(keepAlive)
	defer t.Stop()
	for {
		var line string
		select {
		case <-r.Context().Done():
			return
		case raw, open := <-ch:
			if !open {
				return // the gateway is stopping
			}
			line = fmt.Sprintf("event: booking\ndata: %s\n\n", raw)
		case <-t.C:
			line = ": keep-alive\n\n"
		}
		if !g.stillAgent(r, token) {
			return // revoked while listening
		}
		if _, err := fmt.Fprint(w, line); err != nil {
			return
		}
		fl.Flush()
	}
}

// stillAgent tells whether token is still an active agent's; a store that
// cannot tell ends the stream too (and is logged): the agent reconnects.
func (g *Gateway) stillAgent(r *http.Request, token string) bool {
	_, err := g.tokens.agent(r.Context(), token)
	if err != nil && !errors.Is(err, ErrUnknownToken) && r.Context().Err() == nil {
		g.log.Error("the store cannot check an agent token: the agent's events stream ends", "err", g.redactLog(err.Error()))
	}
	return err == nil
}
