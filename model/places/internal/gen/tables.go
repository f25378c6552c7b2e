package main

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/petitmonde/chargedesk/model/places/internal/norm"
	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// districtTable names the districts (Landkreise and kreisfreie Städte) by
// the postal data's community codes, which are GeoNames' admin3 codes.
type districtTable struct {
	names []string
	index map[string]int // community code → names index
}

func newDistrictTable(rows []postalRow) *districtTable {
	counts := map[string]map[string]int{}
	for _, r := range rows {
		if counts[r.commCode] == nil {
			counts[r.commCode] = map[string]int{}
		}
		counts[r.commCode][r.community]++
	}
	codes := make([]string, 0, len(counts))
	for c := range counts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	raw := make([]string, len(codes))
	for i, c := range codes {
		raw[i] = mostCommon(counts[c])
	}
	t := &districtTable{index: map[string]int{}}
	t.names = districtNames(raw)
	for i, c := range codes {
		t.index[c] = i
	}
	return t
}

func mostCommon(m map[string]int) string {
	best, n := "", -1
	for s, c := range m {
		if c > n || (c == n && s < best) {
			best, n = s, c
		}
	}
	return best
}

// districtNames shortens the postal data's district names to what people
// say: "Frankfurt am Main, Stadt" and "Kreisfreie Stadt München" are the
// cities, "Landkreis Waldeck-Frankenberg" is Waldeck-Frankenberg — but
// "Landkreis München" stays, as it is not the city of München.
func districtNames(raw []string) []string {
	cities := map[string]bool{}
	out := make([]string, len(raw))
	for i, r := range raw {
		name, _, _ := strings.Cut(r, ", ")
		for _, p := range []string{"Kreisfreie Stadt ", "Stadtkreis ", "Landeshauptstadt ", "Regionalverband ", "Städteregion ", "Region "} {
			name = strings.TrimPrefix(name, p)
		}
		out[i] = name
		if !strings.HasPrefix(name, "Landkreis ") && !strings.HasPrefix(name, "Kreis ") {
			cities[name] = true
		}
	}
	for i, name := range out {
		for _, p := range []string{"Landkreis ", "Kreis "} {
			if short, ok := strings.CutPrefix(name, p); ok && !cities[short] {
				out[i] = short
			}
		}
	}
	return out
}

// sortedTowns orders the towns by district and name, so that consecutive
// coordinates are close and their steps small, and renumbers the postal
// rows' references.
func (b *builder) sortedTowns() []wire.Town {
	sort.SliceStable(b.towns, func(i, j int) bool {
		ti, tj := b.towns[i], b.towns[j]
		if ti.District != tj.District {
			return ti.District < tj.District
		}
		return ti.Name < tj.Name
	})
	out := make([]wire.Town, len(b.towns))
	for i, t := range b.towns {
		out[i] = t.Town
	}
	return out
}

// postalCodes gathers the rows by code: the places a code serves, the
// biggest first, whose row gives the code's position.
func (b *builder) postalCodes() []wire.Postal {
	type use struct{ town, row int }
	byCode := map[int][]use{}
	for ti, t := range b.towns {
		for _, ri := range t.rows {
			byCode[b.rows[ri].code] = append(byCode[b.rows[ri].code], use{ti, ri})
		}
	}
	codes := make([]int, 0, len(byCode))
	for c := range byCode {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	out := make([]wire.Postal, 0, len(codes))
	for _, c := range codes {
		uses := byCode[c]
		sort.Slice(uses, func(i, j int) bool {
			ti, tj := b.towns[uses[i].town], b.towns[uses[j].town]
			if ti.Population != tj.Population {
				return ti.Population > tj.Population
			}
			return uses[i].row < uses[j].row
		})
		var towns []int
		for _, u := range uses {
			towns = appendNew(towns, u.town)
		}
		r := b.rows[uses[0].row]
		out = append(out, wire.Postal{
			Code: c, Towns: towns, State: b.state[r.state],
			District: b.districts.index[r.commCode], At: r.at,
		})
	}
	return out
}

func appendNew(ss []int, s int) []int {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}

// stations places each station in a state and district: its address's
// postal code's, or the nearest town's.
func (b *builder) stations(src []station, ds *wire.Dataset) []wire.Station {
	codes := map[int]int{}
	for i, p := range ds.Postal {
		codes[p.Code] = i
	}
	out := make([]wire.Station, 0, len(src))
	for _, s := range src {
		at := wire.Point{
			Lat: int32(math.Round(s.Location.Latitude * 1e5)),
			Lng: int32(math.Round(s.Location.Longitude * 1e5)),
		}
		st := wire.Station{Name: strings.TrimSpace(s.Name), City: strings.TrimSpace(s.Address.City), Postal: -1, At: at}
		if s.Weight != nil {
			st.Weight = int(math.Round(*s.Weight * 10))
		}
		code, err := strconv.Atoi(s.Address.Zipcode)
		if pi, ok := codes[code]; ok && err == nil {
			st.Postal, st.State, st.District = code, ds.Postal[pi].State, ds.Postal[pi].District
		} else {
			t := nearestTown(ds.Towns, at)
			st.State, st.District = t.State, t.District
		}
		out = append(out, st)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].District != out[j].District {
			return out[i].District < out[j].District
		}
		return norm.Key(out[i].Name) < norm.Key(out[j].Name)
	})
	return out
}

func nearestTown(ts []wire.Town, at wire.Point) wire.Town {
	best, bestD := 0, int64(-1)
	for i, t := range ts {
		if d := dist2(t.At, at); bestD < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	return ts[best]
}
