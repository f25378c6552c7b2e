// Package build makes the place finder's index from the place data: each
// place's entry (name, label, what qualifiers may name, its rank) and the
// keys it is found by, laid out as places.bin (see package wire). The
// generator runs it; the place finder's tests run it on samples.
package build

import (
	"strings"

	"github.com/petitmonde/chargedesk/model/places/internal/norm"
	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// Which of the three key indexes a key goes to.
const (
	primaryKeys = wire.PrimaryKeys
	altKeys     = wire.AltKeys
	innerKeys   = wire.InnerKeys
)

// Kind is an entry's kind, as the file has it (places.Kind).
type Kind = uint8

// The kinds.
const (
	Town       Kind = wire.KindTown
	District   Kind = wire.KindDistrict
	Station    Kind = wire.KindStation
	Locality   Kind = wire.KindLocality
	PostalArea Kind = wire.KindPostalArea
	PostalCode Kind = wire.KindPostalCode
)

// Keyed is a key and the entry it finds.
type Keyed struct {
	Key string
	ID  int32
}

// draft is an entry being built, with its strings.
type draft struct {
	name, label string
	postal      string // PostalCode of the Place
	ctx         string // what qualifiers may name, as keys: district, state, a station's city
	lat, lng    int32  // 1e-5 degrees
	population  uint32
	weight      uint32 // what ranks it among matches of the same quality
	district    uint16
	state       uint8
	kind        Kind
}

// loader turns the place data into a Plan.
type loader struct {
	ds      *wire.Dataset
	ents    []draft
	nameKey []string // each entry's name as a key: ranks ties, finds namesakes
	keys    [wire.NumKeyIndexes][]Keyed
	code    map[int]string // postal code → its text, a slice of codeText
	codes   []int32        // PostalCode entries in code order
	towns   [][]int        // for each of them, the towns it serves
	areas   map[string]int32
}

// FromDataset is the index of the place data, ready to encode.
func FromDataset(ds *wire.Dataset) *Plan {
	n := len(ds.Towns) + len(ds.Stations) + 2*len(ds.Postal) // areas are fewer than codes
	l := &loader{
		ds: ds, code: make(map[int]string, len(ds.Postal)), areas: map[string]int32{},
		ents: make([]draft, 0, n), nameKey: make([]string, 0, n),
	}
	for i := range l.keys {
		l.keys[i] = make([]Keyed, 0, 2*n)
	}
	l.codeTexts()
	l.addTowns()
	l.addStations()
	l.addPostal()
	l.addAreas()
	l.setLabels()
	l.setContexts()
	return l.finish()
}

// codeTexts writes every postal code once, five digits each, so that all
// entries share the strings.
func (l *loader) codeTexts() {
	b := make([]byte, 0, 5*len(l.ds.Postal))
	for _, p := range l.ds.Postal {
		b = appendCode(b, p.Code)
	}
	s := string(b)
	for i, p := range l.ds.Postal {
		l.code[p.Code] = s[5*i : 5*i+5]
	}
}

func appendCode(b []byte, c int) []byte {
	return append(b, byte('0'+c/10000%10), byte('0'+c/1000%10), byte('0'+c/100%10), byte('0'+c/10%10), byte('0'+c%10))
}

func (l *loader) add(e draft, nameKey string) int32 {
	l.ents = append(l.ents, e)
	l.nameKey = append(l.nameKey, nameKey)
	return int32(len(l.ents) - 1)
}

func (l *loader) key(which int, id int32, k string) {
	if k != "" {
		l.keys[which] = append(l.keys[which], Keyed{k, id})
	}
}

// name indexes a name by its key, and its later words as inner keys.
func (l *loader) name(id int32, name string) {
	k := norm.Key(name)
	l.key(primaryKeys, id, k)
	for i := strings.IndexByte(k, ' '); i >= 0; i = nextSpace(k, i) {
		l.key(innerKeys, id, k[i+1:])
	}
}

// townName indexes a town's name and its short form, the way people say
// it ("Frankfurt" for "Frankfurt (Oder)", "Garching" for "Garching bei
// München").
func (l *loader) townName(id int32, name string) {
	l.name(id, name)
	l.name(id, norm.Short(name))
}

func nextSpace(k string, i int) int {
	j := strings.IndexByte(k[i+1:], ' ')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

func point(p wire.Point) (int32, int32) { return p.Lat, p.Lng }

func (l *loader) addTowns() {
	parent := biggestTowns(l.ds.Towns, len(l.ds.Districts))
	for _, t := range l.ds.Towns {
		e := draft{
			name: t.Name, postal: l.code[t.Postal], population: uint32(max(t.Population, 0)),
			district: uint16(t.District), state: uint8(t.State), kind: townKind(t.Feature),
		}
		e.lat, e.lng = point(t.At)
		e.weight = townWeight(e.kind, t.Population, parent[t.District])
		id := l.add(e, norm.Key(t.Name))
		l.townName(id, t.Name)
		for _, n := range t.Names {
			l.townName(id, n)
		}
		for _, a := range t.Alts {
			l.key(altKeys, id, norm.Key(a))
		}
	}
}

func townKind(feature string) Kind {
	switch feature {
	case "":
		return Locality
	case "PPLX":
		return District
	}
	return Town
}

// townWeight ranks a city district well below a town of its size (its
// city is a match too, and "Ham" is more likely Hamm than Hamburg's
// Wandsbek), and far below when GeoNames gives it a population it cannot
// have (Leipzig's Kleinzschocher with all of Leipzig's).
func townWeight(k Kind, population, parent int) uint32 {
	p := uint32(max(population, 0))
	if k != District {
		return p
	}
	if parent > 0 && population > parent/3 {
		return p / 100
	}
	return p / 4
}

// biggestTowns is the population of each district's biggest town.
func biggestTowns(ts []wire.Town, districts int) []int {
	big := make([]int, districts+1)
	for _, t := range ts {
		if townKind(t.Feature) == Town && t.District < len(big) && t.Population > big[t.District] {
			big[t.District] = t.Population
		}
	}
	return big
}

func (l *loader) addStations() {
	for _, s := range l.ds.Stations {
		city := norm.Key(s.City)
		e := draft{
			name: s.Name, postal: l.code[s.Postal], ctx: city, weight: uint32(max(s.Weight, 0)),
			district: uint16(s.District), state: uint8(s.State), kind: Station,
		}
		e.lat, e.lng = point(s.At)
		k := norm.Key(s.Name)
		id := l.add(e, k)
		l.name(id, s.Name)
		l.name(id, norm.WithoutParens(s.Name)) // Frankfurt (Main) Hbf: Frankfurt Hbf
		if first, _, _ := strings.Cut(city, " "); first != "" && !strings.HasPrefix(k, first) {
			l.key(primaryKeys, id, city+" "+k) // Ostkreuz: Berlin Ostkreuz
		}
	}
}
