package cli

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/model"
)

// table renders rows as plain columns two spaces apart, each as wide as its
// widest cell. Widths are terminal cells, not runes or bytes (ansi.StringWidth:
// a CJK character or an emoji takes two, a combining mark none), so a column
// of location names from anywhere still lines up. The last column is not
// padded. Cells must already be sanitised.
func table(header []string, rows [][]string) string {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range append([][]string{header}, rows...) {
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	return b.String()
}

// cell makes server text safe for a table cell: one line, no escapes, at
// most n terminal cells wide (cut with "…").
func cell(s string, n int) string {
	s = model.SanitizeLine(s)
	if s == "" {
		return "—"
	}
	return ansi.Truncate(s, n, "…")
}
