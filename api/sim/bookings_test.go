package sim_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

var (
	uuidRe   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	cpoResRe = regexp.MustCompile(`^ENB-R-[0-9A-F]{6}$`)
	hex14Re  = regexp.MustCompile(`^[0-9A-F]{14}$`)
)

// findEVSE returns a location and EVSE of the data set matching ok.
func findEVSE(t *testing.T, s *sim.Server, ok func(model.Location, model.EVSE) bool) (model.Location, model.EVSE) {
	t.Helper()
	for _, l := range s.Locations() {
		for _, e := range l.EVSEs {
			if ok(l, e) {
				return l, e
			}
		}
	}
	t.Fatal("no such EVSE in the data set")
	return model.Location{}, model.EVSE{}
}

func TestCreateBooking(t *testing.T) {
	e := newEnv(t, sim.Options{Seed: 1})
	req := e.request(30*time.Minute, 2*time.Hour)
	b := e.create(req)
	if !uuidRe.MatchString(b.ID) {
		t.Errorf("id %q is not a UUID v4", b.ID)
	}
	if b.Status != model.Requested || !b.StatusUpdatedAt.Equal(t0) || !b.CreatedAt.Equal(t0) || !b.UpdatedAt.Equal(t0) {
		t.Errorf("status %s at %v, created %v", b.Status, b.StatusUpdatedAt, b.CreatedAt)
	}
	if b.LocationID != req.LocationID || b.EVSEUID != req.EVSEUID || b.ConnectorID != "1" ||
		!b.ReservationStart.Equal(req.ReservationStart) || !b.ReservationEnd.Equal(req.ReservationEnd) ||
		b.ExternalID != req.ExternalID || b.TokenStrategy != model.DriverToken || b.CustomerID != "cust_abc123" {
		t.Errorf("echo: %+v", b)
	}
	if b.LocationName != "EnBW Schnellladepark Marienplatz" || b.LocationCity != "München" || b.CPOName != "EnBW" ||
		b.ClientPriceCurrency != "EUR" || b.ClientPrice != nil || b.CPOReservationID != "" || b.AdHocToken != nil {
		t.Errorf("fields: %+v", b)
	}
	if got := e.booking(b.ID); got.ID != b.ID || got.Status != model.Requested {
		t.Errorf("GET: %+v", got)
	}
	e.get("/bookings/no-such-id").want(t, 404)
	if r := e.get("/bookings/no-such-id"); r.errText() != "Booking no-such-id not found" {
		t.Errorf("404 text %q", r.errText())
	}

	t.Run("repeated external_id creates another booking", func(t *testing.T) {
		again := req
		again.EVSEUID = "DE*ENB*E123456*2"
		b2 := e.create(again)
		if b2.ID == b.ID || b2.ExternalID != b.ExternalID {
			t.Errorf("second booking %s / %s", b2.ID, b2.ExternalID)
		}
	})
	t.Run("token_strategy omitted is ad_hoc with a token", func(t *testing.T) {
		r := e.request(5*time.Hour, time.Hour)
		r.TokenStrategy, r.CustomerID = "", ""
		b := e.create(r)
		if b.TokenStrategy != model.AdHoc || b.AdHocToken == nil || !hex14Re.MatchString(b.AdHocToken.TokenUID) {
			t.Fatalf("ad_hoc: %+v %+v", b, b.AdHocToken)
		}
		if !b.AdHocToken.ValidFrom.Before(r.ReservationStart) || !b.AdHocToken.ValidUntil.After(r.ReservationEnd) {
			t.Errorf("token valid %v–%v, window %v–%v", b.AdHocToken.ValidFrom, b.AdHocToken.ValidUntil, r.ReservationStart, r.ReservationEnd)
		}
	})
	t.Run("strategy fields echoed", func(t *testing.T) {
		r := e.request(8*time.Hour, time.Hour)
		r.TokenStrategy, r.CustomerID, r.TokenUID = model.Pipelet, "", "04a2b3c4d5e6f7"
		if b := e.create(r); b.TokenUID != "04A2B3C4D5E6F7" || b.CustomerID != "" {
			t.Errorf("pipelet: %+v", b)
		}
		r = e.request(10*time.Hour, time.Hour)
		r.TokenStrategy, r.CustomerID, r.FleetGroupID = model.GroupToken, "", "group_delivery_team"
		if b := e.create(r); b.FleetGroupID != "group_delivery_team" {
			t.Errorf("group: %+v", b)
		}
		r = e.request(12*time.Hour, time.Hour)
		r.CustomerID, r.TokenID = "", "tok-991"
		if b := e.create(r); b.TokenID != "tok-991" {
			t.Errorf("driver token_id: %+v", b)
		}
	})
}

func TestCreateBookingRejected(t *testing.T) {
	e := newEnv(t, sim.Options{Seed: 2})
	nonReservable, nrEVSE := findEVSE(t, e.srv, func(l model.Location, x model.EVSE) bool { return !l.SupportsReservation })
	busyLoc, busyEVSE := findEVSE(t, e.srv, func(l model.Location, x model.EVSE) bool {
		return l.SupportsReservation && x.Status == model.EVSEOutOfOrder
	})
	base := e.request(30*time.Minute, time.Hour)
	mod := func(f func(r *model.BookingRequest)) model.BookingRequest { r := base; f(&r); return r }
	start := base.ReservationStart.Format(time.RFC3339)

	// An existing booking to collide with.
	held := e.request(3*time.Hour, time.Hour)
	held.EVSEUID = "DE*ENB*E123456*2"
	e.create(held)

	cases := []struct {
		name   string
		body   any
		status int
		want   string
		skip   bool // the request breaks the contract's schema on purpose
	}{
		{"not JSON", "{nope", 400, "Invalid JSON body", true},
		{"empty body", "", 400, "Invalid JSON body", true},
		{"array", "[]", 400, "Invalid JSON body: expected a JSON object", true},
		{"wrong type", `{"location_id":"DE-ENB-E123456","evse_uid":"DE*ENB*E123456*1","connector_id":1,"reservation_start":"` + start + `","reservation_end":"2030-01-01T00:00:00Z"}`, 400, "connector_id must be a string", true},
		{"trailing data", `{"location_id":"x"} {}`, 400, "Invalid JSON body", true},
		{"bad start time", `{"location_id":"DE-ENB-E123456","evse_uid":"DE*ENB*E123456*1","reservation_start":"tomorrow 2pm","reservation_end":"2030-01-01T00:00:00Z"}`, 400, "Invalid reservation_start", true},
		{"location_id missing", mod(func(r *model.BookingRequest) { r.LocationID = "" }), 400, "location_id is required", true},
		{"evse_uid missing", mod(func(r *model.BookingRequest) { r.EVSEUID = "" }), 400, "evse_uid is required", true},
		{"start missing", `{"location_id":"DE-ENB-E123456","evse_uid":"DE*ENB*E123456*1","reservation_end":"2030-01-01T00:00:00Z"}`, 400, "reservation_start is required", true},
		{"start too soon", mod(func(r *model.BookingRequest) {
			r.ReservationStart = t0.Add(14 * time.Minute)
		}), 400, "reservation_start must be at least 15 minutes in the future", false},
		{"start in the past", mod(func(r *model.BookingRequest) {
			r.ReservationStart, r.ReservationEnd = t0.Add(-time.Hour), t0
		}), 400, "reservation_start", false},
		{"end before start", mod(func(r *model.BookingRequest) { r.ReservationEnd = r.ReservationStart.Add(-time.Minute) }), 400, "reservation_end must be after reservation_start", false},
		{"too short", mod(func(r *model.BookingRequest) { r.ReservationEnd = r.ReservationStart.Add(10 * time.Minute) }), 400, "at least 15 minutes", false},
		{"too long", mod(func(r *model.BookingRequest) { r.ReservationEnd = r.ReservationStart.Add(4*time.Hour + time.Minute) }), 400, "at most 4 hours", false},
		{"driver_token without customer", mod(func(r *model.BookingRequest) { r.CustomerID = "" }), 400, "customer_id or token_id is required", false},
		{"group_token without group", mod(func(r *model.BookingRequest) { r.TokenStrategy = model.GroupToken }), 400, "fleet_group_id is required", false},
		{"pipelet without uid", mod(func(r *model.BookingRequest) { r.TokenStrategy = model.Pipelet }), 400, "token_uid is required", false},
		{"pipelet bad uid", mod(func(r *model.BookingRequest) { r.TokenStrategy, r.TokenUID = model.Pipelet, "XYZ123" }), 400, "token_uid must be 8, 14 or 20 hexadecimal", true},
		{"unknown strategy", mod(func(r *model.BookingRequest) { r.TokenStrategy = "magic" }), 400, `token_strategy "magic"`, true},
		{"unknown location", mod(func(r *model.BookingRequest) { r.LocationID = "DE-ENB-E000001" }), 404, "Location DE-ENB-E000001 not found", false},
		{"unknown EVSE", mod(func(r *model.BookingRequest) { r.EVSEUID = "DE*ENB*E123456*9" }), 404, "EVSE DE*ENB*E123456*9 not found at location DE-ENB-E123456", false},
		{"EVSE of another location", mod(func(r *model.BookingRequest) { r.EVSEUID = busyEVSE.EVSEUID }), 404, "not found at location", false},
		{"unknown connector", mod(func(r *model.BookingRequest) { r.ConnectorID = "7" }), 404, "Connector 7 not found on EVSE DE*ENB*E123456*1", false},
		{"not reservable", mod(func(r *model.BookingRequest) {
			r.LocationID, r.EVSEUID, r.ConnectorID = nonReservable.LocationID, nrEVSE.EVSEUID, ""
		}), 400, "Location " + nonReservable.LocationID + " does not support reservations", false},
		{"EVSE out of order", mod(func(r *model.BookingRequest) {
			r.LocationID, r.EVSEUID, r.ConnectorID = busyLoc.LocationID, busyEVSE.EVSEUID, ""
		}), 409, "EVSE " + busyEVSE.EVSEUID + " is not available: its status is OUTOFORDER", false},
		{"overlapping window", mod(func(r *model.BookingRequest) {
			r.EVSEUID = held.EVSEUID
			r.ReservationStart, r.ReservationEnd = held.ReservationStart.Add(30*time.Minute), held.ReservationEnd.Add(30*time.Minute)
		}), 409, "EVSE DE*ENB*E123456*2 is not available from 2026-02-10T12:30:00Z to 2026-02-10T13:30:00Z: another reservation overlaps", false},
		{"spending limit", mod(func(r *model.BookingRequest) {
			r.TokenStrategy, r.CustomerID, r.FleetGroupID = model.GroupToken, "", sim.OverLimitFleetGroup
		}), 400, "Fleet group spending limit exceeded", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(call{method: http.MethodPost, path: "/bookings", body: tc.body, skip: tc.skip}).want(t, tc.status)
			if !strings.Contains(r.errText(), tc.want) {
				t.Errorf("error %q does not contain %q", r.errText(), tc.want)
			}
		})
	}
	if n := len(e.srv.Bookings()); n != 1 {
		t.Errorf("%d bookings stored, want only the held one", n)
	}
	// Adjacent windows do not overlap.
	adj := e.request(4*time.Hour, time.Hour)
	adj.EVSEUID = held.EVSEUID
	e.create(adj)
}

func TestLifecycleNormalToCompleted(t *testing.T) {
	e := lifecycleEnv(t, sim.Options{Seed: 9})
	estimate, _ := e.srv.Locations()[0].EstimatedPrice()
	req := e.request(20*time.Minute, time.Hour)
	b := e.create(req)
	start := req.ReservationStart

	seen := e.watch(b, 100*time.Millisecond, sim.ConfirmDelayMax+time.Second, nil)
	e.clock.Set(start.Add(-time.Second))
	if got := e.booking(b.ID); got.Status != model.Confirmed {
		t.Fatalf("before the start: %s", got.Status)
	}
	seen = e.watch(b, 5*time.Second, start.Sub(t0)+sim.ArrivalOffsetMax+10*time.Second, seen)
	seen = e.watch(b, 30*time.Second, req.ReservationEnd.Sub(t0)+time.Minute, seen)

	want := []model.Status{model.Pending, model.Confirmed, model.Attending, model.Completed}
	if got := statuses(seen); !equalStatuses(got, want) {
		t.Fatalf("path %v, want %v", got, want)
	}
	for _, x := range seen {
		if x.updated.After(x.seenAt) || !x.updated.After(x.previous) {
			t.Errorf("%s: status_updated_at %v not within the step (%v, %v]", x.status, x.updated, x.previous, x.seenAt)
		}
	}
	if d := sinceCreate(b, seen[0]); d < sim.PendingDelayMin || d > sim.PendingDelayMax {
		t.Errorf("PENDING after %v", d)
	}
	if d := sinceCreate(b, seen[1]); d < sim.ConfirmDelayMin || d > sim.ConfirmDelayMax || !seen[1].updated.After(seen[0].updated) {
		t.Errorf("CONFIRMED after %v", d)
	}
	if d := seen[2].updated.Sub(start); d < 0 || d > sim.ArrivalOffsetMax {
		t.Errorf("ATTENDING %v after the start", d)
	}
	if d := seen[3].updated.Sub(start); d < 24*time.Minute || d > 57*time.Minute {
		t.Errorf("COMPLETED %v after the start, want 40–95%% of the hour", d)
	}
	final := e.booking(b.ID)
	if final.ClientPrice == nil || *final.ClientPrice < estimate*sim.FinalPriceMin-0.01 || *final.ClientPrice > estimate*sim.FinalPriceMax+0.01 {
		t.Errorf("final price %v for estimate %v", final.ClientPrice, estimate)
	}
	if !cpoResRe.MatchString(final.CPOReservationID) || !final.StatusUpdatedAt.Equal(seen[3].updated) || !final.UpdatedAt.Equal(seen[3].updated) {
		t.Errorf("final %+v", final)
	}
	// Reading later changes nothing.
	e.clock.Advance(48 * time.Hour)
	if again := e.booking(b.ID); again.Status != model.Completed || !again.StatusUpdatedAt.Equal(seen[3].updated) {
		t.Errorf("later: %s at %v", again.Status, again.StatusUpdatedAt)
	}
	if bs := e.srv.Bookings(); len(bs) != 1 || bs[0].Status != model.Completed {
		t.Errorf("Bookings() = %+v", bs)
	}
}

func TestLifecycleConfirmedCarriesQuote(t *testing.T) {
	e := lifecycleEnv(t, sim.Options{Seed: 4})
	estimate, _ := e.srv.Locations()[0].EstimatedPrice()
	b := e.create(e.request(2*time.Hour, time.Hour))
	e.clock.Advance(sim.ConfirmDelayMax)
	got := e.booking(b.ID)
	if got.Status != model.Confirmed || got.ClientPrice == nil || *got.ClientPrice != estimate || !cpoResRe.MatchString(got.CPOReservationID) {
		t.Errorf("confirmed: %s price %v res %q", got.Status, got.ClientPrice, got.CPOReservationID)
	}
}

func equalStatuses(a, b []model.Status) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLifecycleTriggers(t *testing.T) {
	t.Run("expire", func(t *testing.T) {
		e := lifecycleEnv(t, sim.Options{Seed: 1})
		r := e.request(time.Hour, time.Hour)
		r.CustomerID = sim.TriggerExpire
		b := e.create(r)
		e.clock.Advance(sim.ConfirmTimeout - time.Millisecond)
		if got := e.booking(b.ID); got.Status != model.Requested {
			t.Fatalf("just before the timeout: %s", got.Status)
		}
		e.clock.Advance(time.Millisecond)
		got := e.booking(b.ID)
		if got.Status != model.Expired || !got.StatusUpdatedAt.Equal(t0.Add(sim.ConfirmTimeout)) || got.CPOReservationID != "" || got.ClientPrice != nil {
			t.Errorf("at the timeout: %+v", got)
		}
	})
	t.Run("noshow", func(t *testing.T) {
		e := lifecycleEnv(t, sim.Options{Seed: 1})
		r := e.request(20*time.Minute, time.Hour)
		r.CustomerID = "cust_noshow_42"
		b := e.create(r)
		seen := e.watch(b, 250*time.Millisecond, sim.ConfirmDelayMax+time.Second, nil)
		seen = e.watch(b, time.Minute, 20*time.Minute+sim.NoShowGrace+2*time.Minute, seen)
		if got := statuses(seen); !equalStatuses(got, []model.Status{model.Pending, model.Confirmed, model.NoShow}) {
			t.Fatalf("path %v", got)
		}
		if want := r.ReservationStart.Add(sim.NoShowGrace); !seen[2].updated.Equal(want) {
			t.Errorf("NO_SHOW at %v, want %v", seen[2].updated, want)
		}
		if got := e.booking(b.ID); got.ClientPrice == nil || *got.ClientPrice != sim.NoShowFee {
			t.Errorf("no-show fee %v", got.ClientPrice)
		}
	})
	t.Run("reject", func(t *testing.T) {
		e := lifecycleEnv(t, sim.Options{Seed: 1})
		r := e.request(time.Hour, time.Hour)
		r.CustomerID = sim.TriggerReject
		b := e.create(r)
		seen := e.watch(b, 100*time.Millisecond, sim.PendingDelayMax+sim.RejectDelayMax+time.Second, nil)
		if got := statuses(seen); !equalStatuses(got, []model.Status{model.Pending, model.Cancelled}) {
			t.Fatalf("path %v", got)
		}
		if d := seen[1].updated.Sub(seen[0].updated); d < sim.RejectDelayMin || d > sim.RejectDelayMax {
			t.Errorf("rejected %v after PENDING", d)
		}
		if got := e.booking(b.ID); !strings.HasPrefix(got.CancellationReason, "Rejected by CPO: ") {
			t.Errorf("reason %q", got.CancellationReason)
		}
		// The EVSE is free again.
		e.create(r)
	})
	t.Run("slow", func(t *testing.T) {
		e := lifecycleEnv(t, sim.Options{Seed: 1})
		r := e.request(time.Hour, time.Hour)
		r.CustomerID = sim.TriggerSlow
		b := e.create(r)
		seen := e.watch(b, 500*time.Millisecond, sim.ConfirmTimeout+time.Second, nil)
		if got := statuses(seen); !equalStatuses(got, []model.Status{model.Pending, model.Confirmed}) {
			t.Fatalf("path %v", got)
		}
		if d := seen[1].updated.Sub(seen[0].updated); d != sim.SlowConfirmDelay {
			t.Errorf("PENDING for %v, want %v", d, sim.SlowConfirmDelay)
		}
		if d := sinceCreate(b, seen[1]); d >= sim.ConfirmTimeout {
			t.Errorf("confirmed after %v, past the timeout", d)
		}
	})
}

func TestConfirmTimeoutOption(t *testing.T) {
	// expiresAt creates a cust_expire booking and reads it 1 ms before and at
	// the timeout.
	expiresAt := func(t *testing.T, o sim.Options, timeout time.Duration) {
		t.Helper()
		e := lifecycleEnv(t, o)
		r := e.request(time.Hour, time.Hour)
		r.CustomerID = sim.TriggerExpire
		b := e.create(r)
		e.clock.Advance(timeout - time.Millisecond)
		if got := e.booking(b.ID); got.Status != model.Requested {
			t.Fatalf("1 ms before %v: %s", timeout, got.Status)
		}
		e.clock.Advance(time.Millisecond)
		if got := e.booking(b.ID); got.Status != model.Expired || !got.StatusUpdatedAt.Equal(t0.Add(timeout)) {
			t.Fatalf("at %v: %s at %v", timeout, got.Status, got.StatusUpdatedAt)
		}
	}
	t.Run("default", func(t *testing.T) {
		if got := sim.New(sim.Options{}).Options().ConfirmTimeout; got != 30*time.Second {
			t.Errorf("default timeout %v, want 30s", got)
		}
		expiresAt(t, sim.Options{Seed: 1}, 30*time.Second)
	})
	t.Run("short", func(t *testing.T) {
		expiresAt(t, sim.Options{Seed: 1, ConfirmTimeout: 2 * time.Second}, 2*time.Second)
	})
	t.Run("late confirmations give up at it", func(t *testing.T) {
		e := lifecycleEnv(t, sim.Options{Seed: 1, ConfirmTimeout: 2 * time.Second,
			Faults: sim.Faults{CPO: sim.CPOFaults{LateConfirm: 1}}})
		b := e.create(e.request(2*time.Hour, time.Hour))
		e.clock.Advance(2 * time.Second)
		if got := e.booking(b.ID); got.Status != model.Expired || !got.StatusUpdatedAt.Equal(t0.Add(2*time.Second)) {
			t.Errorf("late confirmation past a 2 s timeout: %s at %v", got.Status, got.StatusUpdatedAt)
		}
	})
	t.Run("the CPO's own answer times are not cut short", func(t *testing.T) {
		e := lifecycleEnv(t, sim.Options{Seed: 1, ConfirmTimeout: 2 * time.Second})
		r := e.request(time.Hour, time.Hour)
		r.CustomerID = sim.TriggerSlow
		b := e.create(r)
		e.clock.Advance(sim.PendingDelayMax + sim.SlowConfirmDelay)
		if got := e.booking(b.ID); got.Status != model.Confirmed {
			t.Errorf("cust_slow with a 2 s timeout: %s", got.Status)
		}
	})
}

func TestLifecycleSpeed(t *testing.T) {
	t.Run("reservation times compressed, confirmation not", func(t *testing.T) {
		e := lifecycleEnv(t, sim.Options{Seed: 3, Speed: 60})
		r := e.request(30*time.Minute, time.Hour)
		b := e.create(r)
		seen := e.watch(b, 100*time.Millisecond, 100*time.Second, nil)
		if got := statuses(seen); !equalStatuses(got, []model.Status{model.Pending, model.Confirmed, model.Attending, model.Completed}) {
			t.Fatalf("path %v", got)
		}
		if d := sinceCreate(b, seen[1]); d < sim.ConfirmDelayMin || d > sim.ConfirmDelayMax {
			t.Errorf("CONFIRMED after %v: confirmation must not be sped up", d)
		}
		// Lifecycle start is 30 min after create: 30 s of clock time at speed 60.
		if d := sinceCreate(b, seen[2]); d < 30*time.Second || d > 30*time.Second+sim.ArrivalOffsetMax/60 {
			t.Errorf("ATTENDING after %v, want 30–33 s", d)
		}
		if d := sinceCreate(b, seen[3]); d < 54*time.Second || d > 87*time.Second {
			t.Errorf("COMPLETED after %v, want 54–87 s", d)
		}
	})
	t.Run("start reached before confirmation", func(t *testing.T) {
		e := lifecycleEnv(t, sim.Options{Seed: 3, Speed: 10000})
		r := e.request(20*time.Minute, time.Hour)
		b := e.create(r)
		seen := e.watch(b, 50*time.Millisecond, sim.ConfirmDelayMax+3*sim.FollowUpDelay, nil)
		if got := statuses(seen); !equalStatuses(got, []model.Status{model.Pending, model.Confirmed, model.Attending, model.Completed}) {
			t.Fatalf("path %v", got)
		}
		if d := seen[2].updated.Sub(seen[1].updated); d != sim.FollowUpDelay {
			t.Errorf("ATTENDING %v after CONFIRMED, want %v", d, sim.FollowUpDelay)
		}
		if d := seen[3].updated.Sub(seen[2].updated); d != sim.FollowUpDelay {
			t.Errorf("COMPLETED %v after ATTENDING, want %v", d, sim.FollowUpDelay)
		}
	})
	t.Run("lead time rule is not sped up", func(t *testing.T) {
		e := lifecycleEnv(t, sim.Options{Seed: 3, Speed: 1000})
		r := e.request(14*time.Minute, time.Hour)
		e.do(call{method: http.MethodPost, path: "/bookings", body: r}).want(t, 400)
	})
}

func TestLifecycleDeterministic(t *testing.T) {
	run := func() []model.Booking {
		e := lifecycleEnv(t, sim.Options{Seed: 77})
		for i := range 5 {
			r := e.request(time.Duration(i+1)*time.Hour, 30*time.Minute)
			r.CustomerID = []string{"a", sim.TriggerSlow, sim.TriggerReject, "b", sim.TriggerNoShow}[i]
			e.create(r)
			e.clock.Advance(3 * time.Second)
		}
		e.clock.Advance(20 * time.Second)
		return e.srv.Bookings()
	}
	a, b := run(), run()
	for i := range a {
		if a[i].Status != b[i].Status || !a[i].StatusUpdatedAt.Equal(*b[i].StatusUpdatedAt) {
			t.Errorf("booking %d differs: %s %v / %s %v", i, a[i].Status, a[i].StatusUpdatedAt, b[i].Status, b[i].StatusUpdatedAt)
		}
		// The seed fixes the data and the fates, not the booking ids: two
		// runs of the demo never hand out the same id.
		if a[i].ID == b[i].ID || !uuidV4.MatchString(a[i].ID) {
			t.Errorf("booking %d: ids %s and %s, want two different version 4 UUIDs", i, a[i].ID, b[i].ID)
		}
	}
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCancel(t *testing.T) {
	type setup struct {
		name     string
		lead     time.Duration // reservation_start after create
		customer string
		advance  time.Duration // clock time after create
		speed    float64
		before   model.Status // status when cancelling
		status   int
		price    *float64
	}
	fee, free := sim.LateCancelFee, 0.0
	cases := []setup{
		{"requested", 3 * time.Hour, "c", 0, 1, model.Requested, 200, nil},
		{"pending", 3 * time.Hour, sim.TriggerSlow, sim.PendingDelayMax, 1, model.Pending, 200, nil},
		{"confirmed, long before the start: free", 3 * time.Hour, "c", sim.ConfirmDelayMax, 1, model.Confirmed, 200, &free},
		{"confirmed, within the hour: fee", 45 * time.Minute, "c", sim.ConfirmDelayMax, 1, model.Confirmed, 200, &fee},
		{"confirmed, fee window in lifecycle time", 3 * time.Hour, "c", sim.ConfirmDelayMax + 45*time.Second, 180, model.Confirmed, 200, &fee},
		{"attending", 20 * time.Minute, "c", 20*time.Minute + sim.ArrivalOffsetMax + time.Second, 1, model.Attending, 400, nil},
		{"completed", 20 * time.Minute, "c", 2 * time.Hour, 1, model.Completed, 400, nil},
		{"expired", time.Hour, sim.TriggerExpire, sim.ConfirmTimeout, 1, model.Expired, 400, nil},
		{"cancelled by the CPO", time.Hour, sim.TriggerReject, sim.PendingDelayMax + sim.RejectDelayMax, 1, model.Cancelled, 400, nil},
		{"no-show", 20 * time.Minute, sim.TriggerNoShow, 20*time.Minute + sim.NoShowGrace, 1, model.NoShow, 400, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := lifecycleEnv(t, sim.Options{Seed: 5, Speed: tc.speed})
			r := e.request(tc.lead, time.Hour)
			r.CustomerID = tc.customer
			b := e.create(r)
			e.clock.Advance(tc.advance)
			if got := e.booking(b.ID); got.Status != tc.before {
				t.Fatalf("before cancelling: %s, want %s", got.Status, tc.before)
			}
			res := e.do(call{method: http.MethodPost, path: "/bookings/" + b.ID + "/cancel", body: model.CancelRequest{Reason: "Plans changed"}}).want(t, tc.status)
			if tc.status != 200 {
				if want := "Booking cannot be cancelled in status " + string(tc.before); res.errText() != want {
					t.Errorf("error %q, want %q", res.errText(), want)
				}
				return
			}
			var got model.Booking
			res.decode(t, &got)
			now := e.clock.Now()
			if got.Status != model.Cancelled || got.CancellationReason != "Plans changed" || !got.StatusUpdatedAt.Equal(now) {
				t.Errorf("cancelled: %s %q at %v", got.Status, got.CancellationReason, got.StatusUpdatedAt)
			}
			switch {
			case tc.price == nil && got.ClientPrice != nil:
				t.Errorf("price %v, want none", *got.ClientPrice)
			case tc.price != nil && (got.ClientPrice == nil || *got.ClientPrice != *tc.price):
				t.Errorf("price %v, want %v", got.ClientPrice, *tc.price)
			}
			// The rest of the schedule is gone.
			e.clock.Advance(24 * time.Hour)
			if later := e.booking(b.ID); later.Status != model.Cancelled || !later.StatusUpdatedAt.Equal(now) {
				t.Errorf("a day later: %s at %v", later.Status, later.StatusUpdatedAt)
			}
		})
	}
	t.Run("without a body, default reason", func(t *testing.T) {
		e := lifecycleEnv(t, sim.Options{})
		b := e.create(e.request(time.Hour, time.Hour))
		var got model.Booking
		e.do(call{method: http.MethodPost, path: "/bookings/" + b.ID + "/cancel"}).want(t, 200).decode(t, &got)
		if got.CancellationReason != "Cancelled by client" {
			t.Errorf("reason %q", got.CancellationReason)
		}
	})
	t.Run("bad body, unknown booking", func(t *testing.T) {
		e := lifecycleEnv(t, sim.Options{})
		b := e.create(e.request(time.Hour, time.Hour))
		e.do(call{method: http.MethodPost, path: "/bookings/" + b.ID + "/cancel", body: "{oops", skip: true}).want(t, 400)
		r := e.do(call{method: http.MethodPost, path: "/bookings/nope/cancel", body: model.CancelRequest{}}).want(t, 404)
		if r.errText() != "Booking nope not found" {
			t.Errorf("404 text %q", r.errText())
		}
	})
}

func TestListBookings(t *testing.T) {
	e := lifecycleEnv(t, sim.Options{Seed: 8})
	var ids []string
	for i := range 5 {
		r := e.request(time.Duration(i+1)*time.Hour, 30*time.Minute)
		if i == 2 {
			r.CustomerID = sim.TriggerExpire
		}
		ids = append(ids, e.create(r).ID)
		e.clock.Advance(time.Minute)
	}
	list := func(q string) model.BookingList {
		var l model.BookingList
		e.get("/bookings"+q).want(t, 200).decode(t, &l)
		return l
	}
	all := list("")
	if all.Total != 5 || all.Limit != 50 || len(all.Bookings) != 5 {
		t.Fatalf("list: total %d limit %d, %d bookings", all.Total, all.Limit, len(all.Bookings))
	}
	for i, b := range all.Bookings {
		if b.ID != ids[4-i] {
			t.Errorf("position %d: %s, want newest first (%s)", i, b.ID, ids[4-i])
		}
	}
	page := list("?limit=2&offset=1")
	if page.Total != 5 || page.Limit != 2 || page.Offset != 1 || len(page.Bookings) != 2 ||
		page.Bookings[0].ID != ids[3] || page.Bookings[1].ID != ids[2] {
		t.Errorf("page: %+v", page)
	}
	if past := list("?offset=10"); len(past.Bookings) != 0 || past.Total != 5 {
		t.Errorf("offset past the end: %+v", past)
	}
	if ex := list("?status=EXPIRED"); ex.Total != 1 || ex.Bookings[0].ID != ids[2] {
		t.Errorf("status=EXPIRED: %+v", ex)
	}
	if c := list("?status=CONFIRMED"); c.Total != 4 {
		t.Errorf("status=CONFIRMED: total %d", c.Total)
	}
	// created_at bounds, inclusive.
	from, to := t0.Add(time.Minute).Format(time.RFC3339), t0.Add(3*time.Minute).Format(time.RFC3339)
	if w := list("?from_date=" + from + "&to_date=" + to); w.Total != 3 || w.Bookings[0].ID != ids[3] || w.Bookings[2].ID != ids[1] {
		t.Errorf("from/to: %+v", w)
	}
	if w := list("?from_date=" + t0.Add(4*time.Minute).Format(time.RFC3339)); w.Total != 1 {
		t.Errorf("from only: total %d", w.Total)
	}
	for _, q := range []struct{ query, want string }{
		{"?status=DONE", `Invalid status: "DONE"`},
		{"?status=confirmed", "Invalid status"},
		{"?from_date=yesterday", "Invalid from_date"},
		{"?to_date=2026-02-10", "Invalid to_date"},
		{"?from_date=2026-02-11T00:00:00Z&to_date=2026-02-10T00:00:00Z", "to_date"},
		{"?limit=0", "Invalid limit: must be between 1 and 100"},
		{"?limit=101", "Invalid limit"},
		{"?limit=x", "Invalid limit"},
		{"?offset=-1", "Invalid offset"},
	} {
		r := e.do(call{path: "/bookings" + q.query, skip: true}).want(t, 400)
		if !strings.Contains(r.errText(), q.want) {
			t.Errorf("%s: error %q does not contain %q", q.query, r.errText(), q.want)
		}
	}
}
