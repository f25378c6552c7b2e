package model_test

import (
	"strings"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model"
)

// The driver message carries the price estimate (the booking's, else the
// location's) and what happens if the driver is late or does not come: the
// reservation holds until its start plus the no-show grace, then lapses
// as a no-show, which may cost a fee.
func TestDriverMessagePriceAndNoShowRule(t *testing.T) {
	start := time.Date(2026, 12, 7, 13, 30, 0, 0, time.UTC) // 14:30 in Berlin
	end := start.Add(time.Hour)
	est := 18.5
	loc := model.Location{Name: "Allego Mitte", City: "Berlin", Pricing: &model.Pricing{EstimatedPrice: &est, Currency: "EUR"}}
	b := model.Booking{ID: "b1", Status: model.Confirmed, ExternalID: "cd-20261207-1402-0a1b2c3d", ReservationStart: &start, ReservationEnd: &end,
		TokenStrategy: model.DriverToken}
	de := model.DriverMessage(b, loc, model.Berlin, model.German)
	for _, want := range []string{"Voraussichtlicher Preis: 18,50 €", "bis 14:45 Uhr für Sie reserviert (15 Minuten nach Beginn)",
		"verfällt die Reservierung (No-Show), und es kann eine Gebühr anfallen", "sagen Sie uns bitte vorher Bescheid"} {
		if !strings.Contains(de, want) {
			t.Errorf("German message lacks %q:\n%s", want, de)
		}
	}
	price := 21.07
	b.ClientPrice, b.ClientPriceCurrency = &price, "EUR"
	en := model.DriverMessage(b, loc, model.Berlin, model.English)
	for _, want := range []string{"Estimated price: 21.07 €", "until 14:45 (German time), 15 minutes after the start", "lapses (no-show) and a fee may be charged"} {
		if !strings.Contains(en, want) {
			t.Errorf("English message lacks %q:\n%s", want, en)
		}
	}
	// The car is at the charger: nothing to be late for.
	b.Status = model.Attending
	if m := model.DriverMessage(b, loc, model.Berlin, model.English); strings.Contains(m, "late") || strings.Contains(m, "no-show") {
		t.Errorf("an ATTENDING booking's message still warns of a no-show:\n%s", m)
	}
	// No price known: no price line.
	b.ClientPrice = nil
	if m := model.DriverMessage(b, model.Location{}, model.Berlin, model.English); strings.Contains(m, "price") {
		t.Errorf("a price without one:\n%s", m)
	}
}
