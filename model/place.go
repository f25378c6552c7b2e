package model

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/petitmonde/chargedesk/model/places"
)

// Place is where a typed place resolved to: a town, district, station or
// postal code of the gazetteer (model/places), an address an online
// geocoder found, or coordinates.
type Place struct {
	// Name is the place's name ("Aschheim", "Frankfurt (Main) Hbf",
	// "60329 Frankfurt am Main"), or the coordinates as text.
	Name string
	// Label is the gazetteer's line for the place, which resolves to it
	// again ("Aschheim · Bayern"); "" for coordinates.
	Label    string
	Kind     string // town, district, station, postal code, …; "" for coordinates
	Region   string // the district and state: "Landkreis München, Bayern"
	Lat, Lng float64
	Named    bool // a place with a name, not coordinates
	// Source says who answered when it was not the embedded gazetteer: the
	// online geocoder's host.
	Source string
	// Outside: coordinates outside Germany, which is all the API covers.
	// Swapped: outside, but inside with latitude and longitude swapped.
	Outside, Swapped bool
	// Candidates are the places an ambiguous name could be, best first.
	Candidates []Place
	// Input is the text that was resolved (set by online geocoders, whose
	// answers are kept for that text only).
	Input string
	// Unknown is the part of the text the gazetteer did not know when it
	// resolved the rest ("Leopoldstraße 12" of "Leopoldstraße 12, 80802
	// München"): a street, which only an online geocoder finds.
	Unknown string
}

// Hint says what the place resolved to, for the line under the field.
func (p Place) Hint() string {
	if !p.Named {
		return fmt.Sprintf("→ %.5f, %.5f", p.Lat, p.Lng)
	}
	what := JoinNonEmpty(", ", p.Kind, p.Region)
	if p.Source != "" {
		what = JoinNonEmpty(", ", what, "found by "+p.Source)
	}
	h := fmt.Sprintf("→ %s (%s) %.4f, %.4f", p.Name, what, p.Lat, p.Lng)
	if p.Unknown != "" {
		h += fmt.Sprintf(" · %q is not known offline", p.Unknown)
	}
	return h
}

// The errors of ResolvePlace, to test with errors.Is.
var (
	ErrPlaceUnknown   = places.ErrNotFound
	ErrPlaceAmbiguous = places.ErrAmbiguous
)

// ResolvePlace reads what an agent typed for a place: coordinates in any
// form ParseCoordinates reads, or a town, district, station or postal code
// of Germany (see model/places for the forms). An ambiguous name returns
// its candidates with an error wrapping ErrPlaceAmbiguous; coordinates
// outside Germany resolve, marked Outside (and Swapped when they look it),
// for the caller to ask about.
func ResolvePlace(s string) (Place, error) {
	s = strings.TrimSpace(s)
	if lat, lng, err := ParseCoordinates(s); err == nil {
		p := Place{Name: fmt.Sprintf("%.5f, %.5f", lat, lng), Lat: lat, Lng: lng}
		p.Outside = !places.InGermany(lat, lng)
		p.Swapped = p.Outside && places.LooksSwapped(lat, lng)
		return p, nil
	} else if looksLikeCoordinates(s) {
		return Place{}, fmt.Errorf("not coordinates we can read (%s)", strings.TrimPrefix(err.Error(), "coordinates: "))
	}
	found, candidates, err := places.Resolve(s)
	switch {
	case errors.Is(err, places.ErrAmbiguous):
		return ambiguous(s, candidates), placeError{fmt.Sprintf("%q is more than one place: pick one from the list, or add its district or state", s), ErrPlaceAmbiguous}
	case err != nil:
		if p, ok, err := resolvePart(s); ok {
			return p, err
		}
		return Place{}, placeError{fmt.Sprintf("no town, postal code or station called %q: check the spelling, or paste coordinates", s), ErrPlaceUnknown}
	}
	return fromGazetteer(found), nil
}

// placeError is a place refused in words for the agent, wrapping the
// gazetteer's error for errors.Is.
type placeError struct {
	msg string
	err error
}

func (e placeError) Error() string { return e.msg }
func (e placeError) Unwrap() error { return e.err }

func fromGazetteer(p places.Place) Place {
	region := p.State
	if p.District != "" && !strings.HasPrefix(p.Name, p.District) && !strings.HasSuffix(p.Name, " "+p.District) {
		region = JoinNonEmpty(", ", p.District, p.State)
	}
	return Place{Name: p.Name, Label: p.Label, Kind: p.Kind.String(), Region: region, Lat: p.Lat, Lng: p.Lng, Named: true}
}

// resolvePart finds the place an address names when the gazetteer does not
// know the whole text: its postal code, else the last comma-separated part
// or the last words that name a place ("Kaiserstraße 10 Frankfurt am Main"
// → Frankfurt am Main). The rest is kept as Unknown. A part that names
// several places makes the text ambiguous (found true, with the error).
func resolvePart(s string) (p Place, found bool, err error) {
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	var tries []string
	for _, w := range words {
		if len(w) == 5 && strings.Trim(w, "0123456789") == "" {
			tries = append(tries, w)
		}
	}
	if parts := strings.Split(s, ","); len(parts) > 1 {
		for i := len(parts) - 1; i >= 0; i-- {
			tries = append(tries, strings.TrimSpace(parts[i]))
		}
	}
	for n := min(4, len(words)-1); n >= 1; n-- {
		tries = append(tries, strings.Join(words[len(words)-n:], " "))
	}
	for _, part := range tries {
		got, candidates, err := places.Resolve(part)
		switch {
		case part == "":
		case errors.Is(err, places.ErrAmbiguous):
			return ambiguous(s, candidates), true, placeError{fmt.Sprintf("%q is more than one place: pick one from the list, or add its district or state", part), ErrPlaceAmbiguous}
		case err == nil && got.Kind != places.PostalArea:
			return partial(got, s, part), true, nil
		}
	}
	return Place{}, false, nil
}

// partial is the place found for the part of text, with the rest (less the
// place's own name) Unknown.
func partial(p places.Place, text, part string) Place {
	out := fromGazetteer(p)
	name := map[string]bool{}
	for _, w := range strings.Fields(p.Name) {
		name[strings.ToLower(w)] = true
	}
	var rest []string
	for _, w := range strings.Fields(strings.Replace(text, part, "", 1)) {
		if !name[strings.ToLower(strings.Trim(w, ","))] {
			rest = append(rest, w)
		}
	}
	out.Unknown = strings.Trim(strings.Join(rest, " "), " ,")
	return out
}

func ambiguous(text string, candidates []places.Place) Place {
	p := Place{Input: text}
	for _, c := range candidates {
		p.Candidates = append(p.Candidates, fromGazetteer(c))
	}
	return p
}

// SuggestPlaces returns up to n places for what has been typed so far, best
// first (see places.Suggest).
func SuggestPlaces(typed string, n int) []Place {
	var out []Place
	for _, p := range places.Suggest(typed, n) {
		out = append(out, fromGazetteer(p))
	}
	return out
}

// Swap is the place with latitude and longitude exchanged: what coordinates
// that look swapped were meant to be.
func (p Place) Swap() Place {
	q, _ := ResolvePlace(fmt.Sprintf("%.6f, %.6f", p.Lng, p.Lat))
	return q
}

// OutsideText says why coordinates outside Germany are questioned, and what
// they would be swapped.
func (p Place) OutsideText() string {
	msg := fmt.Sprintf("%.5f, %.5f is outside Germany, all the API covers", p.Lat, p.Lng)
	if p.Swapped {
		msg += fmt.Sprintf("; latitude and longitude look swapped (%.5f, %.5f is in Germany)", p.Lng, p.Lat)
	}
	return msg
}

// looksLikeCoordinates tells a text meant as coordinates (digits, signs,
// degree marks and separators, or a map link) from one meant as a name or a
// postal code, so that a broken pair gets the coordinates' error.
func looksLikeCoordinates(s string) bool {
	if strings.HasPrefix(strings.ToLower(s), "geo:") || strings.Contains(s, "://") {
		return true
	}
	digits, other := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" .,;-+°'′″\"NSEWOnsewo", r):
		default:
			other++
		}
	}
	return (digits > 0 && other == 0 && strings.ContainsAny(s, ".,; °")) || len(decimalRe.FindAllString(s, 3)) >= 2
}

// decimalRe is a number with decimals: two of them are a pair of
// coordinates, even with a typo after ("48.1351, 11.5820x").
var decimalRe = regexp.MustCompile(`\d+[.,]\d+`)

// WantsGeocoder tells whether an online geocoder could do better for a text
// than the gazetteer: it knows none of it, or not its street.
func WantsGeocoder(text string) bool {
	p, err := ResolvePlace(text)
	return errors.Is(err, ErrPlaceUnknown) || (err == nil && p.Unknown != "")
}
