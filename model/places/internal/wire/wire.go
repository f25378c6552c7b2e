// Package wire is the format of the place finder's embedded data file: the
// one schema the generator writes and the place finder reads.
//
// The file is gzip over a columnar stream: after a magic line come the
// Germany mask, the state and district tables, then the towns, postal codes
// and stations, each as a count followed by one length-prefixed column per
// field. Numbers are varints, coordinates deltas from the previous record in
// 1e-5 degrees, strings a length and their bytes. Keeping a field's values
// together is what lets gzip shrink them: names next to names, small
// coordinate steps next to each other.
package wire

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// magic opens every file; the number changes with the format.
const magic = "chargedesk places 1\n"

// Dataset is the whole file.
type Dataset struct {
	Mask      Mask
	States    []string // what State fields index
	Districts []string // what District fields index
	Towns     []Town
	Postal    []Postal
	Stations  []Station
}

// Point is a position in 1e-5 degrees (about a metre).
type Point struct{ Lat, Lng int32 }

// Town is a populated place: a GeoNames place, or a locality that only the
// postal data names (Feature "").
type Town struct {
	Name       string   // the German name shown
	Names      []string // its other German spellings (GeoNames', the postal data's)
	Alts       []string // other names in Latin script (exonyms such as Munich, old names)
	Feature    string   // GeoNames feature code: PPL, PPLA…PPLA4, PPLC, PPLX (a city district)
	State      int
	District   int
	Population int
	Postal     int // the postal code nearest its centre, or -1
	At         Point
}

// Postal is one postal code.
type Postal struct {
	Code     int   // 60329
	Towns    []int // the places it serves (Towns indexes), the main one, the biggest, first
	State    int
	District int
	At       Point // the main place's postal position
}

// Station is a railway station.
type Station struct {
	Name     string // as DB writes it: "Frankfurt (Main) Hbf"
	City     string // the city of its address
	Weight   int    // DB's size indicator, in tenths
	State    int
	District int
	Postal   int // the postal code of its address, or -1
	At       Point
}

// Mask is a grid over Germany: a set bit is a cell with German places in
// or next to it.
type Mask struct {
	Origin     Point // south-west corner of the grid
	Cell       Point // a cell's height and width
	Rows, Cols int
	Bits       []byte // row by row from the south, bit i%8 of byte i/8
}

// Encode writes d as a file.
func Encode(w io.Writer, d *Dataset) error {
	var e enc
	e.raw(magic)
	e.blob(encodeMask(&d.Mask))
	e.strs(d.States)
	e.strs(d.Districts)
	e.blob(encodeTowns(d.Towns))
	e.blob(encodePostal(d.Postal))
	e.blob(encodeStations(d.Stations))
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(e.b); err != nil {
		return err
	}
	return zw.Close()
}

// Decode reads a whole file. Every string of the result is a slice of one
// copy of the unpacked data, so decoding costs few allocations.
func Decode(file []byte) (*Dataset, error) {
	zr, err := gzip.NewReader(bytes.NewReader(file))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	d := newDec(string(raw))
	if d.raw(len(magic)) != magic {
		return nil, errors.New("wire: not a places file")
	}
	var ds Dataset
	ds.Mask = decodeMask(d.sub())
	ds.States = d.strs()
	ds.Districts = d.strs()
	ds.Towns = decodeTowns(d.sub())
	ds.Postal = decodePostal(d.sub())
	ds.Stations = decodeStations(d.sub())
	if err := d.err(); err != nil {
		return nil, fmt.Errorf("wire: %w", err)
	}
	return &ds, nil
}

// DecodeMask reads only the mask at the start of a file, for callers that
// need no more.
func DecodeMask(file []byte) (Mask, error) {
	zr, err := gzip.NewReader(bytes.NewReader(file))
	if err != nil {
		return Mask{}, err
	}
	br := bufio.NewReader(zr)
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(br, head); err != nil || string(head) != magic {
		return Mask{}, errors.New("wire: not a places file")
	}
	n, err := binary.ReadUvarint(br)
	if err != nil || n > 1<<20 {
		return Mask{}, errors.New("wire: bad mask")
	}
	blob := make([]byte, n)
	if _, err := io.ReadFull(br, blob); err != nil {
		return Mask{}, err
	}
	d := newDec(string(blob))
	m := decodeMask(d)
	return m, d.err()
}

func encodeMask(m *Mask) []byte {
	var e enc
	e.int(int(m.Origin.Lat))
	e.int(int(m.Origin.Lng))
	e.int(int(m.Cell.Lat))
	e.int(int(m.Cell.Lng))
	e.uint(m.Rows)
	e.uint(m.Cols)
	e.raw(string(m.Bits))
	return e.b
}

func decodeMask(d *dec) Mask {
	var m Mask
	m.Origin = Point{int32(d.int()), int32(d.int())}
	m.Cell = Point{int32(d.int()), int32(d.int())}
	m.Rows, m.Cols = d.uint(), d.uint()
	if m.Rows < 0 || m.Cols < 0 || m.Rows*m.Cols > 1<<24 {
		d.fail("bad mask size")
		return Mask{}
	}
	m.Bits = []byte(d.raw((m.Rows*m.Cols + 7) / 8))
	return m
}
