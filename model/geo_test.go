package model_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/model"
)

const coordTol = 1e-4

func near(a, b float64) bool { return math.Abs(a-b) <= coordTol }

// Marienplatz, Munich: the seed's search point.
const munLat, munLng = 48.1351, 11.5820

// 48°08'06.4"N 11°34'55.2"E in decimal degrees.
var dmsLat, dmsLng = 48 + 8.0/60 + 6.4/3600, 11 + 34.0/60 + 55.2/3600

func TestParseCoordinates(t *testing.T) {
	tests := []struct {
		in       string
		lat, lng float64
	}{
		// Decimal pairs with the separators people use.
		{"48.1351, 11.5820", munLat, munLng},
		{"48.1351,11.5820", munLat, munLng},
		{"48.1351 11.5820", munLat, munLng},
		{"48.1351;11.5820", munLat, munLng},
		{"48.1351; 11.5820", munLat, munLng},
		{"  48.1351 ,  11.5820  ", munLat, munLng},
		{"48.1351\t11.5820", munLat, munLng},
		{"48, 11", 48, 11},

		// German decimal comma.
		{"48,1351; 11,5820", munLat, munLng},
		{"48,1351, 11,5820", munLat, munLng},

		// Hemisphere letters and degree signs.
		{"48.1351° N, 11.5820° E", munLat, munLng},
		{"48.1351°N, 11.5820°E", munLat, munLng},
		{"48.1351 N, 11.5820 E", munLat, munLng},
		{"48.1351N 11.5820E", munLat, munLng},
		{"48.1351° N 11.5820° E", munLat, munLng},
		{"N 48.1351, E 11.5820", munLat, munLng},
		{"48.1351 N, 11.5820 O", munLat, munLng}, // O for Ost
		{"11.5820 E, 48.1351 N", munLat, munLng}, // longitude first, said so by the letters
		{"48.1351°, 11.5820°", munLat, munLng},

		// Degrees, minutes, seconds.
		{`48°08'06.4"N 11°34'55.2"E`, dmsLat, dmsLng},
		{`48°08'06.4"N, 11°34'55.2"E`, dmsLat, dmsLng},
		{`48°08′06.4″N 11°34′55.2″E`, dmsLat, dmsLng},
		{`48° 08' 06.4" N, 11° 34' 55.2" E`, dmsLat, dmsLng},
		{`48°08'N 11°34'E`, 48 + 8.0/60, 11 + 34.0/60},

		// Southern and western hemispheres.
		{"-33.86, 151.21", -33.86, 151.21},
		{"-33.86 151.21", -33.86, 151.21},
		{"33.8688° S, 151.2093° E", -33.8688, 151.2093},
		{"40.7128 N, 74.0060 W", 40.7128, -74.0060},
		{"40.7128N 74.0060W", 40.7128, -74.0060},
		{"-22.9068, -43.1729", -22.9068, -43.1729},
		{"22.9068 S, 43.1729 W", -22.9068, -43.1729},
		{`33°51'54"S 151°12'36"E`, -(33 + 51.0/60 + 54.0/3600), 151 + 12.0/60 + 36.0/3600},
		{`40°42'46"N 74°00'22"W`, 40 + 42.0/60 + 46.0/3600, -(74 + 0.0/60 + 22.0/3600)},
		{"S 33.86, W 70.5", -33.86, -70.5},
		{"-33.8688 S, 151.2093 E", -33.8688, 151.2093}, // sign and letter both say south

		// Edges.
		{"90, 180", 90, 180},
		{"-90, -180", -90, -180},
		{"0, 0", 0, 0},

		// Map links.
		{"https://www.google.com/maps/@48.1351,11.5820,15z", munLat, munLng},
		{"https://www.google.com/maps/place/Marienplatz/@48.1373932,11.5754485,17z/data=!3m1!4b1", 48.1373932, 11.5754485},
		{"@48.1351,11.5820", munLat, munLng},
		{"https://maps.google.com/?q=48.1351,11.5820", munLat, munLng},
		{"https://maps.google.com/maps?q=48.1351,11.5820&z=15", munLat, munLng},
		{"https://www.google.com/maps/search/?api=1&query=48.1351,11.5820", munLat, munLng},
		{"https://maps.apple.com/?ll=48.1351,11.5820", munLat, munLng},
		{"https://www.openstreetmap.org/?mlat=48.1&mlon=11.5", 48.1, 11.5},
		{"mlat=48.1&mlon=11.5", 48.1, 11.5},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			lat, lng, err := model.ParseCoordinates(tt.in)
			if err != nil {
				t.Fatalf("ParseCoordinates(%q): error %v, want (%v, %v)", tt.in, err, tt.lat, tt.lng)
			}
			if !near(lat, tt.lat) || !near(lng, tt.lng) {
				t.Errorf("ParseCoordinates(%q) = (%v, %v), want (%v, %v)", tt.in, lat, lng, tt.lat, tt.lng)
			}
		})
	}
}

// OSM's "Share" links carry a #map= fragment after the marker.
func TestParseCoordinatesOSMFragment(t *testing.T) {
	const in = "https://www.openstreetmap.org/?mlat=48.1351&mlon=11.5820#map=15/48.1351/11.5820"
	lat, lng, err := model.ParseCoordinates(in)
	if err != nil {
		t.Fatalf("ParseCoordinates(%q): %v; want (48.1351, 11.5820)", in, err)
	}
	if !near(lat, munLat) || !near(lng, munLng) {
		t.Errorf("got (%v, %v), want (%v, %v)", lat, lng, munLat, munLng)
	}
}

// "N 48.1351 E 11.5820": hemisphere letters first, no comma.
func TestParseCoordinatesLeadingHemisphereNoComma(t *testing.T) {
	lat, lng, err := model.ParseCoordinates("N 48.1351 E 11.5820")
	if err != nil {
		t.Fatalf("ParseCoordinates: %v", err)
	}
	if !near(lat, munLat) || !near(lng, munLng) {
		t.Errorf("got (%v, %v), want (%v, %v)", lat, lng, munLat, munLng)
	}
}

func TestParseCoordinatesErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"abc",
		"48.1",
		"95, 10",
		"-90.5, 10",
		"48.1, 200",
		"48.1, -180.01",
		"48.1, 11.5, 3",
		"48.1 11.5 3",
		"48.1,",
		", 11.5",
		"48.1; ",
		"NaN, 10",
		"nan, 10",
		"Inf, 10",
		"10, +Inf",
		"48.1 E, 11.5 E",          // two longitudes
		"48.1 N, 11.5 S",          // two latitudes
		`48°61'00"N 11°34'55.2"E`, // 61 minutes
		`48°08'60"N 11°34'55.2"E`, // 60 seconds
		"https://www.google.com/maps/",
		"q=",
		"@",
		"mlat=48.1",
	} {
		t.Run(in, func(t *testing.T) {
			lat, lng, err := model.ParseCoordinates(in)
			if err == nil {
				t.Errorf("ParseCoordinates(%q) = (%v, %v), want an error", in, lat, lng)
			} else if err.Error() == "" {
				t.Errorf("ParseCoordinates(%q): empty error text", in)
			}
		})
	}
}

func FuzzParseCoordinates(f *testing.F) {
	for _, s := range []string{
		"48.1351, 11.5820", "48,1351; 11,5820", "48.1351° N, 11.5820° E",
		`48°08'06.4"N 11°34'55.2"E`, "-33.86, 151.21", "https://www.google.com/maps/@48.1351,11.5820,15z",
		"?q=48.1351,11.5820", "mlat=48.1&mlon=11.5", "95, 10", "", "N", "@", "1e308, 1e308", "°°'\"NSEW",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lat, lng, err := model.ParseCoordinates(s)
		if err != nil {
			if err.Error() == "" {
				t.Errorf("ParseCoordinates(%q): error with empty text", s)
			}
			return
		}
		if math.IsNaN(lat) || math.IsNaN(lng) || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
			t.Errorf("ParseCoordinates(%q) = (%v, %v) with nil error: out of range", s, lat, lng)
		}
		// Whatever is accepted must also pass the search validation.
		if es := (model.SearchQuery{Lat: lat, Lng: lng}).Validate(fixedNow); len(es) != 0 {
			t.Errorf("ParseCoordinates(%q) = (%v, %v), but SearchQuery rejects it: %v", s, lat, lng, es)
		}
	})
}

// ResolvePlace: the gazetteer's forms (model/places has the full table),
// coordinates in every form, and what the forms must question.
func TestResolvePlace(t *testing.T) {
	for _, tt := range []struct {
		in, name, kind     string
		outside, swapped   bool
		ambiguous, unknown bool
	}{
		{in: "München", name: "München", kind: "town"},
		{in: "muenchen", name: "München", kind: "town"},
		{in: "Munich", name: "München", kind: "town"},
		{in: "  KOELN ", name: "Köln", kind: "town"},
		{in: "Frankfurt", name: "Frankfurt am Main", kind: "town"},
		{in: "Frankfurt Hbf", name: "Frankfurt (Main) Hbf", kind: "station"},
		{in: "Aschheim", name: "Aschheim", kind: "town"},
		{in: "Garching b. München", name: "Garching bei München", kind: "town"},
		{in: "Halle an der Saale", name: "Halle (Saale)", kind: "town"},
		{in: "80331", name: "80331 München", kind: "postal code"},
		{in: "603", name: "603xx Frankfurt am Main", kind: "postal area"},
		{in: "48.1351, 11.5820", name: "48.13510, 11.58200"},
		{in: "geo:48.1351,11.5820", name: "48.13510, 11.58200"},
		{in: "geo:48.1351,11.5820,520;u=35", name: "48.13510, 11.58200"},
		{in: "geo:0,0?q=48.1351,11.5820(Marienplatz)", name: "48.13510, 11.58200"},
		{in: "11.5820, 48.1351", name: "11.58200, 48.13510", outside: true, swapped: true},
		{in: "0,0", name: "0.00000, 0.00000", outside: true},
		{in: "48.8566, 2.3522", name: "48.85660, 2.35220", outside: true}, // Paris
		{in: "Neustadt", ambiguous: true},
		{in: "Atlantis", unknown: true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			p, err := model.ResolvePlace(tt.in)
			switch {
			case tt.ambiguous:
				if !errors.Is(err, model.ErrPlaceAmbiguous) || len(p.Candidates) < 2 {
					t.Fatalf("ResolvePlace(%q) = %+v, %v; want ambiguous with candidates", tt.in, p, err)
				}
				return
			case tt.unknown:
				if !errors.Is(err, model.ErrPlaceUnknown) || !strings.Contains(err.Error(), "check the spelling") {
					t.Fatalf("ResolvePlace(%q) = %+v, %v; want unknown", tt.in, p, err)
				}
				return
			case err != nil:
				t.Fatalf("ResolvePlace(%q): %v", tt.in, err)
			}
			if p.Name != tt.name || p.Kind != tt.kind || p.Outside != tt.outside || p.Swapped != tt.swapped {
				t.Errorf("ResolvePlace(%q) = %+v; want %q (%s), outside %v, swapped %v", tt.in, p, tt.name, tt.kind, tt.outside, tt.swapped)
			}
			if tt.swapped && (p.Swap().Outside || !strings.Contains(p.OutsideText(), "look swapped")) {
				t.Errorf("swapped %+v: %q", p.Swap(), p.OutsideText())
			}
		})
	}
	// A broken pair of numbers is told as coordinates, not as an unknown town.
	if _, err := model.ResolvePlace("48.1351, 191"); err == nil || !strings.Contains(err.Error(), "not coordinates we can read") {
		t.Errorf("broken pair: %v", err)
	}
}

func TestCities(t *testing.T) {
	if len(model.Cities) == 0 || model.Cities[0].Name != "München" {
		t.Fatalf("Munich must come first; got %v", model.Cities)
	}
	if c := model.Cities[0]; !near(c.Lat, munLat) || !near(c.Lng, munLng) {
		t.Errorf("München at (%v, %v), want the seed's (%v, %v)", c.Lat, c.Lng, munLat, munLng)
	}
	seen := map[string]bool{}
	for _, c := range model.Cities {
		if seen[c.Name] {
			t.Errorf("duplicate city %q", c.Name)
		}
		seen[c.Name] = true
		// Germany's bounding box, roughly.
		if c.Lat < 47 || c.Lat > 55.1 || c.Lng < 5.8 || c.Lng > 15.1 {
			t.Errorf("%s at (%v, %v) is not in Germany", c.Name, c.Lat, c.Lng)
		}
		if got, err := model.ResolvePlace(c.Name); err != nil || model.DistanceKM(got.Lat, got.Lng, c.Lat, c.Lng) > 2 {
			t.Errorf("ResolvePlace(%q) = %+v, %v; want the town within 2 km of the preset", c.Name, got, err)
		}
	}
}

func TestDistanceKM(t *testing.T) {
	for _, tt := range []struct {
		name                   string
		lat1, lng1, lat2, lng2 float64
		want, tol              float64
	}{
		{"Munich–Berlin", 48.1351, 11.5820, 52.5200, 13.4050, 504, 5},
		{"Berlin–Munich (symmetric)", 52.5200, 13.4050, 48.1351, 11.5820, 504, 5},
		{"Munich–Hamburg", 48.1351, 11.5820, 53.5511, 9.9937, 612, 6},
		{"same point", 48.1351, 11.5820, 48.1351, 11.5820, 0, 1e-9},
		{"one degree of latitude", 0, 0, 1, 0, 111.19, 0.1},
		{"across the antimeridian", 0, 179.5, 0, -179.5, 111.19, 0.1},
		{"antipodes", 0, 0, 0, 180, math.Pi * 6371, 0.5},
		{"pole to pole", 90, 0, -90, 0, math.Pi * 6371, 0.5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := model.DistanceKM(tt.lat1, tt.lng1, tt.lat2, tt.lng2)
			if math.IsNaN(got) || math.Abs(got-tt.want) > tt.tol {
				t.Errorf("DistanceKM = %v, want %v ± %v", got, tt.want, tt.tol)
			}
		})
	}
}

// An address the gazetteer cannot know resolves to the place it names, the
// street kept as what is not known offline.
func TestResolvePlaceAddressOffline(t *testing.T) {
	for _, tt := range []struct{ in, name, unknown string }{
		{"Leopoldstraße 12, 80802 München", "80802 München", "Leopoldstraße 12"},
		{"Kaiserstraße 10 Frankfurt am Main", "Frankfurt am Main", "Kaiserstraße 10"},
		{"Marienplatz 1, München", "München", "Marienplatz 1"},
		{"Bahnhofstraße 3, Neustadt bei Coburg", "Neustadt bei Coburg", "Bahnhofstraße 3"},
	} {
		p, err := model.ResolvePlace(tt.in)
		if err != nil || p.Name != tt.name || p.Unknown != tt.unknown || !strings.Contains(p.Hint(), "not known offline") {
			t.Errorf("ResolvePlace(%q) = %+v, %v; want %q with %q unknown", tt.in, p, err, tt.name, tt.unknown)
		}
	}
	if p, err := model.ResolvePlace("Bahnhofstraße 3, Neustadt"); !errors.Is(err, model.ErrPlaceAmbiguous) || len(p.Candidates) < 2 {
		t.Errorf("ambiguous town in an address: %+v, %v", p, err)
	}
	if _, err := model.ResolvePlace("Hauptstraße 5"); !errors.Is(err, model.ErrPlaceUnknown) {
		t.Errorf("a street alone: %v", err)
	}
}
