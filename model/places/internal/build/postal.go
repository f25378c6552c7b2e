package build

import "strings"

// addPostal adds an entry for each postal code, named with its main place
// ("60329 Frankfurt am Main") and placed where the postal data puts it.
func (l *loader) addPostal() {
	for _, p := range l.ds.Postal {
		code := l.code[p.Code]
		e := draft{
			name: code, postal: code, district: uint16(p.District), state: uint8(p.State), kind: PostalCode,
		}
		e.lat, e.lng = point(p.At)
		if t, ok := l.mainTown(p.Towns); ok {
			e.name = code + " " + l.ents[t].name
		}
		l.codes = append(l.codes, l.add(e, ""))
		l.towns = append(l.towns, p.Towns)
	}
}

// mainTown is the first of a code's towns, the biggest.
func (l *loader) mainTown(towns []int) (int, bool) {
	if len(towns) == 0 || towns[0] < 0 || towns[0] >= len(l.ds.Towns) {
		return 0, false
	}
	return towns[0], true
}

// addAreas adds an entry for each run of first digits (6, 60, 603, 6032):
// the area of the codes that start so, at the centre of its biggest place,
// so that "603" is Frankfurt am Main.
func (l *loader) addAreas() {
	best := map[string]int{} // prefix → town
	var prefixes []string
	for i, id := range l.codes {
		t, ok := l.mainTown(l.towns[i])
		if !ok {
			continue
		}
		code := l.ents[id].postal
		for n := 1; n < len(code); n++ {
			p := code[:n]
			b, seen := best[p]
			if !seen {
				prefixes = append(prefixes, p)
			}
			if !seen || l.ents[t].weight > l.ents[b].weight {
				best[p] = t
			}
		}
	}
	for _, p := range prefixes {
		t := &l.ents[best[p]]
		name := p + strings.Repeat("x", 5-len(p))
		e := draft{
			name: name + " " + t.name, label: joinLabel(name, appendPart([]string{t.name}, t.name, l.stateName(t.state))),
			postal: p, lat: t.lat, lng: t.lng, district: t.district, state: t.state, kind: PostalArea,
		}
		l.areas[p] = l.add(e, "")
	}
}
