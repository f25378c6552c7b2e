package wire

import (
	"encoding/binary"
	"unsafe"
)

// The numbers of a file are little-endian and every section starts at a
// multiple of SectionAlign, so on a little-endian machine (every platform
// chargedesk is released for) a file that lies 8-byte aligned in memory
// (the embedded file does) is read in place: its sections are viewed as slices of numbers and entries over
// the file's own bytes, and nothing is decoded or copied. Elsewhere the
// views are decoded copies, which read the same.
//
// A view of the embedded file aliases read-only memory: it must never be
// written to.

// viewable says whether file can be read in place on this machine.
func viewable(file string) bool {
	littleEndian := binary.NativeEndian.Uint16([]byte{1, 0}) == 1
	return littleEndian && uintptr(unsafe.Pointer(unsafe.StringData(file)))%8 == 0 // the numbers' and entries' alignment
}

// InPlace says whether the views read the file where it lies.
func (f *File) InPlace() bool { return f.inPlace }

// U32s is section id as numbers.
func (f *File) U32s(id int) []uint32 {
	s := f.sections[id]
	if f.inPlace && len(s) > 0 {
		return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.StringData(s))), len(s)/4)
	}
	out := make([]uint32, len(s)/4)
	for i := range out {
		out[i] = U32(s, i)
	}
	return out
}

// U64s is section id as numbers.
func (f *File) U64s(id int) []uint64 {
	s := f.sections[id]
	if f.inPlace && len(s) > 0 {
		return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.StringData(s))), len(s)/8)
	}
	out := make([]uint64, len(s)/8)
	for i := range out {
		out[i] = U64(s, i)
	}
	return out
}

// Entries is the entries section.
func (f *File) Entries() []Entry {
	s := f.sections[SecEntries]
	if f.inPlace && len(s) > 0 {
		return unsafe.Slice((*Entry)(unsafe.Pointer(unsafe.StringData(s))), len(s)/EntrySize)
	}
	out := make([]Entry, len(s)/EntrySize)
	for i := range out {
		out[i] = ReadEntry(s, int32(i))
	}
	return out
}
