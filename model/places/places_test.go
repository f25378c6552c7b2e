package places_test

// An external test package: model will import places, and these tests
// compare with model's presets.

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/model/places"
)

// The forms people use, each resolving to one place.
func TestResolveForms(t *testing.T) {
	tests := []struct {
		query, name string
		kind        places.Kind
	}{
		// Names, and the prefixes of one being typed.
		{"Aschheim", "Aschheim", places.Town},
		{"Aschh", "Aschheim", places.Town},
		{"aschheim", "Aschheim", places.Town},
		{"Düss", "Düsseldorf", places.Town},
		// Umlauts, ß and accents however they are typed.
		{"München", "München", places.Town},
		{"Muenchen", "München", places.Town},
		{"Munchen", "München", places.Town},
		{"MÜNCHEN", "München", places.Town},
		{"Dusseldorf", "Düsseldorf", places.Town},
		{"Koeln", "Köln", places.Town},
		{"Köln", "Köln", places.Town},
		{"Nuernberg", "Nürnberg", places.Town},
		{"Meissen", "Meißen", places.Town},
		// English and other exonyms the data has.
		{"Cologne", "Köln", places.Town},
		{"Munich", "München", places.Town},
		{"Nuremberg", "Nürnberg", places.Town},
		{"Hanover", "Hannover", places.Town},
		// Qualifiers: bei/b., an der/a.d./(…), am Main/a.M./Main, i.
		{"Garching bei München", "Garching bei München", places.Town},
		{"Garching b. München", "Garching bei München", places.Town},
		{"Garching b München", "Garching bei München", places.Town},
		{"Halle an der Saale", "Halle (Saale)", places.Town},
		{"Halle (Saale)", "Halle (Saale)", places.Town},
		{"Halle a.d. Saale", "Halle (Saale)", places.Town},
		{"Halle/Saale", "Halle (Saale)", places.Town},
		{"Halle", "Halle (Saale)", places.Town}, // 237,865 people against 21,448
		{"Frankfurt (Oder)", "Frankfurt (Oder)", places.Town},
		{"Frankfurt/Oder", "Frankfurt (Oder)", places.Town},
		{"Frankfurt an der Oder", "Frankfurt (Oder)", places.Town},
		{"Frankfurt a.M.", "Frankfurt am Main", places.Town},
		{"Frankfurt am Main", "Frankfurt am Main", places.Town},
		{"Frankfurt/Main", "Frankfurt am Main", places.Town},
		{"Frankfurt (Main)", "Frankfurt am Main", places.Town},
		{"Frankfurt", "Frankfurt am Main", places.Town},
		{"Freiburg i. Br.", "Freiburg im Breisgau", places.Town},
		{"Freiburg", "Freiburg im Breisgau", places.Town},
		{"Neustadt an der Weinstraße", "Neustadt an der Weinstraße", places.Town},
		{"Neustadt a.d. Weinstrasse", "Neustadt an der Weinstraße", places.Town},
		{"Neustadt Hessen", "Neustadt (Hessen)", places.Town},
		{"Sachsenhausen Waldeck", "Sachsenhausen", places.Town},
		{"Halle Westf", "Halle", places.Town}, // not its station "Halle (Westf)"
		{"Appenweier", "Appenweier", places.Town},
		// St./Sankt, hyphen or space.
		{"St. Ingbert", "Sankt Ingbert", places.Town},
		{"St Ingbert", "Sankt Ingbert", places.Town},
		{"Sankt Augustin", "Sankt Augustin", places.Town},
		{"St. Augustin", "Sankt Augustin", places.Town},
		{"Rheda Wiedenbrück", "Rheda-Wiedenbrück", places.Town},
		{"Bernkastel Kues", "Bernkastel-Kues", places.Town},
		// Stations.
		{"Frankfurt Hbf", "Frankfurt (Main) Hbf", places.Station},
		{"Frankfurt(Main)Hbf", "Frankfurt (Main) Hbf", places.Station},
		{"Frankfurt (Main) Hauptbahnhof", "Frankfurt (Main) Hbf", places.Station},
		{"Frankfurt a.M. Hbf", "Frankfurt (Main) Hbf", places.Station},
		{"München Hbf", "München Hbf", places.Station},
		{"Muenchen Hauptbahnhof", "München Hbf", places.Station},
		{"Berlin Hbf", "Berlin Hauptbahnhof", places.Station},
		{"Berlin Ostkreuz", "Ostkreuz", places.Station},
		{"Halle Hbf", "Halle (Saale) Hbf", places.Station},
		// Postal codes, full and partial.
		{"60329", "60329 Frankfurt am Main", places.PostalCode},
		{"80331", "80331 München", places.PostalCode},
		{"60329 Frankfurt", "60329 Frankfurt am Main", places.PostalCode},
		{"603", "603xx Frankfurt am Main", places.PostalArea},
		{"80", "80xxx München", places.PostalArea},
		{"01067", "01067 Dresden", places.PostalCode},
	}
	for _, tt := range tests {
		p, cands, err := places.Resolve(tt.query)
		if err != nil {
			t.Errorf("Resolve(%q): %v %v", tt.query, err, labels(cands))
			continue
		}
		if p.Name != tt.name || p.Kind != tt.kind {
			t.Errorf("Resolve(%q) = %q (%v), want %q (%v)", tt.query, p.Name, p.Kind, tt.name, tt.kind)
		}
	}
}

// Names that several places share come back as candidates whose labels
// tell them apart.
func TestResolveAmbiguous(t *testing.T) {
	tests := []struct {
		query string
		want  []string // labels that must be among the candidates
	}{
		{"Neustadt", []string{
			"Neustadt an der Weinstraße · Rheinland-Pfalz",
			"Neustadt am Rübenberge · Niedersachsen",
			"Neustadt bei Coburg · Bayern",
		}},
		{"Sachsenhausen", []string{
			"Sachsenhausen · Waldeck-Frankenberg, Hessen",
			"Sachsenhausen · Weimarer Land, Thüringen",
			"Sachsenhausen (Nordb) · station, Oranienburg/Sachsenhausen, Brandenburg",
		}},
		{"Garching", []string{"Garching bei München · Bayern", "Garching an der Alz · Bayern"}},
	}
	for _, tt := range tests {
		p, cands, err := places.Resolve(tt.query)
		if !errors.Is(err, places.ErrAmbiguous) {
			t.Errorf("Resolve(%q) = %q, %v; want ErrAmbiguous", tt.query, p.Label, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.query) {
			t.Errorf("Resolve(%q): error %q does not name the text", tt.query, err)
		}
		got := labels(cands)
		for _, w := range tt.want {
			if !contains(got, w) {
				t.Errorf("Resolve(%q) candidates %q lack %q", tt.query, got, w)
			}
		}
		seen := map[string]bool{}
		for _, c := range cands {
			if seen[c.Label] {
				t.Errorf("Resolve(%q): two candidates labelled %q", tt.query, c.Label)
			}
			seen[c.Label] = true
		}
	}
}

func TestResolveNotFound(t *testing.T) {
	for _, q := range []string{"", "   ", "Xyzzyville", "99999", "123456", "Москва", "!!!"} {
		p, cands, err := places.Resolve(q)
		if !errors.Is(err, places.ErrNotFound) || cands != nil || p != (places.Place{}) {
			t.Errorf("Resolve(%q) = %+v, %d candidates, %v; want ErrNotFound", q, p, len(cands), err)
			continue
		}
		if strings.TrimSpace(q) != "" && !strings.Contains(err.Error(), q) {
			t.Errorf("Resolve(%q): error %q does not name the text", q, err)
		}
	}
}

// Today's presets resolve to the same points, within 2 km.
func TestPresetsResolveNearby(t *testing.T) {
	for _, c := range model.Cities {
		p, _, err := places.Resolve(c.Name)
		if err != nil {
			t.Errorf("Resolve(%q): %v", c.Name, err)
			continue
		}
		if d := model.DistanceKM(p.Lat, p.Lng, c.Lat, c.Lng); d > 2 {
			t.Errorf("Resolve(%q) = %s at %.4f, %.4f: %.1f km from the preset", c.Name, p.Label, p.Lat, p.Lng, d)
		}
	}
}

// A big city comes before a village with the same prefix, and exact names
// before prefixes.
func TestSuggestRanking(t *testing.T) {
	tests := []struct {
		query string
		first []string // the first suggestions' names, in order
	}{
		{"m", []string{"München", "Mannheim", "Münster"}},
		{"be", []string{"Berlin", "Bergisch Gladbach"}},
		{"Mün", []string{"München", "Münster"}},
		{"Düss", []string{"Düsseldorf"}},
		{"Aschh", []string{"Aschheim"}},
		{"Ham", []string{"Hamburg", "Hamm"}},
		{"Frankfurt", []string{"Frankfurt am Main", "Frankfurt (Oder)"}},
		{"Halle", []string{"Halle (Saale)", "Halle"}},
		{"Bad A", []string{"Bad Aibling", "Bad Arolsen"}}, // "a" is being typed, not "an"
		{"Augustin", []string{"Sankt Augustin"}},          // a later word
		{"Hbf", []string{"Hauptbahnhof", "Nürnberg Hbf", "Frankfurt (Main) Hbf"}},
		{"Frankfurt H", []string{"Frankfurt am Main", "Frankfurt (Main) Hbf"}},
	}
	for _, tt := range tests {
		got := names(places.Suggest(tt.query, 10))
		if len(got) < len(tt.first) || strings.Join(got[:len(tt.first)], "|") != strings.Join(tt.first, "|") {
			t.Errorf("Suggest(%q) = %q, want it to start %q", tt.query, got, tt.first)
		}
	}
}

func TestSuggestPostal(t *testing.T) {
	got := places.Suggest("603", 5)
	if len(got) != 5 || got[0].Kind != places.PostalArea || got[0].Label != "603xx · Frankfurt am Main, Hessen" {
		t.Fatalf("Suggest(603) = %q", labels(got))
	}
	for i, p := range got[1:] {
		if p.Kind != places.PostalCode || !strings.HasPrefix(p.PostalCode, "603") {
			t.Errorf("Suggest(603)[%d] = %q, want a 603xx code", i+1, p.Label)
		}
		if i > 0 && p.PostalCode <= got[i].PostalCode {
			t.Errorf("Suggest(603): codes out of order: %q", labels(got))
		}
	}
	one := places.Suggest("60329", 5)
	if len(one) != 1 || one[0].PostalCode != "60329" || one[0].Label != "60329 · Frankfurt am Main, Hessen" {
		t.Errorf("Suggest(60329) = %q", labels(one))
	}
	many := places.Suggest("99439", 1)
	if len(many) != 1 || !strings.Contains(many[0].Label, " more, Thüringen") {
		t.Errorf("Suggest(99439) = %q, want its places counted", labels(many))
	}
}

func TestSuggestBounds(t *testing.T) {
	if got := places.Suggest("Berlin", 0); got != nil {
		t.Errorf("Suggest(n=0) = %q", labels(got))
	}
	if got := places.Suggest("", 5); got != nil {
		t.Errorf(`Suggest("") = %q`, labels(got))
	}
	if got := places.Suggest("b", 1000); len(got) != places.MaxSuggestions {
		t.Errorf("Suggest(b, 1000) gave %d, want %d", len(got), places.MaxSuggestions)
	}
}

// A place's fields are filled in.
func TestPlaceFields(t *testing.T) {
	p, _, err := places.Resolve("Aschheim")
	if err != nil {
		t.Fatal(err)
	}
	want := places.Place{
		Name: "Aschheim", Label: "Aschheim · Bayern", Kind: places.Town, State: "Bayern",
		District: "Landkreis München", Lat: 48.17112, Lng: 11.71675, Population: 6531, PostalCode: "85609",
	}
	if p != want {
		t.Errorf("Aschheim = %+v\nwant       %+v", p, want)
	}
	s, _, err := places.Resolve("Frankfurt Hbf")
	if err != nil || s.State != "Hessen" || s.District != "Frankfurt am Main" || s.PostalCode != "60329" {
		t.Errorf("Frankfurt Hbf = %+v, %v", s, err)
	}
	d, _, err := places.Resolve("Altona")
	if err != nil || d.Kind != places.District || d.Label != "Altona · Hamburg" {
		t.Errorf("Altona = %+v, %v", d, err)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[places.Kind]string{
		places.Town: "town", places.District: "district", places.Station: "station",
		places.Locality: "locality", places.PostalArea: "postal area", places.PostalCode: "postal code",
		places.Kind(99): "Kind(99)",
	} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

func TestInGermany(t *testing.T) {
	tests := []struct {
		name          string
		lat, lng      float64
		inside, swaps bool
	}{
		{"Marienplatz", 48.1351, 11.5820, true, false},
		{"Munich swapped", 11.58, 48.13, false, true},
		{"Berlin swapped", 13.405, 52.52, false, true},
		{"null island", 0, 0, false, false},
		{"Sylt", 54.9, 8.31, true, false},
		{"Zugspitze", 47.421, 10.985, true, false},
		{"Görlitz", 51.1526, 14.9872, true, false},
		{"Aachen", 50.7753, 6.0839, true, false},
		{"Paris", 48.8566, 2.3522, false, false},
		{"Amsterdam", 52.37, 4.89, false, false},
		{"Luxembourg", 49.6116, 6.1319, false, false},
		{"Zürich", 47.3769, 8.5417, false, false},
		{"Vienna", 48.2082, 16.3738, false, false},
		{"Prague", 50.0755, 14.4378, false, false},
		{"Szczecin", 53.4285, 14.5528, false, false},
		{"Copenhagen", 55.6761, 12.5683, false, false},
		{"North Sea", 54.5, 7.0, false, false},
		{"south pole", -90, 0, false, false},
	}
	for _, tt := range tests {
		if got := places.InGermany(tt.lat, tt.lng); got != tt.inside {
			t.Errorf("InGermany(%s %v, %v) = %v", tt.name, tt.lat, tt.lng, got)
		}
		if got := places.LooksSwapped(tt.lat, tt.lng); got != tt.swaps {
			t.Errorf("LooksSwapped(%s %v, %v) = %v", tt.name, tt.lat, tt.lng, got)
		}
	}
}

func names(ps []places.Place) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func labels(ps []places.Place) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Label
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestAllYieldsEachKindOnce(t *testing.T) {
	counts := map[places.Kind]int{}
	seen := map[string]bool{}
	biggest := ""
	for p := range places.All(places.Town) {
		if biggest == "" {
			biggest = p.Name
		}
		counts[p.Kind]++
		key := fmt.Sprintf("%s %.5f %.5f", p.Label, p.Lat, p.Lng)
		if seen[key] {
			t.Errorf("%q yielded twice", key)
		}
		seen[key] = true
	}
	if counts[places.Town] < 10000 || len(counts) != 1 {
		t.Errorf("places.All(places.Town) = %v, want only towns, more than 10,000", counts)
	}
	if biggest != "Berlin" {
		t.Errorf("first town = %q, want Berlin (best ranked first)", biggest)
	}
	n := 0
	for range places.All() {
		n++
		if n == 5 {
			break
		}
	}
	if n != 5 {
		t.Errorf("stopping early: %d places", n)
	}
}
