package sim

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/petitmonde/chargedesk/model/places"
)

// GeocoderPath is where `chargedesk serve` and demo mode mount Geocoder.
const GeocoderPath = "/nominatim"

// street is one real street the simulator's geocoder knows, at about its
// middle, with the postal code there.
type street struct {
	name, city, postcode, state string
	lat, lng                    float64
}

// geoStreets are a few well-known streets, enough to try the address path
// end to end without the internet.
var geoStreets = []street{
	{"Leopoldstraße", "München", "80802", "Bayern", 48.1606, 11.5856},
	{"Maximilianstraße", "München", "80539", "Bayern", 48.1390, 11.5870},
	{"Kaufingerstraße", "München", "80331", "Bayern", 48.1379, 11.5714},
	{"Münchner Straße", "Aschheim", "85609", "Bayern", 48.1712, 11.7122},
	{"Kurfürstendamm", "Berlin", "10719", "Berlin", 52.5029, 13.3280},
	{"Friedrichstraße", "Berlin", "10117", "Berlin", 52.5145, 13.3890},
	{"Mönckebergstraße", "Hamburg", "20095", "Hamburg", 53.5510, 10.0005},
	{"Zeil", "Frankfurt am Main", "60313", "Hessen", 50.1146, 8.6836},
	{"Hohe Straße", "Köln", "50667", "Nordrhein-Westfalen", 50.9373, 6.9571},
	{"Königstraße", "Stuttgart", "70173", "Baden-Württemberg", 48.7786, 9.1786},
	{"Königsallee", "Düsseldorf", "40212", "Nordrhein-Westfalen", 51.2236, 6.7800},
	{"Prager Straße", "Dresden", "01069", "Sachsen", 51.0450, 13.7360},
}

// nominatimAnswer is one result of Nominatim's /search, format=jsonv2.
type nominatimAnswer struct {
	Lat         string         `json:"lat"`
	Lon         string         `json:"lon"`
	DisplayName string         `json:"display_name"`
	Name        string         `json:"name"`
	Category    string         `json:"category"`
	Type        string         `json:"type"`
	Address     map[string]any `json:"address"`
}

var houseNumber = regexp.MustCompile(`\b(\d{1,4}[a-zA-Z]?)\b`)

// Geocoder answers the search API of Nominatim (GET /search?q=…&format=
// jsonv2, the part chargedesk asks) from the embedded gazetteer and
// geoStreets, so that a profile's geocoder_url can be tried against
// `chargedesk serve` and in demo mode. A street it knows is answered as an
// address with the house number given; other text as the gazetteer resolves
// it (a town, station or postal code), at most limit results.
func Geocoder() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		q := strings.TrimSpace(r.URL.Query().Get("q"))
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil || limit < 1 || limit > 40 {
			limit = 10
		}
		if q == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Nothing to search for: q is empty"})
			return
		}
		writeJSON(w, http.StatusOK, geocode(q, limit))
	})
	return mux
}

// geocode is the answer for q: the streets named in it, else the
// gazetteer's places.
func geocode(q string, limit int) []nominatimAnswer {
	out := []nominatimAnswer{}
	text := foldStreet(q)
	_, where, _ := strings.Cut(text, ",") // what follows the street: "80802 münchen"
	where = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(where), "0123456789"))
	for _, s := range geoStreets {
		inTown := where == "" || strings.HasPrefix(foldStreet(s.city), where) || strings.Contains(where, foldStreet(s.city)) || strings.Contains(q, s.postcode)
		if len(out) < limit && inTown && strings.Contains(text, foldStreet(s.name)) {
			out = append(out, s.answer(houseNumberIn(q, s.name)))
		}
	}
	if len(out) > 0 {
		return out
	}
	if p, cands, err := places.Resolve(q); err == nil {
		out = append(out, placeAnswer(p))
	} else {
		for _, c := range cands {
			if len(out) < limit {
				out = append(out, placeAnswer(c))
			}
		}
	}
	return out
}

// foldStreet is text folded for comparing street names: lower case, ß as
// ss, "str." as "strasse".
func foldStreet(s string) string {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "ß", "ss")
	s = strings.ReplaceAll(s, "str.", "strasse")
	return strings.Join(strings.Fields(s), " ")
}

// houseNumberIn is the number written right after the street's name ("").
func houseNumberIn(q, name string) string {
	i := strings.Index(foldStreet(q), foldStreet(name))
	if i < 0 {
		return ""
	}
	rest := foldStreet(q)[i+len(foldStreet(name)):]
	if j := strings.IndexAny(rest, ","); j >= 0 {
		rest = rest[:j]
	}
	return houseNumber.FindString(rest)
}

func (s street) answer(number string) nominatimAnswer {
	typ := "road"
	addr := map[string]any{"road": s.name, "city": s.city, "postcode": s.postcode, "state": s.state, "country": "Deutschland", "country_code": "de"}
	if number != "" {
		typ = "house"
		addr["house_number"] = number
	}
	display := strings.TrimSpace(s.name+" "+number) + ", " + s.postcode + " " + s.city + ", " + s.state + ", Deutschland"
	return nominatimAnswer{
		Lat: strconv.FormatFloat(s.lat, 'f', 7, 64), Lon: strconv.FormatFloat(s.lng, 'f', 7, 64),
		DisplayName: display, Name: s.name, Category: "place", Type: typ, Address: addr,
	}
}

func placeAnswer(p places.Place) nominatimAnswer {
	addr := map[string]any{"state": p.State, "country": "Deutschland", "country_code": "de"}
	typ := p.Kind.String()
	switch p.Kind {
	case places.PostalCode, places.PostalArea:
		addr["postcode"] = p.PostalCode
	case places.Station:
		addr["railway"] = p.Name
	default:
		addr["town"] = p.Name
		if p.PostalCode != "" {
			addr["postcode"] = p.PostalCode
		}
	}
	return nominatimAnswer{
		Lat: strconv.FormatFloat(p.Lat, 'f', 7, 64), Lon: strconv.FormatFloat(p.Lng, 'f', 7, 64),
		DisplayName: p.Label + ", Deutschland", Name: p.Name, Category: "place", Type: typ, Address: addr,
	}
}
