package ui

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/petitmonde/chargedesk/api"
	"github.com/petitmonde/chargedesk/model"
)

// syntheticResults makes n plausible locations, sorted by distance.
func syntheticResults(n int) *model.SearchResponse {
	resp := &model.SearchResponse{Total: n, Results: make([]model.Location, n)}
	for i := range resp.Results {
		price := 10 + float64(i%250)/10
		resp.Results[i] = model.Location{
			LocationID: fmt.Sprintf("DE-ENB-E%06d", i), Name: fmt.Sprintf("EnBW Schnellladepark Nr. %d", i),
			DistanceKM: float64(i) * 0.01, CPOName: "EnBW", CPOPartyID: "ENB", SupportsReservation: i%7 != 0,
			Address: fmt.Sprintf("Hauptstraße %d", i%300), City: "München", PostalCode: "80331",
			Pricing: &model.Pricing{EstimatedPrice: &price, Currency: "EUR"},
			EVSEs: []model.EVSE{
				{EVSEUID: fmt.Sprintf("DE*ENB*E%06d*1", i), Status: model.EVSEAvailable, Connectors: []model.Connector{{ConnectorID: "1", ConnectorType: model.CCS2, PowerKW: 150, PowerType: model.DC}}},
				{EVSEUID: fmt.Sprintf("DE*ENB*E%06d*2", i), Status: model.EVSECharging, Connectors: []model.Connector{{ConnectorID: "1", ConnectorType: model.T2, PowerKW: 22, PowerType: model.AC3Phase}}},
			},
		}
	}
	return resp
}

// benchResults is the results screen of a program that was just started.
func benchResults(q model.SearchQuery, resp *model.SearchResponse) *resultsScreen {
	app := New(Options{Client: api.New(api.Config{BaseURL: "http://127.0.0.1:1"}), Clock: model.SystemClock{}})
	return newResultsScreen(app.c, app.s, q, resp, "")
}

func benchResultsView(b *testing.B, n int) {
	s := benchResults(model.SearchQuery{Lat: 48.1351, Lng: 11.582, RadiusKM: 25}, syntheticResults(n))
	s.SetSize(120, 37)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = s.View()
	}
}

// The results view renders only visible rows: its cost must not grow with
// the number of results (budget: 10,000 ÷ 100 ≤ 1.5).
func BenchmarkResultsView100(b *testing.B)   { benchResultsView(b, 100) }
func BenchmarkResultsView10000(b *testing.B) { benchResultsView(b, 10000) }

// A key press (cursor down, wrapping at the end) followed by the new frame.
func benchResultsKey(b *testing.B, n int) {
	s := benchResults(model.SearchQuery{Lat: 48.1351, Lng: 11.582, RadiusKM: 25}, syntheticResults(n))
	s.SetSize(120, 37)
	down := keyMsg("down")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if s.list.Cursor() == len(s.view)-1 {
			s.list.Select(0)
		}
		_, _ = s.Update(down)
		_ = s.View()
	}
}

func BenchmarkResultsKey100(b *testing.B)   { benchResultsKey(b, 100) }
func BenchmarkResultsKey10000(b *testing.B) { benchResultsKey(b, 10000) }

// BenchmarkResultsMemory10000 loads 10,000 results the way the program does
// (JSON decoded, sanitised, the screen built and drawn) and reports the live
// heap it holds afterwards and the peak seen while loading.
func BenchmarkResultsMemory10000(b *testing.B) {
	raw, err := json.Marshal(syntheticResults(10000))
	if err != nil {
		b.Fatal(err)
	}
	var live, peak uint64
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var resp model.SearchResponse
		if err := json.Unmarshal(raw, &resp); err != nil {
			b.Fatal(err)
		}
		for j := range resp.Results {
			resp.Results[j] = model.SanitizeLocation(resp.Results[j])
		}
		s := benchResults(model.SearchQuery{Lat: 48.1351, Lng: 11.582}, &resp)
		s.SetSize(120, 37)
		_ = s.View()
		var during runtime.MemStats
		runtime.ReadMemStats(&during)
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		peak = max(peak, during.HeapInuse-min(during.HeapInuse, before.HeapInuse))
		live = after.HeapInuse - min(after.HeapInuse, before.HeapInuse)
		runtime.KeepAlive(s)
	}
	b.ReportMetric(float64(live)/(1<<20), "MB-live")
	b.ReportMetric(float64(peak)/(1<<20), "MB-peak")
	b.ReportMetric(float64(len(raw))/(1<<20), "MB-json")
}

// BenchmarkAppKey10000 is a key press through the whole program and the
// whole frame after it (header, the results screen, footer), as the
// terminal gets it: App.Update then App.View, with 10,000 results.
func BenchmarkAppKey10000(b *testing.B) {
	app := New(Options{Client: api.New(api.Config{BaseURL: "http://127.0.0.1:1"}), Clock: model.SystemClock{}})
	app.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	app.Update(showResultsMsg{query: model.SearchQuery{Lat: 48.1351, Lng: 11.582, RadiusKM: 25}, resp: syntheticResults(10000)})
	rs := app.top().(*resultsScreen)
	down := keyMsg("down")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rs.list.Cursor() == len(rs.view)-1 {
			rs.list.Select(0)
		}
		app.Update(down)
		_ = app.View()
	}
}
