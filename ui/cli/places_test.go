package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/petitmonde/chargedesk/api/localstate"
	"github.com/petitmonde/chargedesk/api/sim"
)

// --place takes what a driver says: towns, postal codes, stations, the
// forms people type them in.
func TestCommandSearchPlaces(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	for _, tt := range []struct{ place, heading string }{
		{"Muenchen", "of München"},
		{"80331", "of 80331 München"},
		{"Frankfurt Hbf", "of Frankfurt (Main) Hbf"},
		{"geo:48.1351,11.5820", "of 48.13510, 11.58200"},
	} {
		code, out, errs := e.run("search", "--place", tt.place, "--radius", "10")
		wantCode(t, code, exitOK, out, errs)
		wantContains(t, out, tt.heading)
	}
}

// A name that could be several places is refused with the candidates, each
// as a --place that resolves to one; coordinates outside Germany are
// refused, swapped ones with the pair they were meant to be. Nothing is sent.
func TestCommandSearchQuestionsThePlace(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	code, out, errs := e.run("search", "--place", "Neustadt")
	wantCode(t, code, exitInvalid, out, errs)
	wantContains(t, errs, `"Neustadt" is more than one place`, "It could be:", `--place "Neustadt an der Weinstraße · Rheinland-Pfalz"`)
	label := strings.SplitN(strings.SplitN(errs, `--place "`, 3)[2], `"`, 2)[0]
	code, out, errs = e.run("search", "--place", label)
	wantCode(t, code, exitOK, out, errs)

	code, out, errs = e.run("search", "--json", "--place", "Sachsenhausen")
	wantCode(t, code, exitInvalid, out, errs)
	var f failure
	if err := json.Unmarshal([]byte(strings.TrimSpace(errs)), &f); err != nil || len(f.Candidates) < 2 || f.Kind != "validation" {
		t.Errorf("--json ambiguous: %q (%v)", errs, err)
	}

	logFile := filepath.Join(t.TempDir(), "requests.log")
	code, out, errs = e.run("search", "--log", logFile, "--place", "11.5820, 48.1351")
	wantCode(t, code, exitInvalid, out, errs)
	wantContains(t, errs, "outside Germany", `Swapped, that is --place "48.13510, 11.58200"`)
	code, out, errs = e.run("search", "--log", logFile, "--place", "0,0")
	wantCode(t, code, exitInvalid, out, errs)
	wantContains(t, errs, "0.00000, 0.00000 is outside Germany")
	if b, _ := os.ReadFile(logFile); len(b) != 0 {
		t.Errorf("requests sent for places refused:\n%s", b)
	}
}

// A street address goes to the profile's geocoder; when the geocoder does
// not answer, the place the address names is used, and stderr says which.
func TestCommandSearchAddressGeocoder(t *testing.T) {
	t.Parallel()
	e := newCmdEnv(t, sim.Options{})
	var asked atomic.Int32
	var down atomic.Bool
	geo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		if r.Header.Get("X-API-Key") != "" {
			t.Error("the API key went to the geocoder")
		}
		if down.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte(`[{"lat":"48.1612","lon":"11.5862","type":"house","address":{"road":"Leopoldstraße","house_number":"12","postcode":"80802","city":"München","state":"Bayern","country_code":"de"}}]`))
	}))
	t.Cleanup(geo.Close)

	// Without a geocoder: offline, by the place the address names.
	code, out, errs := e.run("search", "--place", "Leopoldstraße 12, 80802 München", "--radius", "5")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, errs, `"Leopoldstraße 12" is not known offline: searching near 80802 München`)
	wantContains(t, out, "of 80802 München")
	if asked.Load() != 0 {
		t.Fatal("a geocoder was asked without one configured")
	}

	e.setenv(localstate.EnvGeocoderURL, geo.URL)
	code, out, errs = e.run("search", "--place", "Leopoldstraße 12, 80802 München", "--radius", "5")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, errs, "place found by "+strings.TrimPrefix(geo.URL, "http://")+": Leopoldstraße 12, 80802 München")
	wantContains(t, out, "of Leopoldstraße 12, 80802 München")

	// A town the gazetteer knows never goes out.
	before := asked.Load()
	code, out, errs = e.run("search", "--place", "Aschheim", "--radius", "5")
	wantCode(t, code, exitOK, out, errs)
	if asked.Load() != before {
		t.Error("the geocoder was asked for a town the gazetteer knows")
	}

	down.Store(true)
	code, out, errs = e.run("search", "--place", "Leopoldstraße 12, 80802 München", "--radius", "5")
	wantCode(t, code, exitOK, out, errs)
	wantContains(t, errs, "answered 502: the offline answer is used", "searching near 80802 München")
}
