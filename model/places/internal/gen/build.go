package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/petitmonde/chargedesk/model/places/internal/norm"
	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// states are the German states in the order of GeoNames' admin1 codes
// ("01" is Baden-Württemberg); the postal data names them the same way.
var states = []string{
	"Baden-Württemberg", "Bayern", "Bremen", "Hamburg", "Hessen", "Niedersachsen",
	"Nordrhein-Westfalen", "Rheinland-Pfalz", "Saarland", "Schleswig-Holstein",
	"Brandenburg", "Mecklenburg-Vorpommern", "Sachsen", "Sachsen-Anhalt",
	"Thüringen", "Berlin",
}

// town is a place being built: a GeoNames place or a postal-only locality.
type town struct {
	wire.Town
	comm     string         // its district's community code
	spelling map[string]int // the postal data's names for it, with their row counts
	rows     []int          // its postal rows
}

type builder struct {
	state     map[string]int // state name → index
	districts *districtTable
	rows      []postalRow
	towns     []*town
}

func build(dir string) (*wire.Dataset, error) {
	cities, err := readCities(dir)
	if err != nil {
		return nil, err
	}
	rows, orgs, err := readPostal(dir)
	if err != nil {
		return nil, err
	}
	stations, err := readStations(dir)
	if err != nil {
		return nil, err
	}
	b := &builder{state: map[string]int{}, rows: rows, districts: newDistrictTable(rows)}
	for i, s := range states {
		b.state[s] = i
	}
	if err := b.addCities(cities); err != nil {
		return nil, err
	}
	localities := b.matchPostal()
	fmt.Fprintf(os.Stderr, "gen: %d places, %d postal rows (%d organisation rows left out), %d localities only in the postal data\n",
		len(cities), len(rows), orgs, localities)
	b.finishTowns()
	ds := &wire.Dataset{States: states, Districts: b.districts.names}
	ds.Towns = b.sortedTowns()
	ds.Postal = b.postalCodes()
	ds.Stations = b.stations(stations, ds)
	ds.Mask = buildMask(ds)
	return ds, nil
}

func (b *builder) addCities(cities []city) error {
	for _, c := range cities {
		st, err := strconv.Atoi(c.admin1)
		if err != nil || st < 1 || st > len(states) {
			return fmt.Errorf("%s: unknown state code %q", c.name, c.admin1)
		}
		comm := c.admin3
		if _, ok := b.districts.index[comm]; !ok {
			comm = b.rows[b.nearestRow(c.at)].commCode
		}
		t := &town{comm: comm, spelling: map[string]int{}}
		t.Town = wire.Town{
			Name: c.name, Names: []string{c.ascii}, Alts: c.alts, Feature: c.feature,
			State: st - 1, District: b.districts.index[comm], Population: c.population,
			Postal: -1, At: c.at,
		}
		b.towns = append(b.towns, t)
	}
	return nil
}

func (b *builder) nearestRow(p wire.Point) int {
	best, bestD := 0, int64(-1)
	for i, r := range b.rows {
		if d := dist2(p, r.at); bestD < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// dist2 is a squared distance in (1e-5 degree)², with longitude shrunk to
// its length at German latitudes: enough to compare distances.
func dist2(a, b wire.Point) int64 {
	dy := int64(a.Lat - b.Lat)
	dx := int64(a.Lng-b.Lng) * 2 / 3
	return dx*dx + dy*dy
}

// candidate is a town a postal place name may mean, and how well the name
// fits it: 0 its name, 1 its name without the qualifier, 2 an alternate.
type candidate struct {
	town, fit int
}

// matchPostal gives each postal row its town: one of the same district with
// that name, or else one of that name nearby, or else a new locality. It
// returns how many localities it made.
func (b *builder) matchPostal() int {
	byComm := map[string]map[string][]candidate{}
	byKey := map[string][]int{}
	for i, t := range b.towns {
		m := byComm[t.comm]
		if m == nil {
			m = map[string][]candidate{}
			byComm[t.comm] = m
		}
		for _, k := range townKeys(t) {
			m[k.key] = append(m[k.key], candidate{i, k.fit})
			if k.fit == 0 {
				byKey[k.key] = append(byKey[k.key], i)
			}
		}
	}
	localities := map[string]int{}
	for ri, r := range b.rows {
		ti := b.pickTown(byComm[r.commCode], byKey, r)
		if ti < 0 {
			id := r.commCode + "|" + norm.Key(r.place)
			var ok bool
			if ti, ok = localities[id]; !ok {
				ti = b.addLocality(r)
				localities[id] = ti
			}
		}
		t := b.towns[ti]
		t.rows = append(t.rows, ri)
		t.spelling[r.place]++
	}
	return len(localities)
}

type townKey struct {
	key string
	fit int
}

// townKeys are the keys a postal place name may match a town by.
func townKeys(t *town) []townKey {
	var ks []townKey
	add := func(name string, fit int) {
		if k := norm.Key(name); k != "" {
			ks = append(ks, townKey{k, fit})
		}
	}
	add(t.Name, 0)
	for _, n := range t.Names {
		add(n, 0)
	}
	add(norm.Short(t.Name), 1)
	for _, a := range t.Alts {
		add(a, 2)
	}
	return ks
}

// nearbyKM is how far a postal place may be from a town of the same name in
// another district and still be that town (district keys of the two data
// sets disagree at times).
const nearbyKM = 8

func (b *builder) pickTown(m map[string][]candidate, byKey map[string][]int, r postalRow) int {
	k := norm.Key(r.place)
	cands := m[k]
	if short := norm.Short(r.place); len(cands) == 0 && short != "" {
		cands = m[norm.Key(short)]
	}
	best := -1
	for j, c := range cands {
		if best < 0 || b.better(c, cands[best], r.at) {
			best = j
		}
	}
	if best >= 0 {
		return cands[best].town
	}
	near := int64(nearbyKM * 900) // ≈ km in 1e-5 degrees of latitude
	for _, ti := range byKey[k] {
		if dist2(b.towns[ti].At, r.at) < near*near {
			return ti
		}
	}
	return -1
}

// better prefers the closer fit, then a town over a city district, then the
// bigger place, then the nearer one.
func (b *builder) better(c, than candidate, at wire.Point) bool {
	if c.fit != than.fit {
		return c.fit < than.fit
	}
	tc, tt := b.towns[c.town], b.towns[than.town]
	if (tc.Feature == "PPLX") != (tt.Feature == "PPLX") {
		return tt.Feature == "PPLX"
	}
	if tc.Population != tt.Population {
		return tc.Population > tt.Population
	}
	return dist2(tc.At, at) < dist2(tt.At, at)
}

func (b *builder) addLocality(r postalRow) int {
	t := &town{comm: r.commCode, spelling: map[string]int{}}
	t.Town = wire.Town{
		Name: r.place, State: b.state[r.state], District: b.districts.index[r.commCode],
		Postal: -1, At: r.at,
	}
	b.towns = append(b.towns, t)
	return len(b.towns) - 1
}

// finishTowns settles each town's shown name, its other names and
// alternates, and its postal code.
func (b *builder) finishTowns() {
	byComm := map[string][]int{}
	for i, r := range b.rows {
		byComm[r.commCode] = append(byComm[r.commCode], i)
	}
	for _, t := range b.towns {
		geoName := t.Name
		t.Name = displayName(t)
		names := append([]string{geoName}, t.Names...)
		names = append(names, sortedSpellings(t.spelling)...)
		seen := map[string]bool{norm.Key(t.Name): true}
		t.Names = distinctKeys(names, seen)
		t.Alts = distinctKeys(filter(t.Alts, func(a string) bool { return usefulAlt(t, a) }), seen)
		t.Postal = b.nearestCode(t, byComm)
	}
}

// displayName is the name to show: GeoNames' own, unless the postal data
// has a more precise German one that GeoNames knows too — München for
// GeoNames' "Munich", Freiburg im Breisgau for "Freiburg", Meißen for
// "Meissen".
func displayName(t *town) string {
	if t.Feature == "" {
		return t.Name
	}
	alts := map[string]bool{}
	for _, a := range t.Alts {
		alts[a] = true
	}
	gk := norm.Key(t.Name)
	best, bestRows := t.Name, 0
	for _, p := range sortedSpellings(t.spelling) {
		pk := norm.Key(p)
		known := alts[p] || pk == gk
		finer := len(pk) > len(gk) || (pk == gk && !isASCII(p) && isASCII(t.Name))
		if known && finer && t.spelling[p] > bestRows {
			best, bestRows = p, t.spelling[p]
		}
	}
	return best
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func sortedSpellings(m map[string]int) []string {
	ss := make([]string, 0, len(m))
	for s := range m {
		ss = append(ss, s)
	}
	sort.Strings(ss)
	return ss
}

// distinctKeys keeps the names whose key is new, in order, and adds their
// keys to seen.
func distinctKeys(names []string, seen map[string]bool) []string {
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		k := norm.Key(n)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, n)
	}
	return out
}

func filter(ss []string, keep func(string) bool) []string {
	var out []string
	for _, s := range ss {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// exonymPopulation is the size from which a place's names in other
// languages are kept: people say Munich, Cologne and Nuremberg, but nobody
// names a village by its Russian transliteration.
const exonymPopulation = 10000

// usefulAlt says whether to match an alternate name: in Latin script, and
// for a small place only a variant that shares a word with its name
// ("Neustadt am Rbge", "Halle (Westf.)", "Berlin-Pankow").
func usefulAlt(t *town, alt string) bool {
	if !latinAlt(alt) {
		return false
	}
	if t.Population >= exonymPopulation {
		return true
	}
	words := map[string]bool{}
	for _, w := range strings.Fields(norm.Key(t.Name)) {
		words[w] = true
	}
	for _, w := range strings.Fields(norm.Key(alt)) {
		if words[w] {
			return true
		}
	}
	return false
}

// nearestCode is the code of the town's postal row nearest its centre; for
// a town without rows of its own (a city district), of the nearest row in
// its district.
func (b *builder) nearestCode(t *town, byComm map[string][]int) int {
	rows := t.rows
	if len(rows) == 0 {
		rows = byComm[t.comm]
	}
	code, bestD := -1, int64(-1)
	for _, ri := range rows {
		r := b.rows[ri]
		if d := dist2(t.At, r.at); bestD < 0 || d < bestD || (d == bestD && r.code < code) {
			code, bestD = r.code, d
		}
	}
	return code
}
