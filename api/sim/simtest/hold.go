package simtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/petitmonde/chargedesk/api/sim"
)

// Hold is a fault handler for the answer lost on its way: the first request
// to its method and path is processed by the simulator (a create makes its
// booking), and the answer is kept back until the client goes away or the
// test ends. The test waits on Held to act at that moment (kill the client),
// and on Gone to know the server saw the client go. Later requests pass.
type Hold struct {
	method, path string
	first        sync.Once
	held, gone   chan struct{}
}

// NewHold holds the answer to the first method request to path (without
// the base path, e.g. "/bookings").
func NewHold(method, path string) *Hold {
	return &Hold{method: method, path: path, held: make(chan struct{}), gone: make(chan struct{})}
}

// Held is closed once the request was processed and its answer is held.
func (h *Hold) Held() <-chan struct{} { return h.held }

// Gone is closed once the client went away without the answer.
func (h *Hold) Gone() <-chan struct{} { return h.gone }

// Handler is the fault handler, for Wrap.
func (h *Hold) Handler(s *Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != h.method || strings.TrimPrefix(r.URL.Path, sim.BasePath) != h.path {
			next.ServeHTTP(w, r)
			return
		}
		mine := false
		h.first.Do(func() { mine = true })
		if !mine {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		close(h.held)
		select {
		case <-r.Context().Done():
			close(h.gone)
		case <-s.Done():
		}
	})
}
