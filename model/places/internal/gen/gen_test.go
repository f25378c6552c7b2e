package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// The organisation rule on rows as the dump has them: organisations come
// with GeoNames' numeric state code, places with the two-letter one.
func TestReadPostalLeavesOutOrganisations(t *testing.T) {
	dir := t.TempDir()
	csv := `country_code,zipcode,place,state,state_code,province,province_code,community,community_code,latitude,longitude
DE,10875,Daimler Insurance Services GmbH,Baden-Württemberg,01,Regierungsbezirk Stuttgart,081,Stadtkreis Stuttgart,08111,48.8103,9.1807
DE,60301,Commerzbank AG Dresdner Corporate Card Service,Hessen,05,Regierungsbezirk Darmstadt,064,Frankfurt am Main,06412,50.1087,8.672
DE,60329,Frankfurt am Main,Hessen,HE,Regierungsbezirk Darmstadt,064,"Frankfurt am Main, Stadt",06412,50.1074,8.6663
DE,12345,Muster Versicherung AG,Berlin,BE,,00,"Berlin, Stadt",11000,52.5,13.4
DE,87491,Jungholz,,,,,,,47.5741,10.4472
`
	if err := os.WriteFile(filepath.Join(dir, postalFile), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, orgs, err := readPostal(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []postalRow{{
		code: 60329, place: "Frankfurt am Main", state: "Hessen", community: "Frankfurt am Main, Stadt",
		commCode: "06412", at: wire.Point{Lat: 5010740, Lng: 866630},
	}}
	if !reflect.DeepEqual(rows, want) || orgs != 3 {
		t.Errorf("readPostal = %+v, %d organisations; want %+v, 3", rows, orgs, want)
	}
}

func TestDistrictNames(t *testing.T) {
	raw := []string{
		"Frankfurt am Main, Stadt", "Kreisfreie Stadt München", "Landkreis München",
		"Landkreis Waldeck-Frankenberg", "Kreis Gütersloh", "Hamburg, Freie und Hansestadt",
		"Stadtkreis Stuttgart", "Region Hannover", "Städteregion Aachen", "Eifelkreis Bitburg-Prüm",
		"Kassel, documenta-Stadt", "Landkreis Kassel",
	}
	want := []string{
		"Frankfurt am Main", "München", "Landkreis München",
		"Waldeck-Frankenberg", "Gütersloh", "Hamburg",
		"Stuttgart", "Hannover", "Aachen", "Eifelkreis Bitburg-Prüm",
		"Kassel", "Landkreis Kassel",
	}
	if got := districtNames(raw); !reflect.DeepEqual(got, want) {
		t.Errorf("districtNames:\n got %q\nwant %q", got, want)
	}
}

func TestLatinAlt(t *testing.T) {
	for alt, want := range map[string]bool{
		"Munich": true, "Cologne": true, "Halle (Westf.)": true, "Monaco di Baviera": true,
		"Мюнхен": false, "慕尼黑": false, "mu ni hei": false, "MUC": false, "NUE": false,
		"Kal'bakh": false, "Islevo [a. 994]": false, "Lungsod ng München": false,
		"Wertingeni vald": false, "Colonia Claudia Ara Agrippinensium": false, "Au": false,
	} {
		if got := latinAlt(alt); got != want {
			t.Errorf("latinAlt(%q) = %v, want %v", alt, got, want)
		}
	}
}

func TestUsefulAlt(t *testing.T) {
	small := &town{Town: wire.Town{Name: "Pankow", Population: 5000}}
	big := &town{Town: wire.Town{Name: "Köln", Population: 963395}}
	for _, tt := range []struct {
		t    *town
		alt  string
		want bool
	}{
		{small, "Berlin-Pankow", true}, // shares a word
		{small, "Pankov", false},       // a transliteration of a small place
		{big, "Cologne", true},         // an exonym of a big one
	} {
		if got := usefulAlt(tt.t, tt.alt); got != tt.want {
			t.Errorf("usefulAlt(%s, %q) = %v, want %v", tt.t.Name, tt.alt, got, tt.want)
		}
	}
}

func TestDisplayName(t *testing.T) {
	for _, tt := range []struct {
		name, want string
		alts       []string
		spelling   string
	}{
		{"Munich", "München", []string{"München"}, "München"},
		{"Freiburg", "Freiburg im Breisgau", []string{"Freiburg im Breisgau"}, "Freiburg im Breisgau"},
		{"Meissen", "Meißen", nil, "Meißen"},
		{"Halle (Saale)", "Halle (Saale)", []string{"Halle"}, "Halle"},   // not less precise
		{"Kalawa", "Kalawa", nil, "Calau"},                               // not one GeoNames knows
		{"Bad Fallingbostel", "Bad Fallingbostel", nil, "Fallingbostel"}, // not shorter
		{"Garching", "Garching bei München", []string{"Garching bei München"}, "Garching bei München"},
	} {
		tw := &town{Town: wire.Town{Name: tt.name, Alts: tt.alts, Feature: "PPL"}, spelling: map[string]int{tt.spelling: 1}}
		if got := displayName(tw); got != tt.want {
			t.Errorf("displayName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
