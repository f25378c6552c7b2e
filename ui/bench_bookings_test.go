package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// syntheticBookings makes n plausible bookings, newest first.
func syntheticBookings(n int) *model.BookingList {
	l := &model.BookingList{Total: n, Bookings: make([]model.Booking, n)}
	t := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	cities := []string{"München", "Berlin", "Hamburg", "Köln", "Frankfurt am Main", "Stuttgart"}
	for i := range l.Bookings {
		start := t.Add(time.Duration(-i) * 17 * time.Minute)
		end := start.Add(time.Hour)
		price := 12.5 + float64(i%40)
		l.Bookings[i] = model.Booking{ID: fmt.Sprintf("b%08x-0000-4000-8000-%012x", i, i), Status: model.Statuses[i%len(model.Statuses)],
			ExternalID: fmt.Sprintf("cd-%s-%08x", start.Format("20060102-1504"), i*2654435761&0xffffffff), CreatedAt: &start,
			LocationID: fmt.Sprintf("DE-ENB-E%06d", i%5000), LocationName: fmt.Sprintf("EnBW Schnellladepark Nr. %d", i%5000),
			LocationCity: cities[i%len(cities)], EVSEUID: fmt.Sprintf("DE*ENB*E%06d*1", i%5000), ReservationStart: &start, ReservationEnd: &end,
			TokenStrategy: model.DriverToken, CustomerID: fmt.Sprintf("cust_%05d", i%9000), ClientPrice: &price, ClientPriceCurrency: "EUR"}
	}
	return l
}

// BenchmarkBookingsFind10000 is one keystroke in the bookings list's find
// field with 10,000 bookings loaded, through the whole program and the
// whole frame after it (App.Update, then App.View): a person typing a
// customer's number and deleting it again, key by key (narrowing and
// widening alike). Budget: under 5 ms a keystroke.
func BenchmarkBookingsFind10000(b *testing.B) {
	app := New(Options{Client: api.New(api.Config{BaseURL: "http://127.0.0.1:1"}), Clock: model.SystemClock{}})
	app.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	app.Update(keyMsg("f2"))
	bs := app.top().(*bookingsScreen)
	app.Update(bookingsListedMsg{req: bs.req, list: syntheticBookings(10000)})
	if len(bs.loaded) != 10000 {
		b.Fatalf("%d loaded", len(bs.loaded))
	}
	app.Update(keyMsg("/"))
	var script []tea.KeyPressMsg
	for _, r := range "cust_0421" {
		script = append(script, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	for range "cust_0421" {
		script = append(script, keyMsg("backspace"))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		app.Update(script[i%len(script)])
		_ = app.View()
	}
}
