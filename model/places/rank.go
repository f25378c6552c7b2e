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
	var a arena
	a.grow(l.ents)
	ents := make([]entry, len(order))
	for n, old := range order {
		newID[old] = int32(n)
		ents[n] = a.entry(&l.ents[old])
	}
	ix := &index{
		text: a.b.String(), ents: ents, states: clones(l.ds.States), districts: clones(l.ds.Districts),
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

// clones copies strings out of the decoded file, which can then be freed.
func clones(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Clone(s)
	}
	return out
}

// arena writes the entries' strings into one text. An entry's label,
// name and postal code lie together (the name is usually the label's
// start), so making a Place reads one stretch of memory; the qualifier
// words, shared by a district's places, are written once.
type arena struct {
	b    strings.Builder
	ctxs map[string]sharedCtx
}

type sharedCtx struct {
	span
	words wordMask
}

func (a *arena) entry(d *draft) entry {
	e := entry{
		lat: d.lat, lng: d.lng, population: d.population, weight: d.weight,
		district: d.district, state: d.state, kind: d.kind,
	}
	e.label = a.write(d.label)
	if strings.HasPrefix(d.label, d.name) {
		e.name = span{e.label.off, uint16(len(d.name))}
	} else {
		e.name = a.write(d.name)
	}
	e.postal = a.write(d.postal)
	ctx := a.shared(d.ctx)
	e.ctx, e.words = ctx.span, ctx.words.with(d.postal)
	return e
}

// grow makes room for the drafts' strings at once.
func (a *arena) grow(ds []draft) {
	n := 0
	for i := range ds {
		n += len(ds[i].label) + len(ds[i].postal) + len(ds[i].name)
	}
	a.b.Grow(n + n/8)
}

func (a *arena) write(s string) span {
	s = s[:min(len(s), 1<<16-1)]
	sp := span{off: uint32(a.b.Len()), n: uint16(len(s))}
	a.b.WriteString(s)
	return sp
}

func (a *arena) shared(s string) sharedCtx {
	if c, ok := a.ctxs[s]; ok {
		return c
	}
	if a.ctxs == nil {
		a.ctxs = map[string]sharedCtx{}
	}
	c := sharedCtx{a.write(s), maskOf(s)}
	a.ctxs[s] = c
	return c
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
