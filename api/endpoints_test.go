package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

var berlin = time.FixedZone("CET", 3600)

func TestSearchSendsQueryAndDecodesSortedResults(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	q := model.SearchQuery{Lat: 48.1351, Lng: 11.5820, RadiusKM: 25, ConnectorType: model.CCS2, PowerMinKW: 50, Limit: 5}
	res, err := r.c.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	hits := r.Hits()
	if len(hits) != 1 || hits[0].Method != http.MethodGet || hits[0].Path != "/search" {
		t.Fatalf("requests at the server: %+v", hits)
	}
	got, err := url.ParseQuery(hits[0].RawQuery)
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{
		"lat": {"48.1351"}, "lng": {"11.582"}, "radius": {"25"},
		"connector_type": {"IEC_62196_T2_COMBO"}, "power_min": {"50"}, "limit": {"5"},
	}
	if got.Encode() != want.Encode() {
		t.Errorf("query %q, want %q", got.Encode(), want.Encode())
	}
	if len(res.Results) == 0 || len(res.Results) > 5 {
		t.Fatalf("%d results, want 1..5", len(res.Results))
	}
	if res.Total < len(res.Results) {
		t.Errorf("total %d < %d results", res.Total, len(res.Results))
	}
	if res.Results[0].LocationID != sim.FlagshipLocationID {
		t.Errorf("closest result %s, want the flagship %s", res.Results[0].LocationID, sim.FlagshipLocationID)
	}
	if !sort.SliceIsSorted(res.Results, func(i, j int) bool { return res.Results[i].DistanceKM < res.Results[j].DistanceKM }) {
		t.Errorf("results not sorted by distance")
	}
	for _, l := range res.Results {
		if l.DistanceKM > 25 {
			t.Errorf("%s at %.2f km, beyond the radius", l.LocationID, l.DistanceKM)
		}
		if len(l.EVSEs) == 0 || l.Name == "" || l.CPOName == "" {
			t.Errorf("result not decoded fully: %+v", l)
		}
	}
	if len(res.CPOResults) == 0 {
		t.Errorf("cpo_results not decoded")
	}
}

func TestSearchMinimalQueryOmitsDefaults(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	if _, err := r.c.Search(context.Background(), model.SearchQuery{Lat: 52.52, Lng: 13.405}); err != nil {
		t.Fatal(err)
	}
	if q := r.Hits()[0].RawQuery; q != "lat=52.52&lng=13.405" {
		t.Errorf("query %q: zero values must be left to the server's defaults", q)
	}
}

func TestSearchWindowIsSentInUTCAndFilters(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	start := t0.Add(2 * time.Hour).In(berlin) // 12:00 CET = 11:00Z
	end := start.Add(time.Hour)
	q := model.SearchQuery{Lat: 48.1351, Lng: 11.5820, RadiusKM: 1, Start: start, End: end}

	before, err := r.c.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := url.ParseQuery(r.Hits()[0].RawQuery)
	if got.Get("start_time") != "2026-02-10T11:00:00Z" || got.Get("end_time") != "2026-02-10T12:00:00Z" {
		t.Errorf("window sent as %q – %q, want UTC with Z", got.Get("start_time"), got.Get("end_time"))
	}
	if !hasLocation(before, sim.FlagshipLocationID) {
		t.Fatalf("flagship not offered for a free window")
	}
	for _, l := range before.Results {
		if !l.SupportsReservation {
			t.Errorf("%s does not support reservations but was returned for a window", l.LocationID)
		}
	}
	// Book every available EVSE of the flagship for that window: the
	// windowed search no longer offers it, an unwindowed one still does.
	for _, l := range before.Results {
		if l.LocationID != sim.FlagshipLocationID {
			continue
		}
		for _, e := range l.EVSEs {
			if e.Status != model.EVSEAvailable {
				continue
			}
			req := r.request(2*time.Hour, time.Hour)
			req.EVSEUID, req.ExternalID = e.EVSEUID, "win-"+e.EVSEUID
			r.mustCreate(req)
		}
	}
	after, err := r.c.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if hasLocation(after, sim.FlagshipLocationID) {
		t.Errorf("flagship still offered for a window both EVSEs are booked in")
	}
	q.Start, q.End = time.Time{}, time.Time{}
	all, err := r.c.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if !hasLocation(all, sim.FlagshipLocationID) {
		t.Errorf("flagship missing without a window")
	}
}

func hasLocation(res *model.SearchResponse, id string) bool {
	for _, l := range res.Results {
		if l.LocationID == id {
			return true
		}
	}
	return false
}

func TestSearchParams(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 2, 10, 15, 0, 0, 0, berlin)
	cases := []struct {
		name string
		q    model.SearchQuery
		want string
	}{
		{"minimal", model.SearchQuery{Lat: 48, Lng: 11}, "lat=48&lng=11"},
		{"negative and precise", model.SearchQuery{Lat: -33.8688, Lng: 151.2093}, "lat=-33.8688&lng=151.2093"},
		{"everything", model.SearchQuery{Lat: 1.5, Lng: 2.25, RadiusKM: 12.5, ConnectorType: model.T2, PowerMinKW: 11, Limit: 100, Start: start, End: start.Add(90 * time.Minute)},
			"connector_type=IEC_62196_T2&end_time=2026-02-10T15%3A30%3A00Z&lat=1.5&limit=100&lng=2.25&power_min=11&radius=12.5&start_time=2026-02-10T14%3A00%3A00Z"},
		{"half window left out", model.SearchQuery{Lat: 1, Lng: 2, Start: start}, "lat=1&lng=2"},
	}
	for _, tc := range cases {
		if got := api.SearchParams(tc.q).Encode(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCreateBookingSendsRequestAsJSONWithUTCTimes(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	req := r.request(time.Hour, 2*time.Hour)
	req.ReservationStart = req.ReservationStart.In(berlin)
	req.ReservationEnd = req.ReservationEnd.In(berlin)
	req.ExternalID = "driver-123-session-456"

	res, err := r.c.CreateBooking(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Adopted || res.Attempts != 1 {
		t.Errorf("result %+v, want a plain first-attempt create", res)
	}
	b := res.Booking
	if b.Status != model.Requested || b.ID == "" || b.ExternalID != req.ExternalID || b.CreatedAt == nil {
		t.Errorf("booking %+v, want REQUESTED with id, external_id and created_at", b)
	}
	if !b.ReservationStart.Equal(req.ReservationStart) || !b.ReservationEnd.Equal(req.ReservationEnd) {
		t.Errorf("window echoed as %v – %v", b.ReservationStart, b.ReservationEnd)
	}

	posts := r.Hits()
	if len(posts) != 1 || posts[0].Method != http.MethodPost || posts[0].Path != "/bookings" {
		t.Fatalf("requests at the server: %+v", posts)
	}
	want := req
	want.ReservationStart = want.ReservationStart.UTC()
	want.ReservationEnd = want.ReservationEnd.UTC()
	wantBody, _ := json.Marshal(want)
	if !bytes.Equal(posts[0].Body, wantBody) {
		t.Errorf("body sent\n%s\nwant\n%s", posts[0].Body, wantBody)
	}
	for _, s := range []string{`"reservation_start":"2026-02-10T10:00:00Z"`, `"reservation_end":"2026-02-10T12:00:00Z"`} {
		if !bytes.Contains(posts[0].Body, []byte(s)) {
			t.Errorf("body %s lacks %s", posts[0].Body, s)
		}
	}
}

var externalIDRe = regexp.MustCompile(`^cd-20260210-1000-[0-9a-f]{8}$`) // 09:00 UTC is 10:00 in Berlin

func TestCreateBookingFillsStrategyAndExternalID(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	seen := map[string]bool{}
	for i := range 3 {
		req := r.request(time.Duration(i+1)*time.Hour, 30*time.Minute)
		req.ExternalID, req.TokenStrategy, req.CustomerID = "", "", ""
		res, err := r.c.CreateBooking(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		var sent map[string]any
		if err := json.Unmarshal(r.Hits()[i].Body, &sent); err != nil {
			t.Fatal(err)
		}
		if sent["token_strategy"] != "ad_hoc" {
			t.Errorf("token_strategy sent as %v, want ad_hoc said out loud", sent["token_strategy"])
		}
		ext, _ := sent["external_id"].(string)
		if !externalIDRe.MatchString(ext) {
			t.Errorf("generated external_id %q, want cd-YYYYMMDD-HHMM-<8 hex>", ext)
		}
		if seen[ext] {
			t.Errorf("external_id %q generated twice", ext)
		}
		seen[ext] = true
		if res.Booking.ExternalID != ext || res.Booking.TokenStrategy != model.AdHoc || res.Booking.AdHocToken == nil {
			t.Errorf("booking %+v does not echo %s / ad_hoc with a token", res.Booking, ext)
		}
	}
}

func TestNewExternalIDIsUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 2000 {
		id := api.NewExternalID(t0.In(berlin))
		if !externalIDRe.MatchString(id) || !strings.HasPrefix(id, "cd-20260210-1000-") {
			t.Fatalf("%q: want cd-20260210-1000-<8 hex> (Berlin time)", id)
		}
		if seen[id] {
			t.Fatalf("%q repeated", id)
		}
		seen[id] = true
	}
}

// The reference a driver reads out carries the driver's date: made at
// 00:30 Berlin on the 8th (23:30 UTC on the 7th) it says the 8th, and
// reads back as that instant.
func TestNewExternalIDCarriesTheBerlinDate(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 23, 30, 0, 0, time.UTC)
	for _, now := range []time.Time{at, at.In(berlin), at.In(time.FixedZone("far", -8*3600))} {
		id := api.NewExternalID(now)
		if !strings.HasPrefix(id, "cd-20261208-0030-") {
			t.Fatalf("made at %v: %q, want cd-20261208-0030-…", now, id)
		}
		if back, ok := api.ExternalIDTime(id); !ok || !back.Equal(at) {
			t.Fatalf("%q reads back as %v, want %v", id, back, at)
		}
	}
	// In summer Berlin is two hours ahead of UTC.
	summer := time.Date(2026, 7, 1, 22, 15, 0, 0, time.UTC)
	if id := api.NewExternalID(summer); !strings.HasPrefix(id, "cd-20260702-0015-") {
		t.Fatalf("%q", id)
	}
}

func TestGetBookingFollowsTheLifecycle(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	created := r.mustCreate(r.request(2*time.Hour, time.Hour))
	got, err := r.c.GetBooking(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != created.ID || got.Status != model.Requested {
		t.Errorf("got %s %s, want %s REQUESTED", got.ID, got.Status, created.ID)
	}
	r.clock.Advance(sim.ConfirmDelayMax + time.Second)
	got, err = r.c.GetBooking(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != model.Confirmed || got.CPOReservationID == "" || got.ClientPrice == nil || got.StatusUpdatedAt == nil {
		t.Errorf("after the CPO's delay: %+v, want CONFIRMED with cpo_reservation_id and price", got)
	}
	if h := r.Hits(); h[len(h)-1].Path != "/bookings/"+created.ID {
		t.Errorf("path %s", h[len(h)-1].Path)
	}
}

func TestGetBookingEscapesTheID(t *testing.T) {
	t.Parallel()
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		writeJSONBody(w, 200, `{"id":"a b/c","status":"REQUESTED"}`)
	}, nil)
	if _, err := r.c.GetBooking(context.Background(), "a b/c"); err != nil {
		t.Fatal(err)
	}
	if ev := r.Events()[0]; ev.Path != "/bookings/a%20b%2Fc" {
		t.Errorf("event path %q, want the id path-escaped", ev.Path)
	}
}

func TestListBookingsFiltersAndPages(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	var ids []string // oldest first
	for i := range 5 {
		req := r.request(time.Duration(i+1)*time.Hour, 30*time.Minute)
		ids = append(ids, r.mustCreate(req).ID)
		r.clock.Advance(time.Minute)
	}
	ctx := context.Background()
	if _, err := r.c.CancelBooking(ctx, ids[1], "test"); err != nil {
		t.Fatal(err)
	}

	all, err := r.c.ListBookings(ctx, model.BookingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 5 || len(all.Bookings) != 5 {
		t.Fatalf("total %d, %d bookings, want 5", all.Total, len(all.Bookings))
	}
	for i, b := range all.Bookings {
		if b.ID != ids[4-i] {
			t.Errorf("position %d: %s, want newest first (%s)", i, b.ID, ids[4-i])
		}
	}
	if h := r.Hits(); h[len(h)-1].RawQuery != "" {
		t.Errorf("empty filter sent query %q", h[len(h)-1].RawQuery)
	}

	cancelled, err := r.c.ListBookings(ctx, model.BookingFilter{Status: model.Cancelled})
	if err != nil {
		t.Fatal(err)
	}
	if len(cancelled.Bookings) != 1 || cancelled.Bookings[0].ID != ids[1] {
		t.Errorf("status filter: %+v", cancelled.Bookings)
	}

	// Created at t0, +1, +2, +3, +4 min; the window +1 … +3 min (in CET) holds three.
	window := model.BookingFilter{FromDate: t0.Add(time.Minute).In(berlin), ToDate: t0.Add(3 * time.Minute).In(berlin)}
	mid, err := r.c.ListBookings(ctx, window)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.ParseQuery(r.Hits()[len(r.Hits())-1].RawQuery)
	if q.Get("from_date") != "2026-02-10T09:01:00Z" || q.Get("to_date") != "2026-02-10T09:03:00Z" {
		t.Errorf("dates sent as %q – %q, want UTC with Z", q.Get("from_date"), q.Get("to_date"))
	}
	if mid.Total != 3 || len(mid.Bookings) != 3 || mid.Bookings[0].ID != ids[3] || mid.Bookings[2].ID != ids[1] {
		t.Errorf("date filter: total %d, %d bookings", mid.Total, len(mid.Bookings))
	}

	var paged []string
	for off := 0; ; off += 2 {
		page, err := r.c.ListBookings(ctx, model.BookingFilter{Limit: 2, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		q, _ := url.ParseQuery(r.Hits()[len(r.Hits())-1].RawQuery)
		if q.Get("limit") != "2" || (off > 0) != q.Has("offset") {
			t.Errorf("paging query %v", q)
		}
		if page.Total != 5 || page.Limit != 2 || page.Offset != off {
			t.Errorf("page at %d: total %d limit %d offset %d", off, page.Total, page.Limit, page.Offset)
		}
		if len(page.Bookings) == 0 {
			break
		}
		for _, b := range page.Bookings {
			paged = append(paged, b.ID)
		}
	}
	if strings.Join(paged, ",") != strings.Join([]string{ids[4], ids[3], ids[2], ids[1], ids[0]}, ",") {
		t.Errorf("paging gave %v", paged)
	}
}

func TestCancelBooking(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	ctx := context.Background()
	b := r.mustCreate(r.request(2*time.Hour, time.Hour))
	got, err := r.c.CancelBooking(ctx, b.ID, "Plans changed")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != b.ID || got.Status != model.Cancelled || got.CancellationReason != "Plans changed" {
		t.Errorf("cancel answered %+v", got)
	}
	h := r.Hits()
	last := h[len(h)-1]
	if last.Method != http.MethodPost || last.Path != "/bookings/"+b.ID+"/cancel" || string(last.Body) != `{"reason":"Plans changed"}` {
		t.Errorf("request %s %s %s", last.Method, last.Path, last.Body)
	}

	// From a terminal state: 400 with the server's text; nothing else sent.
	n := len(r.Hits())
	_, err = r.c.CancelBooking(ctx, b.ID, "again")
	e := apiErr(t, err, api.KindBadRequest)
	if !api.IsBadRequest(err) || e.Status != 400 || e.Message != "Booking cannot be cancelled in status CANCELLED" {
		t.Errorf("second cancel: %+v", e)
	}
	if len(r.Hits()) != n+1 {
		t.Errorf("%d requests for one refused cancel", len(r.Hits())-n)
	}

	// Without a reason the server fills one in.
	b2 := r.mustCreate(r.request(5*time.Hour, time.Hour))
	got, err = r.c.CancelBooking(ctx, b2.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.CancellationReason != "Cancelled by client" {
		t.Errorf("reason %q", got.CancellationReason)
	}
}

func TestCancelFromConfirmedNearTheStartCostsTheFee(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	b := r.mustCreate(r.request(30*time.Minute, time.Hour))
	r.clock.Advance(sim.ConfirmDelayMax + time.Second)
	got, err := r.c.CancelBooking(context.Background(), b.ID, "late")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != model.Cancelled || got.ClientPrice == nil || *got.ClientPrice != sim.LateCancelFee {
		t.Errorf("late cancel: %+v", got)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	r := newRig(t, setup{sim: sim.Options{RateLimit: 10, MonthlyQuota: 500}})
	ctx := context.Background()
	if _, err := r.c.Usage(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := r.c.Usage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if u.RateLimit.Limit != 10 || u.RateLimit.Remaining != 8 || u.RateLimit.Period != "minute" || u.RateLimit.ResetAt == nil {
		t.Errorf("rate_limit %+v", u.RateLimit)
	}
	if u.Quota == nil || u.Quota.Limit != 500 || u.Quota.Used != 2 || u.Quota.Remaining != 498 || u.Quota.Period != "month" {
		t.Fatalf("quota %+v", u.Quota)
	}
	if !u.Quota.ResetAt.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("quota reset %v", u.Quota.ResetAt)
	}
}

func TestClientBasics(t *testing.T) {
	t.Parallel()
	c := api.New(api.Config{})
	if c.BaseURL() != api.DefaultBaseURL || c.ReadOnly() {
		t.Errorf("defaults: %s read-only %v", c.BaseURL(), c.ReadOnly())
	}
	if rl := c.RateLimit(); rl.Known {
		t.Errorf("rate limit known before any answer: %+v", rl)
	}
	c = api.New(api.Config{BaseURL: "http://example.test/api/", ReadOnly: true})
	if c.BaseURL() != "http://example.test/api" || !c.ReadOnly() {
		t.Errorf("trailing slash kept or read-only lost: %s", c.BaseURL())
	}
}

func TestUserAgentAndKeyHeader(t *testing.T) {
	t.Parallel()
	var ua, key, accept string
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		ua, key, accept = req.Header.Get("User-Agent"), req.Header.Get("X-API-Key"), req.Header.Get("Accept")
		writeJSONBody(w, 200, `{"rate_limit":{"limit":1,"remaining":1}}`)
	}, func(c *api.Config) { c.UserAgent = "chargedesk/test" })
	if _, err := r.c.Usage(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ua != "chargedesk/test" || key != r.key || accept != "application/json" {
		t.Errorf("headers: User-Agent %q, X-API-Key %q, Accept %q", ua, key, accept)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	r := simRig(t, setup{})
	b := r.mustCreate(r.request(time.Hour, time.Hour))
	ctx := context.Background()
	done := make(chan error, 16)
	for i := range 16 {
		go func() {
			var err error
			switch i % 3 {
			case 0:
				_, err = r.c.Usage(ctx)
			case 1:
				_, err = r.c.GetBooking(ctx, b.ID)
			default:
				_, err = r.c.Search(ctx, model.SearchQuery{Lat: 48.1, Lng: 11.5, Limit: 3})
			}
			_ = r.c.RateLimit()
			done <- err
		}()
	}
	for range 16 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if n := len(r.Events()); n != 17 {
		t.Errorf("%d events, want 17", n)
	}
}
