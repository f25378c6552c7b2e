package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// city is a row of the GeoNames cities500 dump.
type city struct {
	name, ascii string
	alts        []string
	feature     string
	admin1      string // GeoNames' state code
	admin3      string // the district key (Kreis), as the postal data's community code
	population  int
	at          wire.Point
}

// skippedFeatures are places that are gone: historical, abandoned,
// destroyed.
var skippedFeatures = map[string]bool{"PPLH": true, "PPLQ": true, "PPLW": true, "PPLCH": true}

func readCities(dir string) ([]city, error) {
	f, err := os.Open(filepath.Join(dir, citiesFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cs []city
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for line := 1; sc.Scan(); line++ {
		c, ok, err := parseCity(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", citiesFile, line, err)
		}
		if ok {
			cs = append(cs, c)
		}
	}
	return cs, sc.Err()
}

func parseCity(line string) (city, bool, error) {
	f := strings.Split(line, "\t")
	if len(f) < 15 {
		return city{}, false, fmt.Errorf("%d fields", len(f))
	}
	if f[6] != "P" || skippedFeatures[f[7]] || f[8] != "DE" {
		return city{}, false, nil
	}
	at, err := point(f[4], f[5])
	if err != nil {
		return city{}, false, err
	}
	pop, _ := strconv.Atoi(f[14])
	return city{
		name: f[1], ascii: f[2], alts: strings.Split(f[3], ","), feature: f[7],
		admin1: f[10], admin3: f[12], population: pop, at: at,
	}, true, nil
}

func point(lat, lng string) (wire.Point, error) {
	la, err1 := strconv.ParseFloat(lat, 64)
	lo, err2 := strconv.ParseFloat(lng, 64)
	if err1 != nil || err2 != nil {
		return wire.Point{}, fmt.Errorf("bad coordinates %q, %q", lat, lng)
	}
	return wire.Point{Lat: int32(math.Round(la * 1e5)), Lng: int32(math.Round(lo * 1e5))}, nil
}

// postalRow is a row of the postal code dump that names a place.
type postalRow struct {
	code                int
	place               string
	state               string
	community, commCode string
	at                  wire.Point
}

// The dump mixes places with "large recipients", organisations that have a
// postal code of their own (10875 Daimler Insurance Services GmbH, 60301
// Commerzbank AG …). GeoNames gives those rows its numeric state code
// ("01", "07") where places have the two-letter one ("BW", "NW"): that is
// the rule. orgName is a second guard, for rows that would slip through it
// in a later dump.
var (
	placeStateCode = regexp.MustCompile(`^[A-Z]{2}$`)
	orgName        = regexp.MustCompile(`\b(GmbH|mbH|AG|KG|OHG|e\. ?V\.|Co\.|Bank|Sparkasse|Versicherung|Finanzamt|Deutsche Post|Telekom|Krankenkasse|Agentur für Arbeit|Amtsgericht|Stadtverwaltung|Bundeswehr|Universität|Hochschule|Klinik|Krankenhaus)\b`)
)

// readPostal returns the place rows, and how many organisation rows it
// left out.
func readPostal(dir string) ([]postalRow, int, error) {
	f, err := os.Open(filepath.Join(dir, postalFile))
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, 0, err
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	var rows []postalRow
	orgs := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, orgs, nil
		}
		if err != nil {
			return nil, 0, err
		}
		get := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
		if get("place") == "" || get("state") == "" {
			// 87491 Jungholz: an Austrian village with a German postal
			// code and no German state.
			continue
		}
		if !placeStateCode.MatchString(get("state_code")) || orgName.MatchString(get("place")) {
			orgs++
			continue
		}
		row, err := parsePostal(get)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", postalFile, err)
		}
		rows = append(rows, row)
	}
}

func parsePostal(get func(string) string) (postalRow, error) {
	code, err := strconv.Atoi(get("zipcode"))
	if err != nil || len(get("zipcode")) != 5 {
		return postalRow{}, fmt.Errorf("bad postal code %q", get("zipcode"))
	}
	at, err := point(get("latitude"), get("longitude"))
	if err != nil {
		return postalRow{}, err
	}
	return postalRow{
		code: code, place: get("place"), state: get("state"),
		community: get("community"), commCode: get("community_code"), at: at,
	}, nil
}

// station is a line of the DB station list.
type station struct {
	Name     string   `json:"name"`
	Weight   *float64 `json:"weight"`
	Location *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
	} `json:"location"`
	Address struct {
		City    string `json:"city"`
		Zipcode string `json:"zipcode"`
	} `json:"address"`
}

func readStations(dir string) ([]station, error) {
	f, err := os.Open(filepath.Join(dir, stationsFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ss []station
	d := json.NewDecoder(f)
	for {
		var s station
		err := d.Decode(&s)
		if err == io.EOF {
			return ss, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", stationsFile, err)
		}
		if s.Location != nil && strings.TrimSpace(s.Name) != "" {
			ss = append(ss, s)
		}
	}
}

// latinAlt says whether an alternate name is worth matching: Latin script,
// as written (GeoNames writes romanisations of other scripts in lower case),
// not a code (MUC, NUE), not a long description.
func latinAlt(a string) bool {
	if len([]rune(a)) < 3 || len(strings.Fields(a)) > 3 {
		return false
	}
	upper, lower := 0, 0
	for _, r := range a {
		switch {
		case unicode.IsDigit(r) || strings.ContainsRune("'’[]", r):
			// Numbers, a soft sign (Kal'bakh), notes in brackets.
			return false
		case unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r):
			return false
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		}
	}
	if upper == 0 || (lower == 0 && len(a) <= 4) {
		return false
	}
	for _, p := range []string{"Lungsod ng ", "Arrondissement ", "Distretto ", "Bezirk "} {
		if strings.HasPrefix(a, p) {
			return false
		}
	}
	if strings.HasSuffix(a, " vald") { // Estonian for a municipality
		return false
	}
	return true
}
