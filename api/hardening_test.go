package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// A 307 to a create made net/http send the POST again, up to ten times, and
// the log showed one: the client follows no redirect at all.
func TestRedirectedCreateIsSentOnceAndNamed(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		posts.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(target.Close)
	r := simRig(t, setup{noContract: true, wrap: func(_ *rig, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodPost {
				posts.Add(1)
				http.Redirect(w, req, target.URL+"/elsewhere", http.StatusTemporaryRedirect)
				return
			}
			next.ServeHTTP(w, req)
		})
	}})
	req := r.request(time.Hour, time.Hour)
	_, err := r.c.CreateBooking(context.Background(), req)
	e := apiErr(t, err, api.KindRedirect)
	if !strings.Contains(e.Message, target.URL+"/elsewhere") || e.Status != 307 {
		t.Errorf("the error does not name where it pointed: %v", e)
	}
	if n := posts.Load(); n != 1 {
		t.Fatalf("%d POSTs sent, want 1", n)
	}
	if n := r.count("GET", "/bookings"); n != 0 {
		t.Errorf("a redirect is a definite answer, yet %d look-ups ran", n)
	}
	evs := r.Events()
	if len(evs) != 1 || evs[0].Status != 307 || !strings.Contains(evs[0].Err, "redirected") {
		t.Errorf("the log: %+v", evs)
	}
}

// A 302 to another host must not carry the key there.
func TestRedirectToAnotherHostGetsNoKey(t *testing.T) {
	t.Parallel()
	var gotKey atomic.Value
	gotKey.Store("")
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		gotKey.Store(req.Header.Get("X-API-Key") + req.Header.Get("Authorization"))
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"bookings":[],"total":0}`)
	}))
	t.Cleanup(other.Close)
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, other.URL+req.URL.Path, http.StatusFound)
	}, nil)
	_, err := r.c.ListBookings(context.Background(), model.BookingFilter{})
	apiErr(t, err, api.KindRedirect)
	if k := gotKey.Load().(string); k != "" {
		t.Fatalf("the other host received the key: %q", k)
	}
}

// The key never goes over plain http to a host that is not this machine,
// unless the user said so.
func TestKeyNeverSentInTheClearToAnotherHost(t *testing.T) {
	t.Parallel()
	var sent atomic.Int32
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		sent.Add(1)
		return nil, errors.New("not reached")
	})
	for _, base := range []string{"http://api.example.com/api/v1/client", "http://10.0.0.7:8787/api/v1/client"} {
		c := api.New(api.Config{BaseURL: base, APIKey: "k-0123456789abcdef", Transport: rt, Retries: -1})
		_, err := c.Usage(context.Background())
		if e := apiErr(t, err, api.KindInsecure); !strings.Contains(e.Message, "--insecure-http") {
			t.Errorf("%s: %v", base, e)
		}
	}
	if n := sent.Load(); n != 0 {
		t.Fatalf("%d requests went out", n)
	}
	for _, base := range []string{"http://127.0.0.1:8787/x", "http://localhost:1/x", "http://[::1]:8787/x", "https://api.example.com/x"} {
		if api.InsecureURL(base) {
			t.Errorf("%s counted as insecure", base)
		}
	}
	allowed := api.New(api.Config{BaseURL: "http://api.example.com/x", APIKey: "k-0123456789abcdef", Transport: rt, Retries: -1, AllowInsecureHTTP: true})
	if _, err := allowed.Usage(context.Background()); api.KindOf(err) == api.KindInsecure || sent.Load() != 1 {
		t.Fatalf("--insecure-http did not let it through: %v", err)
	}
}

// A server announcing a gigabyte cannot take the memory: the client reads at
// most MaxBodyBytes, says so, and does not read it again.
func TestHugeAnswerIsRefusedWithBoundedMemory(t *testing.T) {
	var gets atomic.Int32
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		gets.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(1<<30))
		w.WriteHeader(http.StatusOK)
		chunk := []byte(`{"results":[` + strings.Repeat(`{"name":"x"},`, 4096))
		for sent := 0; sent < 1<<30; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the client hung up
			}
		}
	}, nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := r.c.Search(context.Background(), model.SearchQuery{Lat: 48, Lng: 11})
	runtime.ReadMemStats(&after)
	e := apiErr(t, err, api.KindDecode)
	if !e.TooLarge || !strings.Contains(e.Message, "larger than 4 MB") {
		t.Errorf("error %+v", e)
	}
	if n := gets.Load(); n != 1 {
		t.Errorf("a too-large answer was asked for %d times", n)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Fatalf("reading the answer allocated %d MB", grew>>20)
	}
}

// The look-up compares the booking it finds with the request: the same
// external id on another request is not adopted.
func TestLookupAdoptsOnlyTheSameRequest(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{wrap: firstPost(func(_ http.Handler, w http.ResponseWriter, _ *http.Request) {
		hijackClose(w) // lost before processing
	})})
	other := r.request(3*time.Hour, time.Hour)
	other.ExternalID = "shared-ref"
	postDirect(t, r, r.sim, other)
	req := r.request(time.Hour, time.Hour)
	req.ExternalID = "shared-ref"
	_, err := r.c.CreateBooking(context.Background(), req)
	e := apiErr(t, err, api.KindConflict)
	if !strings.Contains(e.Message, "already used by booking") || !strings.Contains(e.Message, "window") {
		t.Errorf("message %q", e.Message)
	}
	if n := r.withExternalID("shared-ref"); n != 1 {
		t.Fatalf("%d bookings with the external id, want the other one only", n)
	}
}

// A list longer than the look-up reads is not "absent": a second POST could
// book twice. The outcome is unknown.
func TestLookupPageBoundIsNotAbsence(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost {
			posts.Add(1)
			hijackClose(w)
			return
		}
		// An endless list: every page new bookings, a total of 10^15.
		off := req.URL.Query().Get("offset")
		var b strings.Builder
		b.WriteString(`{"total":1000000000000000,"bookings":[`)
		for i := 0; i < 100; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":"x-%s-%d","status":"CONFIRMED","external_id":"other"}`, off, i)
		}
		b.WriteString("]}")
		writeJSONBody(w, http.StatusOK, b.String())
	}, nil)
	_, err := r.c.CreateBooking(context.Background(), r.request(time.Hour, time.Hour))
	apiErr(t, err, api.KindUnknownOutcome)
	if n := posts.Load(); n != 1 {
		t.Fatalf("%d POSTs, want 1", n)
	}
}

// Every text a server sends is cleaned where the client decodes it:
// errors and answers alike.
func TestServerTextIsSanitisedByTheClient(t *testing.T) {
	t.Parallel()
	hostile := "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\ \u202eevil\u009b31m\x1bP1$r\x1b\\"
	for _, status := range []int{400, 401, 403, 404, 409, 429, 500, 503} {
		r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
			body, _ := json.Marshal(map[string]string{"error": hostile})
			writeJSONBody(w, status, string(body))
		}, nil)
		_, err := r.c.GetBooking(context.Background(), "b1")
		e, ok := api.AsError(err)
		if !ok || strings.ContainsAny(e.Message+e.Error(), "\x1b\u009b\u202e") {
			t.Errorf("%d: %q", status, e.Message)
		}
	}
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		body, _ := json.Marshal(map[string]string{"id": "b1", "status": "CONFIRMED", "location_name": hostile, "cancellation_reason": hostile})
		writeJSONBody(w, 200, string(body))
	}, nil)
	b, err := r.c.GetBooking(context.Background(), "b1")
	if err != nil || strings.ContainsAny(b.LocationName+b.CancellationReason, "\x1b\u009b\u202e") || !strings.Contains(b.LocationName, "click") {
		t.Fatalf("booking %+v %v", b, err)
	}
}

// A key echoed back by a server is masked in every form it could take.
func TestRedactEveryFormOfTheKey(t *testing.T) {
	key := `Ab"c\d<e>f&g h+i/j`
	for _, echoed := range []string{key, `Ab\"c\\d\u003ce\u003ef\u0026g h+i/j`, "Ab%22c%5Cd%3Ce%3Ef%26g+h%2Bi%2Fj", "Ab%22c%5Cd%3Ce%3Ef&g%20h+i%2Fj"} {
		if got := api.Redact("before "+echoed+" after", "  "+key+"\n"); strings.Contains(got, "h+i") || strings.Contains(got, "Ab") {
			t.Errorf("%q left %q", echoed, got)
		}
	}
	if _, err := api.CheckKey("abc\x07def", "PETITMONDE_API_KEY"); err == nil || !strings.Contains(err.Error(), "PETITMONDE_API_KEY") {
		t.Errorf("a control character in the key: %v", err)
	}
	if k, err := api.CheckKey("  abc-123\n", "x"); err != nil || k != "abc-123" {
		t.Errorf("padding: %q %v", k, err)
	}
	if _, err := api.CheckKey("abc 123", "profile prod"); err == nil || !strings.Contains(err.Error(), "profile prod") {
		t.Errorf("an inner space: %v", err)
	}
	_ = sim.DefaultKey
}
