package places

import (
	"slices"
	"strings"

	"github.com/petitmonde/chargedesk/model/places/internal/norm"
)

// finish renumbers the entries in rank order, the best first, and builds
// the key indexes over the new numbers.
func (l *loader) finish() *index {
	order := l.rankOrder()
	newID := make([]int32, len(order))
	ents := make([]entry, len(order))
	for n, old := range order {
		newID[old] = int32(n)
		ents[n] = l.ents[old]
	}
	ix := &index{
		ents: ents, states: l.ds.States, districts: l.ds.Districts,
		stateCtx: stateContext(l.ds.States), districtCtx: keys(l.ds.Districts),
		areas: make(map[string]int32, len(l.areas)),
	}
	var kx [3]*keyIndex
	for which, ks := range l.keys {
		for i := range ks {
			ks[i].id = newID[ks[i].id]
		}
		kx[which] = newKeyIndex(ks)
	}
	ix.primary, ix.alt, ix.inner = kx[primaryKeys], kx[altKeys], kx[innerKeys]
	for _, id := range l.codes {
		ix.codes = append(ix.codes, newID[id])
	}
	for p, id := range l.areas {
		ix.areas[p] = newID[id]
	}
	return ix
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
