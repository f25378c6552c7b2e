package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/api"
)

// nominatim serves one canned answer and records what was asked.
func nominatim(t *testing.T, body string, got *http.Request) *api.Geocoder {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*got = *r.Clone(context.Background())
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	g, err := api.NewGeocoder(api.GeocoderConfig{URL: srv.URL + "/nominatim/", UserAgent: "chargedesk/test"})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGeocoderAsksNominatimAndCleansTheAnswer(t *testing.T) {
	var req http.Request
	g := nominatim(t, `[
	 {"lat":"48.1612","lon":"11.5862","display_name":"12, Leopoldstraße, Schwabing, München, Bayern, 80802, Deutschland","type":"house",
	  "address":{"road":"Leopoldstraße","house_number":"12","postcode":"80802","city":"München","state":"Bayern","country_code":"de"}},
	 {"lat":"47.26","lon":"11.39","display_name":"Leopoldstraße, Innsbruck","address":{"road":"Leopoldstraße","city":"Innsbruck","country_code":"at"}},
	 {"lat":"48.2","lon":"11.6","display_name":"x","address":{"road":"Evil\u001b]0;pwned\u0007straße","city":"München","country_code":"de"}},
	 {"lat":"north","lon":"11.6","display_name":"broken"}
	]`, &req)
	ps, err := g.Search(context.Background(), "Leopoldstr. 12 München")
	if err != nil {
		t.Fatal(err)
	}
	if req.URL.Path != "/nominatim/search" || req.URL.Query().Get("q") != "Leopoldstr. 12 München" ||
		req.URL.Query().Get("countrycodes") != "de" || req.URL.Query().Get("format") != "jsonv2" {
		t.Errorf("asked %s", req.URL)
	}
	if req.Header.Get("X-API-Key") != "" || req.Header.Get("User-Agent") != "chargedesk/test" {
		t.Errorf("headers %v", req.Header)
	}
	if len(ps) != 2 {
		t.Fatalf("places %+v; want the German ones with readable coordinates", ps)
	}
	p := ps[0]
	if p.Name != "Leopoldstraße 12, 80802 München" || p.Kind != "address" || p.Lat != 48.1612 || p.Source != g.Host() ||
		p.Input != "Leopoldstr. 12 München" || !strings.Contains(p.Hint(), "found by "+g.Host()) {
		t.Errorf("first %+v (%s)", p, p.Hint())
	}
	if strings.ContainsAny(ps[1].Name, "\x1b\x07") {
		t.Errorf("control characters kept: %q", ps[1].Name)
	}
}

func TestGeocoderFindingNothingOrFailingIsAnError(t *testing.T) {
	var req http.Request
	if _, err := nominatim(t, `[]`, &req).Search(context.Background(), "Nowhere 1"); !errors.Is(err, api.ErrGeocoderNothing) {
		t.Errorf("empty answer: %v", err)
	}
	if _, err := nominatim(t, `<html>`, &req).Search(context.Background(), "x"); err == nil {
		t.Error("HTML accepted")
	}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	g, _ := api.NewGeocoder(api.GeocoderConfig{URL: slow.URL, Timeout: 50 * time.Millisecond})
	if _, err := g.Search(context.Background(), "x"); err == nil {
		t.Error("a geocoder that does not answer gave no error")
	}
	moved := httptest.NewServer(http.RedirectHandler("http://example.invalid/", http.StatusFound))
	defer moved.Close()
	g, _ = api.NewGeocoder(api.GeocoderConfig{URL: moved.URL})
	if _, err := g.Search(context.Background(), "x"); err == nil || !strings.Contains(err.Error(), "302") {
		t.Errorf("redirect: %v", err)
	}
	if _, err := api.NewGeocoder(api.GeocoderConfig{URL: "ftp://x"}); err == nil {
		t.Error("ftp URL accepted")
	}
}
