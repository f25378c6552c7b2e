package build

import (
	"slices"
	"strings"

	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// Plan is the index before it is laid out: every entry with its strings,
// and the keys that find them.
type Plan struct {
	Mask      wire.Mask
	States    []string // what Entry.State indexes
	Districts []string // what Entry.District indexes
	// Entries are in rank order: a smaller id is a better place.
	Entries []Entry
	Keys    [wire.NumKeyIndexes][]Keyed
	Codes   []int32          // the PostalCode entries in code order
	Areas   map[string]int32 // first digits → PostalArea entry
}

// Entry is a place with its strings.
type Entry struct {
	Name, Label string
	Postal      string // the code, the area's digits, or a town's or station's code
	Ctx         string // what qualifiers may name, as keys: district, state, a station's city
	Lat, Lng    int32  // 1e-5 degrees
	Population  uint32
	Weight      uint32 // what ranks it among matches of the same quality
	District    uint16
	State       uint8
	Kind        Kind
}

// Sample is every k-th entry of the plan, with the keys, codes and areas
// of those it keeps: an index of the same shape at a k-th of the size, for
// the benchmarks that compare the two.
func (p *Plan) Sample(k int) *Plan {
	out := &Plan{Mask: p.Mask, States: p.States, Districts: p.Districts, Areas: map[string]int32{}}
	newID := make([]int32, len(p.Entries))
	for i, e := range p.Entries {
		newID[i] = -1
		if i%k == 0 {
			newID[i] = int32(len(out.Entries))
			out.Entries = append(out.Entries, e)
		}
	}
	for which, ks := range p.Keys {
		for _, kd := range ks {
			if id := newID[kd.ID]; id >= 0 {
				out.Keys[which] = append(out.Keys[which], Keyed{kd.Key, id})
			}
		}
	}
	for _, id := range p.Codes {
		if id := newID[id]; id >= 0 {
			out.Codes = append(out.Codes, id)
		}
	}
	for digits, id := range p.Areas {
		if id := newID[id]; id >= 0 {
			out.Areas[digits] = id
		}
	}
	return out
}

// Encode lays the plan out as a places file.
func (p *Plan) Encode() []byte {
	var w wire.Writer
	w.Set(wire.SecMask, wire.EncodeMask(&p.Mask))
	w.Set(wire.SecStates, wire.Strings(p.States))
	w.Set(wire.SecDistricts, wire.Strings(p.Districts))
	var a arena
	a.grow(p.Entries)
	ents := make([]byte, 0, len(p.Entries)*wire.EntrySize)
	for i := range p.Entries {
		e := a.entry(&p.Entries[i])
		ents = wire.AppendEntry(ents, &e)
	}
	w.Set(wire.SecText, []byte(a.b.String()))
	w.Set(wire.SecEntries, ents)
	w.Set(wire.SecCodes, wire.U32s(p.Codes))
	type area struct{ key, id uint32 }
	var areas []area
	for digits, id := range p.Areas {
		if k, ok := wire.AreaKey(digits); ok {
			areas = append(areas, area{k, uint32(id)})
		}
	}
	slices.SortFunc(areas, func(a, b area) int { return int(a.key) - int(b.key) })
	keys, ids := make([]uint32, len(areas)), make([]uint32, len(areas))
	for i, ar := range areas {
		keys[i], ids[i] = ar.key, ar.id
	}
	w.Set(wire.SecAreaKeys, wire.U32s(keys))
	w.Set(wire.SecAreaIDs, wire.U32s(ids))
	for which, ks := range p.Keys {
		newKeyIndex(slices.Clone(ks)).encode(&w, which)
	}
	return w.Bytes()
}

// arena writes the entries' strings into one text. An entry's label,
// name and postal code lie together (the name is usually the label's
// start), so making a Place reads one stretch of the file; the qualifier
// words, shared by a district's places, are written once.
type arena struct {
	b    strings.Builder
	ctxs map[string]sharedCtx
}

type sharedCtx struct {
	wire.Span
	words wire.WordMask
}

func (a *arena) entry(d *Entry) wire.Entry {
	e := wire.Entry{
		Lat: d.Lat, Lng: d.Lng, Population: d.Population, Weight: d.Weight,
		District: d.District, State: d.State, Kind: d.Kind,
	}
	e.Label = a.write(d.Label)
	if strings.HasPrefix(d.Label, d.Name) {
		e.Name = wire.Span{Off: e.Label.Off, N: uint16(len(d.Name))}
	} else {
		e.Name = a.write(d.Name)
	}
	e.Postal = a.write(d.Postal[:min(len(d.Postal), 255)])
	ctx := a.shared(d.Ctx)
	e.Ctx, e.Words = ctx.Span, ctx.words.With(d.Postal)
	return e
}

// grow makes room for the entries' strings at once.
func (a *arena) grow(es []Entry) {
	n := 0
	for i := range es {
		n += len(es[i].Label) + len(es[i].Postal) + len(es[i].Name)
	}
	a.b.Grow(n + n/8)
}

func (a *arena) write(s string) wire.Span {
	s = s[:min(len(s), 1<<16-1)]
	sp := wire.Span{Off: uint32(a.b.Len()), N: uint16(len(s))}
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

// maskOf sketches the words of s: each word's starts of one to three bytes.
func maskOf(s string) wire.WordMask {
	var m wire.WordMask
	for _, w := range strings.Fields(s) {
		m = m.With(w)
	}
	return m
}
