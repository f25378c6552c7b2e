package wire

import (
	"bytes"
	"reflect"
	"testing"
)

func sample() *Dataset {
	return &Dataset{
		Mask:      Mask{Origin: Point{4720000, 580000}, Cell: Point{5000, 7500}, Rows: 2, Cols: 5, Bits: []byte{0x21, 0x03}},
		States:    []string{"Bayern", "Hessen"},
		Districts: []string{"Landkreis München", "Frankfurt am Main"},
		Towns: []Town{
			{Name: "Aschheim", Feature: "PPLA4", Population: 6531, Postal: 85609, At: Point{4817112, 1171675}},
			{Name: "München", Names: []string{"Munich"}, Alts: []string{"Monaco di Baviera"}, Feature: "PPLA",
				Population: 1260391, Postal: 80331, At: Point{4813743, 1157549}},
			{Name: "Frankfurt am Main", Feature: "PPLA3", State: 1, District: 1, Population: 650000, Postal: -1, At: Point{5011552, 868417}},
		},
		Postal: []Postal{
			{Code: 60329, Towns: []int{2}, State: 1, District: 1, At: Point{5010740, 866630}},
			{Code: 85609, Towns: []int{0, 1}, At: Point{4817000, 1171000}},
		},
		Stations: []Station{
			{Name: "Frankfurt (Main) Hbf", City: "Frankfurt am Main", Weight: 10645, State: 1, District: 1, Postal: 60329, At: Point{5010702, 866318}},
			{Name: "Nowhere", Postal: -1, At: Point{-100, -200}},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	want := sample()
	var buf bytes.Buffer
	if err := Encode(&buf, want); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	m, err := DecodeMask(buf.Bytes())
	if err != nil || !reflect.DeepEqual(m, want.Mask) {
		t.Errorf("DecodeMask = %+v, %v; want %+v", m, err, want.Mask)
	}
}

// A damaged file is an error, never a panic or a huge allocation.
func TestDecodeDamaged(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	raw := unpack(t, buf.Bytes())
	for cut := 0; cut < len(raw); cut++ {
		var z bytes.Buffer
		repack(t, &z, raw[:cut])
		if _, err := Decode(z.Bytes()); err == nil {
			t.Fatalf("Decode of %d of %d bytes: no error", cut, len(raw))
		}
	}
	if _, err := Decode([]byte("not gzip")); err == nil {
		t.Error("Decode of junk: no error")
	}
}
