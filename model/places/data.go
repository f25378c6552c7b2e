package places

import (
	_ "embed"
	"sync"
	"sync/atomic"

	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// file is the generated data (doc.go says how it is made).
//
//go:embed places.bin
var file []byte

var (
	loadOnce sync.Once
	loaded   *index
	ready    atomic.Bool // loaded is set
)

// data is the index, decoded and built on the first call, so that a
// program that never looks a place up never pays for it. A broken file
// (which the tests rule out) gives an empty index.
func data() *index {
	loadOnce.Do(func() {
		ds, err := wire.Decode(file)
		if err != nil {
			ds = &wire.Dataset{}
		}
		loaded = build(ds)
		ready.Store(true)
	})
	return loaded
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

// entry is a draft as the index keeps it: its strings are spans of one
// text, so entries hold no pointers and the garbage collector never scans
// them — the index costs a program's collections next to nothing.
type entry struct {
	name, label, postal, ctx span
	words                    wordMask // the word starts of ctx and postal
	lat, lng                 int32
	population, weight       uint32
	district                 uint16
	state                    uint8
	kind                     Kind
}

// span is a string as a slice of index.text.
type span struct {
	off uint32
	n   uint16
}

// index is everything a lookup needs.
type index struct {
	text      string  // the entries' strings
	ents      []entry // in rank order: a smaller id is a better place
	states    []string
	districts []string
	primary   *keyIndex        // names, their short forms, station names
	alt       *keyIndex        // alternate names (exonyms, old names)
	inner     *keyIndex        // the later words of primary keys ("augustin")
	codes     []int32          // the PostalCode entries in code order
	areas     map[string]int32 // first digits → PostalArea entry
}

func (ix *index) place(id int32) Place {
	var p Place
	ix.fill(&p, id)
	return p
}

// fill writes an entry's Place in place: a suggestion list is filled on
// every key press, so this avoids copying each Place twice.
func (ix *index) fill(p *Place, id int32) {
	e := &ix.ents[id]
	p.Name, p.Label, p.Kind = ix.str(e.name), ix.str(e.label), e.kind
	p.Lat, p.Lng = float64(e.lat)/1e5, float64(e.lng)/1e5
	p.Population, p.PostalCode = int(e.population), ix.str(e.postal)
	if int(e.state) < len(ix.states) {
		p.State = ix.states[e.state]
	}
	if int(e.district) < len(ix.districts) {
		p.District = ix.districts[e.district]
	}
}

func (ix *index) str(s span) string { return ix.text[s.off : s.off+uint32(s.n)] }

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
