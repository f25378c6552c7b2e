package wire_test

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"unsafe"

	"github.com/petitmonde/chargedesk/model/places/internal/build"
	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// small is a file of a few places, as the generator would write it.
func small() string {
	ds := &wire.Dataset{
		Mask:      wire.Mask{Origin: wire.Point{Lat: 4720000, Lng: 580000}, Cell: wire.Point{Lat: 5000, Lng: 7500}, Rows: 2, Cols: 5, Bits: []byte{0x21, 0x03}},
		States:    []string{"Bayern", "Hessen"},
		Districts: []string{"Landkreis München", "Frankfurt am Main"},
		Towns: []wire.Town{
			{Name: "Aschheim", Feature: "PPLA4", Population: 6531, Postal: 85609, At: wire.Point{Lat: 4817112, Lng: 1171675}},
			{Name: "München", Names: []string{"Muenchen"}, Alts: []string{"Munich"}, Feature: "PPLA",
				Population: 1260391, Postal: 80331, At: wire.Point{Lat: 4813743, Lng: 1157549}},
			{Name: "Frankfurt am Main", Feature: "PPLA3", State: 1, District: 1, Population: 650000, Postal: -1, At: wire.Point{Lat: 5011552, Lng: 868417}},
		},
		Postal: []wire.Postal{
			{Code: 60329, Towns: []int{2}, State: 1, District: 1, At: wire.Point{Lat: 5010740, Lng: 866630}},
			{Code: 85609, Towns: []int{0, 1}, At: wire.Point{Lat: 4817000, Lng: 1171000}},
		},
		Stations: []wire.Station{
			{Name: "Frankfurt (Main) Hbf", City: "Frankfurt am Main", Weight: 10645, State: 1, District: 1, Postal: 60329, At: wire.Point{Lat: 5010702, Lng: 866318}},
		},
	}
	return string(build.FromDataset(ds).Encode())
}

func TestEntryRoundTrip(t *testing.T) {
	for _, e := range []wire.Entry{
		{},
		{Label: wire.Span{Off: 1<<32 - 1, N: 1<<16 - 1}, Name: wire.Span{Off: 7, N: 3}, Postal: wire.Span{Off: 9, N: 255},
			Ctx: wire.Span{Off: 12345678, N: 40}, Words: 1<<64 - 1, Lat: -4817112, Lng: 1171675,
			Population: 1<<32 - 1, Weight: 42, District: 1<<16 - 1, State: 15, Kind: wire.KindPostalCode},
	} {
		b := wire.AppendEntry([]byte("xx"), &e)
		if len(b) != 2+wire.EntrySize {
			t.Fatalf("record of %d bytes", len(b)-2)
		}
		b = wire.AppendEntry(b, &e)
		if got := wire.ReadEntry(string(b[2:]), 1); got != e {
			t.Errorf("read back %+v, want %+v", got, e)
		}
		// On a little-endian machine the record is the struct's memory,
		// which is what reading the file in place relies on.
		if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
			mem := unsafe.Slice((*byte)(unsafe.Pointer(&e)), unsafe.Sizeof(e))
			if !bytes.Equal(mem, b[2:2+wire.EntrySize]) {
				t.Errorf("the record of %+v is not its memory:\n% x\n% x", e, b[2:2+wire.EntrySize], mem)
			}
		}
	}
}

// Viewed in place or decoded, a file's sections read the same.
func TestViewsReadTheSame(t *testing.T) {
	raw := small()
	// Copy the file to memory aligned for a view (a []uint64 is 8-byte
	// aligned; a large one starts a page).
	buf := make([]uint64, 8192+len(raw)/8+1)
	mem := unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), len(buf)*8)
	copy(mem, raw)
	aligned := unsafe.String(&mem[0], len(raw))
	viewed, err := wire.Open(aligned)
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := wire.OpenCopy(raw)
	if err != nil {
		t.Fatal(err)
	}
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 && !viewed.InPlace() {
		t.Error("an aligned file on a little-endian machine is not read in place")
	}
	if decoded.InPlace() {
		t.Error("OpenCopy reads in place")
	}
	if !reflect.DeepEqual(viewed.Entries(), decoded.Entries()) || len(decoded.Entries()) == 0 {
		t.Errorf("entries differ: %+v\n%+v", viewed.Entries(), decoded.Entries())
	}
	for which := range wire.NumKeyIndexes {
		for _, part := range []int{wire.KeyOffsets, wire.KeyIDs, wire.KeyStarts, wire.KeyTopFirst, wire.KeyTops} {
			id := wire.KeySection(which, part)
			if !slices.Equal(viewed.U32s(id), decoded.U32s(id)) {
				t.Errorf("section %d differs", id)
			}
		}
		id := wire.KeySection(which, wire.KeyTopRanges)
		if !slices.Equal(viewed.U64s(id), decoded.U64s(id)) {
			t.Errorf("section %d differs", id)
		}
	}
}

func TestStringTable(t *testing.T) {
	ss := []string{"Bayern", "", "Baden-Württemberg"}
	table := string(wire.Strings(ss))
	if wire.StringCount(table) != 3 {
		t.Fatalf("count %d", wire.StringCount(table))
	}
	for i, s := range ss {
		if got := wire.StringAt(table, i); got != s {
			t.Errorf("string %d: %q, want %q", i, got, s)
		}
	}
	if wire.StringAt(table, 3) != "" || wire.StringAt(table, -1) != "" || wire.StringAt("", 0) != "" {
		t.Error("a string that is not there is not empty")
	}
}

func TestAreaKeys(t *testing.T) {
	seen := map[uint32]string{}
	for _, d := range []string{"0", "6", "06", "60", "603", "6032", "0000", "9999"} {
		k, ok := wire.AreaKey(d)
		if !ok || wire.AreaDigits(k) != d {
			t.Errorf("AreaKey(%q) = %d %v, back %q", d, k, ok, wire.AreaDigits(k))
		}
		if other, dup := seen[k]; dup {
			t.Errorf("%q and %q share a key", d, other)
		}
		seen[k] = d
	}
	for _, d := range []string{"", "60329", "6a", " 6"} {
		if _, ok := wire.AreaKey(d); ok {
			t.Errorf("AreaKey(%q) is ok", d)
		}
	}
}

// A file cut short, or not a file of this version, does not open.
func TestOpenRefusesDamagedFiles(t *testing.T) {
	f := small()
	if err := wire.Check(f); err != nil {
		t.Fatal(err)
	}
	for cut := 0; cut < len(f); cut++ {
		if _, err := wire.Open(f[:cut]); err == nil {
			t.Fatalf("a file cut to %d of %d bytes opens", cut, len(f))
		}
	}
	if _, err := wire.Open("chargedesk places 1\n" + f[len(wire.Magic):]); err == nil {
		t.Error("a file of the older version opens")
	}
}

// Check finds damage a lookup would trip over, and never panics itself.
func TestCheckNeverPanics(t *testing.T) {
	f := []byte(small())
	rng := rand.New(rand.NewPCG(1, 2))
	caught := 0
	for range 3000 {
		g := append([]byte(nil), f...)
		for range 1 + rng.IntN(4) {
			g[rng.IntN(len(g))] = byte(rng.Uint32())
		}
		if wire.Check(string(g)) != nil {
			caught++
		}
	}
	if caught == 0 {
		t.Error("no damage found in 3000 damaged files")
	}
}
