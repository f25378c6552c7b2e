package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/model/places"
)

// A driver anywhere in Germany has chargers near them: the places the old
// twelve-city network left empty, small towns next to cities, and every
// town of 50,000 or more.
func TestCountryCoverage(t *testing.T) {
	e := newEnv(t, sim.Options{Seed: 1, RateLimit: 1000})
	for _, name := range []string{"Ingolstadt", "Regensburg", "Kiel", "Aschheim", "Garching b. München", "Halle (Saale)", "Rostock", "Flensburg", "Passau", "Görlitz", "Saarbrücken", "Freiburg im Breisgau"} {
		p, _, err := places.Resolve(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sr := e.search(fmt.Sprintf("/search?lat=%g&lng=%g&radius=10", p.Lat, p.Lng))
		if sr.Total == 0 {
			t.Errorf("%s: no charger within 10 km", name)
		}
	}
	for town := range places.All(places.Town) {
		if town.Population < 50000 {
			continue
		}
		if sr := e.search(fmt.Sprintf("/search?lat=%g&lng=%g&radius=5&limit=1", town.Lat, town.Lng)); sr.Total < 3 {
			t.Errorf("%s (%d inhabitants): %d chargers within 5 km, want at least 3", town.Name, town.Population, sr.Total)
		}
	}
}

// Density follows population: a city has many sites, a small town few.
func TestCountryDensity(t *testing.T) {
	e := newEnv(t, sim.Options{Seed: 1})
	count := func(name string) int {
		p, _, err := places.Resolve(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return e.search(fmt.Sprintf("/search?lat=%g&lng=%g&radius=3&limit=1", p.Lat, p.Lng)).Total
	}
	munich, ingolstadt, aschheim := count("München"), count("Ingolstadt"), count("Aschheim")
	if !(munich > 2*ingolstadt && ingolstadt > 5*aschheim) {
		t.Errorf("within 3 km: München %d, Ingolstadt %d, Aschheim %d; want München > 2× Ingolstadt, Ingolstadt > 5× Aschheim", munich, ingolstadt, aschheim)
	}
}

// A site's name and address say where it stands: its town is one whose
// centre is near, and nothing is named after a place far away (no
// "Aschheim" next to Marienplatz).
func TestSiteAddressesMatchWhereTheyStand(t *testing.T) {
	towns := map[string][]places.Place{}
	for p := range places.All(places.Town, places.District) {
		towns[p.Name] = append(towns[p.Name], p)
	}
	nearestKM := func(name string, lat, lng float64) float64 {
		best := 1e9
		for _, p := range towns[name] {
			best = min(best, model.DistanceKM(lat, lng, p.Lat, p.Lng))
		}
		return best
	}
	locs := sim.New(sim.Options{Seed: 3}).Locations()
	bad := 0
	for _, l := range locs {
		lat, lng := l.Coordinates.Latitude, l.Coordinates.Longitude
		if d := nearestKM(l.City, lat, lng); d > 20 {
			bad++
			if bad < 10 {
				t.Errorf("%s %q stands %.1f km from any town called %q", l.LocationID, l.Name, d, l.City)
			}
		}
		if strings.Contains(l.Name, "Aschheim") && model.DistanceKM(lat, lng, 48.1372, 11.5761) < 8 {
			t.Errorf("%s %q is %.1f km from Marienplatz", l.LocationID, l.Name, model.DistanceKM(lat, lng, 48.1372, 11.5761))
		}
		if l.PostalCode == "" || l.PostalCode[0] < '0' || l.PostalCode[0] > '9' {
			t.Errorf("%s: postal code %q", l.LocationID, l.PostalCode)
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d sites stand far from their town", bad, len(locs))
	}
}

// The fixed examples of the provider's docs stay where the docs put them,
// in every seed.
func TestFixedExamplesStay(t *testing.T) {
	for _, seed := range []int64{1, 9} {
		byID := map[string]model.Location{}
		for _, l := range sim.New(sim.Options{Seed: seed}).Locations() {
			byID[l.LocationID] = l
		}
		for id, want := range map[string][2]float64{
			sim.FlagshipLocationID:     {48.1372, 11.5761},
			sim.ExampleLocationBerlin:  {52.5096, 13.3760},
			sim.ExampleLocationHamburg: {53.5313, 10.0862},
		} {
			l, ok := byID[id]
			if !ok || l.Coordinates.Latitude != want[0] || l.Coordinates.Longitude != want[1] {
				t.Errorf("seed %d: %s is %+v", seed, id, l.Coordinates)
			}
		}
		if l := byID[sim.FlagshipLocationID]; l.EVSEs[0].EVSEUID != "DE*ENB*E123456*1" {
			t.Errorf("seed %d: the flagship's first EVSE is %s", seed, l.EVSEs[0].EVSEUID)
		}
	}
}
