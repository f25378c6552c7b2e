package model_test

import (
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin on machines without a zone database
	"unicode/utf8"

	"github.com/petitmonde/chargedesk/model"
)

// fuzzZones are the zones FuzzParseWhen parses in, picked by a fuzzed byte.
var fuzzZones = func() []*time.Location {
	zs := []*time.Location{time.UTC, time.FixedZone("CET", 3600), time.FixedZone("X", -(9*3600 + 30*60))}
	if berlin, err := time.LoadLocation("Europe/Berlin"); err == nil {
		zs = append(zs, berlin) // with DST: the 02:00–03:00 gap and the repeated hour
	}
	return zs
}()

var clockOnly = regexp.MustCompile(`^\d{1,2}:\d{2}$`)

func FuzzParseWhen(f *testing.F) {
	base := time.Date(2026, 2, 10, 13, 0, 0, 0, time.UTC).Unix()
	for _, s := range []string{
		"14:30", "9:05", "00:00", "23:59", "24:00", "12:60", "2026-11-30 14:30", "30.11.2026 14:30",
		"1.2.2026 7:05", "2026-11-30T14:30", "2026-11-30T14:30:00Z", "2026-11-30T14:30:00+01:00",
		"2026-11-30 14:30:15", "2026-03-29 02:30", "2026-10-25 02:30", "0000-01-01T00:00:00Z", "",
		"   ", "tomorrow", "14.30", "14:30 Uhr", "9999-12-31T23:59:59.999999999Z", "2026-02-30 10:00",
	} {
		for z := range fuzzZones {
			f.Add(s, base, uint8(z))
		}
	}
	f.Add("morgen 7:15", time.Date(2026, 12, 8, 2, 10, 0, 0, time.UTC).Unix(), uint8(3)) // 03:10 in Berlin: which day?
	f.Add("übermorgen 0:30", time.Date(2026, 12, 7, 23, 10, 0, 0, time.UTC).Unix(), uint8(3))
	f.Add("jetzt", base, uint8(3))
	f.Add("02:30", time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC).Unix(), uint8(3)) // the night DST starts
	f.Add("02:30", time.Date(2026, 10, 24, 23, 30, 0, 0, time.UTC).Unix(), uint8(3))
	f.Fuzz(func(t *testing.T, s string, nowUnix int64, zi uint8) {
		zone := fuzzZones[int(zi)%len(fuzzZones)]
		// Keep now within years 1970..9998, where times format and parse back.
		nowUnix %= 253370764800 // 9998-12-31
		if nowUnix < 0 {
			nowUnix = -nowUnix
		}
		now := time.Unix(nowUnix, 0).UTC()
		got, err := model.ParseWhen(s, now, zone)
		var day *model.AmbiguousDayError
		if errors.As(err, &day) {
			// Each reading offered reads back, without a question, as the
			// instant it stands for.
			for i, r := range day.Readings {
				want := []time.Time{day.Today, day.Next}[i]
				if back, err := model.ParseWhen(r, now, zone); err != nil || !back.Equal(want) {
					t.Fatalf("ParseWhen(%q) at %v offers %q, which reads %v %v, not %v", s, now, r, back, err, want)
				}
			}
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseWhen(%q): error without text", s)
			}
			return
		}
		trimmed := strings.TrimSpace(s)
		if clockOnly.MatchString(trimmed) {
			// "HH:MM" is the next such time at least the lead ahead, within a
			// day of that (DST: 25 h).
			lead := model.LeadForBareTime
			if got.Before(now.Add(lead)) || got.Sub(now) > 25*time.Hour+lead {
				t.Fatalf("ParseWhen(%q, now %v, %v) = %v: not the next %s at least %v ahead", s, now, zone, got, trimmed, lead)
			}
			if got.Second() != 0 || got.Nanosecond() != 0 {
				t.Fatalf("ParseWhen(%q) = %v: seconds left over", s, got)
			}
		}
		// A result written the way an agent types it reads back the same; in
		// a zone's repeated hour that needs its offset, which picks the instant.
		if got.Year() >= 1 && got.Year() <= 9999 && got.Second() == 0 && got.Nanosecond() == 0 {
			typed := got.In(zone).Format("2006-01-02 15:04")
			again, err := model.ParseWhen(typed, now, zone)
			var amb *model.AmbiguousTimeError
			if errors.As(err, &amb) {
				typed += got.In(zone).Format(" -07:00")
				again, err = model.ParseWhen(typed, now, zone)
			}
			if err != nil {
				t.Fatalf("ParseWhen(%q) = %v, but its own form %q fails: %v", s, got, typed, err)
			}
			// (Old local mean times have offsets with seconds, which a time
			// typed to the minute cannot carry: then the wall clock must agree.)
			if !again.Equal(got) && again.In(zone).Format("2006-01-02 15:04") != got.In(zone).Format("2006-01-02 15:04") {
				t.Fatalf("ParseWhen(%q) = %v; %q reads back as %v", s, got, typed, again)
			}
		}
	})
}

// printable tells text a terminal shows as it is: valid UTF-8 without any
// control, C1, bidi control or line/paragraph separator.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidi(r) || r == 0x2028 || r == 0x2029 {
			return false
		}
	}
	return true
}

func isBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"", "EnBW Schnellladepark Marienplatz", "München Straße", "東京 👩‍👩‍👧‍👦 🇩🇪",
		"\x1b[2J\x1b[HEnBW", "\x1b]52;c;Y3VybA==\x07name", "\x1b]0;title\x07x", "\x1b]2;t\x1b\\x",
		"\x1b]8;;https://e.example\x1b\\link\x1b]8;;\x1b\\", "a\u009b31mred\u009b0m", "\u009d0;t\u009cx",
		"bel\a bs\b cr\r tab\t nl\n vt\v ff\f del\x7f", "\u202eevil\u202c \u2066iso\u2069 \u200f",
		"\xff\xfe invalid \xc3", "\x1b", "\x1b[", "\x1b]", "\x1bP unterminated dcs", "\x1b(B", "\x1b7\x1b8",
		"\x1b[\x1b[31m", "\u2028line\u2029para", "\x1b\xc3\xa9", "a\u0085b", "\x1b[38;2;255;0;0mrgb\x1b[m",
		strings.Repeat("Sehr-lange-", 40),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := model.Sanitize(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Sanitize(%q) = %q: invalid UTF-8", s, out)
		}
		for _, r := range out {
			switch {
			case r == 0x1b:
				t.Fatalf("Sanitize(%q) = %q: ESC left", s, out)
			case r < 0x20 || r == 0x7f:
				t.Fatalf("Sanitize(%q) = %q: control %U left", s, out, r)
			case r >= 0x80 && r <= 0x9f:
				t.Fatalf("Sanitize(%q) = %q: C1 %U left", s, out, r)
			case isBidi(r):
				t.Fatalf("Sanitize(%q) = %q: bidi control %U left", s, out, r)
			}
		}
		if again := model.Sanitize(out); again != out {
			t.Fatalf("not idempotent: Sanitize(%q) = %q, again %q", s, out, again)
		}
		if printable(s) && out != s {
			t.Fatalf("printable %q changed to %q", s, out)
		}
		if len(out) > 3*len(s) {
			t.Fatalf("Sanitize(%q) grew to %d bytes", s, len(out))
		}

		line := model.SanitizeLine(s)
		if line != strings.TrimSpace(line) || strings.Contains(line, "  ") || !printable(line) {
			t.Fatalf("SanitizeLine(%q) = %q: not one clean line", s, line)
		}
		if again := model.SanitizeLine(line); again != line {
			t.Fatalf("not idempotent: SanitizeLine(%q) = %q, again %q", s, line, again)
		}
	})
}

// fuzzNow is the validation clock of the Validate fuzzers.
var fuzzNow = time.Date(2026, 2, 10, 13, 0, 0, 0, time.UTC)

var searchFields = map[string]bool{"lat": true, "lng": true, "radius": true, "connector_type": true,
	"power_min": true, "limit": true, "start_time": true, "end_time": true}

func FuzzSearchQueryValidate(f *testing.F) {
	f.Add(48.1351, 11.5820, 25.0, 50.0, "IEC_62196_T2_COMBO", 20, int64(3600), int64(7200))
	f.Add(0.0, 0.0, 0.0, 0.0, "", 0, int64(0), int64(0))
	f.Add(91.0, -181.0, 200.5, -1.0, "SCHUKO", 101, int64(7200), int64(3600))
	f.Add(math.NaN(), math.Inf(1), math.Inf(-1), math.NaN(), "T2", -1, int64(60), int64(0))
	f.Add(-90.0, 180.0, 200.0, math.MaxFloat64, "CHADEMO", 100, int64(-86400), int64(-86399))
	f.Add(math.Copysign(0, -1), 5e-324, 1e-300, 1e300, "\x00", 1, int64(1), int64(1))
	f.Fuzz(func(t *testing.T, lat, lng, radius, power float64, ct string, limit int, startOff, endOff int64) {
		q := model.SearchQuery{Lat: lat, Lng: lng, RadiusKM: radius, ConnectorType: model.ConnectorType(ct),
			PowerMinKW: power, Limit: limit}
		if startOff != 0 {
			q.Start = fuzzNow.Add(time.Duration(startOff % (1 << 40)))
		}
		if endOff != 0 {
			q.End = fuzzNow.Add(time.Duration(endOff % (1 << 40)))
		}
		es := q.Validate(fuzzNow)
		for _, e := range es {
			if !searchFields[e.Field] || e.Msg == "" {
				t.Fatalf("%+v: field error %+v", q, e)
			}
		}
		if len(es) > 0 {
			if es.Error() == "" || es.Err() == nil {
				t.Fatalf("%+v: errors without text", q)
			}
			return
		}
		// Accepted: every rule holds.
		if !(lat >= -90 && lat <= 90) || !(lng >= -180 && lng <= 180) {
			t.Fatalf("accepted coordinates %v, %v", lat, lng)
		}
		if radius != 0 && !(radius > 0 && radius <= model.MaxRadiusKM) {
			t.Fatalf("accepted radius %v", radius)
		}
		if !(power >= 0) || math.IsInf(power, 0) {
			t.Fatalf("accepted power_min %v", power)
		}
		if limit < 0 || limit > model.MaxSearchLimit {
			t.Fatalf("accepted limit %d", limit)
		}
		if ct != "" && !model.ConnectorType(ct).Known() {
			t.Fatalf("accepted connector_type %q", ct)
		}
		if q.Start.IsZero() != q.End.IsZero() || (!q.Start.IsZero() && !q.End.After(q.Start)) {
			t.Fatalf("accepted window %v – %v", q.Start, q.End)
		}
	})
}

var bookingFields = map[string]bool{"location_id": true, "evse_uid": true, "reservation_start": true,
	"reservation_end": true, "customer_id": true, "fleet_group_id": true, "token_uid": true, "token_strategy": true}

func FuzzBookingRequestValidate(f *testing.F) {
	f.Add("DE-ENB-E123456", "DE*ENB*E123456*1", int64(time.Hour), int64(2*time.Hour), "driver_token", "cust_abc123", "", "", "")
	f.Add("", " ", int64(0), int64(0), "", "", "", "", "")
	f.Add("L", "E", int64(15*time.Minute), int64(15*time.Minute), "pipelet", "", "", "", "04A2B3C4D5E6F7")
	f.Add("L", "E", int64(15*time.Minute-1), int64(4*time.Hour+1), "pipelet", "", "", "", "04a2b3c4d5e6f7\n")
	f.Add("L", "E", int64(time.Hour), int64(-time.Minute), "group_token", "", "", " ", "")
	f.Add("L", "E", int64(time.Hour), int64(4*time.Hour), "ad_hoc", "", "", "", "")
	f.Add("L", "E", int64(time.Hour), int64(time.Hour), "bogus", "", "tok", "", "")
	f.Fuzz(func(t *testing.T, loc, evse string, startOff, dur int64, strategy, customer, token, group, uid string) {
		r := model.BookingRequest{LocationID: loc, EVSEUID: evse, TokenStrategy: model.TokenStrategy(strategy),
			CustomerID: customer, TokenID: token, FleetGroupID: group, TokenUID: uid}
		if startOff != 0 {
			r.ReservationStart = fuzzNow.Add(time.Duration(startOff))
		}
		if dur != 0 && !r.ReservationStart.IsZero() {
			r.ReservationEnd = r.ReservationStart.Add(time.Duration(dur))
		}
		es := r.Validate(fuzzNow)
		for _, e := range es {
			if !bookingFields[e.Field] || e.Msg == "" {
				t.Fatalf("%+v: field error %+v", r, e)
			}
		}
		if len(es) > 0 {
			return
		}
		if strings.TrimSpace(loc) == "" || strings.TrimSpace(evse) == "" {
			t.Fatalf("accepted blank ids %q %q", loc, evse)
		}
		if r.ReservationStart.Before(fuzzNow.Add(model.MinLeadTime)) {
			t.Fatalf("accepted a start %v ahead", r.ReservationStart.Sub(fuzzNow))
		}
		if d := r.ReservationEnd.Sub(r.ReservationStart); d < model.MinDuration || d > model.MaxDuration {
			t.Fatalf("accepted a duration of %v", d)
		}
		switch r.TokenStrategy {
		case model.DriverToken:
			if strings.TrimSpace(customer) == "" && strings.TrimSpace(token) == "" {
				t.Fatal("accepted driver_token without customer_id or token_id")
			}
		case model.GroupToken:
			if strings.TrimSpace(group) == "" {
				t.Fatal("accepted group_token without fleet_group_id")
			}
		case model.Pipelet:
			if !model.ValidTokenUID(uid) {
				t.Fatalf("accepted pipelet token_uid %q", uid)
			}
		case model.AdHoc, "":
		default:
			t.Fatalf("accepted token_strategy %q", strategy)
		}
	})
}

// FuzzResolvePlace: whatever is typed, ResolvePlace answers without
// panicking, and what it answers is usable: a place is a real point with a
// name, ambiguity comes with candidates, and a point outside Germany is
// always marked (the forms then ask).
func FuzzResolvePlace(f *testing.F) {
	for _, s := range []string{"Aschheim", "Aschh", "80331", "603", "Frankfurt Hbf", "Neustadt", "geo:48.1,11.5;u=3",
		"11.58, 48.13", "0,0", "Leopoldstraße 12, 80802 München", "48.1351, 11.5820x", "", "ß", "St. Augustin"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := model.ResolvePlace(s)
		switch {
		case errors.Is(err, model.ErrPlaceAmbiguous):
			if len(p.Candidates) < 2 {
				t.Fatalf("%q: ambiguous with %d candidates", s, len(p.Candidates))
			}
		case err != nil:
		default:
			if model.ValidateLat(p.Lat) != "" || model.ValidateLng(p.Lng) != "" || p.Name == "" {
				t.Fatalf("%q resolved to %+v", s, p)
			}
			if p.Named && p.Outside {
				t.Fatalf("%q: a named place outside Germany: %+v", s, p)
			}
			if p.Swapped && !p.Outside {
				t.Fatalf("%q: swapped but inside: %+v", s, p)
			}
			if !utf8.ValidString(p.Hint()) {
				t.Fatalf("%q: hint not UTF-8", s)
			}
		}
	})
}
