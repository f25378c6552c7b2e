package build

import (
	"slices"
	"strings"

	"github.com/petitmonde/chargedesk/model/places/internal/norm"
)

// finish renumbers the entries in rank order, the best first, and the
// keys, postal codes and areas with them.
func (l *loader) finish() *Plan {
	order := l.rankOrder()
	newID := make([]int32, len(order))
	p := &Plan{
		Mask: l.ds.Mask, States: l.ds.States, Districts: l.ds.Districts,
		Entries: make([]Entry, len(order)), Areas: make(map[string]int32, len(l.areas)),
	}
	for n, old := range order {
		newID[old] = int32(n)
		d := &l.ents[old]
		p.Entries[n] = Entry{
			Name: d.name, Label: d.label, Postal: d.postal, Ctx: d.ctx, Lat: d.lat, Lng: d.lng,
			Population: d.population, Weight: d.weight, District: d.district, State: d.state, Kind: d.kind,
		}
	}
	for which, ks := range l.keys {
		for i := range ks {
			ks[i].ID = newID[ks[i].ID]
		}
		p.Keys[which] = ks
	}
	for _, id := range l.codes {
		p.Codes = append(p.Codes, newID[id])
	}
	for digits, id := range l.areas {
		p.Areas[digits] = newID[id]
	}
	return p
}

// rankOrder sorts the entries by weight (population, or a station's size),
// then kind, then name.
func (l *loader) rankOrder() []int32 {
	order := make([]int32, len(l.ents))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		ea, eb := &l.ents[a], &l.ents[b]
		switch {
		case ea.weight != eb.weight:
			if ea.weight > eb.weight {
				return -1
			}
			return 1
		case ea.kind != eb.kind:
			return int(ea.kind) - int(eb.kind)
		}
		if c := strings.Compare(l.nameKey[a], l.nameKey[b]); c != 0 {
			return c
		}
		return int(a - b)
	})
	return order
}

// setContexts gives each entry the words a qualifier may use for it: its
// district's and state's, and a station's city. Places of one district
// share one string.
func (l *loader) setContexts() {
	districts, states := keys(l.ds.Districts), stateContext(l.ds.States)
	type place struct {
		district uint16
		state    uint8
	}
	shared := map[place]string{}
	for i := range l.ents {
		e := &l.ents[i]
		p := place{e.district, e.state}
		ctx, ok := shared[p]
		if !ok {
			ctx = at(districts, int(e.district)) + " " + at(states, int(e.state))
			shared[p] = ctx
		}
		if e.kind == Station {
			ctx += " " + e.ctx + " station bahnhof"
		}
		e.ctx = ctx
	}
}

func at(ss []string, i int) string {
	if i < len(ss) {
		return ss[i]
	}
	return ""
}

func keys(names []string) []string {
	ks := make([]string, len(names))
	for i, n := range names {
		ks[i] = norm.Key(n)
	}
	return ks
}

// stateNames are other names people give the states, for qualifiers such
// as "Neustadt NRW" or "Halle Saxony-Anhalt".
var stateNames = map[string]string{
	"Baden-Württemberg": "bw", "Bayern": "bavaria", "Hessen": "hesse",
	"Niedersachsen": "nds lower saxony", "Nordrhein-Westfalen": "nrw north rhine westphalia",
	"Rheinland-Pfalz": "rlp rhineland palatinate", "Mecklenburg-Vorpommern": "mv",
	"Sachsen": "saxony", "Sachsen-Anhalt": "saxony anhalt", "Thüringen": "thuringia",
}

func stateContext(states []string) []string {
	ks := keys(states)
	for i, s := range states {
		if more := stateNames[s]; more != "" {
			ks[i] += " " + more
		}
	}
	return ks
}
