package sim

import (
	"math"

	"github.com/petitmonde/chargedesk/model"
)

// grid is a spatial index of points over Germany: cells of cellDeg × cellDeg
// degrees, each holding the indexes of the points inside it. A radius search
// visits the cells its bounding box touches, so its cost follows the number
// of points near the centre, not the size of the data set.
type grid struct {
	cells map[cell][]int32
	lat   []float64
	lng   []float64
}

// cellDeg is a cell's side: 0.1° is 11 km north–south and about 7 km
// east–west at German latitudes, so a 50 km search visits about 150 cells.
const cellDeg = 0.1

type cell struct{ y, x int32 }

func cellOf(lat, lng float64) cell {
	return cell{int32(math.Floor(lat / cellDeg)), int32(math.Floor(lng / cellDeg))}
}

func newGrid(n int) *grid {
	return &grid{cells: make(map[cell][]int32, n/8+1), lat: make([]float64, 0, n), lng: make([]float64, 0, n)}
}

// add indexes the next point; its index is the number of points added before.
func (g *grid) add(lat, lng float64) {
	c := cellOf(lat, lng)
	g.cells[c] = append(g.cells[c], int32(len(g.lat)))
	g.lat = append(g.lat, lat)
	g.lng = append(g.lng, lng)
}

// within calls fn for every point at most radiusKM from (lat, lng), with its
// distance (model.DistanceKM), in no particular order.
func (g *grid) within(lat, lng, radiusKM float64, fn func(i int, d float64)) {
	dLat := radiusKM / 111.0
	cosLat := math.Cos(math.Min(math.Abs(lat)+dLat, 89.9) * math.Pi / 180)
	dLng := radiusKM / (111.32 * cosLat)
	lo, hi := cellOf(lat-dLat, lng-dLng), cellOf(lat+dLat, lng+dLng)
	// A point outside the box of ±dLat by ±boxLng is further than
	// radiusKM, so it is skipped without the trigonometry. (dLng reckons
	// with the equator's 111.32 km a degree, 0.1 % more than the mean
	// radius DistanceKM uses: widened by 1 %, the box holds every point
	// within radiusKM.)
	boxLng := 1.01 * dLng
	for y := lo.y; y <= hi.y; y++ {
		for x := lo.x; x <= hi.x; x++ {
			for _, i := range g.cells[cell{y, x}] {
				if math.Abs(g.lat[i]-lat) > dLat || math.Abs(g.lng[i]-lng) > boxLng {
					continue
				}
				if d := model.DistanceKM(lat, lng, g.lat[i], g.lng[i]); d <= radiusKM {
					fn(int(i), d)
				}
			}
		}
	}
}

// best is the point within radiusKM that has the lowest score(i, d), or -1.
func (g *grid) best(lat, lng, radiusKM float64, score func(i int, d float64) float64) int {
	best, bestScore := -1, math.Inf(1)
	g.within(lat, lng, radiusKM, func(i int, d float64) {
		if s := score(i, d); s < bestScore || (s == bestScore && i < best) {
			best, bestScore = i, s
		}
	})
	return best
}
