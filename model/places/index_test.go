package places

import (
	"reflect"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/petitmonde/chargedesk/model/places/internal/build"
	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// planOf reads an index back into the plan it was made from.
func planOf(ix *index) *build.Plan {
	p := &build.Plan{Areas: map[string]int32{}}
	if f, err := wire.Open(file); err == nil && ix == data() {
		if m, err := wire.ViewMask(f.Section(wire.SecMask)); err == nil {
			p.Mask = wire.Mask{Origin: m.Origin, Cell: m.Cell, Rows: m.Rows, Cols: m.Cols, Bits: []byte(m.Bits)}
		}
	}
	p.States = append(p.States, ix.states...)
	p.Districts = append(p.Districts, ix.districts...)
	for id := range int32(ix.size()) {
		e := ix.ent(id)
		p.Entries = append(p.Entries, build.Entry{
			Name: ix.str(e.Name), Label: ix.str(e.Label), Postal: ix.str(e.Postal), Ctx: ix.str(e.Ctx),
			Lat: e.Lat, Lng: e.Lng, Population: e.Population, Weight: e.Weight,
			District: e.District, State: e.State, Kind: e.Kind,
		})
	}
	for which, x := range []*keyIndex{&ix.primary, &ix.alt, &ix.inner} {
		for i := range x.size() {
			p.Keys[which] = append(p.Keys[which], build.Keyed{Key: x.key(i), ID: x.id(i)})
		}
	}
	for i := range ix.codes {
		p.Codes = append(p.Codes, ix.code(i))
	}
	for i, k := range ix.areaKeys {
		p.Areas[wire.AreaDigits(k)] = int32(ix.areaIDs[i])
	}
	return p
}

// The embedded file is whole: every span, id and key in bounds and in
// order (what a lookup trusts without checking), and it holds the places
// it should.
func TestEmbeddedFileIsWhole(t *testing.T) {
	if err := wire.Check(file); err != nil {
		t.Fatal(err)
	}
	ix := data()
	kinds := map[Kind]int{}
	for id := range int32(ix.size()) {
		kinds[Kind(ix.ent(id).Kind)]++
	}
	if kinds[Town]+kinds[District] < 11000 || kinds[PostalCode] < 8000 || kinds[Station] < 5000 || len(ix.states) != 16 {
		t.Errorf("data: %v, %d states", kinds, len(ix.states))
	}
}

// The file is exactly what the index it holds encodes to: reading it
// back loses nothing (and the benchmarks' samples are made that way).
func TestFileRoundTrips(t *testing.T) {
	if got := string(planOf(data()).Encode()); got != file {
		t.Fatalf("the file read back and encoded again differs (%d bytes, want %d)", len(got), len(file))
	}
}

// Opening the index reads its table of sections and the names of the
// states and districts (slices of the file, not copies), nothing else:
// the rest is read where it lies.
func TestOpeningCostsNothing(t *testing.T) {
	if f, err := wire.Open(file); err != nil || !f.InPlace() {
		t.Fatalf("the embedded file is not read in place (%v)", err)
	}
	if allocs := testing.AllocsPerRun(10, func() { open(file) }); allocs > 4 {
		t.Errorf("opening the index: %.0f allocations", allocs)
	}
}

// Read in place or decoded into copies (as on a machine that cannot read
// it in place), the index answers the same.
func TestDecodedIndexAnswersTheSame(t *testing.T) {
	f, err := wire.OpenCopy(file)
	if err != nil {
		t.Fatal(err)
	}
	copied, viewed := indexOf(f), data()
	for _, q := range append(benchQueries, fuzzSeeds...) {
		a, b := viewed.places(viewed.search(q, 10)), copied.places(copied.search(q, 10))
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%q: %v in place, %v decoded", q, a, b)
		}
	}
}

// A broken or empty file leaves an index that finds nothing, and does not
// panic.
func TestEmptyIndex(t *testing.T) {
	empty := string((&build.Plan{}).Encode())
	for _, f := range []string{empty, "", "junk", file[:len(file)/2], wire.Magic} {
		ix := open(f)
		for _, q := range []string{"Berlin", "b", "603", "60329", "Neustadt Hessen"} {
			if hs := ix.search(q, 10); len(hs) != 0 {
				t.Errorf("empty index: search(%q) = %v", q, hs)
			}
		}
	}
}

// Every place's label leads back to it: an agent may paste a suggestion,
// and a history of places stores labels.
func TestLabelsResolveBack(t *testing.T) {
	ix := data()
	for id := range int32(ix.size()) {
		label := ix.str(ix.ent(id).Label)
		p, cands, err := Resolve(label)
		if err == nil && p.Label == label {
			continue
		}
		if !hasLabel(cands, label) {
			t.Errorf("Resolve(%q) = %q, %v, %d candidates", label, p.Label, err, len(cands))
		}
	}
}

// Every place is in Germany by InGermany's own mask.
func TestEveryPlaceInGermany(t *testing.T) {
	ix := data()
	for id := range int32(ix.size()) {
		e := ix.ent(id)
		if lat, lng := float64(e.Lat)/1e5, float64(e.Lng)/1e5; !InGermany(lat, lng) {
			t.Errorf("%s at %v, %v: not InGermany", ix.str(e.Label), lat, lng)
		}
	}
}

func hasLabel(ps []Place, label string) bool {
	for _, p := range ps {
		if p.Label == label {
			return true
		}
	}
	return false
}

// checkHits asserts what every search must give: at most n hits (and
// MaxSuggestions), stages in order, the better place first within one,
// no place twice, printable labels.
func checkHits(t *testing.T, ix *index, query string, n int, hs []hit) {
	t.Helper()
	if len(hs) > max(n, 0) || len(hs) > max(MaxSuggestions, resolveCandidates) {
		t.Fatalf("search(%q, %d): %d hits", query, n, len(hs))
	}
	seen := map[int32]bool{}
	for i, h := range hs {
		if seen[h.id] {
			t.Fatalf("search(%q): %d twice", query, h.id)
		}
		seen[h.id] = true
		if i > 0 {
			prev := hs[i-1]
			if h.stage < prev.stage || (h.stage == prev.stage && h.id < prev.id && h.stage != stagePostal) {
				t.Fatalf("search(%q): hit %d (stage %d, id %d) after stage %d, id %d", query, i, h.stage, h.id, prev.stage, prev.id)
			}
		}
		if l := ix.str(ix.ent(h.id).Label); !printable(l) {
			t.Fatalf("search(%q): label %q is not printable", query, l)
		}
	}
}

func printable(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
