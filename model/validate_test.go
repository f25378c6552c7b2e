package model_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// fixedNow is the "now" of every validation test: the seed's example booking
// starts at 14:00 on this day.
var fixedNow = time.Date(2026, 2, 10, 13, 0, 0, 0, time.UTC)

// fieldWord is the word a message must contain to name its field. Latitude and
// longitude are named in words, as the API's own "Invalid latitude" text does.
var fieldWord = map[string]string{
	"lat":               "latitude",
	"lng":               "longitude",
	"radius":            "radius",
	"connector_type":    "connector_type",
	"power_min":         "power_min",
	"limit":             "limit",
	"start_time":        "start_time",
	"end_time":          "end_time",
	"location_id":       "location_id",
	"evse_uid":          "evse_uid",
	"reservation_start": "reservation_start",
	"reservation_end":   "reservation_end",
	"customer_id":       "customer_id",
	"fleet_group_id":    "fleet_group_id",
	"token_uid":         "token_uid",
	"token_strategy":    "token_strategy",
}

// checkFieldErrors asserts that es holds exactly the fields in want (in any
// order, each once) and that every message names its field.
func checkFieldErrors(t *testing.T, es model.FieldErrors, want ...string) {
	t.Helper()
	got := map[string]int{}
	for _, e := range es {
		got[e.Field]++
		if e.Msg == "" {
			t.Errorf("field %q: empty message", e.Field)
		}
		w, ok := fieldWord[e.Field]
		if !ok {
			t.Errorf("unexpected field name %q (msg %q)", e.Field, e.Msg)
			continue
		}
		if !strings.Contains(strings.ToLower(e.Msg), w) {
			t.Errorf("field %q: message %q does not name the field (%q)", e.Field, e.Msg, w)
		}
	}
	wantSet := map[string]bool{}
	for _, f := range want {
		wantSet[f] = true
		if got[f] != 1 {
			t.Errorf("field %q reported %d times, want once; all errors: %v", f, got[f], es)
		}
	}
	for f := range got {
		if !wantSet[f] {
			t.Errorf("unexpected error for field %q: %q", f, es.For(f))
		}
	}
}

func validQuery() model.SearchQuery {
	return model.SearchQuery{Lat: 48.1351, Lng: 11.5820, RadiusKM: 25, ConnectorType: model.CCS2, PowerMinKW: 50}
}

func TestSearchQueryValidate(t *testing.T) {
	nan := math.NaN()
	inf := math.Inf(1)
	start := fixedNow.Add(time.Hour)
	tests := []struct {
		name string
		mod  func(*model.SearchQuery)
		want []string // fields in error; none = valid
	}{
		{"seed example", func(q *model.SearchQuery) {}, nil},
		{"zero value except coordinates", func(q *model.SearchQuery) { *q = model.SearchQuery{Lat: 1, Lng: 1} }, nil},
		{"origin", func(q *model.SearchQuery) { q.Lat, q.Lng = 0, 0 }, nil},

		{"lat 90 edge", func(q *model.SearchQuery) { q.Lat = 90 }, nil},
		{"lat -90 edge", func(q *model.SearchQuery) { q.Lat = -90 }, nil},
		{"lat just above 90", func(q *model.SearchQuery) { q.Lat = math.Nextafter(90, 91) }, []string{"lat"}},
		{"lat just below -90", func(q *model.SearchQuery) { q.Lat = math.Nextafter(-90, -91) }, []string{"lat"}},
		{"lat 90.1", func(q *model.SearchQuery) { q.Lat = 90.1 }, []string{"lat"}},
		{"lat -95", func(q *model.SearchQuery) { q.Lat = -95 }, []string{"lat"}},
		{"lat NaN", func(q *model.SearchQuery) { q.Lat = nan }, []string{"lat"}},
		{"lat +Inf", func(q *model.SearchQuery) { q.Lat = inf }, []string{"lat"}},
		{"lat -Inf", func(q *model.SearchQuery) { q.Lat = -inf }, []string{"lat"}},

		{"lng 180 edge", func(q *model.SearchQuery) { q.Lng = 180 }, nil},
		{"lng -180 edge", func(q *model.SearchQuery) { q.Lng = -180 }, nil},
		{"lng just above 180", func(q *model.SearchQuery) { q.Lng = math.Nextafter(180, 181) }, []string{"lng"}},
		{"lng -180.5", func(q *model.SearchQuery) { q.Lng = -180.5 }, []string{"lng"}},
		{"lng NaN", func(q *model.SearchQuery) { q.Lng = nan }, []string{"lng"}},
		{"lng -Inf", func(q *model.SearchQuery) { q.Lng = -inf }, []string{"lng"}},
		{"lat and lng both bad", func(q *model.SearchQuery) { q.Lat, q.Lng = 91, 181 }, []string{"lat", "lng"}},

		{"radius 0 means server default", func(q *model.SearchQuery) { q.RadiusKM = 0 }, nil},
		{"radius tiny", func(q *model.SearchQuery) { q.RadiusKM = 0.001 }, nil},
		{"radius default 50", func(q *model.SearchQuery) { q.RadiusKM = model.DefaultRadiusKM }, nil},
		{"radius 200 max", func(q *model.SearchQuery) { q.RadiusKM = 200 }, nil},
		{"radius 200.1", func(q *model.SearchQuery) { q.RadiusKM = 200.1 }, []string{"radius"}},
		{"radius just above 200", func(q *model.SearchQuery) { q.RadiusKM = math.Nextafter(200, 201) }, []string{"radius"}},
		{"radius 1000 not clamped", func(q *model.SearchQuery) { q.RadiusKM = 1000 }, []string{"radius"}},
		{"radius negative", func(q *model.SearchQuery) { q.RadiusKM = -1 }, []string{"radius"}},
		{"radius NaN", func(q *model.SearchQuery) { q.RadiusKM = nan }, []string{"radius"}},
		{"radius +Inf", func(q *model.SearchQuery) { q.RadiusKM = inf }, []string{"radius"}},

		{"connector empty = any", func(q *model.SearchQuery) { q.ConnectorType = "" }, nil},
		{"connector T2", func(q *model.SearchQuery) { q.ConnectorType = model.T2 }, nil},
		{"connector CHADEMO", func(q *model.SearchQuery) { q.ConnectorType = "CHADEMO" }, nil},
		{"connector OCPI mixed case name", func(q *model.SearchQuery) { q.ConnectorType = "IEC_60309_2_single_16" }, nil},
		{"connector TESLA_R (full OCPI list)", func(q *model.SearchQuery) { q.ConnectorType = "TESLA_R" }, nil},
		{"connector unknown", func(q *model.SearchQuery) { q.ConnectorType = "TYPE2" }, []string{"connector_type"}},
		{"connector wrong case", func(q *model.SearchQuery) { q.ConnectorType = "iec_62196_t2" }, []string{"connector_type"}},
		{"connector label instead of code", func(q *model.SearchQuery) { q.ConnectorType = "CCS" }, []string{"connector_type"}},

		{"power_min 0", func(q *model.SearchQuery) { q.PowerMinKW = 0 }, nil},
		{"power_min 350", func(q *model.SearchQuery) { q.PowerMinKW = 350 }, nil},
		{"power_min negative", func(q *model.SearchQuery) { q.PowerMinKW = -1 }, []string{"power_min"}},
		{"power_min tiny negative", func(q *model.SearchQuery) { q.PowerMinKW = -0.001 }, []string{"power_min"}},
		{"power_min NaN", func(q *model.SearchQuery) { q.PowerMinKW = nan }, []string{"power_min"}},

		{"limit 0 means default", func(q *model.SearchQuery) { q.Limit = 0 }, nil},
		{"limit 1", func(q *model.SearchQuery) { q.Limit = 1 }, nil},
		{"limit 20", func(q *model.SearchQuery) { q.Limit = model.DefaultSearchSize }, nil},
		{"limit 100", func(q *model.SearchQuery) { q.Limit = 100 }, nil},
		{"limit 101", func(q *model.SearchQuery) { q.Limit = 101 }, []string{"limit"}},
		{"limit -1", func(q *model.SearchQuery) { q.Limit = -1 }, []string{"limit"}},

		{"window ok", func(q *model.SearchQuery) { q.Start, q.End = start, start.Add(2*time.Hour) }, nil},
		{"window one ns", func(q *model.SearchQuery) { q.Start, q.End = start, start.Add(1) }, nil},
		{"window reversed", func(q *model.SearchQuery) { q.Start, q.End = start, start.Add(-time.Minute) }, []string{"end_time"}},
		{"window empty", func(q *model.SearchQuery) { q.Start, q.End = start, start }, []string{"end_time"}},

		{"everything wrong", func(q *model.SearchQuery) {
			*q = model.SearchQuery{Lat: nan, Lng: 200, RadiusKM: -5, ConnectorType: "FOO", PowerMinKW: -1, Limit: 1000,
				Start: start, End: start.Add(-time.Hour)}
		}, []string{"lat", "lng", "radius", "connector_type", "power_min", "limit", "end_time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := validQuery()
			tt.mod(&q)
			es := q.Validate(fixedNow)
			checkFieldErrors(t, es, tt.want...)
			if (es.Err() == nil) != (len(tt.want) == 0) {
				t.Errorf("Err() = %v, want error: %v", es.Err(), len(tt.want) > 0)
			}
		})
	}
}

func TestSearchQueryValidateLatMessageIsTheAPIs(t *testing.T) {
	q := validQuery()
	q.Lat = 91
	if got, want := q.Validate(fixedNow).For("lat"), "Invalid latitude: must be between -90 and 90"; got != want {
		t.Errorf("lat message = %q, want the API's %q", got, want)
	}
}

// A window given by halves is an error whichever half is missing; the
// message tells the user to give both.
func TestSearchQueryValidateHalfWindow(t *testing.T) {
	start := fixedNow.Add(time.Hour)
	for _, tt := range []struct {
		name       string
		start, end time.Time
	}{
		{"only start", start, time.Time{}},
		{"only end", time.Time{}, start},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := validQuery()
			q.Start, q.End = tt.start, tt.end
			es := q.Validate(fixedNow)
			if len(es) != 1 {
				t.Fatalf("got %d errors (%v), want 1", len(es), es)
			}
			f := es[0].Field
			if f != "start_time" && f != "end_time" {
				t.Errorf("field = %q, want start_time or end_time", f)
			}
			for _, w := range []string{"start_time", "end_time"} {
				if !strings.Contains(es[0].Msg, w) {
					t.Errorf("message %q should name %s", es[0].Msg, w)
				}
			}
		})
	}
}

func validBooking() model.BookingRequest {
	start := fixedNow.Add(time.Hour)
	return model.BookingRequest{
		LocationID:       "DE-ENB-E123456",
		EVSEUID:          "DE*ENB*E123456*1",
		ConnectorID:      "1",
		ReservationStart: start,
		ReservationEnd:   start.Add(2 * time.Hour),
		ExternalID:       "driver-123-session-456",
		TokenStrategy:    model.DriverToken,
		CustomerID:       "cust_abc123",
	}
}

func TestBookingRequestValidate(t *testing.T) {
	lead := func(d time.Duration) func(*model.BookingRequest) {
		return func(r *model.BookingRequest) {
			r.ReservationStart = fixedNow.Add(d)
			r.ReservationEnd = r.ReservationStart.Add(time.Hour)
		}
	}
	dur := func(d time.Duration) func(*model.BookingRequest) {
		return func(r *model.BookingRequest) { r.ReservationEnd = r.ReservationStart.Add(d) }
	}
	strategy := func(s model.TokenStrategy, set func(*model.BookingRequest)) func(*model.BookingRequest) {
		return func(r *model.BookingRequest) {
			r.TokenStrategy = s
			r.CustomerID, r.TokenID, r.FleetGroupID, r.TokenUID = "", "", "", ""
			if set != nil {
				set(r)
			}
		}
	}
	uid := func(u string) func(*model.BookingRequest) {
		return strategy(model.Pipelet, func(r *model.BookingRequest) { r.TokenUID = u })
	}
	berlin := time.FixedZone("CET", 3600)

	tests := []struct {
		name string
		mod  func(*model.BookingRequest)
		want []string
	}{
		{"seed example", func(r *model.BookingRequest) {}, nil},

		// Lead time.
		{"start exactly 15 min ahead", lead(15 * time.Minute), nil},
		{"start 15 min 1 ns ahead", lead(15*time.Minute + 1), nil},
		{"start 14m59s ahead", lead(14*time.Minute + 59*time.Second), []string{"reservation_start"}},
		{"start 1 ns short of 15 min", lead(15*time.Minute - 1), []string{"reservation_start"}},
		{"start now", lead(0), []string{"reservation_start"}},
		{"start in the past", lead(-time.Hour), []string{"reservation_start"}},
		{"start 15 min ahead given in CET", func(r *model.BookingRequest) {
			r.ReservationStart = fixedNow.Add(15 * time.Minute).In(berlin)
			r.ReservationEnd = r.ReservationStart.Add(time.Hour)
		}, nil},
		{"start 14 min ahead given in CET", func(r *model.BookingRequest) {
			r.ReservationStart = fixedNow.Add(14 * time.Minute).In(berlin)
			r.ReservationEnd = r.ReservationStart.Add(time.Hour)
		}, []string{"reservation_start"}},

		// Duration.
		{"end equals start", dur(0), []string{"reservation_end"}},
		{"end before start", dur(-time.Minute), []string{"reservation_end"}},
		{"14 min", dur(14 * time.Minute), []string{"reservation_end"}},
		{"15 min ns short", dur(15*time.Minute - 1), []string{"reservation_end"}},
		{"15 min", dur(15 * time.Minute), nil},
		{"4 h", dur(4 * time.Hour), nil},
		{"4 h 1 ns", dur(4*time.Hour + 1), []string{"reservation_end"}},
		{"4 h 1 min", dur(4*time.Hour + time.Minute), []string{"reservation_end"}},
		{"a day", dur(24 * time.Hour), []string{"reservation_end"}},

		// Required fields.
		{"no start", func(r *model.BookingRequest) { r.ReservationStart = time.Time{} }, []string{"reservation_start"}},
		{"no end", func(r *model.BookingRequest) { r.ReservationEnd = time.Time{} }, []string{"reservation_end"}},
		{"no times", func(r *model.BookingRequest) { r.ReservationStart, r.ReservationEnd = time.Time{}, time.Time{} },
			[]string{"reservation_start", "reservation_end"}},
		{"no location", func(r *model.BookingRequest) { r.LocationID = "" }, []string{"location_id"}},
		{"blank location", func(r *model.BookingRequest) { r.LocationID = " \t" }, []string{"location_id"}},
		{"no evse", func(r *model.BookingRequest) { r.EVSEUID = "" }, []string{"evse_uid"}},
		{"blank evse", func(r *model.BookingRequest) { r.EVSEUID = "  " }, []string{"evse_uid"}},
		{"connector and external id are optional", func(r *model.BookingRequest) { r.ConnectorID, r.ExternalID = "", "" }, nil},

		// driver_token.
		{"driver_token customer_id", strategy(model.DriverToken, func(r *model.BookingRequest) { r.CustomerID = "cust_abc123" }), nil},
		{"driver_token token_id", strategy(model.DriverToken, func(r *model.BookingRequest) { r.TokenID = "tok_1" }), nil},
		{"driver_token both", strategy(model.DriverToken, func(r *model.BookingRequest) { r.CustomerID, r.TokenID = "c", "t" }), nil},
		{"driver_token neither", strategy(model.DriverToken, nil), []string{"customer_id"}},
		{"driver_token blank customer_id", strategy(model.DriverToken, func(r *model.BookingRequest) { r.CustomerID = "   " }), []string{"customer_id"}},
		{"driver_token with only fleet_group_id", strategy(model.DriverToken, func(r *model.BookingRequest) { r.FleetGroupID = "fleet-1" }), []string{"customer_id"}},

		// group_token.
		{"group_token fleet_group_id", strategy(model.GroupToken, func(r *model.BookingRequest) { r.FleetGroupID = "fleet-1" }), nil},
		{"group_token missing", strategy(model.GroupToken, nil), []string{"fleet_group_id"}},
		{"group_token with customer_id only", strategy(model.GroupToken, func(r *model.BookingRequest) { r.CustomerID = "c" }), []string{"fleet_group_id"}},
		{"group_token blank", strategy(model.GroupToken, func(r *model.BookingRequest) { r.FleetGroupID = " " }), []string{"fleet_group_id"}},

		// ad_hoc and the default.
		{"ad_hoc needs nothing", strategy(model.AdHoc, nil), nil},
		{"empty strategy is ad_hoc", strategy("", nil), nil},

		// pipelet.
		{"pipelet missing", strategy(model.Pipelet, nil), []string{"token_uid"}},
		{"pipelet 8 hex", uid("04A1B2C3"), nil},
		{"pipelet 8 hex lower", uid("04a1b2c3"), nil},
		{"pipelet 14 hex", uid("04A1B2C3D4E5F6"), nil},
		{"pipelet 20 hex", uid("0123456789abcdefABCD"), nil},
		{"pipelet 7 hex", uid("04A1B2C"), []string{"token_uid"}},
		{"pipelet 9 hex", uid("04A1B2C3D"), []string{"token_uid"}},
		{"pipelet 13 hex", uid("04A1B2C3D4E5F"), []string{"token_uid"}},
		{"pipelet 15 hex", uid("04A1B2C3D4E5F6A"), []string{"token_uid"}},
		{"pipelet 21 hex", uid("0123456789abcdefABCD0"), []string{"token_uid"}},
		{"pipelet 40 hex", uid("0123456789abcdefABCD0123456789abcdefABCD"), []string{"token_uid"}},
		{"pipelet non-hex G", uid("04A1B2CG"), []string{"token_uid"}},
		{"pipelet 0x prefix", uid("0x04A1B2"), []string{"token_uid"}},
		{"pipelet colons", uid("04:A1:B2:C3"), []string{"token_uid"}},
		{"pipelet leading space", uid(" 04A1B2C3"), []string{"token_uid"}},
		{"pipelet trailing newline", uid("04A1B2C3\n"), []string{"token_uid"}},
		{"pipelet fullwidth digits", uid("０４Ａ１Ｂ２Ｃ３"), []string{"token_uid"}},

		// Unknown strategies.
		{"unknown strategy", strategy("rfid", nil), []string{"token_strategy"}},
		{"strategy wrong case", strategy("AD_HOC", nil), []string{"token_strategy"}},
		{"strategy with space", strategy("ad_hoc ", nil), []string{"token_strategy"}},

		{"everything wrong", func(r *model.BookingRequest) {
			*r = model.BookingRequest{ReservationStart: fixedNow, ReservationEnd: fixedNow.Add(-time.Hour), TokenStrategy: model.Pipelet, TokenUID: "xyz"}
		}, []string{"location_id", "evse_uid", "reservation_start", "reservation_end", "token_uid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validBooking()
			tt.mod(&r)
			es := r.Validate(fixedNow)
			checkFieldErrors(t, es, tt.want...)
			if (es.Err() == nil) != (len(tt.want) == 0) {
				t.Errorf("Err() = %v, want error: %v", es.Err(), len(tt.want) > 0)
			}
		})
	}
}

// The driver_token message must say that token_id also satisfies the rule.
func TestBookingRequestValidateDriverTokenMessageNamesBoth(t *testing.T) {
	r := validBooking()
	r.CustomerID = ""
	msg := r.Validate(fixedNow).For("customer_id")
	if !strings.Contains(msg, "customer_id") || !strings.Contains(msg, "token_id") {
		t.Errorf("message %q should name customer_id and token_id", msg)
	}
}

func TestValidTokenUID(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"", false},
		{"deadbeef", true},
		{"DEADBEEF", true},
		{"DeadBeef", true},
		{"deadbee", false},
		{strings.Repeat("a", 14), true},
		{strings.Repeat("a", 20), true},
		{strings.Repeat("a", 10), false},
		{strings.Repeat("a", 16), false},
		{"deadbeeg", false},
		{"dead beef", false},
	} {
		if got := model.ValidTokenUID(tt.in); got != tt.want {
			t.Errorf("ValidTokenUID(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFieldErrors(t *testing.T) {
	var none model.FieldErrors
	if err := none.Err(); err != nil {
		t.Errorf("nil FieldErrors: Err() = %#v, want untyped nil", err)
	}
	if err := (model.FieldErrors{}).Err(); err != nil {
		t.Errorf("empty FieldErrors: Err() = %#v, want untyped nil", err)
	}
	if got := none.For("lat"); got != "" {
		t.Errorf("nil FieldErrors: For = %q, want empty", got)
	}

	es := model.FieldErrors{
		{Field: "lat", Msg: "bad lat"},
		{Field: "radius", Msg: "bad radius"},
		{Field: "lat", Msg: "second lat"},
	}
	for _, tt := range []struct{ field, want string }{
		{"lat", "bad lat"}, // the first one wins
		{"radius", "bad radius"},
		{"lng", ""},
		{"", ""},
		{"LAT", ""},
	} {
		if got := es.For(tt.field); got != tt.want {
			t.Errorf("For(%q) = %q, want %q", tt.field, got, tt.want)
		}
	}
	err := es.Err()
	if err == nil {
		t.Fatal("Err() = nil with errors present")
	}
	if got, want := err.Error(), "lat: bad lat; radius: bad radius; lat: second lat"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var fe model.FieldErrors
	if !errors.As(err, &fe) || len(fe) != 3 {
		t.Errorf("errors.As to FieldErrors failed or lost entries: %v", fe)
	}
	if got, want := (model.FieldError{Field: "limit", Msg: "too big"}).Error(), "limit: too big"; got != want {
		t.Errorf("FieldError.Error() = %q, want %q", got, want)
	}
}

func TestValidateHelpers(t *testing.T) {
	for _, tt := range []struct {
		name string
		fn   func(float64) string
		in   float64
		ok   bool
	}{
		{"lat 0", model.ValidateLat, 0, true},
		{"lat 90", model.ValidateLat, 90, true},
		{"lat -90", model.ValidateLat, -90, true},
		{"lat 90.0001", model.ValidateLat, 90.0001, false},
		{"lat NaN", model.ValidateLat, math.NaN(), false},
		{"lng 180", model.ValidateLng, 180, true},
		{"lng -180", model.ValidateLng, -180, true},
		{"lng -180.0001", model.ValidateLng, -180.0001, false},
		{"lng NaN", model.ValidateLng, math.NaN(), false},
		{"radius 0", model.ValidateRadius, 0, false},
		{"radius 200", model.ValidateRadius, 200, true},
		{"radius 200.1", model.ValidateRadius, 200.1, false},
		{"radius NaN", model.ValidateRadius, math.NaN(), false},
	} {
		if got := tt.fn(tt.in); (got == "") != tt.ok {
			t.Errorf("%s: got %q, want ok=%v", tt.name, got, tt.ok)
		}
	}
}

func TestDefaultStart(t *testing.T) {
	d := func(h, m, s, ns int) time.Time { return time.Date(2026, 2, 10, h, m, s, ns, time.UTC) }
	for _, tt := range []struct {
		name string
		now  time.Time
		want time.Time
	}{
		{"on the hour", d(12, 0, 0, 0), d(12, 30, 0, 0)},
		{"exactly on a quarter", d(12, 15, 0, 0), d(12, 45, 0, 0)},
		{"1 ns past a quarter", d(12, 15, 0, 1), d(12, 45, 0, 0)},
		{"20 min before a quarter: exactly 20 min ahead", d(11, 55, 0, 0), d(12, 15, 0, 0)},
		{"1 ns later: next quarter", d(11, 55, 0, 1), d(12, 30, 0, 0)},
		{"1 ns earlier", d(11, 54, 59, 999_999_999), d(12, 15, 0, 0)},
		{"mid quarter", d(12, 7, 30, 0), d(12, 30, 0, 0)},
		{"just before a quarter", d(12, 14, 59, 0), d(12, 45, 0, 0)},
		{"across midnight", d(23, 50, 0, 0), time.Date(2026, 2, 11, 0, 15, 0, 0, time.UTC)},
		{"across midnight, exact", d(23, 40, 0, 0), time.Date(2026, 2, 11, 0, 0, 0, 0, time.UTC)},
		{"across year end", time.Date(2026, 12, 31, 23, 45, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 15, 0, 0, time.UTC)},
		// 29 March 2026 is the DST switch in Europe/Berlin; in UTC nothing happens.
		{"Berlin DST night, in UTC", time.Date(2026, 3, 29, 0, 50, 0, 0, time.UTC), time.Date(2026, 3, 29, 1, 15, 0, 0, time.UTC)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := model.DefaultStart(tt.now); !got.Equal(tt.want) {
				t.Errorf("DefaultStart(%v) = %v, want %v", tt.now, got, tt.want)
			}
		})
	}
}

// For every now over a day at odd steps: the result is a quarter hour, at
// least 20 minutes ahead and less than 35, and it passes the booking rule.
func TestDefaultStartProperties(t *testing.T) {
	base := time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)
	for off := time.Duration(0); off < 24*time.Hour; off += 7*time.Second + 3*time.Millisecond + 11 {
		now := base.Add(off)
		got := model.DefaultStart(now)
		ahead := got.Sub(now)
		if ahead < 20*time.Minute || ahead >= 35*time.Minute {
			t.Fatalf("DefaultStart(%v) = %v: %v ahead, want [20m, 35m)", now, got, ahead)
		}
		if got.Minute()%15 != 0 || got.Second() != 0 || got.Nanosecond() != 0 {
			t.Fatalf("DefaultStart(%v) = %v: not on a quarter hour", now, got)
		}
		r := validBooking()
		r.ReservationStart, r.ReservationEnd = got, got.Add(time.Hour)
		if es := r.Validate(now); es.For("reservation_start") != "" {
			t.Fatalf("DefaultStart(%v) = %v fails validation: %v", now, got, es)
		}
	}
}
