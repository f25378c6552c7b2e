package build

import (
	"strconv"
	"strings"

	"github.com/petitmonde/chargedesk/model/places/internal/norm"
)

// setLabels writes each entry's label: its name, then as much as tells it
// apart. A town's state always, its district when another place goes by
// its name (its own or short: "Herxheim" is also Herxheim am Berg), and
// its postal code when even the district is shared.
func (l *loader) setLabels() {
	namesakes := l.namesakes()
	type inDistrict struct {
		key      string
		district uint16
	}
	sameDistrict := map[inDistrict]int{}
	for i, e := range l.ents {
		if isTown(e.kind) {
			sameDistrict[inDistrict{l.nameKey[i], e.district}]++
		}
	}
	station := 0
	for i := range l.ents {
		e := &l.ents[i]
		switch e.kind {
		case Town, District, Locality:
			k := l.nameKey[i]
			e.label = l.townLabel(e, namesakes[k] > 1, sameDistrict[inDistrict{k, e.district}] > 1)
		case Station:
			e.label = l.stationLabel(e, l.ds.Stations[station].City)
			station++
		case PostalCode:
			e.label = l.postalLabel(e, l.towns[i-int(l.codes[0])])
		}
	}
}

// namesakes counts, for each primary key, the towns, districts and
// localities that have it.
func (l *loader) namesakes() map[string]int {
	n := map[string]int{}
	last := map[string]int32{}
	for _, k := range l.keys[primaryKeys] {
		if !isTown(l.ents[k.ID].kind) {
			continue
		}
		if prev, ok := last[k.Key]; !ok || prev != k.ID {
			n[k.Key]++
			last[k.Key] = k.ID
		}
	}
	return n
}

func isTown(k Kind) bool { return k == Town || k == District || k == Locality }

// townLabel: "Aschheim · Bayern", "Sachsenhausen · Waldeck-Frankenberg,
// Hessen"; a city's district always names its city ("Altona · Hamburg"),
// a locality its district.
func (l *loader) townLabel(e *draft, namesakes, sameDistrict bool) string {
	var parts []string
	if d := l.districtName(e.district); namesakes || e.kind != Town {
		parts = appendPart(parts, e.name, d)
	}
	parts = appendPart(parts, e.name, l.stateName(e.state))
	if sameDistrict {
		parts = appendPart(parts, e.name, e.postal)
	}
	return joinLabel(e.name, parts)
}

// stationLabel: "Frankfurt (Main) Hbf · station, Hessen"; the city too
// when the name does not start with it ("Ostkreuz · station, Berlin").
func (l *loader) stationLabel(e *draft, city string) string {
	parts := []string{"station"}
	if first, _, _ := strings.Cut(e.ctx, " "); first != "" && !strings.HasPrefix(norm.Key(e.name), first) {
		parts = appendPart(parts, e.name, city)
	}
	parts = appendPart(parts, e.name, l.stateName(e.state))
	return joinLabel(e.name, parts)
}

// postalLabel: "60329 · Frankfurt am Main, Hessen", or with several places
// "99439 · Berlstedt and 16 more, Thüringen".
func (l *loader) postalLabel(e *draft, towns []int) string {
	var parts []string
	if t, ok := l.mainTown(towns); ok {
		place := l.ents[t].name
		if len(towns) > 1 {
			place += " and " + strconv.Itoa(len(towns)-1) + " more"
		}
		parts = append(parts, place)
	}
	parts = appendPart(parts, "", l.stateName(e.state))
	return joinLabel(e.postal, parts)
}

// appendPart adds a part unless it is empty or already said.
func appendPart(parts []string, name, part string) []string {
	if part == "" || part == name {
		return parts
	}
	for _, p := range parts {
		if p == part {
			return parts
		}
	}
	return append(parts, part)
}

func joinLabel(name string, parts []string) string {
	if len(parts) == 0 {
		return name
	}
	return name + " · " + strings.Join(parts, ", ")
}

func (l *loader) stateName(i uint8) string {
	if int(i) < len(l.ds.States) {
		return l.ds.States[i]
	}
	return ""
}

func (l *loader) districtName(i uint16) string {
	if int(i) < len(l.ds.Districts) {
		return l.ds.Districts[i]
	}
	return ""
}
