package ui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/petitmonde/chargedesk/model"
)

// fit cuts every line of s to w cells and s to h lines, padding nothing.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if h >= 0 && len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// trunc shortens plain or styled text to w cells with an ellipsis.
func trunc(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// wrap breaks plain text into lines of at most w cells at spaces, at most
// n lines, the last cut with an ellipsis when the text is longer.
func wrap(s string, w, n int) []string {
	if w <= 0 || n <= 0 {
		return nil
	}
	lines := strings.Split(ansi.Wrap(s, w, ""), "\n")
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = trunc(lines[n-1]+" …", w)
	}
	return lines
}

// wrapped is text in style st wrapped at spaces to w cells (at least 20):
// an error, a warning or a notice is read whole, never cut at the edge of
// the screen.
func wrapped(st lipgloss.Style, text string, w int) string {
	return st.Width(max(20, w)).Render(text)
}

// pad right-pads to w cells (after truncating).
func pad(s string, w int) string {
	s = trunc(s, w)
	if n := w - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// padLeft left-pads to w cells.
func padLeft(s string, w int) string {
	s = trunc(s, w)
	if n := w - ansi.StringWidth(s); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}

// shortWindow is a booking's window as a short local text: "Tue 14:30–16:00".
func shortWindow(b model.Booking, zone *time.Location) string {
	start, end := b.Window()
	if start.IsZero() {
		return ""
	}
	return start.In(zone).Format("Mon 15:04") + "–" + end.In(zone).Format("15:04")
}
