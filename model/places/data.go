package places

import (
	_ "embed"
	"slices"
	"sync"

	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// file is the generated index (doc.go says how it is made). It is searched
// where it lies in the program's read-only data: nothing is decoded or
// copied, so a lookup costs the few pages of the file it reads, and a
// program that never looks a place up pays nothing.
//
//go:embed places.bin
var file string

var (
	openOnce sync.Once
	opened   *index
)

// data is the index over the embedded file. A broken file (which the
// tests rule out) gives an empty index.
func data() *index {
	openOnce.Do(func() { opened = open(file) })
	return opened
}

// open reads a file's table of sections; an unreadable file is an empty
// index.
func open(file string) *index {
	f, err := wire.Open(file)
	if err != nil {
		return &index{}
	}
	return indexOf(f)
}

// indexOf is the index over an opened file.
func indexOf(f *wire.File) *index {
	ix := &index{
		text: f.Section(wire.SecText), ents: f.Entries(),
		states: stringTable(f.Section(wire.SecStates)), districts: stringTable(f.Section(wire.SecDistricts)),
		codes: f.U32s(wire.SecCodes), areaKeys: f.U32s(wire.SecAreaKeys), areaIDs: f.U32s(wire.SecAreaIDs),
	}
	ix.primary = keysOf(f, wire.PrimaryKeys)
	ix.alt = keysOf(f, wire.AltKeys)
	ix.inner = keysOf(f, wire.InnerKeys)
	return ix
}

// entry is an entry's record, read from the file.
type entry = wire.Entry

// index is the file's sections, as the search reads them.
type index struct {
	text      string   // the entries' strings
	ents      []entry  // in rank order: a smaller id is a better place
	states    []string // what an entry's state and district index (slices of the file)
	districts []string
	primary   keyIndex // names, their short forms, station names
	alt       keyIndex // alternate names (exonyms, old names)
	inner     keyIndex // the later words of primary keys ("augustin")
	codes     []uint32 // the PostalCode entries in code order
	areaKeys  []uint32 // wire.AreaKey of each postal area, ascending
	areaIDs   []uint32 // its entry
}

// size is how many entries there are.
func (ix *index) size() int { return len(ix.ents) }

// ent reads entry id.
func (ix *index) ent(id int32) *entry { return &ix.ents[id] }

func (ix *index) place(id int32) Place {
	var p Place
	ix.fill(&p, id)
	return p
}

// fill writes an entry's Place in place: a suggestion list is filled on
// every key press, so this avoids copying each Place twice. Its strings
// are slices of the file.
func (ix *index) fill(p *Place, id int32) {
	e := ix.ent(id)
	p.Name, p.Label, p.Kind = ix.str(e.Name), ix.str(e.Label), Kind(e.Kind)
	p.Lat, p.Lng = float64(e.Lat)/1e5, float64(e.Lng)/1e5
	p.Population, p.PostalCode = int(e.Population), ix.str(e.Postal)
	p.State, p.District = "", ""
	if int(e.State) < len(ix.states) {
		p.State = ix.states[e.State]
	}
	if int(e.District) < len(ix.districts) {
		p.District = ix.districts[e.District]
	}
}

// stringTable reads a string table: the names of the states and districts,
// a few hundred, kept at hand because every Place names its own.
func stringTable(table string) []string {
	out := make([]string, wire.StringCount(table))
	for i := range out {
		out[i] = wire.StringAt(table, i)
	}
	return out
}

func (ix *index) str(s wire.Span) string { return ix.text[s.Off : s.Off+uint32(s.N)] }

func (ix *index) places(hs []hit) []Place {
	if len(hs) == 0 {
		return nil
	}
	ps := make([]Place, len(hs))
	for i, h := range hs {
		ix.fill(&ps[i], h.id)
	}
	return ps
}

// code is the i-th PostalCode entry in code order.
func (ix *index) code(i int) int32 { return int32(ix.codes[i]) }

// area is the PostalArea entry of the first digits of postal codes.
func (ix *index) area(digits string) (int32, bool) {
	k, ok := wire.AreaKey(digits)
	if !ok {
		return 0, false
	}
	i, ok := slices.BinarySearch(ix.areaKeys, k)
	if !ok {
		return 0, false
	}
	return int32(ix.areaIDs[i]), true
}
