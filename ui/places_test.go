package ui

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// searchedAt is where the last search was sent.
func (h *harness) searchedAt() (lat, lng float64) {
	h.t.Helper()
	q := h.query("GET", "/search")
	lat, _ = strconv.ParseFloat(q.Get("lat"), 64)
	lng, _ = strconv.ParseFloat(q.Get("lng"), 64)
	return lat, lng
}

// The place field lists places as they are typed; ↓ and enter pick one,
// whose resolution is shown before anything is sent; enter then searches.
func TestPlaceSuggestionsPickThenSearch(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small)
	h.typeText("Aschh")
	h.wantScreen("Aschheim · Bayern")
	h.key("down")
	h.wantScreen("› Aschheim · Bayern")
	h.key("enter")
	if v := h.value("Place"); v != "Aschheim · Bayern" {
		t.Fatalf("picked %q", v)
	}
	h.wantScreen("→ Aschheim (town, Landkreis München, Bayern) 48.1711, 11.7167")
	if n := h.count("GET", "/search"); n != 0 {
		t.Fatalf("picking sent %d searches", n)
	}
	h.key("enter")
	h.wantOn("Results")
	want, _ := model.ResolvePlace("Aschheim")
	if lat, lng := h.searchedAt(); lat != want.Lat || lng != want.Lng {
		t.Errorf("searched at %v, %v; want Aschheim %v, %v", lat, lng, want.Lat, want.Lng)
	}
	h.wantScreen("of Aschheim")
}

// ↑ from the first suggestion returns to the text as typed; enter then
// searches what was typed. A postal code lists its area and codes.
func TestPlaceSuggestionsUpReturnsToTheText(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small)
	h.typeText("603")
	h.wantScreen("603xx · Frankfurt am Main, Hessen", "60306")
	h.key("down", "down", "up", "up")
	h.noScreen("› ")
	h.key("enter")
	h.wantOn("Results")
	h.wantScreen("of 603xx Frankfurt am Main")
}

// A name that could be several places is not searched: the field says so
// and the list offers them.
func TestPlaceAmbiguousAsksToPick(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small)
	h.typeText("Neustadt")
	h.key("enter")
	h.wantScreen(`"Neustadt" is more than one place`, "Neustadt an der Weinstraße · Rheinland-Pfalz")
	if n := h.count("GET", "/search"); n != 0 {
		t.Fatalf("an ambiguous place sent %d searches", n)
	}
	h.key("down", "enter", "enter")
	h.wantOn("Results")
}

// Coordinates that look swapped offer the pair swapped; coordinates
// outside Germany are searched only when enter is pressed again.
func TestPlaceOutsideGermanyAsksFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small)
	h.typeText("11.5820, 48.1351")
	h.wantScreen("48.13510, 11.58200", "swapped: in Germany")
	h.key("down", "enter")
	if v := h.value("Place"); v != "48.13510, 11.58200" {
		t.Fatalf("swap picked %q", v)
	}
	h.key("ctrl+u")
	h.typeText("48.8566, 2.3522") // Paris
	h.key("enter")
	h.wantScreen("outside Germany", "enter again searches there anyway")
	if n := h.count("GET", "/search"); n != 0 {
		t.Fatalf("a place outside Germany sent %d searches without asking", n)
	}
	h.key("enter")
	h.wantOn("Results")
	if lat, _ := h.searchedAt(); lat != 48.8566 {
		t.Errorf("searched at lat %v", lat)
	}
}

// Recent places that start with the text come first.
func TestPlaceSuggestionsRecentFirst(t *testing.T) {
	t.Parallel()
	saver := &memSaver{}
	h := newHarness(t, small, withHistory(model.History{Places: []string{"Garching bei München · Bayern"}}, saver))
	h.typeText("Garch")
	lines := h.lines()
	first := -1
	for i, l := range lines {
		if strings.Contains(l, "Garching") {
			first = i
			break
		}
	}
	if first < 0 || !strings.Contains(lines[first], "Garching bei München · Bayern") || !strings.Contains(lines[first], "recent") {
		t.Fatalf("recent place not first:\n%s", h.screen())
	}
}

func withGeocoder(url string) harnessOpt {
	return func(_ *sim.Options, o *Options, _ *api.Config) {
		g, err := api.NewGeocoder(api.GeocoderConfig{URL: url})
		if err != nil {
			panic(err)
		}
		o.Geocoder = g
	}
}

// A street address goes to the configured geocoder when enter is pressed
// (never while typing); the screen says who answered. When the geocoder
// fails, the place the address names is searched, and the screen says so.
func TestPlaceAddressGeocoder(t *testing.T) {
	t.Parallel()
	var asked atomic.Int32
	var down atomic.Bool
	geo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`[{"lat":"48.1612","lon":"11.5862","type":"house","address":{"road":"Leopoldstraße","house_number":"12","postcode":"80802","city":"München","state":"Bayern","country_code":"de"}}]`))
	}))
	t.Cleanup(geo.Close)
	host := strings.TrimPrefix(geo.URL, "http://")

	h := newHarness(t, small, withGeocoder(geo.URL))
	h.typeText("Leopoldstraße 12, 80802 München")
	h.wantScreen(`"Leopoldstraße 12" is not known offline`)
	if asked.Load() != 0 {
		t.Fatal("the geocoder was asked while typing")
	}
	h.key("enter")
	h.wantOn("Results")
	if lat, lng := h.searchedAt(); lat != 48.1612 || lng != 11.5862 {
		t.Errorf("searched at %v, %v; want the geocoder's point", lat, lng)
	}
	h.wantScreen("of Leopoldstraße 12, 80802 München")
	h.key("esc")
	h.wantScreen("address found by " + host)

	down.Store(true)
	h.focus("Place")
	h.key("ctrl+u")
	h.typeText("Kaiserstraße 10, Frankfurt am Main")
	h.key("enter")
	h.wantOn("Results")
	ffm, _ := model.ResolvePlace("Frankfurt am Main")
	if lat, _ := h.searchedAt(); lat != ffm.Lat {
		t.Errorf("searched at lat %v; want Frankfurt's %v (offline)", lat, ffm.Lat)
	}
	h.key("esc")
	h.wantScreen("geocoder " + host + " answered 503 — the offline answer is used")
	if n := asked.Load(); n != 2 {
		t.Errorf("geocoder asked %d times; want 2", n)
	}
}

func withHistory(hist model.History, saver *memSaver) harnessOpt {
	return func(_ *sim.Options, o *Options, _ *api.Config) { o.History, o.SaveHistory = hist, saver.save }
}

// What is typed while the gazetteer is still being decoded gets its list
// of places as soon as it is ready, without another key.
func TestPlaceTypedBeforeTheGazetteerIsReady(t *testing.T) {
	t.Parallel()
	h := newHarness(t, small)
	ready := false
	h.app.s.gazetteer = func() bool { return ready }
	h.typeText("Aschh")
	h.wantScreen("loading the place list…")
	ready = true
	h.send(placesLoadedMsg{})
	h.wantScreen("Aschheim · Bayern")
	h.wantScreen("→ Aschheim (town, Landkreis München, Bayern)")
}
