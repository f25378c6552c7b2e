package sim

import (
	"math"
	"math/rand/v2"
	"strconv"
	"sync"

	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/model/places"
)

// The network covers Germany: sites near every populated place of the
// gazetteer (model/places), more of them where more people live.
const (
	// peoplePerSite is how many inhabitants one site serves on average: a
	// city of 1.5 million gets about 250, a town of 12,000 two, a village
	// of 600 one in ten times.
	peoplePerSite = 6000
	// A town's sites lie within townRadiusKM of its centre: 0.5 km plus
	// 0.4 km × (thousands of inhabitants)^0.4, so bigger cities are denser
	// as well as wider (München 7.9 km, Berlin 11 km, Ingolstadt 3.4 km, a
	// town of 10,000 1.5 km).
	townRadiusBaseKM = 0.5
	townRadiusPerKM  = 0.4
	townRadiusExp    = 0.4
	// No generated site lies within flagshipClearKM of the flagship, so it
	// stays the closest result of the guide's search (0.5 km from it).
	flagshipClearKM = 1.2
	// A site is named after a part of a city (places.District) when one is
	// this close; else after its town.
	districtNameKM = 2.5
	// postalCodeKM is how far the nearest postal code may be before a site
	// takes its town's code instead.
	postalCodeKM = 8.0
)

// dataset is the generated network of one seed: read-only once built, and
// shared by every Server of that seed in the process.
type dataset struct {
	locs []model.Location // in generation order, DistanceKM 0
	byID map[string]int
	grid *grid // over locs
}

var datasets struct {
	sync.Mutex
	bySeed map[int64]*lazyDataset
}

type lazyDataset struct {
	once sync.Once
	d    *dataset
}

// datasetFor builds the seed's network on first use; later calls, from any
// Server, get the same one.
func datasetFor(seed int64) *dataset {
	datasets.Lock()
	if datasets.bySeed == nil {
		datasets.bySeed = map[int64]*lazyDataset{}
	}
	l := datasets.bySeed[seed]
	if l == nil {
		l = &lazyDataset{}
		datasets.bySeed[seed] = l
	}
	datasets.Unlock()
	l.once.Do(func() { l.d = indexed(generateLocations(seed)) })
	return l.d
}

func indexed(locs []model.Location) *dataset {
	d := &dataset{locs: locs, byID: make(map[string]int, len(locs)), grid: newGrid(len(locs))}
	for i, l := range locs {
		d.byID[l.LocationID] = i
		d.grid.add(l.Coordinates.Latitude, l.Coordinates.Longitude)
	}
	return d
}

// gazetteer is what the generator reads of model/places: towns (where
// sites go and what their address says), parts of cities (what a site is
// named after) and postal codes (the code of its address).
type gazetteer struct {
	towns     []places.Place
	townGrid  *grid
	districts []places.Place
	distGrid  *grid
	postal    []places.Place
	postGrid  *grid
}

func loadGazetteer() *gazetteer {
	z := &gazetteer{}
	z.towns, z.townGrid = pointsOf(places.Town)
	z.districts, z.distGrid = pointsOf(places.District)
	z.postal, z.postGrid = pointsOf(places.PostalCode)
	return z
}

func pointsOf(k places.Kind) ([]places.Place, *grid) {
	var ps []places.Place
	for p := range places.All(k) {
		ps = append(ps, p)
	}
	g := newGrid(len(ps))
	for _, p := range ps {
		g.add(p.Lat, p.Lng)
	}
	return ps, g
}

func townRadiusKM(population int) float64 {
	return townRadiusBaseKM + townRadiusPerKM*math.Pow(float64(population)/1000, townRadiusExp)
}

// generateLocations builds the seed's network: the flagship, then each
// town's sites in the gazetteer's order, then the docs' two other fixed
// examples. The same seed gives the same locations, in the same order.
func generateLocations(seed int64) []model.Location {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	g := &gen{rng: rng, used: map[string]bool{
		FlagshipLocationID: true, ExampleLocationBerlin: true, ExampleLocationHamburg: true,
	}}
	z := loadGazetteer()
	flag := g.flagship()
	locs := make([]model.Location, 1, len(z.towns)) // about one site per town
	locs[0] = flag
	for _, t := range z.towns {
		expected := float64(t.Population) / peoplePerSite
		n := int(expected)
		if rng.Float64() < expected-float64(n) {
			n++
		}
		for range n {
			lat, lng, ok := g.around(t, flag.Coordinates)
			if ok {
				locs = append(locs, g.site(z, t, lat, lng))
			}
		}
	}
	locs = append(locs, g.example(ExampleLocationBerlin, "Allego Potsdamer Platz", "Potsdamer Platz 1", "10785", "Berlin", 52.5096, 13.3760))
	locs = append(locs, g.example(ExampleLocationHamburg, "Allego Ladehof Billbrook", "Billbrookdeich 210", "22113", "Hamburg", 53.5313, 10.0862))
	return locs
}

// around draws a point near the town's centre, denser towards it (the
// distance uniform up to the town's radius). It is false when the point falls next to
// the flagship.
func (g *gen) around(t places.Place, flagship *model.Coordinates) (lat, lng float64, ok bool) {
	r := townRadiusKM(t.Population) * g.rng.Float64()
	theta := g.rng.Float64() * 2 * math.Pi
	lat = t.Lat + r*math.Cos(theta)/111.32
	lng = t.Lng + r*math.Sin(theta)/(111.32*math.Cos(t.Lat*math.Pi/180))
	lat, lng = round6(lat), round6(lng)
	return lat, lng, model.DistanceKM(lat, lng, flagship.Latitude, flagship.Longitude) >= flagshipClearKM
}

// site draws one location at (lat, lng), generated for town t. Its address
// is where it stands: the town whose area covers the point best (distance
// over that town's radius), the nearest postal code, and the nearest part
// of a city when one is close.
func (g *gen) site(z *gazetteer, t places.Place, lat, lng float64) model.Location {
	city := t
	if i := z.townGrid.best(lat, lng, townRadiusKM(t.Population)+2, func(i int, d float64) float64 {
		return d / townRadiusKM(z.towns[i].Population)
	}); i >= 0 {
		city = z.towns[i]
	}
	place := city.Name
	if i := z.distGrid.best(lat, lng, districtNameKM, func(_ int, d float64) float64 { return d }); i >= 0 {
		place = z.districts[i].Name
	}
	postal := city.PostalCode
	if i := z.postGrid.best(lat, lng, postalCodeKM, func(_ int, d float64) float64 { return d }); i >= 0 {
		postal = z.postal[i].PostalCode
	}
	p := g.pickCPO()
	street := g.pick(streets)
	dc := g.rng.Float64() < p.dcShare
	loc := model.Location{
		LocationID:          g.newID(p.PartyID),
		Name:                g.name(p, dc, place, street),
		CPOName:             p.Name,
		CPOPartyID:          p.PartyID,
		SupportsReservation: g.rng.Float64() >= p.noReserve,
		Address:             street + " " + strconv.Itoa(1+g.rng.IntN(180)),
		City:                city.Name,
		PostalCode:          postal,
		Country:             countryCode,
		Coordinates:         &model.Coordinates{Latitude: lat, Longitude: lng},
	}
	g.equip(&loc, p, dc)
	return loc
}

// equip draws the location's EVSEs and estimated price.
func (g *gen) equip(loc *model.Location, p cpoProfile, dc bool) {
	var n int
	var price float64
	if dc {
		n = 2 + g.rng.IntN(7) // 2..8
		price = g.between(14, 35)
	} else {
		n = 1 + g.rng.IntN(6) // 1..6
		price = g.between(8, 18)
	}
	loc.EVSEs = make([]model.EVSE, 0, n)
	for k := 1; k <= n; k++ {
		e := model.EVSE{EVSEUID: evseUID(loc.LocationID, k), Status: g.evseStatus()}
		if dc {
			e.Connectors = g.dcConnectors(p.PartyID)
		} else {
			e.Connectors = g.acConnectors()
		}
		loc.EVSEs = append(loc.EVSEs, e)
	}
	price = round2(price)
	loc.Pricing = &model.Pricing{EstimatedPrice: &price, Currency: pricingCurrency}
}
