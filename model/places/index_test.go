package places

import (
	"os"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// TestMain checks, before anything looks a place up, that importing the
// package decoded nothing: start-up must not pay for the data.
func TestMain(m *testing.M) {
	if loaded != nil {
		println("places: the data was decoded before the first lookup")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func TestEmbeddedFileDecodes(t *testing.T) {
	ds, err := wire.Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Towns) < 11000 || len(ds.Postal) < 8000 || len(ds.Stations) < 5000 || len(ds.States) != 16 {
		t.Errorf("data: %d towns, %d postal codes, %d stations, %d states",
			len(ds.Towns), len(ds.Postal), len(ds.Stations), len(ds.States))
	}
}

// A broken file leaves an index that finds nothing, and does not panic.
func TestEmptyIndex(t *testing.T) {
	ix := build(&wire.Dataset{})
	for _, q := range []string{"Berlin", "b", "603", "60329", "Neustadt Hessen"} {
		if hs := ix.search(q, 10); len(hs) != 0 {
			t.Errorf("empty index: search(%q) = %v", q, hs)
		}
	}
}

// Every place's label leads back to it: an agent may paste a suggestion,
// and a history of places stores labels.
func TestLabelsResolveBack(t *testing.T) {
	ix := data()
	for id := range ix.ents {
		e := &ix.ents[id]
		p, cands, err := Resolve(ix.str(e.label))
		if err == nil && p.Label == ix.str(e.label) {
			continue
		}
		if !hasLabel(cands, ix.str(e.label)) {
			t.Errorf("Resolve(%q) = %q, %v, %d candidates", ix.str(e.label), p.Label, err, len(cands))
		}
	}
}

// Every place is in Germany by InGermany's own mask.
func TestEveryPlaceInGermany(t *testing.T) {
	for _, e := range data().ents {
		if lat, lng := float64(e.lat)/1e5, float64(e.lng)/1e5; !InGermany(lat, lng) {
			t.Errorf("%s at %v, %v: not InGermany", data().str(e.label), lat, lng)
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
		if l := ix.str(ix.ents[h.id].label); !printable(l) {
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
