package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// fuzzKey is the API key of the fuzzed clients; no error text may show it.
const fuzzKey = "sk_fuzz_0123456789abcdef"

var fuzzNow = time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC)

// fuzzTransport answers every request in memory with one status, header
// set and body; GET /bookings (the create's look-up) gets listBody when set.
type fuzzTransport struct {
	status   int
	header   http.Header
	body     []byte
	listBody []byte
}

func (ft fuzzTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	status, body := ft.status, ft.body
	if ft.listBody != nil && req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/bookings") {
		status, body = http.StatusOK, ft.listBody
	}
	h := ft.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{
		StatusCode: status, Status: http.StatusText(status), Header: h, Request: req,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}, nil
}

func fuzzClient(rt http.RoundTripper) *api.Client {
	return api.New(api.Config{
		BaseURL: "http://api.fuzz.invalid" + sim.BasePath, APIKey: fuzzKey, Transport: rt, Retries: -1, AllowInsecureHTTP: true,
		Now: func() time.Time { return fuzzNow }, Sleep: func(context.Context, time.Duration) error { return nil },
	})
}

// reencodes checks that a decoded value encodes, decodes again, and then
// encodes to the same bytes.
func reencodes[T any](t *testing.T, what string, v *T) {
	t.Helper()
	b1, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: decoded %+v does not encode: %v", what, v, err)
	}
	var w T
	if err := json.Unmarshal(b1, &w); err != nil {
		t.Fatalf("%s: own encoding %s does not decode: %v", what, b1, err)
	}
	b2, err := json.Marshal(&w)
	if err != nil || !bytes.Equal(b1, b2) {
		t.Fatalf("%s: encoding not stable:\n%s\n%s (%v)", what, b1, b2, err)
	}
}

// fuzzErrorStatuses are the non-2xx statuses FuzzClientDecode answers with.
var fuzzErrorStatuses = []int{400, 401, 403, 404, 409, 429, 500, 502, 503, 418, 301}

func fuzzWantKind(status int) api.Kind {
	switch {
	case status == 400:
		return api.KindBadRequest
	case status == 401:
		return api.KindUnauthorized
	case status == 403:
		return api.KindForbidden
	case status == 404:
		return api.KindNotFound
	case status == 409:
		return api.KindConflict
	case status == 429:
		return api.KindRateLimited
	case status >= 500:
		return api.KindServer
	case status >= 300 && status < 400:
		return api.KindRedirect
	}
	return api.KindUnknown
}

// fuzzHeader builds response headers from "retry-after|limit|remaining|reset".
func fuzzHeader(spec string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	parts := strings.SplitN(spec, "|", 4)
	for i, name := range []string{"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		if i < len(parts) && parts[i] != "" {
			h.Set(name, parts[i])
		}
	}
	return h
}

var fuzzSearch = model.SearchQuery{Lat: 48.1351, Lng: 11.5820, RadiusKM: 25, ConnectorType: model.CCS2, PowerMinKW: 50}

func fuzzBookingRequest() model.BookingRequest {
	start := fuzzNow.Add(time.Hour)
	return model.BookingRequest{LocationID: sim.FlagshipLocationID, EVSEUID: "DE*ENB*E123456*1",
		ReservationStart: start, ReservationEnd: start.Add(time.Hour), ExternalID: "fuzz-1",
		TokenStrategy: model.DriverToken, CustomerID: "cust_abc123"}
}

// FuzzClientDecode serves one body to every endpoint of the client, as a 2xx
// and as an error status: the client never panics; a 2xx either decodes (and
// the value re-encodes stably) or is a KindDecode error; an error status
// gives its Kind, a text without the API key, and a sane Retry-After.
func FuzzClientDecode(f *testing.F) {
	for _, s := range []string{
		`{"total":1,"results":[{"location_id":"DE-ENB-E123456","name":"EnBW","distance_km":0.4,"cpo_name":"EnBW","supports_reservation":true,"evses":[{"evse_uid":"DE*ENB*E123456*1","status":"AVAILABLE","connectors":[{"connector_id":"1","connector_type":"IEC_62196_T2_COMBO","power_kw":300,"power_type":"DC"}]}],"pricing":{"estimated_price":21.5,"currency":"EUR"}}],"cpo_results":[{"cpo_name":"EnBW","count":1,"duration_ms":120,"error":null}]}`,
		`{"id":"7f1c","status":"CONFIRMED","status_updated_at":"2026-02-10T09:00:05Z","cpo_reservation_id":"ENB-R-00AB12","client_price":18.75,"client_price_currency":"EUR","external_id":"fuzz-1","created_at":"2026-02-10T09:00:00Z","ad_hoc_token":{"token_uid":"04A2B3C4D5E6F7","valid_from":"2026-02-10T09:45:00Z"}}`,
		`{"bookings":[{"id":"a","status":"REQUESTED"},{"id":"b","status":"WEIRD_NEW_STATUS"}],"total":2,"limit":50,"offset":0}`,
		`{"rate_limit":{"limit":100,"remaining":99,"period":"minute","reset_at":"2026-02-10T09:01:00Z"},"quota":{"limit":10000,"used":1,"remaining":9999,"period":"month","reset_at":"2026-03-01T00:00:00Z"}}`,
		`{"error":"Invalid latitude: must be between -90 and 90"}`,
		`{"error":"Rate limit exceeded. Retry after 45 seconds."}`,
		`{"error":"bad key ` + fuzzKey + ` given"}`,
		`<html><body>502 Bad Gateway</body></html>`,
		`{"id":"x","status":`, "\ufeff{}", `{}`, `null`, `[]`, `""`, `{"results":null}`, `{"id":1}`,
		`{"created_at":"not a time"}`, `{"client_price":1e400}`, `{"client_price":-0}`, `{"id":"\u001b[2J\ud800"}`,
		`{"status_updated_at":"2026-02-10T09:00:00+23:59"}`, `{"results":[{"evses":[{"connectors":[{"power_kw":"fast"}]}]}]}`,
		"", " \n", strings.Repeat(`{"a":`, 200),
	} {
		for _, h := range []string{"", "45|100|0|2026-02-10T09:01:00Z", "Wed, 21 Oct 2026 07:28:00 GMT|x|y|z", "-5|100|3|1770714060", "99999999999999999999"} {
			f.Add([]byte(s), uint8(len(s)+len(h)), h)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, code uint8, hdr string) {
		ctx := context.Background()
		header := fuzzHeader(hdr)
		ok := fuzzClient(fuzzTransport{status: http.StatusOK, header: header, body: body})
		okCreate := fuzzClient(fuzzTransport{status: http.StatusAccepted, header: header, body: body,
			listBody: []byte(`{"bookings":[],"total":0}`)})

		checkDecode := func(what string, err error) bool {
			if err == nil {
				return true
			}
			if k := api.KindOf(err); k != api.KindDecode {
				t.Fatalf("%s: 2xx body %q gave %v (%v), want a decode error", what, body, k, err)
			}
			return false
		}
		if v, err := ok.Search(ctx, fuzzSearch); checkDecode("search", err) {
			if v.Results == nil {
				t.Fatal("search: nil Results")
			}
			reencodes(t, "search", v)
		}
		if v, err := ok.GetBooking(ctx, "b1"); checkDecode("get", err) {
			reencodes(t, "get", v)
		}
		if v, err := ok.ListBookings(ctx, model.BookingFilter{}); checkDecode("list", err) {
			if v.Bookings == nil {
				t.Fatal("list: nil Bookings")
			}
			reencodes(t, "list", v)
		}
		if v, err := ok.Usage(ctx); checkDecode("usage", err) {
			reencodes(t, "usage", v)
		}
		if v, err := ok.CancelBooking(ctx, "b1", "r"); checkDecode("cancel", err) {
			reencodes(t, "cancel", v)
		}
		if res, err := okCreate.CreateBooking(ctx, fuzzBookingRequest()); checkDecode("create", err) {
			if res == nil || res.Booking == nil || res.Attempts != 1 || res.Adopted {
				t.Fatalf("create: result %+v", res)
			}
			reencodes(t, "create", res.Booking)
		} else if res == nil || res.Attempts != 2 {
			t.Fatalf("create: an unreadable answer, looked up absent, gives a second create: %+v", res)
		}

		status := fuzzErrorStatuses[int(code)%len(fuzzErrorStatuses)]
		bad := fuzzClient(fuzzTransport{status: status, header: header, body: body})
		badCreate := fuzzClient(fuzzTransport{status: status, header: header, body: body,
			listBody: []byte(`{"bookings":[],"total":0}`)})
		want := fuzzWantKind(status)
		checkErr := func(what string, err error) {
			e, isAPI := api.AsError(err)
			if !isAPI {
				t.Fatalf("%s: status %d gave %T %v", what, status, err, err)
			}
			if e.Kind != want || e.Status != status {
				t.Fatalf("%s: status %d gave kind %v status %d, want %v", what, status, e.Kind, e.Status, want)
			}
			if msg := e.Error(); msg == "" || strings.Contains(msg, fuzzKey) {
				t.Fatalf("%s: error text %q", what, msg)
			}
			if e.RetryAfter < 0 || (status != 429 && e.RetryAfter != 0) {
				t.Fatalf("%s: status %d, Retry-After %q → %v", what, status, header.Get("Retry-After"), e.RetryAfter)
			}
		}
		_, err := bad.Search(ctx, fuzzSearch)
		checkErr("search", err)
		_, err = bad.GetBooking(ctx, "b1")
		checkErr("get", err)
		_, err = bad.ListBookings(ctx, model.BookingFilter{Limit: 10})
		checkErr("list", err)
		_, err = bad.Usage(ctx)
		checkErr("usage", err)
		_, err = bad.CancelBooking(ctx, "b1", "r")
		checkErr("cancel", err)
		res, err := badCreate.CreateBooking(ctx, fuzzBookingRequest())
		checkErr("create", err)
		if wantPosts := map[bool]int{true: 2, false: 1}[want == api.KindServer]; res == nil || res.Attempts != wantPosts {
			t.Fatalf("create: status %d: %+v, want %d POST(s)", status, res, wantPosts)
		}
		_ = bad.RateLimit()
	})
}

// FuzzModelJSON decodes any bytes into every response type of the model:
// never a panic; what decodes re-encodes stably; and the sanitised texts of
// a decoded location or booking are safe for a terminal.
func FuzzModelJSON(f *testing.F) {
	for _, s := range []string{
		`{"total":1,"results":[{"location_id":"L","name":"\u001b]0;t\u0007EnBW\u202e","distance_km":1,"cpo_name":"\u009b2J","supports_reservation":true,"evses":[{"evse_uid":"E","status":"AVAILABLE"}]}]}`,
		`{"id":"b","status":"CANCELLED","cancellation_reason":"Cancelled by CPO: \u001b[2J","location_name":"東京 👩‍👩‍👧‍👦","cpo_name":"x\r\b"}`,
		`{"bookings":[{"id":"a","status":"REQUESTED","created_at":"2026-02-10T09:00:00.123456789Z"}],"total":1}`,
		`{"rate_limit":{"limit":100,"remaining":-1,"reset_at":"2026-02-10T09:01:00+01:00"},"quota":null}`,
		`{"error":"x"}`, `{"error":null}`, `{"error":42}`, `null`, `{}`, `[`, `{"total":1.5}`, `{"total":-9223372036854775809}`,
		`{"results":[{"coordinates":{"latitude":"48"}}]}`, `{"results":[{"pricing":{"estimated_price":null}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var sr model.SearchResponse
		if json.Unmarshal(data, &sr) == nil {
			reencodes(t, "SearchResponse", &sr)
			for _, l := range sr.Results {
				c := model.SanitizeLocation(l)
				texts := []string{c.LocationID, c.Name, c.CPOName, c.CPOPartyID, c.Address, c.City, c.PostalCode, c.Country}
				for _, e := range c.EVSEs {
					texts = append(texts, e.EVSEUID, string(e.Status))
					for _, k := range e.Connectors {
						texts = append(texts, k.ConnectorID, string(k.ConnectorType), string(k.PowerType))
					}
				}
				fuzzSafeTexts(t, texts)
			}
		}
		var b model.Booking
		if json.Unmarshal(data, &b) == nil {
			reencodes(t, "Booking", &b)
			c := model.SanitizeBooking(b)
			fuzzSafeTexts(t, []string{c.ID, string(c.Status), c.CPOReservationID, c.ExternalID, c.LocationCity,
				c.LocationName, c.CPOName, c.CancellationReason, c.CustomerID, c.TokenUID, string(c.TokenStrategy)})
		}
		var bl model.BookingList
		if json.Unmarshal(data, &bl) == nil {
			reencodes(t, "BookingList", &bl)
		}
		var u model.Usage
		if json.Unmarshal(data, &u) == nil {
			reencodes(t, "Usage", &u)
		}
		var eb model.ErrorBody
		if json.Unmarshal(data, &eb) == nil {
			reencodes(t, "ErrorBody", &eb)
		}
	})
}

func fuzzSafeTexts(t *testing.T, texts []string) {
	t.Helper()
	for _, s := range texts {
		for _, r := range s {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("sanitised text %q still holds %U", s, r)
			}
		}
	}
}

// simTransport serves requests in memory from a simulator.
type simTransport struct{ srv *sim.Server }

func (st simTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	st.srv.ServeHTTP(rec, req)
	return rec.Result(), nil
}

func fuzzSimClient(clock *sim.ManualClock) (*api.Client, *sim.Server) {
	srv := sim.New(sim.Options{Seed: 1, Clock: clock, RateLimit: math.MaxInt32, MonthlyQuota: math.MaxInt32})
	return api.New(api.Config{
		BaseURL: "http://sim.invalid" + sim.BasePath, APIKey: sim.DefaultKey, Transport: simTransport{srv}, Retries: -1, AllowInsecureHTTP: true,
		Now: clock.Now, Sleep: func(context.Context, time.Duration) error { return nil },
	}), srv
}

// FuzzSearchValidateAgreesWithSimulator: a search the client's rules accept
// is never refused as invalid by the simulator (which serves the API's rules).
func FuzzSearchValidateAgreesWithSimulator(f *testing.F) {
	f.Add(48.1351, 11.5820, 25.0, 50.0, "IEC_62196_T2_COMBO", 20, int64(time.Hour), int64(2*time.Hour))
	f.Add(-90.0, 180.0, 200.0, 0.0, "", 100, int64(0), int64(0))
	f.Add(5e-324, -5e-324, 1e-300, 1e300, "CHADEMO", 1, int64(-time.Hour), int64(-time.Minute))
	f.Add(52.52, 13.405, 0.0, 0.0, "IEC_62196_T2", 0, int64(time.Hour), int64(time.Hour+time.Second))
	f.Fuzz(func(t *testing.T, lat, lng, radius, power float64, ct string, limit int, startOff, endOff int64) {
		clock := sim.NewManualClock(fuzzNow)
		c, _ := fuzzSimClient(clock)
		q := model.SearchQuery{Lat: lat, Lng: lng, RadiusKM: radius, ConnectorType: model.ConnectorType(ct), PowerMinKW: power, Limit: limit}
		if startOff != 0 || endOff != 0 {
			q.Start = fuzzNow.Add(time.Duration(startOff % (1 << 50)))
			q.End = fuzzNow.Add(time.Duration(endOff % (1 << 50)))
		}
		if len(q.Validate(fuzzNow)) > 0 {
			return
		}
		res, err := c.Search(context.Background(), q)
		if err != nil {
			t.Fatalf("the client accepts %+v, the simulator answers %v", q, err)
		}
		if limit > 0 && len(res.Results) > limit {
			t.Fatalf("%d results for limit %d", len(res.Results), limit)
		}
	})
}

// fuzzBookingSim is one simulator for FuzzBookingValidateAgreesWithSimulator
// (building one per input would be most of the work), with the bookable
// locations of its data set.
var fuzzBookingSim = sync.OnceValue(func() (out struct {
	c    *api.Client
	srv  *sim.Server
	locs []model.Location
}) {
	out.c, out.srv = fuzzSimClient(sim.NewManualClock(fuzzNow))
	for _, l := range out.srv.Locations() {
		if l.SupportsReservation {
			out.locs = append(out.locs, l)
		}
	}
	return out
})

var fuzzBookingSeq atomic.Int64

// FuzzBookingValidateAgreesWithSimulator: a booking request the client's
// rules accept is never refused as invalid (400) by the simulator; it is
// created, or refused for its place (404, or 409 once an earlier input holds
// the slot) only.
func FuzzBookingValidateAgreesWithSimulator(f *testing.F) {
	f.Add(uint8(0), int64(time.Hour), int64(time.Hour), uint8(0), "cust_abc123", "", "", "")
	f.Add(uint8(1), int64(15*time.Minute), int64(15*time.Minute), uint8(3), "", "", "", "04a2b3c4")
	f.Add(uint8(2), int64(15*time.Minute+1), int64(4*time.Hour), uint8(1), "", "", "group_1", "")
	f.Add(uint8(3), int64(48*time.Hour), int64(time.Hour+time.Nanosecond), uint8(2), "", "", "", "")
	f.Add(uint8(4), int64(time.Hour), int64(time.Hour), uint8(0), "\xff", " ", "", "")
	f.Add(uint8(5), int64(time.Hour), int64(time.Hour), uint8(1), "", "", sim.OverLimitFleetGroup, "")
	f.Fuzz(func(t *testing.T, pick uint8, startOff, dur int64, strat uint8, customer, token, group, uid string) {
		fs := fuzzBookingSim()
		c, srv := fs.c, fs.srv
		loc := fs.locs[int(pick)%len(fs.locs)]
		strategies := []model.TokenStrategy{model.DriverToken, model.GroupToken, model.AdHoc, model.Pipelet, ""}
		start := fuzzNow.Add(time.Duration(startOff % (1 << 52)))
		req := model.BookingRequest{
			LocationID: loc.LocationID, EVSEUID: loc.EVSEs[int(pick)%len(loc.EVSEs)].EVSEUID,
			ReservationStart: start, ReservationEnd: start.Add(time.Duration(dur % (1 << 52))),
			ExternalID:    fmt.Sprintf("fuzz-%d", fuzzBookingSeq.Add(1)),
			TokenStrategy: strategies[int(strat)%len(strategies)], CustomerID: customer, TokenID: token,
			FleetGroupID: group, TokenUID: uid,
		}
		if len(req.Validate(fuzzNow)) > 0 {
			return
		}
		res, err := c.CreateBooking(context.Background(), req)
		switch k := api.KindOf(err); {
		case err == nil:
			n := 0
			for _, b := range srv.Bookings() {
				if b.ExternalID == req.ExternalID {
					n++
				}
			}
			if res.Booking.ID == "" || res.Booking.ExternalID != req.ExternalID || n != 1 {
				t.Fatalf("created %+v; the simulator holds %d with its external_id", res.Booking, n)
			}
		case k == api.KindConflict || k == api.KindNotFound:
		case k == api.KindBadRequest && group == sim.OverLimitFleetGroup && req.TokenStrategy == model.GroupToken:
		default:
			t.Fatalf("the client accepts %+v, the simulator answers %v", req, err)
		}
	})
}
