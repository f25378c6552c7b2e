package sim_test

import (
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

var (
	locationIDRe = regexp.MustCompile(`^DE-([A-Z]{3})-E(\d{6})$`)
	evseUIDRe    = regexp.MustCompile(`^DE\*([A-Z]{3})\*E(\d{6})\*([1-9])$`)
	postalRe     = regexp.MustCompile(`^\d{5}$`)
)

func TestSearchValidation(t *testing.T) {
	e := newEnv(t, sim.Options{})
	cases := []struct {
		name, query, want string
	}{
		{"lat missing", "lng=11.58", "latitude"},
		{"lng missing", "lat=48.1", "longitude"},
		{"lat not a number", "lat=abc&lng=11.58", `Invalid latitude (lat): "abc" is not a number`},
		{"lng not a number", "lat=48.1&lng=11,5", "(lng)"},
		{"lat NaN", "lat=NaN&lng=11", "(lat)"},
		{"lat too high", "lat=200&lng=11.58", "Invalid latitude: must be between -90 and 90"},
		{"lat too low", "lat=-90.5&lng=11.58", "Invalid latitude: must be between -90 and 90"},
		{"lng out of range", "lat=48&lng=-181", "Invalid longitude: must be between -180 and 180"},
		{"radius zero", "lat=48&lng=11&radius=0", "Invalid radius"},
		{"radius negative", "lat=48&lng=11&radius=-3", "Invalid radius"},
		{"radius too big, not clamped", "lat=48&lng=11&radius=200.5", "Invalid radius"},
		{"radius not a number", "lat=48&lng=11&radius=far", "(radius)"},
		{"connector_type unknown", "lat=48&lng=11&connector_type=CCS", `Invalid connector_type: "CCS"`},
		{"connector_type empty", "lat=48&lng=11&connector_type=", "connector_type"},
		{"power_min negative", "lat=48&lng=11&power_min=-1", "Invalid power_min"},
		{"power_min not a number", "lat=48&lng=11&power_min=lots", "(power_min)"},
		{"limit zero", "lat=48&lng=11&limit=0", "Invalid limit: must be between 1 and 100"},
		{"limit too big", "lat=48&lng=11&limit=101", "Invalid limit: must be between 1 and 100"},
		{"limit not an integer", "lat=48&lng=11&limit=2.5", "Invalid limit"},
		{"start without end", "lat=48&lng=11&start_time=2026-02-10T14:00:00Z", "start_time"},
		{"end without start", "lat=48&lng=11&end_time=2026-02-10T14:00:00Z", "start_time and end_time"},
		{"reversed window", "lat=48&lng=11&start_time=2026-02-10T14:00:00Z&end_time=2026-02-10T13:00:00Z", "end_time must be after start_time"},
		{"empty window", "lat=48&lng=11&start_time=2026-02-10T14:00:00Z&end_time=2026-02-10T14:00:00Z", "end_time"},
		{"unparseable start", "lat=48&lng=11&start_time=tomorrow&end_time=2026-02-10T14:00:00Z", "Invalid start_time"},
		{"unparseable end", "lat=48&lng=11&start_time=2026-02-10T14:00:00Z&end_time=2026-02-10", "Invalid end_time"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(call{path: "/search?" + tc.query, skip: true}).want(t, 400)
			if !strings.Contains(r.errText(), tc.want) {
				t.Errorf("error %q does not contain %q", r.errText(), tc.want)
			}
		})
	}
	t.Run("several broken rules in one text", func(t *testing.T) {
		r := e.do(call{path: "/search?lat=100&lng=500", skip: true}).want(t, 400)
		if !strings.Contains(r.errText(), "latitude") || !strings.Contains(r.errText(), "longitude") {
			t.Errorf("error %q", r.errText())
		}
	})
}

func hasConnector(l model.Location, ct model.ConnectorType, minKW float64) bool {
	for _, e := range l.EVSEs {
		for _, c := range e.Connectors {
			if (ct == "" || c.ConnectorType == ct) && c.PowerKW >= minKW {
				return true
			}
		}
	}
	return false
}

func checkSorted(t *testing.T, sr model.SearchResponse, lat, lng, radius float64) {
	t.Helper()
	for i, l := range sr.Results {
		if i > 0 && l.DistanceKM < sr.Results[i-1].DistanceKM {
			t.Fatalf("result %d (%v km) before %v km: not sorted", i, l.DistanceKM, sr.Results[i-1].DistanceKM)
		}
		d := model.DistanceKM(lat, lng, l.Coordinates.Latitude, l.Coordinates.Longitude)
		if math.Abs(d-l.DistanceKM) > 0.006 {
			t.Errorf("%s: distance_km %v, computed %v", l.LocationID, l.DistanceKM, d)
		}
		if l.DistanceKM > radius+0.005 {
			t.Errorf("%s: %v km is outside the radius %v", l.LocationID, l.DistanceKM, radius)
		}
	}
}

// countNear counts the locations within radiusKM of (lat, lng) that keep
// says yes to: what a search with those filters must report as its total.
func countNear(locs []model.Location, lat, lng, radiusKM float64, keep func(model.Location) bool) int {
	n := 0
	for _, l := range locs {
		if model.DistanceKM(lat, lng, l.Coordinates.Latitude, l.Coordinates.Longitude) <= radiusKM && keep(l) {
			n++
		}
	}
	return n
}

func TestSearchFilters(t *testing.T) {
	e := newEnv(t, sim.Options{Seed: 7})
	const lat, lng = 52.52, 13.405 // Berlin

	all := e.search("/search?lat=52.52&lng=13.405&limit=100")
	if all.Total == 0 || len(all.Results) != min(all.Total, 100) {
		t.Fatalf("total %d, %d results", all.Total, len(all.Results))
	}
	checkSorted(t, all, lat, lng, 50)

	t.Run("default limit 20, total before limit", func(t *testing.T) {
		sr := e.search("/search?lat=52.52&lng=13.405")
		if len(sr.Results) != 20 || sr.Total != all.Total {
			t.Errorf("%d results, total %d; want 20 of %d", len(sr.Results), sr.Total, all.Total)
		}
		sr = e.search("/search?lat=52.52&lng=13.405&limit=5")
		if len(sr.Results) != 5 || sr.Total != all.Total || !reflect.DeepEqual(sr.Results, all.Results[:5]) {
			t.Errorf("limit=5: %d results, total %d", len(sr.Results), sr.Total)
		}
	})
	t.Run("radius", func(t *testing.T) {
		sr := e.search("/search?lat=52.52&lng=13.405&radius=5&limit=100")
		checkSorted(t, sr, lat, lng, 5)
		n := countNear(e.srv.Locations(), lat, lng, 5, func(model.Location) bool { return true })
		if sr.Total != n || n == 0 {
			t.Errorf("radius 5: total %d, want %d (>0)", sr.Total, n)
		}
		wide := e.search("/search?lat=50.5&lng=10&radius=200&limit=100")
		checkSorted(t, wide, 50.5, 10, 200)
	})
	t.Run("connector_type", func(t *testing.T) {
		for _, ct := range []model.ConnectorType{model.CHAdeMO, model.T2, model.CCS2} {
			sr := e.search("/search?lat=52.52&lng=13.405&limit=100&connector_type=" + string(ct))
			checkSorted(t, sr, lat, lng, 50)
			want := countNear(e.srv.Locations(), lat, lng, 50, func(l model.Location) bool { return hasConnector(l, ct, 0) })
			if sr.Total != want || want == 0 {
				t.Errorf("%s: total %d, want %d (>0)", ct, sr.Total, want)
			}
			for _, l := range sr.Results {
				if !hasConnector(l, ct, 0) {
					t.Errorf("%s: %s has no such connector", ct, l.LocationID)
				}
			}
		}
		sr := e.search("/search?lat=52.52&lng=13.405&connector_type=NEMA_14_50")
		if sr.Total != 0 || len(sr.Results) != 0 {
			t.Errorf("NEMA_14_50 in Berlin: %d", sr.Total)
		}
	})
	t.Run("power_min", func(t *testing.T) {
		sr := e.search("/search?lat=52.52&lng=13.405&limit=100&power_min=300")
		if sr.Total == 0 || sr.Total >= all.Total {
			t.Errorf("power_min 300: total %d of %d", sr.Total, all.Total)
		}
		for _, l := range sr.Results {
			if !hasConnector(l, "", 300) {
				t.Errorf("%s has no connector ≥ 300 kW", l.LocationID)
			}
		}
		// Type and power together apply to the same connector.
		sr = e.search("/search?lat=52.52&lng=13.405&limit=100&power_min=51&connector_type=CHADEMO")
		if sr.Total != 0 {
			t.Errorf("CHAdeMO above 50 kW: %d results, the network has none", sr.Total)
		}
	})
	t.Run("cpo_results", func(t *testing.T) {
		if len(all.CPOResults) != len(sim.CPOs()) {
			t.Fatalf("%d cpo_results, want one per CPO (%d)", len(all.CPOResults), len(sim.CPOs()))
		}
		sum := 0
		for i, c := range all.CPOResults {
			if c.CPOName != sim.CPOs()[i].Name || c.CPOPartyID != sim.CPOs()[i].PartyID {
				t.Errorf("cpo_results[%d] = %s/%s", i, c.CPOName, c.CPOPartyID)
			}
			if c.DurationMS < 50 || c.DurationMS > 1000 || c.Error != nil {
				t.Errorf("cpo_results[%d]: %d ms, error %v", i, c.DurationMS, c.Error)
			}
			sum += c.Count
		}
		if sum != all.Total {
			t.Errorf("counts sum to %d, total %d", sum, all.Total)
		}
		again := e.search("/search?lat=52.52&lng=13.405&limit=100")
		if !reflect.DeepEqual(again.CPOResults, all.CPOResults) {
			t.Error("cpo_results differ for the same query")
		}
	})
	t.Run("nothing around", func(t *testing.T) {
		sr := e.search("/search?lat=-33.9&lng=18.4&radius=10")
		if sr.Total != 0 || sr.Results == nil || len(sr.Results) != 0 {
			t.Errorf("Cape Town: %+v", sr)
		}
	})
}

func TestSearchWindowExcludesBookedEVSE(t *testing.T) {
	e := newEnv(t, sim.Options{Seed: 11})
	// A reservable location with exactly one AVAILABLE EVSE.
	var loc model.Location
	var evse model.EVSE
	for _, l := range e.srv.Locations() {
		if !l.SupportsReservation || l.AvailableCount() != 1 {
			continue
		}
		for _, x := range l.EVSEs {
			if x.Status == model.EVSEAvailable {
				loc, evse = l, x
			}
		}
		break
	}
	if loc.LocationID == "" {
		t.Fatal("no reservable location with exactly one AVAILABLE EVSE")
	}
	c := loc.Coordinates
	start := t0.Add(2 * time.Hour)
	q := func(s, end time.Time) string {
		return "/search?lat=" + ftoa(c.Latitude) + "&lng=" + ftoa(c.Longitude) + "&radius=1&limit=100&start_time=" +
			s.Format(time.RFC3339) + "&end_time=" + end.Format(time.RFC3339)
	}
	found := func(sr model.SearchResponse) bool {
		for _, l := range sr.Results {
			if l.LocationID == loc.LocationID {
				return true
			}
		}
		return false
	}
	if !found(e.search(q(start, start.Add(time.Hour)))) {
		t.Fatalf("%s not found before booking", loc.LocationID)
	}
	req := e.request(2*time.Hour, time.Hour)
	req.LocationID, req.EVSEUID, req.ConnectorID = loc.LocationID, evse.EVSEUID, ""
	b := e.create(req)

	if found(e.search(q(start.Add(30*time.Minute), start.Add(90*time.Minute)))) {
		t.Error("found for an overlapping window although its only AVAILABLE EVSE is booked")
	}
	if !found(e.search(q(start.Add(time.Hour), start.Add(2*time.Hour)))) {
		t.Error("not found for the adjacent window [end, end+1h)")
	}
	// Without a window, the location is listed as always.
	sr := e.search("/search?lat=" + ftoa(c.Latitude) + "&lng=" + ftoa(c.Longitude) + "&radius=1")
	if !found(sr) {
		t.Error("not found without a window")
	}
	// Every windowed result is reservable with an AVAILABLE EVSE.
	for _, l := range e.search(q(start, start.Add(time.Hour))).Results {
		if !l.SupportsReservation || l.AvailableCount() == 0 {
			t.Errorf("%s listed for a window but not bookable", l.LocationID)
		}
	}
	// Cancelled, the EVSE is free again.
	e.do(call{method: "POST", path: "/bookings/" + b.ID + "/cancel"}).want(t, 200)
	if !found(e.search(q(start.Add(30*time.Minute), start.Add(90*time.Minute)))) {
		t.Error("not found after the booking was cancelled")
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func TestDataInvariants(t *testing.T) {
	s := sim.New(sim.Options{Seed: 42})
	locs := s.Locations()
	if len(locs) < 300 {
		t.Fatalf("%d locations, want ≥ 300", len(locs))
	}
	cities, cpos, statuses := map[string]int{}, map[string]bool{}, map[model.EVSEStatus]int{}
	ids := map[string]bool{}
	nonReservable, ccsDC, connectors := 0, 0, 0
	for _, l := range locs {
		m := locationIDRe.FindStringSubmatch(l.LocationID)
		if m == nil {
			t.Fatalf("location_id %q", l.LocationID)
		}
		if m[1] != l.CPOPartyID || ids[l.LocationID] {
			t.Errorf("%s: party %s or duplicate", l.LocationID, l.CPOPartyID)
		}
		ids[l.LocationID] = true
		cities[l.City]++
		cpos[l.CPOName+"/"+l.CPOPartyID] = true
		if !l.SupportsReservation {
			nonReservable++
		}
		if l.Name == "" || l.Address == "" || !postalRe.MatchString(l.PostalCode) || l.Country != "DEU" || l.Coordinates == nil {
			t.Errorf("%s: incomplete %+v", l.LocationID, l)
		}
		if p, ok := l.EstimatedPrice(); !ok || p < 5 || p > 40 || math.Abs(math.Round(p*100)-p*100) > 1e-6 || l.Pricing.Currency != "EUR" {
			t.Errorf("%s: estimated_price %v %s", l.LocationID, p, l.Pricing.Currency)
		}
		if n := len(l.EVSEs); n < 1 || n > 8 {
			t.Errorf("%s: %d EVSEs", l.LocationID, n)
		}
		for k, ev := range l.EVSEs {
			m := evseUIDRe.FindStringSubmatch(ev.EVSEUID)
			if m == nil || "DE-"+m[1]+"-E"+m[2] != l.LocationID || m[3] != string(rune('1'+k)) {
				t.Errorf("evse_uid %q of %s", ev.EVSEUID, l.LocationID)
			}
			statuses[ev.Status]++
			if n := len(ev.Connectors); n < 1 || n > 3 {
				t.Errorf("%s: %d connectors", ev.EVSEUID, n)
			}
			for j, c := range ev.Connectors {
				connectors++
				if c.ConnectorID != string(rune('1'+j)) || !c.ConnectorType.Known() {
					t.Errorf("%s: connector %+v", ev.EVSEUID, c)
				}
				dc := c.ConnectorType == model.CCS2 || c.ConnectorType == model.CHAdeMO || c.ConnectorType == model.TeslaS
				if dc != (c.PowerType == model.DC) {
					t.Errorf("%s: %s with power_type %s", ev.EVSEUID, c.ConnectorType, c.PowerType)
				}
				if c.ConnectorType == model.CCS2 {
					ccsDC++
				}
				maxKW := map[model.ConnectorType]float64{model.T2: 43, model.CCS2: 350, model.CHAdeMO: 100, model.TeslaS: 250, model.Domestic: 3.7}
				if c.PowerKW <= 0 || c.PowerKW > maxKW[c.ConnectorType] {
					t.Errorf("%s: %s at %v kW", ev.EVSEUID, c.ConnectorType, c.PowerKW)
				}
			}
		}
	}
	if len(cities) < 8 {
		t.Errorf("%d cities", len(cities))
	}
	for _, c := range model.Cities {
		if cities[c.Name] < 20 {
			t.Errorf("%s has %d locations", c.Name, cities[c.Name])
		}
	}
	if len(cpos) < 3 {
		t.Errorf("CPOs %v", cpos)
	}
	if share := float64(nonReservable) / float64(len(locs)); share < 0.07 || share > 0.25 {
		t.Errorf("%.0f%% search-only locations, want about 15%%", share*100)
	}
	if len(statuses) < 5 || statuses[model.EVSEAvailable]*2 < sum(statuses) {
		t.Errorf("EVSE statuses %v: want several, mostly AVAILABLE", statuses)
	}
	if ccsDC*2 < connectors {
		t.Errorf("%d CCS of %d connectors: want mostly CCS", ccsDC, connectors)
	}
	// The fixed example locations.
	for _, id := range []string{sim.FlagshipLocationID, sim.ExampleLocationBerlin, sim.ExampleLocationHamburg} {
		if !ids[id] {
			t.Errorf("%s missing", id)
		}
	}
	// Callers get a copy.
	locs[0].EVSEs[0].Status = "MUTATED"
	locs[0].Pricing.Currency = "XXX"
	if again := s.Locations(); again[0].EVSEs[0].Status == "MUTATED" || again[0].Pricing.Currency == "XXX" {
		t.Error("Locations returned the server's own data")
	}
}

func sum(m map[model.EVSEStatus]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func TestDataDeterministic(t *testing.T) {
	a, b := sim.New(sim.Options{Seed: 5}).Locations(), sim.New(sim.Options{Seed: 5}).Locations()
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different data")
	}
	c := sim.New(sim.Options{Seed: 6}).Locations()
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds, same data")
	}
	idsA, idsC := []string{}, []string{}
	for i := range a {
		idsA, idsC = append(idsA, a[i].LocationID), append(idsC, c[i].LocationID)
	}
	sort.Strings(idsA)
	sort.Strings(idsC)
	if reflect.DeepEqual(idsA, idsC) {
		t.Error("different seeds, same ids")
	}
}

// The guide's example search returns many results, the closest one bookable,
// for every seed.
func TestMunichDemoSearchFirstResultBookable(t *testing.T) {
	for _, seed := range []int64{0, 1, 2, 3, 42, -7, 1 << 40} {
		e := newEnv(t, sim.Options{Seed: seed})
		sr := e.search(munichQuery)
		if sr.Total < 10 {
			t.Errorf("seed %d: %d results, want many", seed, sr.Total)
		}
		checkSorted(t, sr, 48.1351, 11.5820, 25)
		first := sr.Results[0]
		if first.LocationID != sim.FlagshipLocationID || !first.SupportsReservation {
			t.Fatalf("seed %d: first result %s (reservable %v)", seed, first.LocationID, first.SupportsReservation)
		}
		var evse model.EVSE
		for _, x := range first.EVSEs {
			if x.Status == model.EVSEAvailable && hasConnector(model.Location{EVSEs: []model.EVSE{x}}, model.CCS2, 50) {
				evse = x
				break
			}
		}
		if evse.EVSEUID == "" {
			t.Fatalf("seed %d: no AVAILABLE CCS EVSE ≥ 50 kW at %s", seed, first.LocationID)
		}
		for _, l := range sr.Results {
			if !hasConnector(l, model.CCS2, 50) {
				t.Errorf("seed %d: %s lacks CCS ≥ 50 kW", seed, l.LocationID)
			}
		}
		req := e.request(30*time.Minute, time.Hour)
		req.EVSEUID = evse.EVSEUID
		if b := e.create(req); b.Status != model.Requested {
			t.Errorf("seed %d: booked in %s", seed, b.Status)
		}
	}
}
