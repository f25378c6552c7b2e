package ui

import (
	"fmt"
	"math"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/petitmonde/chargedesk/model"
)

// brailleCanvas is a grid of terminal cells, each 2×4 Braille dots.
type brailleCanvas struct {
	w, h int // in cells
	dots []uint8
}

func newCanvas(w, h int) *brailleCanvas {
	return &brailleCanvas{w: w, h: h, dots: make([]uint8, w*h)}
}

// Braille dot bits by (column, row) inside a cell.
var brailleBit = [2][4]uint8{{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}

func (c *brailleCanvas) set(px, py int) {
	if px < 0 || py < 0 || px >= c.w*2 || py >= c.h*4 {
		return
	}
	c.dots[(py/4)*c.w+px/2] |= brailleBit[px%2][py%4]
}

func (c *brailleCanvas) cell(x, y int) rune {
	d := c.dots[y*c.w+x]
	if d == 0 {
		return ' '
	}
	return rune(0x2800 + int(d))
}

// projection maps coordinates to dots around a centre, north up. Braille dots
// are about square (a cell is twice as high as wide, with 2×4 dots), so one
// scale serves both axes.
type projection struct {
	lat0, lng0 float64
	kmPerDot   float64
	cx, cy     float64 // the centre, in dots
}

func newProjection(lat0, lng0, radiusKM float64, wCells, hCells int) projection {
	wd, hd := float64(wCells*2), float64(hCells*4)
	km := 2 * radiusKM * 1.04 // a little margin around the outer ring
	return projection{lat0: lat0, lng0: lng0, kmPerDot: math.Max(km/wd, km/hd), cx: wd / 2, cy: hd / 2}
}

func (p projection) dot(lat, lng float64) (int, int) {
	xKM := (lng - p.lng0) * 111.320 * math.Cos(p.lat0*math.Pi/180)
	yKM := (lat - p.lat0) * 110.574
	return int(math.Round(p.cx + xKM/p.kmPerDot)), int(math.Round(p.cy - yKM/p.kmPerDot))
}

// ringStep picks a round distance between rings.
func ringStep(radius float64) float64 {
	for _, s := range []float64{0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100} {
		if radius/s <= 4 {
			return s
		}
	}
	return 100
}

// rings draws the distance rings around the centre, every step km to
// radius (inner rings dotted, the search radius solid), and returns step.
func (c *brailleCanvas) rings(pr projection, radius float64) (step float64) {
	step = ringStep(radius)
	var rings []float64
	for r := step; r < radius-1e-9; r += step {
		rings = append(rings, r)
	}
	rings = append(rings, radius)
	for _, r := range rings {
		rd := r / pr.kmPerDot
		n := int(2 * math.Pi * rd * 1.5)
		for i := 0; i < n; i++ {
			a := 2 * math.Pi * float64(i) / float64(n)
			if i%2 == 1 && r < radius {
				continue
			}
			c.set(int(math.Round(pr.cx+rd*math.Cos(a))), int(math.Round(pr.cy+rd*math.Sin(a))))
		}
	}
	return step
}

// mapMark is what a cell shows instead of the rings, and how much it
// matters: of two in one cell, the one that matters more shows.
type mapMark struct {
	r    string
	prio int
}

// mapMarks are the markers of a w×h map, by cell.
type mapMarks struct {
	w, h  int
	cells map[[2]int]mapMark
}

func (m *mapMarks) put(x, y int, mk mapMark) {
	if x < 0 || y < 0 || x >= m.w || y >= m.h {
		return
	}
	if old, ok := m.cells[[2]int{x, y}]; !ok || mk.prio > old.prio {
		m.cells[[2]int{x, y}] = mk
	}
}

// markers places the results shown on the map: the selected one wins,
// then a failed one, then bookable over search-only; the search point
// above all.
func (s *resultsScreen) markers(pr projection, w, h int) *mapMarks {
	st := s.c.Styles
	m := &mapMarks{w: w, h: h, cells: map[[2]int]mapMark{}}
	sel, hasSel := s.selected()
	for _, idx := range s.view {
		l := s.resp.Results[idx]
		if l.Coordinates == nil {
			continue
		}
		mk := mapMark{st.SearchOnly.Render("○"), 1}
		if l.BookableCount() > 0 {
			mk = mapMark{st.BookableTag.Render("●"), 2}
		}
		for _, f := range s.marks {
			if f.locationID == l.LocationID {
				mk = mapMark{st.Marked.Render("⚑"), 3}
			}
		}
		if hasSel && l.LocationID == sel.LocationID {
			mk = mapMark{st.Selected.Render("◉"), 4}
		}
		px, py := pr.dot(l.Coordinates.Latitude, l.Coordinates.Longitude)
		m.put(px/2, py/4, mk)
	}
	m.put(int(pr.cx)/2, int(pr.cy)/4, mapMark{st.Info.Render("+"), 5})
	return m
}

// render draws the canvas in ring style with the markers over it.
func (c *brailleCanvas) render(marks *mapMarks, ring lipgloss.Style) string {
	var b strings.Builder
	for y := 0; y < c.h; y++ {
		var run strings.Builder
		flush := func() {
			if run.Len() > 0 {
				b.WriteString(ring.Render(run.String()))
				run.Reset()
			}
		}
		for x := 0; x < c.w; x++ {
			if m, ok := marks.cells[[2]int{x, y}]; ok {
				flush()
				b.WriteString(m.r)
				continue
			}
			run.WriteRune(c.cell(x, y))
		}
		flush()
		b.WriteString("\n")
	}
	return b.String()
}

// mapView draws the results around the search point in w×h cells, the
// legend, and the selected location under it.
func (s *resultsScreen) mapView(w, h int) string {
	st := s.c.Styles
	q := s.query
	radius := q.RadiusKM
	if radius == 0 {
		radius = model.DefaultRadiusKM
	}
	cv := newCanvas(w, h)
	pr := newProjection(q.Lat, q.Lng, radius, w, h)
	step := cv.rings(pr, radius)
	var b strings.Builder
	b.WriteString(cv.render(s.markers(pr, w, h), lipgloss.NewStyle().Foreground(st.Muted)))
	legend := fmt.Sprintf("N↑  + search point · rings every %g km, outer = %g km · %s bookable %s search-only %s failed %s selected",
		step, radius, st.BookableTag.Render("●"), st.SearchOnly.Render("○"), st.Marked.Render("⚑"), st.Selected.Render("◉"))
	b.WriteString(trunc(legend, w) + "\n")
	if sel, ok := s.selected(); ok {
		b.WriteString(trunc(s.selectedLine(sel), w) + "\n")
	}
	return b.String()
}

// selectedLine is the selected location under the map: distance, name,
// address, what can be booked, the price.
func (s *resultsScreen) selectedLine(sel model.Location) string {
	st := s.c.Styles
	tag := "search-only"
	if sel.BookableCount() > 0 {
		tag = fmt.Sprintf("%d bookable", sel.BookableCount())
	}
	price := ""
	if p, ok := sel.EstimatedPrice(); ok {
		price = " · ~" + model.FormatPrice(p, sel.Pricing.Currency)
	}
	return st.Bold.Render(fmt.Sprintf("◉ %s  %s", strings.TrimSpace(model.FormatDistance(sel.DistanceKM)), sel.Name)) +
		st.Subtle.Render(fmt.Sprintf(" · %s · %s%s", model.JoinNonEmpty(", ", sel.Address, sel.City), tag, price))
}
