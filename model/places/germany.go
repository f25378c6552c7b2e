package places

import (
	"math"
	"sync"

	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

var (
	maskOnce sync.Once
	mask     maskGrid
)

// maskGrid is the mask of the data file, read where it lies.
type maskGrid wire.MaskView

// InGermany says whether a point is in Germany, for the forms to ask about
// or refuse coordinates that are not.
//
// It uses a grid of cells of 0.05° latitude by 0.075° longitude (about
// 5.5 km square) that the generator marks wherever the place data has a
// German town, locality or postal code, plus the cells next to those and
// the holes they enclose. So it follows the border to within a cell or
// two: every German place is in, a point a few kilometres over the border
// (central Strasbourg, Basel or Salzburg) may be in too, Paris, Vienna or
// the open sea are out. It reads one byte of the mask's section of the
// data file.
func InGermany(lat, lng float64) bool {
	maskOnce.Do(func() {
		if f, err := wire.Open(file); err == nil {
			if m, err := wire.ViewMask(f.Section(wire.SecMask)); err == nil {
				mask = maskGrid(m)
			}
		}
	})
	return mask.contains(lat, lng)
}

// LooksSwapped says whether a point is outside Germany but would be inside
// with latitude and longitude swapped: "11.58, 48.13" meant as Munich.
func LooksSwapped(lat, lng float64) bool {
	return !InGermany(lat, lng) && InGermany(lng, lat)
}

// contains says whether the point's cell is marked.
func (m maskGrid) contains(lat, lng float64) bool {
	if math.IsNaN(lat) || math.IsNaN(lng) || m.Cell.Lat <= 0 || m.Cell.Lng <= 0 {
		return false
	}
	r := math.Floor((lat*1e5 - float64(m.Origin.Lat)) / float64(m.Cell.Lat))
	c := math.Floor((lng*1e5 - float64(m.Origin.Lng)) / float64(m.Cell.Lng))
	if r < 0 || c < 0 || r >= float64(m.Rows) || c >= float64(m.Cols) {
		return false
	}
	i := int(r)*m.Cols + int(c)
	return i/8 < len(m.Bits) && m.Bits[i/8]&(1<<(i%8)) != 0
}
