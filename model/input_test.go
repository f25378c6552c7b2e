package model_test

import (
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

var inputNow = time.Date(2026, 11, 30, 9, 2, 0, 0, time.UTC) // Monday 10:02 in Berlin

func TestParseSearchReadsWhatPeopleType(t *testing.T) {
	q, place, es := model.ParseSearch(model.SearchInput{Place: "Muenchen", Radius: "25,5 km", Connector: "ccs",
		PowerMin: "50 kW", From: "14:30", Length: "1 h 30 min"}, inputNow, model.Berlin)
	if len(es) > 0 {
		t.Fatalf("errors: %v", es)
	}
	if place.Name != "München" || !place.Named || q.Lat != place.Lat || q.RadiusKM != 25.5 ||
		q.ConnectorType != model.CCS2 || q.PowerMinKW != 50 {
		t.Fatalf("query %+v place %+v", q, place)
	}
	if got := q.Start.In(model.Berlin).Format("15:04"); got != "14:30" || q.End.Sub(q.Start) != 90*time.Minute {
		t.Fatalf("window %v – %v", q.Start, q.End)
	}
	if place.Hint() != "→ München (town, Bayern) 48.1374, 11.5755" {
		t.Fatalf("hint %q", place.Hint())
	}
	_, place, es = model.ParseSearch(model.SearchInput{Place: "48.1351, 11.5820"}, inputNow, model.Berlin)
	if len(es) > 0 || place.Named || place.Hint() != "→ 48.13510, 11.58200" {
		t.Fatalf("coordinates: %v %+v", es, place)
	}
}

func TestParseSearchNamesEveryBrokenField(t *testing.T) {
	_, _, es := model.ParseSearch(model.SearchInput{Place: "Atlantis", Radius: "500", PowerMin: "lots",
		From: "soon", Length: "ages"}, inputNow, model.Berlin)
	want := map[string]string{
		"place":      `place: no town, postal code or station called "Atlantis"`,
		"radius":     "radius: must be more than 0 and at most 200 km",
		"power_min":  "min. power: a number of kW, 0 or more (such as 50)",
		"start_time": "window from: use",
		"end_time":   "duration: a length such as 40, 45 min",
	}
	for field, text := range want {
		if got := es.For(field); !strings.HasPrefix(got, text) {
			t.Errorf("%s: %q, want %q…", field, got, text)
		}
	}
	_, _, es = model.ParseSearch(model.SearchInput{}, inputNow, model.Berlin)
	if es.For("place") != "place: type a town, postal code or station, or paste coordinates" {
		t.Errorf("empty place: %v", es)
	}
	// The API's own rules come after the typed values parse.
	_, _, es = model.ParseSearch(model.SearchInput{Place: "Berlin", Connector: "SCART"}, inputNow, model.Berlin)
	if !strings.Contains(es.For("connector_type"), `"SCART" is not an OCPI connector type`) {
		t.Errorf("connector: %v", es)
	}
	_, _, es = model.ParseSearch(model.SearchInput{Place: "Berlin", From: "2026-11-30 08:00"}, inputNow, model.Berlin)
	if es.For("start_time") != "window from: must be in the future" {
		t.Errorf("past window: %v", es)
	}
}

func TestParseBooking(t *testing.T) {
	in := model.BookingInput{LocationID: " DE-ENB-E123456 ", EVSEUID: "DE*ENB*E123456*1", ConnectorID: "1",
		Start: "2026-11-30 15:00", Duration: "90", Strategy: "Pipelet", TokenUID: "04:a1:b2:c3", ExternalID: "cd-1"}
	r, es := model.ParseBooking(in, inputNow, model.Berlin)
	if len(es) > 0 {
		t.Fatalf("errors: %v", es)
	}
	if r.LocationID != "DE-ENB-E123456" || r.TokenStrategy != model.Pipelet || r.TokenUID != "04A1B2C3" ||
		r.ReservationEnd.Sub(r.ReservationStart) != 90*time.Minute || r.ReservationStart.Location() != time.UTC {
		t.Fatalf("request %+v", r)
	}
	in.End, in.Duration = "2026-11-30 16:00", ""
	if r, es = model.ParseBooking(in, inputNow, model.Berlin); len(es) > 0 || r.ReservationEnd.Sub(r.ReservationStart) != time.Hour {
		t.Fatalf("with an end: %+v %v", r, es)
	}
	_, es = model.ParseBooking(model.BookingInput{Start: "tomorrow-ish", Duration: "soon", Strategy: "driver_token"}, inputNow, model.Berlin)
	if !strings.HasPrefix(es.For("reservation_start"), `reservation_start: use "HH:MM"`) ||
		es.For("duration") != "duration: a length such as 40, 45 min, 1h10, 1:10 or 1,5 h" ||
		es.For("external_id") == "" {
		t.Fatalf("errors: %v", es)
	}
	// Once the values parse, the API's rules speak (in its words).
	in = model.BookingInput{LocationID: "L", EVSEUID: "E", Start: "2026-11-30 10:05", Duration: "5h",
		Strategy: "pipelet", TokenUID: "xyz", ExternalID: "cd-2"}
	_, es = model.ParseBooking(in, inputNow, model.Berlin)
	for field, text := range map[string]string{
		"reservation_start": "reservation_start must be at least 15 minutes in the future",
		"reservation_end":   "reservation_end: the reservation may last at most 4 hours",
		"token_uid":         "token_uid must be 8, 14 or 20 hexadecimal characters",
	} {
		if es.For(field) != text {
			t.Errorf("%s: %q", field, es.For(field))
		}
	}
}

func TestParseDurationForms(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90": 90 * time.Minute, "90m": 90 * time.Minute, "90 min": 90 * time.Minute, "1h": time.Hour,
		"1h30m": 90 * time.Minute, "1h30": 90 * time.Minute, "1:30": 90 * time.Minute, "1 h 30 min": 90 * time.Minute,
		"2 h": 2 * time.Hour, "45 min": 45 * time.Minute,
		// any number of minutes, in every common form
		"40": 40 * time.Minute, "40 min": 40 * time.Minute, "40min": 40 * time.Minute, "40 Minuten": 40 * time.Minute,
		"40 minutes": 40 * time.Minute, "1h10": 70 * time.Minute, "1 h 10": 70 * time.Minute, "1:10": 70 * time.Minute,
		"1,5 h": 90 * time.Minute, "1.5h": 90 * time.Minute, "1,5 Stunden": 90 * time.Minute, "2 Stunden": 2 * time.Hour,
		"1 Std. 30 Min.": 90 * time.Minute, "1 Std": time.Hour, "50 Minuten": 50 * time.Minute, "1 hour": time.Hour,
		"zwei Stunden": 2 * time.Hour, "einer Stunde": time.Hour, "eine halbe Stunde": 30 * time.Minute,
		"dreiviertel Stunde": 45 * time.Minute, "anderthalb Stunden": 90 * time.Minute, "half an hour": 30 * time.Minute,
		"an hour": time.Hour, "1 h und 20 min": 80 * time.Minute, "1,33 h": 80 * time.Minute, " 45 ": 45 * time.Minute,
	} {
		if got, err := model.ParseDuration(in); err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "-1h", "0", "h", "1,5", "1 min 30", "1-2 h", "2 2 h", "1 2 h", "eine", "min 40", "40 kW"} {
		if _, err := model.ParseDuration(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestParseConnectorNames(t *testing.T) {
	for in, want := range map[string]model.ConnectorType{
		"ccs": model.CCS2, "IEC_62196_T2_COMBO": model.CCS2, "t2": model.T2, "Type 2": model.T2,
		"chademo": model.CHAdeMO, "": "", "SCART": "SCART",
	} {
		if got := model.ParseConnector(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestParseDayAndRange(t *testing.T) {
	d, err := model.ParseDay("01.12.2026", inputNow, model.Berlin, true)
	if err != nil || !d.Equal(time.Date(2026, 12, 2, 0, 0, 0, 0, model.Berlin)) {
		t.Fatalf("end of day: %v %v", d, err)
	}
	from, to, err := model.ParseDayRange("2026-11-01 .. 2026-11-30", inputNow, model.Berlin)
	if err != nil || !from.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, model.Berlin)) ||
		!to.Equal(time.Date(2026, 11, 30, 23, 59, 59, 0, model.Berlin)) {
		t.Fatalf("range %v – %v (%v)", from, to, err)
	}
	for _, bad := range []string{"2026-11-01", "2026-11-30 .. 2026-11-01", "x .. y"} {
		if _, _, err := model.ParseDayRange(bad, inputNow, model.Berlin); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestNeedAndNextBest(t *testing.T) {
	ccs300 := model.Connector{ConnectorID: "1", ConnectorType: model.CCS2, PowerKW: 300, PowerType: model.DC}
	ccs50 := model.Connector{ConnectorID: "1", ConnectorType: model.CCS2, PowerKW: 50, PowerType: model.DC}
	cha := model.Connector{ConnectorID: "2", ConnectorType: model.CHAdeMO, PowerKW: 50, PowerType: model.DC}
	need := model.Need{Connector: model.CHAdeMO}
	if ok, why := need.Meets(model.EVSE{Connectors: []model.Connector{ccs300}}); ok || why != "no CHAdeMO plug" {
		t.Errorf("CHAdeMO on a CCS-only EVSE: %v %q", ok, why)
	}
	if c, ok := need.ConnectorOf(model.EVSE{Connectors: []model.Connector{ccs50, cha}}); !ok || c.ConnectorID != "2" {
		t.Errorf("the CHAdeMO connector: %+v %v", c, ok)
	}
	fast := model.Need{Connector: model.CCS2, PowerMinKW: 150}
	if ok, why := fast.Meets(model.EVSE{Connectors: []model.Connector{ccs50}}); ok || why != "50 kW, below 150 kW" {
		t.Errorf("50 kW for ≥ 150: %v %q", ok, why)
	}
	loc := func(id string, km float64, cs ...model.Connector) model.Location {
		return model.Location{LocationID: id, DistanceKM: km, SupportsReservation: true,
			EVSEs: []model.EVSE{{EVSEUID: id + "*1", Status: model.EVSEAvailable, Connectors: cs}}}
	}
	results := []model.Location{loc("near50", 1, ccs50), loc("mid300", 2, ccs300), loc("far300", 3, ccs300)}
	p := model.NextBest(results, fast, model.Avoid{})
	if !p.Found || p.Location.LocationID != "mid300" || p.EVSE.EVSEUID != "mid300*1" {
		t.Errorf("next best ≥ 150 kW: %s %s %v", p.Location.LocationID, p.EVSE.EVSEUID, p.Found)
	}
	p = model.NextBest(results, fast, model.Avoid{Tried: func(uid string) bool { return uid == "mid300*1" }})
	if !p.Found || p.Location.LocationID != "far300" {
		t.Errorf("skipping the failed one: %s %v", p.Location.LocationID, p.Found)
	}
	if p := model.NextBest(results, need, model.Avoid{}); p.Found {
		t.Error("a CHAdeMO charger was found among CCS-only ones")
	}
}

func TestNeedClosestMatchAndDescribe(t *testing.T) {
	ccs50 := model.Connector{ConnectorID: "1", ConnectorType: model.CCS2, PowerKW: 50}
	ccs100 := model.Connector{ConnectorID: "1", ConnectorType: model.CCS2, PowerKW: 100}
	t2 := model.Connector{ConnectorID: "1", ConnectorType: model.T2, PowerKW: 350}
	loc := model.Location{SupportsReservation: true, EVSEs: []model.EVSE{
		{EVSEUID: "a", Status: model.EVSEAvailable, Connectors: []model.Connector{t2}},
		{EVSEUID: "b", Status: model.EVSEAvailable, Connectors: []model.Connector{ccs50}},
		{EVSEUID: "c", Status: model.EVSEAvailable, Connectors: []model.Connector{ccs100}},
		{EVSEUID: "d", Status: model.EVSECharging, Connectors: []model.Connector{{ConnectorType: model.CCS2, PowerKW: 300}}},
	}}
	need := model.Need{Connector: model.CCS2, PowerMinKW: 150}
	if e, ok := need.ClosestMatch(loc); !ok || e.EVSEUID != "c" {
		t.Errorf("closest match %q %v, want the 100 kW CCS", e.EVSEUID, ok)
	}
	if d := need.Describe(); d != "CCS (Type 2 Combo) ≥ 150 kW" {
		t.Errorf("describe %q", d)
	}
}

// Coordinates outside Germany are refused until the agent confirms them; an
// ambiguous name is refused with its candidates; a place a geocoder found
// counts while the text is the one it answered.
func TestParseSearchQuestionsThePlace(t *testing.T) {
	_, place, es := model.ParseSearch(model.SearchInput{Place: "11.5820, 48.1351"}, inputNow, model.Berlin)
	if !strings.Contains(es.For("place"), "outside Germany") || !place.Swapped {
		t.Fatalf("swapped: %v %+v", es, place)
	}
	q, _, es := model.ParseSearch(model.SearchInput{Place: "11.5820, 48.1351", OutsideOK: true}, inputNow, model.Berlin)
	if len(es) > 0 || q.Lat != 11.582 {
		t.Fatalf("confirmed: %v %+v", es, q)
	}
	_, place, es = model.ParseSearch(model.SearchInput{Place: "Neustadt"}, inputNow, model.Berlin)
	if !strings.Contains(es.For("place"), "more than one place") || len(place.Candidates) < 2 {
		t.Fatalf("ambiguous: %v %+v", es, place)
	}
	found := &model.Place{Name: "Leopoldstraße 12, München", Lat: 48.16, Lng: 11.586, Named: true, Input: "Leopoldstr. 12 München"}
	q, place, es = model.ParseSearch(model.SearchInput{Place: "Leopoldstr. 12 München", Found: found}, inputNow, model.Berlin)
	if len(es) > 0 || q.Lat != 48.16 || place.Name != found.Name {
		t.Fatalf("found: %v %+v %+v", es, q, place)
	}
	// Another text: the gazetteer's answer, the town, with the street it
	// does not know said.
	_, place, _ = model.ParseSearch(model.SearchInput{Place: "Leopoldstr. 14 München", Found: found}, inputNow, model.Berlin)
	if place.Name != "München" || place.Unknown != "Leopoldstr. 14" {
		t.Fatalf("an answer for another text counted: %+v", place)
	}
}

func TestFormatAndStepLength(t *testing.T) {
	for d, want := range map[time.Duration]string{40 * time.Minute: "40 min", 2 * time.Hour: "2 h", 70 * time.Minute: "1 h 10 min", 65 * time.Minute: "1 h 05 min"} {
		if got := model.FormatLength(d); got != want {
			t.Errorf("%v: %q", d, got)
		}
		if back, err := model.ParseDuration(model.FormatLength(d)); err != nil || back != d {
			t.Errorf("%q reads back as %v %v", want, back, err)
		}
	}
	for _, c := range []struct {
		d    time.Duration
		dir  int
		want time.Duration
	}{
		{40 * time.Minute, 1, 45 * time.Minute}, {40 * time.Minute, -1, 30 * time.Minute},
		{45 * time.Minute, 1, time.Hour}, {45 * time.Minute, -1, 30 * time.Minute},
		{15 * time.Minute, -1, 15 * time.Minute}, {4 * time.Hour, 1, 4 * time.Hour}, {10 * time.Minute, 1, 15 * time.Minute},
	} {
		if got := model.StepLength(c.d, c.dir); got != c.want {
			t.Errorf("StepLength(%v, %d) = %v, want %v", c.d, c.dir, got, c.want)
		}
	}
}

// Typing selects the first choice its name matches: a name that begins
// with the text beats a word inside a name.
func TestFirstMatch(t *testing.T) {
	var plugs [][]string
	plugs = append(plugs, []string{"any connector"})
	for _, ct := range model.CommonConnectorTypes {
		plugs = append(plugs, ct.Names())
	}
	var tokens [][]string
	for _, s := range model.TokenStrategies {
		tokens = append(tokens, s.Names())
	}
	for _, c := range []struct {
		typed   string
		choices [][]string
		want    int
	}{
		{"cha", plugs, 3}, {"CHA", plugs, 3}, {"t2", plugs, 2}, {"type 2", plugs, 2}, {"typ2", plugs, 2}, {"Typ 2", plugs, 2},
		{"ccs", plugs, 1}, {"ccs1", plugs, 4}, {"tes", plugs, 5}, {"an", plugs, 0}, {"combo", plugs, 1},
		{"ad", tokens, 2}, {"gr", tokens, 1}, {"fl", tokens, 1}, {"dr", tokens, 0}, {"pi", tokens, 3}, {"rfid", tokens, 3},
		{"Flottengruppe", tokens, 1}, {"kundennummer", tokens, 0}, {"token-id", tokens, 0}, {"x", tokens, -1}, {"", tokens, -1}, {"  ", tokens, -1},
	} {
		if got := model.FirstMatch(c.typed, c.choices); got != c.want {
			t.Errorf("%q: %d, want %d", c.typed, got, c.want)
		}
	}
}
