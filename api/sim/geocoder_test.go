package sim_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/api/sim"
	"github.com/petitmonde/chargedesk/model"
)

// The simulator's geocoder, asked by the real client over HTTP: the streets
// it knows come back as addresses with their number, other text as the
// gazetteer resolves it, unknown text as nothing.
func TestGeocoder(t *testing.T) {
	srv := httptest.NewServer(sim.Geocoder())
	t.Cleanup(srv.Close)
	g, err := api.NewGeocoder(api.GeocoderConfig{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q, name, kind string
		lat, lng      float64
	}{
		{"Leopoldstraße 12, 80802 München", "Leopoldstraße 12, 80802 München", "address", 48.1606, 11.5856},
		{"leopoldstr. 7a", "Leopoldstraße 7a, 80802 München", "address", 48.1606, 11.5856},
		{"Zeil, Frankfurt", "Zeil, 60313 Frankfurt am Main", "address", 50.1146, 8.6836},
		{"Münchner Straße 3, Aschheim", "Münchner Straße 3, 85609 Aschheim", "address", 48.1712, 11.7122},
		{"Aschheim", "85609 Aschheim", "town", 48.17, 11.71},
	} {
		ps, err := g.Search(context.Background(), tc.q)
		if err != nil {
			t.Errorf("%q: %v", tc.q, err)
			continue
		}
		p := ps[0]
		if p.Name != tc.name || p.Kind != tc.kind || model.DistanceKM(p.Lat, p.Lng, tc.lat, tc.lng) > 1.5 || p.Source == "" {
			t.Errorf("%q: %+v, want %q (%s) near %g, %g", tc.q, p, tc.name, tc.kind, tc.lat, tc.lng)
		}
	}
	if _, err := g.Search(context.Background(), "Unter den Linden 1, Atlantis"); !errors.Is(err, api.ErrGeocoderNothing) {
		t.Errorf("an address it does not know: %v, want ErrGeocoderNothing", err)
	}
}
