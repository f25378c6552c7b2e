package wire

import (
	"encoding/binary"
	"errors"
)

// Varints as encoding/binary writes them; the reader works on a string so
// that strings need no copies.

// enc appends varints and strings.
type enc struct{ b []byte }

func (e *enc) uint(v int)    { e.b = binary.AppendUvarint(e.b, uint64(v)) }
func (e *enc) int(v int)     { e.b = binary.AppendVarint(e.b, int64(v)) }
func (e *enc) raw(s string)  { e.b = append(e.b, s...) }
func (e *enc) blob(b []byte) { e.uint(len(b)); e.b = append(e.b, b...) }
func (e *enc) str(s string)  { e.uint(len(s)); e.raw(s) }
func (e *enc) ints(vs []int) {
	e.uint(len(vs))
	for _, v := range vs {
		e.uint(v)
	}
}

func (e *enc) strs(ss []string) {
	e.uint(len(ss))
	for _, s := range ss {
		e.str(s)
	}
}

// dec reads what enc wrote from a string, handing out strings as slices
// of it. The first error sticks, for the decoder and every sub-decoder it
// handed out; after it every read returns zero values.
type dec struct {
	s    string
	errp *error
}

func newDec(s string) *dec { return &dec{s: s, errp: new(error)} }

// err is the first error of d or of any decoder it came from.
func (d *dec) err() error { return *d.errp }

// maxCount bounds any count read, so a damaged file cannot ask for a huge
// allocation.
const maxCount = 1 << 22

func (d *dec) fail(msg string) {
	if *d.errp == nil {
		*d.errp = errors.New(msg)
	}
	d.s = ""
}

func (d *dec) uvarint() uint64 {
	var v uint64
	for i := 0; i < len(d.s) && i < 10; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.fail("bad number")
	return 0
}

func (d *dec) uint() int {
	v := d.uvarint()
	if v > 1<<40 {
		d.fail("number too large")
		return 0
	}
	return int(v)
}

func (d *dec) int() int {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return int(v)
}

func (d *dec) raw(n int) string {
	if n < 0 || n > len(d.s) {
		d.fail("truncated")
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

func (d *dec) str() string { return d.raw(d.uint()) }

func (d *dec) strs() []string {
	n := d.uint()
	if n > len(d.s) { // each string takes at least its length byte
		d.fail("bad count")
		return nil
	}
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *dec) ints() []int {
	n := d.uint()
	if n > len(d.s) {
		d.fail("bad count")
		return nil
	}
	vs := make([]int, n)
	for i := range vs {
		vs[i] = d.uint()
	}
	return vs
}

// sub is the next length-prefixed blob, to read on its own.
func (d *dec) sub() *dec { return &dec{s: d.raw(d.uint()), errp: d.errp} }

// section reads a record count and k columns.
func (d *dec) section(k int) (int, []*dec) {
	n := d.uint()
	if n > maxCount {
		d.fail("bad count")
		n = 0
	}
	cols := make([]*dec, k)
	for i := range cols {
		cols[i] = d.sub()
	}
	if n > len(cols[0].s) { // every record takes at least a byte of each column
		d.fail("count beyond the data")
		n = 0
	}
	return n, cols
}
