// Package places finds German places by what a driver says on the phone:
// "Aschheim", "near 60329", "at Frankfurt Hbf", "Garching bei München",
// "Halle an der Saale". It knows every populated place of GeoNames'
// cities500 list for Germany with their alternate names, the localities and
// postal codes of GeoNames' postal data and Deutsche Bahn's stations, all
// from one embedded file (places.bin, see doc.go for how it is made).
//
// Suggest ranks matches as a name is typed; Resolve gives the one place a
// finished text means, or the candidates when it could be several. Both
// ignore case, accents and the spelling of umlauts and ß, and know the
// usual German abbreviations (Hbf, St., a.M., b., a.d., i.). The index is
// searched where it lies in the program's embedded data: nothing is
// decoded, at start or at the first lookup, and a lookup reads only the
// few hundred bytes of it that it needs.
package places

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// Kind is what sort of place a Place is.
type Kind uint8

// The kinds, in the order ties between them are ranked.
const (
	Town       Kind = wire.KindTown       // a city, town or village
	District   Kind = wire.KindDistrict   // a part of a city (GeoNames PPLX): Altona, Sachsenhausen
	Station    Kind = wire.KindStation    // a railway station
	Locality   Kind = wire.KindLocality   // a place only the postal data names, with no population known
	PostalArea Kind = wire.KindPostalArea // the first digits of postal codes: 603xx
	PostalCode Kind = wire.KindPostalCode // one postal code
)

func (k Kind) String() string {
	switch k {
	case Town:
		return "town"
	case District:
		return "district"
	case Station:
		return "station"
	case Locality:
		return "locality"
	case PostalArea:
		return "postal area"
	case PostalCode:
		return "postal code"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Place is a match.
type Place struct {
	// Name is the place's name: "München", "Frankfurt (Main) Hbf", and for
	// postal codes the code and its main place, "60329 Frankfurt am Main"
	// or "603xx Frankfurt am Main".
	Name string
	// Label is the line for a list of suggestions: the name, then what
	// tells it apart from others of that name ("Sachsenhausen ·
	// Waldeck-Frankenberg, Hessen"). Resolve(Label) finds the place again.
	Label string
	Kind  Kind
	// State is the federal state: "Hessen".
	State string
	// District is the Landkreis or kreisfreie Stadt: "Waldeck-Frankenberg",
	// "Landkreis München", "Frankfurt am Main".
	District string
	Lat, Lng float64
	// Population is as GeoNames has it; 0 when it is not known and for
	// stations and postal codes.
	Population int
	// PostalCode is the code of a postal code, the first digits of a postal
	// area, a station's address code, and for a town the code nearest its
	// centre ("" when none is known).
	PostalCode string
}

// MaxSuggestions is the most Suggest returns.
const MaxSuggestions = wire.TopN

// Errors of Resolve, to test with errors.Is.
var (
	// ErrNotFound: nothing matches the text.
	ErrNotFound = errors.New("no town, postal code or station of that name")
	// ErrAmbiguous: several places match and none clearly first.
	ErrAmbiguous = errors.New("more than one place of that name")
)

// lookupError names the text that failed.
type lookupError struct {
	query string
	err   error // ErrNotFound or ErrAmbiguous
	n     int   // candidates, for ErrAmbiguous
}

func (e *lookupError) Error() string {
	switch {
	case e.err == ErrAmbiguous:
		return fmt.Sprintf("%q matches more than one place (%d shown): add the district or state, or pick one", e.query, e.n)
	case strings.TrimSpace(e.query) == "":
		return "no place given"
	}
	return fmt.Sprintf("no town, postal code or station matches %q", e.query)
}

func (e *lookupError) Unwrap() error { return e.err }

// Suggest returns up to n places for what has been typed so far, the best
// first: exact names before names that start with the text, those before
// names in which a later word does; within each, the bigger place first
// (stations by their size in DB's data). A postal code or its first digits
// give the area, then the codes. n is capped at MaxSuggestions.
func Suggest(query string, n int) []Place {
	if n <= 0 {
		return nil
	}
	ix := data()
	var buf [MaxSuggestions]hit
	return ix.places(ix.searchInto(buf[:0], query, min(n, MaxSuggestions)))
}

// Resolve returns the place a finished text means. When several match
// and none is clearly first it returns them with an error wrapping
// ErrAmbiguous; when none matches, an error wrapping ErrNotFound.
//
// "Clearly first" means: among the matches of the best kind (exact names
// before prefixes, see Suggest), the first is the only one, or every other
// is within 5 km of it (the town and its station), or it has at least ten
// times the population of the next. So "Frankfurt" is Frankfurt am Main
// and "Halle" Halle (Saale), while "Neustadt" and "Garching" ask. A town
// wins over its own station of the same name, and a label (as Suggest
// gave it) over everything.
func Resolve(query string) (Place, []Place, error) {
	ix := data()
	hits := ix.search(query, resolveCandidates)
	if len(hits) == 0 {
		return Place{}, nil, &lookupError{query: query, err: ErrNotFound}
	}
	if h, ok := ix.withLabel(hits, query); ok {
		return ix.place(h.id), nil, nil
	}
	best := ix.bestGroup(hits)
	if ix.clearlyFirst(best) {
		return ix.place(ix.townOf(hits)), nil, nil
	}
	return Place{}, ix.places(best), &lookupError{query: query, err: ErrAmbiguous, n: len(best)}
}

// resolveCandidates is how many candidates Resolve weighs and returns.
const resolveCandidates = 10

// Preload readies the index. There is nothing to decode, so it only opens
// the file's table of sections (microseconds); it is kept for programs
// written when the data was decoded on the first lookup.
func Preload() { data() }

// Loaded tells whether a lookup now costs microseconds: always, since
// the index is searched where it lies.
func Loaded() bool { return true }

// All yields every place of the given kinds (every kind when none is
// given), best ranked first, for a program that lays something out over the
// whole country, such as the simulator's chargers. Each place is yielded
// once; stations are yielded as stations, not as the town they serve.
func All(kinds ...Kind) iter.Seq[Place] {
	return func(yield func(Place) bool) {
		ix := data()
		var p Place
		for id := range int32(ix.size()) {
			if len(kinds) > 0 && !slices.Contains(kinds, Kind(ix.ents[id].Kind)) {
				continue
			}
			ix.fill(&p, id)
			if !yield(p) {
				return
			}
		}
	}
}
