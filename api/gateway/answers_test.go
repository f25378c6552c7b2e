package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/gateway"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/api/sim/simtest"
	"github.com/petitmonde/chargedesk/model"
)

// largeSearch is a search answer of about size bytes: a JSON object whose
// results hold names with \u escapes (as an API may send them).
func largeSearch(size int) []byte {
	var b strings.Builder
	b.WriteString(`{"results":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"location_id":"DE-BIG-%06d","name":"Ladepark M\u00fcnchen %d","lat":48.1,"lng":11.5,"bookable":true,"evses":[{"uid":"DE*BIG*%06d*1","status":"AVAILABLE"}]}`, i, i, i)
	}
	b.WriteString(`],"total":1}`)
	return []byte(b.String())
}

// largeAnswers is the simulator with its searches answered by body.
func largeAnswers(t testing.TB, body []byte) *simtest.Server {
	return simtest.Start(t, sim.Options{Seed: 1}, simtest.Unlimited(), simtest.Wrap(func(_ *simtest.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/search") {
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = w.Write(body)
		})
	}))
}

// plainGateway is a gateway in front of up over loopback with its own
// transport (none injected), and an agent's token.
func plainGateway(t testing.TB, up *simtest.Server, cfg gateway.Config) (*gateway.Gateway, *gateway.Store, string, string) {
	t.Helper()
	st, err := gateway.OpenStore(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg.UpstreamURL, cfg.Key, cfg.Store = up.Base, up.Key, st
	if cfg.Clock == nil {
		cfg.Clock = up.Clock
	}
	g := gateway.New(cfg)
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	tok, err := st.AddAgent(context.Background(), "anna", cfg.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return g, st, srv.URL, tok
}

// readAll sends n concurrent GETs of url with token, and returns the
// lengths of the bodies (read and dropped).
func readAll(t *testing.T, n int, url, token string) []int {
	t.Helper()
	lens := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("X-API-Key", token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("reader %d: %d", i, resp.StatusCode)
			}
			m, _ := io.Copy(io.Discard, resp.Body)
			lens[i] = int(m)
		})
	}
	wg.Wait()
	return lens
}

func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// One answer read by many agents is held once, as bytes: 40 agents asking
// for the same 1 MB search at once cost one upstream request, and 40 more
// served from the cache allocate a small part of it each (the gateway
// neither decodes nor copies what it serves; it used to decode and encode
// the whole answer for every reader).
func TestManyReadersShareOneAnswer(t *testing.T) {
	body := largeSearch(1 << 20)
	up := largeAnswers(t, body)
	_, _, url, tok := plainGateway(t, up, gateway.Config{})
	search := url + gateway.ClientPath + "/search?lat=48.1351&lng=11.5820&radius=25"

	for i, n := range readAll(t, 40, search, tok) {
		if n < len(body)*9/10 {
			t.Fatalf("reader %d of the first 40 got %d bytes of %d", i, n, len(body))
		}
	}
	if n := up.Count(http.MethodGet, "/search"); n != 1 {
		t.Errorf("40 agents' same search cost %d upstream requests, want 1", n)
	}
	var lens []int
	alloc := allocated(func() { lens = readAll(t, 40, search, tok) })
	for i, n := range lens {
		if n < len(body)*9/10 {
			t.Fatalf("reader %d of the cached answer got %d bytes of %d", i, n, len(body))
		}
	}
	_, _, got := raw(t, http.MethodGet, search, tok, nil)
	var sr model.SearchResponse
	if err := json.Unmarshal([]byte(got), &sr); err != nil || sr.CachedAt == nil || len(sr.Results) == 0 {
		t.Fatalf("a cached answer does not read as a search with cached_at: %v (%d results)", err, len(sr.Results))
	}
	t.Logf("40 readers of a cached %d kB answer: %d kB allocated in all (clients and server), %d kB each",
		len(body)>>10, alloc>>10, alloc/40>>10)
	// What each reader costs is its request's own (connections, headers,
	// buffers): a tenth of the answer is far above it, and far below one
	// copy.
	if alloc/40 > uint64(len(body))/10 {
		t.Errorf("40 readers of a cached %d kB answer allocated %d kB each: the answer is copied or decoded per reader", len(body)>>10, alloc/40>>10)
	}
}

// Agents' tokens are verified from memory, and booked_by comes from
// memory: with the store gone, a known agent's reads still pass and still
// say who made each booking (they used to cost a query each: the token,
// and every booking of a list).
func TestReadsAreAnsweredFromMemory(t *testing.T) {
	r := newRig(t, sim.Options{})
	a := r.agent("anna")
	ctx := context.Background()
	made, err := a.CreateBooking(ctx, r.request("gw-mem-1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.store.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := a.ListBookings(ctx, model.BookingFilter{})
	if err != nil {
		t.Fatalf("a list with the store gone: %v", err)
	}
	if len(l.Bookings) != 1 || l.Bookings[0].ID != made.Booking.ID || l.Bookings[0].BookedBy != "anna" {
		t.Errorf("the list says %+v, want booking %s booked by anna", l.Bookings, made.Booking.ID)
	}
	b, err := a.GetBooking(ctx, made.Booking.ID)
	if err != nil || b.BookedBy != "anna" {
		t.Errorf("a read with the store gone: %v %+v", err, b)
	}
}

// A token revoked by another process writing the store's file (chargedesk
// gateway agent revoke) is refused within a second, on the gateway's clock;
// one revoked through the gateway's own store at once.
func TestARevokeByAnotherProcessIsSeenWithinASecond(t *testing.T) {
	r := newRig(t, sim.Options{})
	ctx := context.Background()
	anna, ben := r.agent("anna"), r.agent("ben")
	if _, err := anna.Usage(ctx); err != nil {
		t.Fatal(err)
	}
	other, err := gateway.OpenStore(ctx, r.storeAt) // the CLI's own connection to the file
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.RevokeAgent(ctx, "anna", r.clock.Now()); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(time.Second)
	if _, err := anna.Usage(ctx); err == nil {
		t.Errorf("anna's token, revoked by another process %v ago, still passes", time.Second)
	}
	if _, err := ben.Usage(ctx); err != nil {
		t.Errorf("ben's token: %v", err)
	}
	if err := r.store.RevokeAgent(ctx, "ben", r.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := ben.Usage(ctx); err == nil {
		t.Error("ben's token, revoked through the gateway's store, still passes")
	}
	// An agent added by another process can work within the second too.
	tok, err := other.AddAgent(ctx, "cem", r.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(time.Second)
	if _, err := r.client(tok).Usage(ctx); err != nil {
		t.Errorf("cem, added by another process: %v", err)
	}
}
