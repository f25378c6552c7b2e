package contract_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/petitmonde/chargedesk/api/contract"
)

// recorder captures Errorf instead of failing the test.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.errs
	r.errs = nil
	return e
}

const okSearch = `{"total":1,"results":[{"location_id":"DE-ENB-E123456","name":"X","distance_km":1.2,"cpo_name":"EnBW","supports_reservation":true,"evses":[{"evse_uid":"DE*ENB*E123456*1","status":"AVAILABLE"}]}]}`

// fake answers with what the test sets, after recording the request it got.
type fake struct {
	mu      sync.Mutex
	status  int
	body    string
	headers map[string]string
	gotBody string
	gotHdr  http.Header
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, _ := io.ReadAll(r.Body)
	f.gotBody, f.gotHdr = string(b), r.Header.Clone()
	rate := map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99", "X-RateLimit-Reset": "2026-02-10T14:01:00Z", "Content-Type": "application/json"}
	for k, v := range rate {
		w.Header().Set(k, v)
	}
	for k, v := range f.headers {
		if v == "" {
			w.Header().Del(k)
		} else {
			w.Header().Set(k, v)
		}
	}
	w.WriteHeader(f.status)
	_, _ = io.WriteString(w, f.body)
}

func TestTransport(t *testing.T) {
	f := &fake{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	rec := &recorder{TB: t}
	client := &http.Client{Transport: contract.Transport(rec, srv.Client().Transport)}
	base := srv.URL + contract.DefaultBasePath

	type tc struct {
		name    string
		method  string
		path    string
		body    string
		hdr     map[string]string
		ctxSkip bool
		status  int
		resp    string
		respHdr map[string]string
		want    []string // substrings of the reported violations, in order; none = clean
	}
	cases := []tc{
		{name: "valid search", path: "/search?lat=48.1&lng=11.5", status: 200, resp: okSearch},
		{name: "bearer accepted", path: "/search?lat=48.1&lng=11.5", hdr: map[string]string{"X-API-Key": "", "Authorization": "Bearer k"}, status: 200, resp: okSearch},
		{name: "no key", path: "/search?lat=48.1&lng=11.5", hdr: map[string]string{"X-API-Key": ""}, status: 401, resp: `{"error":"Missing API key"}`,
			want: []string{"request GET /api/v1/client/search?lat=48.1&lng=11.5"}},
		{name: "lat out of range", path: "/search?lat=200&lng=11.5", status: 400, resp: `{"error":"Invalid latitude"}`, want: []string{`"lat"`}},
		{name: "lat out of range, skipped by header", path: "/search?lat=200&lng=11.5", hdr: map[string]string{contract.SkipRequestHeader: "1"}, status: 400, resp: `{"error":"Invalid latitude"}`},
		{name: "lat out of range, skipped by context", path: "/search?lat=200&lng=11.5", ctxSkip: true, status: 400, resp: `{"error":"Invalid latitude"}`},
		{name: "skipped request, bad response still reported", path: "/search?lat=200&lng=11.5", ctxSkip: true, status: 400, resp: `{"message":"nope"}`, want: []string{"response", "error"}},
		{name: "results missing", path: "/search?lat=48.1&lng=11.5", status: 200, resp: `{"total":0}`, want: []string{"results"}},
		{name: "rate-limit header missing", path: "/search?lat=48.1&lng=11.5", status: 200, resp: okSearch, respHdr: map[string]string{"X-RateLimit-Remaining": ""}, want: []string{"X-RateLimit-Remaining"}},
		{name: "reset not a date-time", path: "/search?lat=48.1&lng=11.5", status: 200, resp: okSearch, respHdr: map[string]string{"X-RateLimit-Reset": "1707573660"}, want: []string{"X-RateLimit-Reset"}},
		{name: "undocumented status", path: "/search?lat=48.1&lng=11.5", status: 404, resp: `{"error":"x"}`, want: []string{"status"}},
		{name: "429 without Retry-After", path: "/usage", status: 429, resp: `{"error":"Rate limit exceeded. Retry after 3 seconds."}`, want: []string{"Retry-After"}},
		{name: "error body not JSON", path: "/usage", status: 401, resp: `Unauthorized`, respHdr: map[string]string{"Content-Type": "text/plain"}, want: []string{"Content-Type"}},
		{name: "unknown path", path: "/nowhere", status: 404, resp: `{"error":"No such endpoint"}`, want: []string{"no path /nowhere"}},
		{name: "unknown path, skipped", path: "/nowhere", hdr: map[string]string{contract.SkipRequestHeader: "1"}, status: 404, resp: `{"error":"No such endpoint"}`},
		{name: "unknown path, skipped, plain-text 404", path: "/nowhere", hdr: map[string]string{contract.SkipRequestHeader: "1"}, status: 404, resp: `404 page not found`, respHdr: map[string]string{"Content-Type": "text/plain"}, want: []string{"Content-Type"}},
		{name: "wrong method", method: "DELETE", path: "/search", status: 405, resp: `{"error":"x"}`, want: []string{"no operation DELETE /search"}},
		{name: "valid create", method: "POST", path: "/bookings", body: `{"location_id":"DE-ENB-E123456","evse_uid":"DE*ENB*E123456*1","reservation_start":"2026-02-10T14:00:00Z","reservation_end":"2026-02-10T16:00:00Z","token_strategy":"ad_hoc"}`,
			status: 202, resp: `{"id":"b1","status":"REQUESTED","created_at":"2026-02-10T13:00:00Z"}`},
		{name: "create: bad token_uid, bad status enum", method: "POST", path: "/bookings", body: `{"location_id":"L","evse_uid":"E","reservation_start":"2026-02-10T14:00:00Z","reservation_end":"2026-02-10T16:00:00Z","token_uid":"xyz"}`,
			status: 202, resp: `{"id":"b1","status":"WAITING"}`, want: []string{"token_uid", "WAITING"}},
		{name: "create: missing field", method: "POST", path: "/bookings", body: `{"location_id":"L","evse_uid":"E","reservation_start":"2026-02-10T14:00:00Z"}`,
			status: 400, resp: `{"error":"reservation_end is required"}`, want: []string{"reservation_end"}},
		{name: "booking time not a date-time", path: "/bookings/b1", status: 200, resp: `{"id":"b1","status":"CONFIRMED","created_at":"10.02.2026 14:00"}`, want: []string{"created_at"}},
		{name: "cancel without body", method: "POST", path: "/bookings/b1/cancel", status: 200, resp: `{"id":"b1","status":"CANCELLED"}`},
		{name: "outside the base path", path: "/../search?lat=1&lng=1", status: 200, resp: okSearch, want: []string{"request"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.mu.Lock()
			f.status, f.body, f.headers = c.status, c.resp, c.respHdr
			f.mu.Unlock()
			method := c.method
			if method == "" {
				method = "GET"
			}
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			path := base + c.path
			if strings.HasPrefix(c.path, "/..") {
				path = srv.URL + strings.TrimPrefix(c.path, "/..")
			}
			req, err := http.NewRequest(method, path, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-API-Key", "k")
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			for k, v := range c.hdr {
				if v == "" {
					req.Header.Del(k)
				} else {
					req.Header.Set(k, v)
				}
			}
			if c.ctxSkip {
				req = req.WithContext(contract.WithoutRequestCheck(context.Background()))
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(got) != c.resp || resp.StatusCode != c.status {
				t.Errorf("the response was altered: %d %q", resp.StatusCode, got)
			}
			f.mu.Lock()
			if f.gotBody != c.body {
				t.Errorf("the server got body %q, want %q", f.gotBody, c.body)
			}
			if f.gotHdr.Get(contract.SkipRequestHeader) != "" {
				t.Error("the skip header reached the server")
			}
			f.mu.Unlock()
			errs := rec.take()
			for _, e := range errs {
				t.Log(e)
			}
			if len(c.want) == 0 && len(errs) > 0 {
				t.Errorf("unexpected violations:\n%s", strings.Join(errs, "\n"))
			}
			all := strings.Join(errs, "\n")
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("violations do not mention %q:\n%s", w, all)
				}
			}
		})
	}
}

func TestLoad(t *testing.T) {
	doc, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/search", "/bookings", "/bookings/{id}", "/bookings/{id}/cancel", "/usage"} {
		if doc.Paths.Value(p) == nil {
			t.Errorf("path %s missing", p)
		}
	}
}
