package api_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// killedTransport is a process that dies at its create: before the POST
// leaves (killBefore) or once the server has it, its answer never read.
// Every later request of that process fails too: it is gone.
type killedTransport struct {
	next       http.RoundTripper
	killBefore bool
	dead       atomic.Bool
}

var errKilled = errors.New("the process was killed")

func (k *killedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if k.dead.Load() {
		return nil, errKilled
	}
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/bookings") {
		k.dead.Store(true)
		if k.killBefore {
			return nil, errKilled
		}
		if resp, err := k.next.RoundTrip(r); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return nil, errKilled
	}
	return k.next.RoundTrip(r)
}

// escTransport is the booking form left (Esc, Ctrl-C) the moment its POST
// was sent: the create's context ends while the answer is on its way.
type escTransport struct {
	next   http.RoundTripper
	cancel context.CancelFunc
}

func (e *escTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := e.next.RoundTrip(r)
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/bookings") {
		e.cancel()
	}
	return resp, err
}

// TestChaosProcessesNeverBookTwice runs booking attempts through the real
// client and the real create journal, against a faulty simulator, in four
// ways a person or a machine breaks a create: the process killed mid-create
// and the command run again; two processes with one external id at once; a
// server answering the POST with a redirect, then the agent trying again
// directly; the form left while its POST is out, then opened again. Each
// way ends the way the program does it (the rerun looks the journal's
// attempt up first). Whatever happens: no external id is booked twice.
func TestChaosProcessesNeverBookTwice(t *testing.T) {
	attempts := 480
	if testing.Short() {
		attempts = 80
	}
	faults := sim.Faults{Seed: 11, Latency: sim.Latency{Fixed: 100 * time.Microsecond, Jitter: time.Millisecond},
		ServerError: 0.05, DropBefore: 0.04, DropAfter: 0.06, Malformed: 0.03}
	r := newChaosRig(t, faults, nil)
	apiURL := strings.TrimSuffix(r.c.BaseURL(), sim.BasePath)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, apiURL+req.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirector.Close)
	dir := t.TempDir()
	client := func(base string, tr http.RoundTripper) *api.Client {
		j := localstate.OpenJournal(dir, r.c.BaseURL(), sim.DefaultKey).WithClock(r.clock.Now)
		return api.New(api.Config{BaseURL: base, APIKey: sim.DefaultKey, Timeout: 5 * time.Second, Retries: 2,
			Now: r.clock.Now, Transport: tr, Journal: j,
			Sleep: func(ctx context.Context, d time.Duration) error { r.clock.Advance(d); return ctx.Err() }})
	}
	// rerun is what a second run of `chargedesk book --external-id X` does:
	// from when the journal says the attempt began, look it up, then book.
	rerun := func(req model.BookingRequest) (*api.CreateResult, error) {
		since, ok := localstate.OpenJournal(dir, r.c.BaseURL(), sim.DefaultKey).Since(req.ExternalID)
		if !ok {
			since = r.clock.Now().Add(-time.Hour)
		}
		return client(r.c.BaseURL(), nil).ResumeCreate(context.Background(), req, since)
	}
	ways := []string{"killed, run again", "two processes at once", "redirected, then direct", "left mid-create, opened again"}
	counts := map[string]map[string]int{}
	var mu sync.Mutex
	note := func(way, outcome string) {
		mu.Lock()
		defer mu.Unlock()
		if counts[way] == nil {
			counts[way] = map[string]int{}
		}
		counts[way][outcome]++
	}
	outcome := func(res *api.CreateResult, err error) string {
		switch {
		case err == nil && res.Adopted:
			return "booked (adopted)"
		case err == nil:
			return "booked"
		}
		return api.KindOf(err).String()
	}
	work := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				req := r.request(i)
				r.clock.Advance(time.Second)
				way := ways[i%len(ways)]
				switch i % len(ways) {
				case 0:
					k := &killedTransport{next: http.DefaultTransport, killBefore: i%8 == 0}
					_, _ = client(r.c.BaseURL(), k).CreateBooking(context.Background(), req) // dies
					note(way, outcome(rerun(req)))
				case 1:
					var pair sync.WaitGroup
					results := make([]string, 2)
					for p := range 2 {
						pair.Add(1)
						go func() {
							defer pair.Done()
							results[p] = outcome(rerun(req))
						}()
					}
					pair.Wait()
					sort.Strings(results)
					note(way, strings.Join(results, " + "))
				case 2:
					_, err := client(redirector.URL+sim.BasePath, nil).CreateBooking(context.Background(), req)
					if api.KindOf(err) != api.KindRedirect {
						t.Errorf("attempt %d: a redirected POST gave %v, want a redirect error", i, err)
					}
					note(way, outcome(rerun(req)))
				case 3:
					ctx, cancel := context.WithCancel(context.Background())
					res, err := client(r.c.BaseURL(), &escTransport{next: http.DefaultTransport, cancel: cancel}).CreateBooking(ctx, req)
					cancel()
					if err == nil || api.KindOf(err) != api.KindUnknownOutcome {
						note(way+" (first answer)", outcome(res, err))
					}
					note(way, outcome(rerun(req)))
				}
			}
		}()
	}
	for i := range attempts {
		work <- i
	}
	close(work)
	wg.Wait()

	doubles := 0
	for ext, bs := range r.byExternalID() {
		if len(bs) > 1 {
			doubles++
			t.Errorf("external id %s booked %d times", ext, len(bs))
		}
	}
	for _, way := range append(ways, ways[3]+" (first answer)") {
		var parts []string
		for o, n := range counts[way] {
			parts = append(parts, fmt.Sprintf("%s=%d", o, n))
		}
		sort.Strings(parts)
		t.Logf("%s: %s", way, strings.Join(parts, " "))
	}
	t.Logf("%d attempts, %d bookings in the simulator, double bookings: %d", attempts, len(r.srv.Bookings()), doubles)
}
