package wire

import (
	"encoding/binary"
	"errors"
)

// Mask is a grid over Germany: a set bit is a cell with German places in
// or next to it.
type Mask struct {
	Origin     Point // south-west corner of the grid
	Cell       Point // a cell's height and width
	Rows, Cols int
	Bits       []byte // row by row from the south, bit i%8 of byte i/8
}

// maskHead is the size of the mask section's head: origin, cell, rows and
// columns, four bytes each. The bits follow.
const maskHead = 6 * 4

// EncodeMask lays out the mask section.
func EncodeMask(m *Mask) []byte {
	b := make([]byte, 0, maskHead+len(m.Bits))
	for _, v := range []uint32{uint32(m.Origin.Lat), uint32(m.Origin.Lng), uint32(m.Cell.Lat), uint32(m.Cell.Lng), uint32(m.Rows), uint32(m.Cols)} {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return append(b, m.Bits...)
}

// MaskView is the mask section as it lies in the file.
type MaskView struct {
	Origin, Cell Point
	Rows, Cols   int
	Bits         string
}

// ViewMask reads the mask section's head; the bits stay where they are.
func ViewMask(s string) (MaskView, error) {
	if len(s) < maskHead {
		return MaskView{}, errors.New("wire: no mask")
	}
	m := MaskView{
		Origin: Point{int32(U32(s, 0)), int32(U32(s, 1))}, Cell: Point{int32(U32(s, 2)), int32(U32(s, 3))},
		Rows: int(U32(s, 4)), Cols: int(U32(s, 5)), Bits: s[maskHead:],
	}
	if m.Rows > 1<<12 || m.Cols > 1<<12 || len(m.Bits) < (m.Rows*m.Cols+7)/8 {
		return MaskView{}, errors.New("wire: bad mask size")
	}
	return m, nil
}
