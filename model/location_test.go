package model_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

func ptr[T any](v T) *T { return &v }

func evse(uid string, st model.EVSEStatus, conns ...model.Connector) model.EVSE {
	return model.EVSE{EVSEUID: uid, Status: st, Connectors: conns}
}

func conn(id string, ct model.ConnectorType, kw float64) model.Connector {
	return model.Connector{ConnectorID: id, ConnectorType: ct, PowerKW: kw}
}

func sampleLocation() model.Location {
	return model.Location{
		LocationID:          "DE-ENB-E123456",
		Name:                "Marienplatz",
		SupportsReservation: true,
		EVSEs: []model.EVSE{
			evse("DE*ENB*E123456*1", model.EVSEAvailable, conn("1", model.CCS2, 150), conn("2", model.CHAdeMO, 50)),
			evse("DE*ENB*E123456*2", model.EVSECharging, conn("1", model.CCS2, 300)),
			evse("DE*ENB*E123456*3", model.EVSEAvailable, conn("1", model.T2, 22), conn("2", "", 11)),
			evse("DE*ENB*E123456*4", model.EVSEOutOfOrder, conn("1", model.T2, 22)),
			evse("DE*ENB*E123456*5", "SOMETHING_NEW"),
		},
	}
}

func TestBookable(t *testing.T) {
	loc := sampleLocation()
	searchOnly := sampleLocation()
	searchOnly.SupportsReservation = false

	for _, st := range model.EVSEStatuses {
		t.Run(string(st), func(t *testing.T) {
			ok, why := model.Bookable(loc, evse("x", st))
			if want := st == model.EVSEAvailable; ok != want {
				t.Fatalf("Bookable = %v, want %v", ok, want)
			}
			if ok && why != "" {
				t.Errorf("bookable with reason %q, want none", why)
			}
			if !ok && !strings.Contains(why, string(st)) {
				t.Errorf("reason %q should name the status %s", why, st)
			}

			ok, why = model.Bookable(searchOnly, evse("x", st))
			if ok {
				t.Fatal("search-only location is bookable")
			}
			if !strings.Contains(why, "search-only") && !strings.Contains(why, "reservation") {
				t.Errorf("reason %q should say the location takes no reservations", why)
			}
		})
	}
	for _, st := range []model.EVSEStatus{"", "available", "FOO"} {
		if ok, why := model.Bookable(loc, evse("x", st)); ok || why == "" {
			t.Errorf("status %q: Bookable = %v, %q; want false with a reason", st, ok, why)
		}
	}
}

func TestLocationCounts(t *testing.T) {
	loc := sampleLocation()
	if got := loc.BookableCount(); got != 2 {
		t.Errorf("BookableCount = %d, want 2", got)
	}
	if got := loc.AvailableCount(); got != 2 {
		t.Errorf("AvailableCount = %d, want 2", got)
	}
	loc.SupportsReservation = false
	if got := loc.BookableCount(); got != 0 {
		t.Errorf("search-only: BookableCount = %d, want 0", got)
	}
	if got := loc.AvailableCount(); got != 2 {
		t.Errorf("search-only: AvailableCount = %d, want 2 (availability does not depend on reservations)", got)
	}
	var empty model.Location
	if empty.BookableCount() != 0 || empty.AvailableCount() != 0 || empty.MaxPowerKW() != 0 || empty.ConnectorTypes() != nil {
		t.Errorf("empty location: counts %d/%d, max %v, types %v; want zeros",
			empty.BookableCount(), empty.AvailableCount(), empty.MaxPowerKW(), empty.ConnectorTypes())
	}
}

func TestMaxPowerKW(t *testing.T) {
	loc := sampleLocation()
	// The charging EVSE's 300 kW counts: it is the location's capability.
	if got := loc.MaxPowerKW(); got != 300 {
		t.Errorf("Location.MaxPowerKW = %v, want 300", got)
	}
	for _, tt := range []struct {
		e    model.EVSE
		want float64
	}{
		{evse("a", model.EVSEAvailable), 0},
		{evse("b", model.EVSEAvailable, conn("1", model.T2, 0)), 0},
		{evse("c", model.EVSEAvailable, conn("1", model.T2, 22), conn("2", model.CCS2, 150), conn("3", model.CHAdeMO, 50)), 150},
		{evse("d", model.EVSEAvailable, conn("1", model.T2, 11), conn("2", model.T2, 11)), 11},
	} {
		if got := tt.e.MaxPowerKW(); got != tt.want {
			t.Errorf("EVSE %s: MaxPowerKW = %v, want %v", tt.e.EVSEUID, got, tt.want)
		}
	}
}

func TestConnectorTypesOrder(t *testing.T) {
	loc := sampleLocation()
	want := []model.ConnectorType{model.CCS2, model.CHAdeMO, model.T2}
	if got := loc.ConnectorTypes(); !slices.Equal(got, want) {
		t.Errorf("ConnectorTypes = %v, want %v (first seen, no duplicates, no empty)", got, want)
	}
	loc.EVSEs[0], loc.EVSEs[2] = loc.EVSEs[2], loc.EVSEs[0]
	want = []model.ConnectorType{model.T2, model.CCS2, model.CHAdeMO}
	if got := loc.ConnectorTypes(); !slices.Equal(got, want) {
		t.Errorf("after reordering EVSEs: ConnectorTypes = %v, want %v", got, want)
	}
}

func TestEstimatedPrice(t *testing.T) {
	for _, tt := range []struct {
		name    string
		pricing *model.Pricing
		want    float64
		ok      bool
	}{
		{"no pricing", nil, 0, false},
		{"pricing without price", &model.Pricing{Currency: "EUR"}, 0, false},
		{"price", &model.Pricing{EstimatedPrice: ptr(12.5), Currency: "EUR"}, 12.5, true},
		{"free is a price", &model.Pricing{EstimatedPrice: ptr(0.0)}, 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			loc := model.Location{Pricing: tt.pricing}
			got, ok := loc.EstimatedPrice()
			if got != tt.want || ok != tt.ok {
				t.Errorf("EstimatedPrice = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestBookingWindow(t *testing.T) {
	var b model.Booking
	if s, e := b.Window(); !s.IsZero() || !e.IsZero() {
		t.Errorf("no window: got %v, %v; want zero times", s, e)
	}
	s0, e0 := fixedNow, fixedNow.Add(90*time.Minute)
	b.ReservationStart, b.ReservationEnd = &s0, &e0
	if s, e := b.Window(); !s.Equal(s0) || !e.Equal(e0) {
		t.Errorf("Window = %v, %v; want %v, %v", s, e, s0, e0)
	}
	b.ReservationEnd = nil
	if s, e := b.Window(); !s.Equal(s0) || !e.IsZero() {
		t.Errorf("start only: Window = %v, %v", s, e)
	}
}
