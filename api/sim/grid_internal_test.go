package sim

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/petitmonde/chargedesk/model"
)

// within finds exactly the points a scan of all of them finds: the cells
// and the box it skips points by never drop one within the radius, at
// any radius a search or the generator asks for.
func TestGridWithinFindsWhatAScanFinds(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	const n = 20000
	g := newGrid(n)
	for range n {
		g.add(47.2+rng.Float64()*7.9, 5.8+rng.Float64()*9.3)
	}
	for q := range 400 {
		lat, lng := 47.2+rng.Float64()*7.9, 5.8+rng.Float64()*9.3
		r := []float64{0.5, 1.2, 2.5, 8, 13, 25, 50, 100}[q%8] * (0.5 + rng.Float64())
		var got, want []int
		g.within(lat, lng, r, func(i int, d float64) {
			if d != model.DistanceKM(lat, lng, g.lat[i], g.lng[i]) {
				t.Fatalf("point %d: distance %v", i, d)
			}
			got = append(got, i)
		})
		for i := range n {
			if model.DistanceKM(lat, lng, g.lat[i], g.lng[i]) <= r {
				want = append(want, i)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("within %.3f km of %.4f, %.4f: %d points, a scan finds %d", r, lat, lng, len(got), len(want))
		}
	}
}
