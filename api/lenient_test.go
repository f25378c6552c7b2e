package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// The client decodes leniently: unknown fields ignored, optional fields
// absent, unknown enum values kept as they are.
func TestLenientDecoding(t *testing.T) {
	t.Parallel()
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		switch p := strings.TrimPrefix(req.URL.Path, sim.BasePath); {
		case p == "/bookings/odd":
			writeJSONBody(w, 200, `{"id":"odd","status":"ON_HOLD","hold_reason":{"code":7,"tags":["x"]},
				"client_price":12.5,"created_at":"2026-02-10T10:00:00+01:00","loyalty_points":3}`)
		case p == "/bookings/odd/cancel":
			writeJSONBody(w, 200, `{"id":"odd","status":"CANCELLED_BY_AGENT"}`)
		case p == "/bookings" && req.Method == http.MethodPost:
			writeJSONBody(w, 202, `{"id":"new","status":"REQUESTED","queue_position":4}`)
		case p == "/bookings":
			writeJSONBody(w, 200, `{"bookings":[{"id":"a","status":"REQUESTED"},{"id":"b","status":"MYSTERY"}],"next_cursor":"zz"}`)
		case p == "/search":
			writeJSONBody(w, 200, `{"total":1,"took_ms":12,"results":[{"location_id":"DE-NEW-E000001","name":"Neu",
				"distance_km":1.25,"cpo_name":"NewCPO","supports_reservation":true,"opening_hours":"24/7",
				"evses":[{"evse_uid":"DE*NEW*E000001*1","status":"LEVITATING","floor":"-1"}]}]}`)
		case p == "/usage":
			writeJSONBody(w, 200, `{"rate_limit":{"limit":100,"remaining":5},"plan":"gold"}`)
		default:
			writeJSONBody(w, 404, `{"error":"no"}`)
		}
	}, nil)
	ctx := context.Background()

	b, err := r.c.GetBooking(ctx, "odd")
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != "ON_HOLD" || b.Status.Info().Known {
		t.Errorf("unknown status not kept as is: %q", b.Status)
	}
	if b.ClientPrice == nil || *b.ClientPrice != 12.5 || b.CreatedAt == nil || !b.CreatedAt.Equal(t0) {
		t.Errorf("booking %+v", b)
	}
	if b.StatusUpdatedAt != nil || b.ReservationStart != nil || b.AdHocToken != nil || b.CPOReservationID != "" || b.ExternalID != "" {
		t.Errorf("absent optional fields not left empty: %+v", b)
	}
	if s, e := b.Window(); !s.IsZero() || !e.IsZero() {
		t.Errorf("window %v – %v without reservation times", s, e)
	}

	c, err := r.c.CancelBooking(ctx, "odd", "x")
	if err != nil || c.Status != "CANCELLED_BY_AGENT" {
		t.Errorf("cancel: %+v %v", c, err)
	}

	req := model.BookingRequest{LocationID: "DE-NEW-E000001", EVSEUID: "DE*NEW*E000001*1",
		ReservationStart: t0.Add(time.Hour), ReservationEnd: t0.Add(2 * time.Hour), TokenStrategy: model.AdHoc}
	res, err := r.c.CreateBooking(ctx, req)
	if err != nil || res.Booking.ID != "new" || res.Booking.Status != model.Requested {
		t.Errorf("create: %+v %v", res, err)
	}

	list, err := r.c.ListBookings(ctx, model.BookingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Bookings) != 2 || list.Bookings[1].Status != "MYSTERY" || list.Total != 0 {
		t.Errorf("list %+v", list)
	}

	sr, err := r.c.Search(ctx, model.SearchQuery{Lat: 48, Lng: 11})
	if err != nil {
		t.Fatal(err)
	}
	if len(sr.Results) != 1 || sr.CPOResults != nil {
		t.Fatalf("search %+v", sr)
	}
	l := sr.Results[0]
	if l.Pricing != nil || l.Coordinates != nil || l.Address != "" || len(l.EVSEs) != 1 ||
		l.EVSEs[0].Status != "LEVITATING" || l.EVSEs[0].Connectors != nil {
		t.Errorf("location %+v", l)
	}
	if _, ok := l.EstimatedPrice(); ok {
		t.Errorf("a price without pricing")
	}

	u, err := r.c.Usage(ctx)
	if err != nil || u.Quota != nil || u.RateLimit.Remaining != 5 || u.RateLimit.ResetAt != nil {
		t.Errorf("usage %+v %v", u, err)
	}
}

func TestNullAndMissingListsAreEmpty(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `{"results":null,"bookings":null}`} {
		r := rawRig(t, func(w http.ResponseWriter, req *http.Request) { writeJSONBody(w, 200, body) }, nil)
		sr, err := r.c.Search(context.Background(), model.SearchQuery{Lat: 1, Lng: 2})
		if err != nil || sr.Results == nil || len(sr.Results) != 0 {
			t.Errorf("%s: search %+v %v, want an empty, non-nil list", body, sr, err)
		}
		list, err := r.c.ListBookings(context.Background(), model.BookingFilter{})
		if err != nil || list.Bookings == nil || len(list.Bookings) != 0 {
			t.Errorf("%s: list %+v %v, want an empty, non-nil list", body, list, err)
		}
	}
}

// A list without `total` is paged until a short page.
func TestLookupPagesWithoutTotal(t *testing.T) {
	t.Parallel()
	var o once
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		switch {
		case req.Method == http.MethodPost && o.first():
			hijackClose(w)
		case req.Method == http.MethodPost:
			writeJSONBody(w, 202, `{"id":"made","status":"REQUESTED"}`)
		default:
			off, _ := strconv.Atoi(req.URL.Query().Get("offset"))
			n := 100
			if off >= 100 {
				n = 30
			}
			var items []string
			for i := range n {
				items = append(items, fmt.Sprintf(`{"id":"x%d","status":"CONFIRMED","external_id":"someone-else-%d"}`, off+i, off+i))
			}
			writeJSONBody(w, 200, `{"bookings":[`+strings.Join(items, ",")+`]}`)
		}
	}, nil)
	req := model.BookingRequest{LocationID: "L", EVSEUID: "E", ReservationStart: t0.Add(time.Hour), ReservationEnd: t0.Add(2 * time.Hour), TokenStrategy: model.AdHoc}
	res, err := r.c.CreateBooking(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Adopted || res.Attempts != 2 || res.Booking.ID != "made" {
		t.Errorf("result %+v", res)
	}
	var gets []string
	for _, h := range r.Hits() {
		if h.Method == http.MethodGet {
			gets = append(gets, h.RawQuery)
		}
	}
	if len(gets) != 2 || !strings.Contains(gets[1], "offset=100") {
		t.Errorf("look-up pages %q, want two (offset 0 and 100)", gets)
	}
}

// A found booking wins over everything else on its page, at any position.
func TestLookupMatchesOnlyTheExternalID(t *testing.T) {
	t.Parallel()
	var o once
	r := rawRig(t, func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost && o.first() {
			hijackClose(w)
			return
		}
		if req.Method == http.MethodPost {
			t.Errorf("second POST although the booking was found")
			writeJSONBody(w, 500, `{"error":"x"}`)
			return
		}
		writeJSONBody(w, 200, `{"total":3,"bookings":[
			{"id":"1","status":"REQUESTED","external_id":"mine-2"},
			{"id":"2","status":"REQUESTED","external_id":"mine"},
			{"id":"3","status":"REQUESTED","external_id":"MINE"}]}`)
	}, nil)
	req := model.BookingRequest{LocationID: "L", EVSEUID: "E", ReservationStart: t0.Add(time.Hour),
		ReservationEnd: t0.Add(2 * time.Hour), TokenStrategy: model.AdHoc, ExternalID: "mine"}
	res, err := r.c.CreateBooking(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Adopted || res.Booking.ID != "2" {
		t.Errorf("adopted %+v, want booking 2 (external_id exactly %q)", res.Booking, "mine")
	}
}
