package places

import (
	"errors"
	"testing"
)

// Fuzz longer with
//
//	go test -run XXX -fuzz FuzzSuggest -fuzztime 5m ./model/places
//	go test -run XXX -fuzz FuzzResolve -fuzztime 5m ./model/places
//
// Findings land in testdata/fuzz/ and then run as tests.

var fuzzSeeds = []string{
	"Aschheim", "Aschh", "60329", "603", "603xx", "Frankfurt Hbf", "Frankfurt(Main)Hbf",
	"Garching b. München", "Halle (Saale)", "Neustadt", "Sachsenhausen", "St. Ingbert",
	"Bad A", "a.M.", "an", "m", " ", "", "ä", "ß", "Москва", "東京", "60329 Frankfurt",
	"Neustadt an der Weinstraße · Rheinland-Pfalz", "x", "0", "000000", "\x00", "\xff\xfe",
	"Frankfurt a", "(((", "Hbf Hbf Hbf", "a a a a a a a a a a a a a a a a a a",
}

// FuzzSuggest: never a panic; at most n results and MaxSuggestions, each
// place once, stages in order and the better place first within one,
// labels printable.
func FuzzSuggest(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, i%12)
	}
	ix := data()
	f.Fuzz(func(t *testing.T, query string, n int) {
		ps := Suggest(query, n)
		if len(ps) > max(min(n, MaxSuggestions), 0) {
			t.Fatalf("Suggest(%q, %d): %d results", query, n, len(ps))
		}
		for _, p := range ps {
			if !printable(p.Label) || !printable(p.Name) {
				t.Fatalf("Suggest(%q): label %q, name %q", query, p.Label, p.Name)
			}
		}
		checkHits(t, ix, query, min(n, MaxSuggestions), ix.search(query, min(n, MaxSuggestions)))
	})
}

// FuzzResolve: never a panic; a place with nothing else, or candidates
// with ErrAmbiguous, or nothing with ErrNotFound; the place is Suggest's
// first or one of its own kind beside it.
func FuzzResolve(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		p, cands, err := Resolve(query)
		switch {
		case err == nil:
			if p.Label == "" || cands != nil || !printable(p.Label) {
				t.Fatalf("Resolve(%q) = %+v, %d candidates", query, p, len(cands))
			}
			if !hasLabel(Suggest(query, resolveCandidates), p.Label) {
				t.Fatalf("Resolve(%q) = %q, not among the suggestions", query, p.Label)
			}
		case errors.Is(err, ErrAmbiguous):
			if p != (Place{}) || len(cands) < 2 || len(cands) > resolveCandidates {
				t.Fatalf("Resolve(%q): ambiguous with %d candidates", query, len(cands))
			}
		case errors.Is(err, ErrNotFound):
			if p != (Place{}) || cands != nil || len(Suggest(query, 1)) != 0 {
				t.Fatalf("Resolve(%q): not found, yet %d candidates or suggestions", query, len(cands))
			}
		default:
			t.Fatalf("Resolve(%q): %v", query, err)
		}
	})
}
