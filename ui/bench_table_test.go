package ui

import (
	"fmt"
	"strings"
	"testing"

	"charm.land/bubbles/v2/table"
)

// The same 10,000 results in a plain bubbles/table: the baseline for a key
// press and the frame after it (budget: ours ÷ table ≤ 0.2).
func BenchmarkTableKey10000(b *testing.B) {
	resp := syntheticResults(10000)
	cols := []table.Column{{Title: "km", Width: 6}, {Title: "Name", Width: 40}, {Title: "Price", Width: 9},
		{Title: "Bookable", Width: 11}, {Title: "Address", Width: 30}, {Title: "CPO", Width: 8}, {Title: "EVSEs", Width: 6}}
	rows := make([]table.Row, len(resp.Results))
	for i, l := range resp.Results {
		p, _ := l.EstimatedPrice()
		var conns []string
		for _, c := range l.ConnectorTypes() {
			conns = append(conns, c.Short())
		}
		rows[i] = table.Row{fmt.Sprintf("%.1f", l.DistanceKM), l.Name, fmt.Sprintf("%.2f €", p),
			fmt.Sprint(l.BookableCount() > 0), l.Address + ", " + l.City, l.CPOName,
			fmt.Sprintf("%d/%d %s", l.AvailableCount(), len(l.EVSEs), strings.Join(conns, "/"))}
	}
	t := table.New(table.WithColumns(cols), table.WithRows(rows), table.WithFocused(true), table.WithHeight(37), table.WithWidth(120))
	down := keyMsg("down")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if t.Cursor() == len(rows)-1 {
			t.SetCursor(0)
		}
		t, _ = t.Update(down)
		_ = t.View()
	}
}
