package gateway

import (
	"context"
	"io"

	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// The lock table keeps an external id only while a create holds or waits
// for it, and an external id is bounded: refused requests cannot grow it.
func TestTheLockTableForgetsExternalIDs(t *testing.T) {
	st, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	tok, _ := st.AddAgent(context.Background(), "anna", now)
	g := New(Config{UpstreamURL: "http://127.0.0.1:1/api/v1/client", Key: "k", Store: st})
	long := strings.Repeat("x", 60<<10)
	for i := range 200 {
		body := fmt.Sprintf(`{"external_id":"%s-%d"}`, long, i) // invalid: nothing is sent
		req := httptest.NewRequest(http.MethodPost, ClientPath+"/bookings", strings.NewReader(body))
		req.Header.Set("X-API-Key", tok)
		w := httptest.NewRecorder()
		g.ServeHTTP(w, req)
		if w.Code != http.StatusBadRequest {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	g.mu.Lock()
	n := len(g.creating)
	bytes := 0
	for k := range g.creating {
		bytes += len(k)
	}
	g.mu.Unlock()
	if n != 0 {
		t.Errorf("g.creating holds %d entries (%d kB of keys) after 200 refused creates", n, bytes>>10)
	}
}

// With a small --limit an agent's read goes before the watch.
func TestBudgetTinyLimitServesAgentsFirst(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	b := newBudget(1, 10000, 0)
	_, _, readOK := b.take(Read, "", now)
	b2 := newBudget(1, 10000, 0)
	_, _, bgOK := b2.take(Background, "", now)
	if !readOK && bgOK {
		t.Errorf("limit 1: a Read is refused (floor max(1, limit/10)=1) while Background is allowed (floor 0)")
	}
}

type okTransport struct{}

func (okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	body := `{"id":"` + id + `","status":"CONFIRMED"}`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// PollDue reads the watch under its lock while see() writes it (run with
// -race).
func TestPollDueReadsTheWatchUnderItsLock(t *testing.T) {
	st, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := New(Config{UpstreamURL: "http://127.0.0.1:1/api/v1/client", Key: "k", Store: st, Transport: okTransport{}, Limit: 1 << 30, Quota: 1 << 30})
	for i := range 8 {
		id := fmt.Sprintf("b%d", i)
		g.watched[id] = &watched{booking: model.Booking{ID: id, Status: model.Confirmed}}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			for i := range 8 {
				g.see(context.Background(), model.Booking{ID: fmt.Sprintf("b%d", i), Status: model.Confirmed}, []byte(`{}`), time.Now())
			}
		}
	}()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		g.mu.Lock()
		for _, w := range g.watched {
			w.next = time.Now().Add(-time.Second)
		}
		g.mu.Unlock()
		g.PollDue(context.Background())
	}
	close(stop)
	<-done
}

// SSE subscribers are dropped when their clients disconnect.
func TestEventsUnsubscribeOnDisconnect(t *testing.T) {
	st, _ := OpenStore(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	defer st.Close()
	tok, _ := st.AddAgent(context.Background(), "anna", time.Now())
	g := New(Config{UpstreamURL: "http://127.0.0.1:1/api/v1/client", Key: "k", Store: st})
	srv := httptest.NewServer(g)
	defer srv.Close()
	for range 50 {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+EventsPath, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		resp.Body.Close()
	}
	// Each handler unsubscribes when it sees its client gone: wait for the
	// count to change until it is 0.
	deadline := time.After(10 * time.Second)
	for {
		n, changed := g.hub.subscribers()
		if n == 0 {
			break
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("%d subscribers left 10 s after their clients went", n)
		}
	}
}
