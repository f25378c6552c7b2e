// Package wire is the place finder's data: the Dataset the generator reads
// from the sources, and the format of the index it writes (places.bin),
// which the place finder searches where it lies in the program's embedded
// data, without decoding it first. A lookup reads a few hundred bytes of
// it; a program that never looks a place up reads none.
//
// The file is a magic line, a table of sections (offset and length of
// each) and the sections, all numbers little-endian:
//
//   - the Germany mask (SecMask);
//   - the state and district names (string tables);
//   - the entries: fixed-size records (EntrySize bytes) in rank order, the
//     best place first, whose strings are spans of one text (SecText);
//   - the postal codes' entries in code order, and the postal areas by
//     their first digits;
//   - three key indexes (names, alternate names, later words of names):
//     the keys sorted and concatenated, their offsets, their entries, the
//     first key of each bucket of first two bytes, and for every range of
//     keys too big to scan the best entries, worked out when the file was
//     made.
//
// What both sides must agree on beyond the layout is here too: the kinds,
// the word masks, the buckets and the limits of a lookup.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"
)

// Magic opens every file; the number changes with the format.
const Magic = "chargedesk places 2\n"

// The sections, in the order they are written.
const (
	SecMask      = iota // see EncodeMask
	SecStates           // a string table: what Entry.State indexes
	SecDistricts        // a string table: what Entry.District indexes
	SecText             // the entries' strings
	SecEntries          // EntrySize bytes per entry, in rank order
	SecCodes            // u32 per PostalCode entry, in code order
	SecAreaKeys         // u32 per postal area, AreaKey of its digits, ascending
	SecAreaIDs          // u32 per postal area: its entry
	SecKeys             // the key indexes, KeySections each, in the order of the Key… constants
	NumSections  = SecKeys + NumKeyIndexes*KeySections
)

// The key indexes.
const (
	PrimaryKeys   = iota // names, their short forms, station names
	AltKeys              // alternate names (exonyms, old names)
	InnerKeys            // the later words of primary keys ("augustin")
	NumKeyIndexes        //
)

// The sections of a key index, from KeySection(which, 0).
const (
	KeyText      = iota // the sorted keys, one after the other
	KeyOffsets          // u32 × (keys+1): key i is KeyText[off[i]:off[i+1]]
	KeyIDs              // u32 × keys: the entry of key i (the entries of one key ascending)
	KeyStarts           // u32 × (Buckets+1): the first key in bucket b or later
	KeyTopRanges        // u64 per stored range, by first key then last: TopRange(hi, off, n)
	KeyTopFirst         // u32 × (keys+1): where in KeyTopRanges the ranges that start at key i or later begin
	KeyTops             // u32 entry ids: each stored range's best, best first
	KeySections         //
)

// TopRange describes a stored range in KeyTopRanges: the key after its
// last (hi), and where its n best entries are in KeyTops. The ranges
// that start at key lo are those from KeyTopFirst[lo] to
// KeyTopFirst[lo+1]: a lookup reads them in one cache line or two, then
// the entries.
func TopRange(hi, off, n int) uint64 { return uint64(hi)<<32 | uint64(off)<<8 | uint64(n) }

// SplitTopRange is TopRange's parts.
func SplitTopRange(r uint64) (hi, off, n int) {
	return int(r >> 32), int(uint32(r) >> 8), int(r & 0xff)
}

// KeySection is the section of part of key index which.
func KeySection(which, part int) int { return SecKeys + which*KeySections + part }

// The kinds of entry (places.Kind has the same values).
const (
	KindTown       = iota // a city, town or village
	KindDistrict          // a part of a city (GeoNames PPLX)
	KindStation           // a railway station
	KindLocality          // a place only the postal data names
	KindPostalArea        // the first digits of postal codes
	KindPostalCode        // one postal code
)

// The limits of a lookup, which the stored best entries are made for.
const (
	// TopN is how many best entries a range stores: the most a lookup
	// can ask for (places.MaxSuggestions).
	TopN = 20
	// ScanLimit is the largest range a lookup reads key by key; a bigger
	// one has its best entries stored, so a lookup does bounded work.
	ScanLimit = 16
)

// Span is a string of the text section.
type Span struct {
	Off uint32
	N   uint16
	_   uint16
}

// Entry is one place as the file keeps it: EntrySize bytes, laid out as
// the struct is in memory on a little-endian machine, so that the entries
// section can be read in place as a []Entry (see File.Entries).
type Entry struct {
	Words                    WordMask // the word starts of Ctx and Postal
	Label, Name, Postal, Ctx Span
	Lat, Lng                 int32 // 1e-5 degrees
	Population, Weight       uint32
	District                 uint16
	State, Kind              uint8
	_                        [4]byte
}

// EntrySize is an entry's size in the file: one cache line.
const EntrySize = 64

// The layout must be the struct's, or an entry viewed in place would be
// read wrong: these fail to compile otherwise.
var (
	_ [EntrySize - unsafe.Sizeof(Entry{})]struct{}
	_ [unsafe.Sizeof(Entry{}) - EntrySize]struct{}
	_ [unsafe.Offsetof(Entry{}.Label) - 8]struct{}
	_ [8 - unsafe.Offsetof(Entry{}.Label)]struct{}
	_ [unsafe.Offsetof(Entry{}.Lat) - 40]struct{}
	_ [40 - unsafe.Offsetof(Entry{}.Lat)]struct{}
	_ [unsafe.Offsetof(Entry{}.District) - 56]struct{}
	_ [56 - unsafe.Offsetof(Entry{}.District)]struct{}
)

// AppendEntry appends e's record to b.
func AppendEntry(b []byte, e *Entry) []byte {
	le := binary.LittleEndian
	b = le.AppendUint64(b, uint64(e.Words))
	for _, sp := range []Span{e.Label, e.Name, e.Postal, e.Ctx} {
		b = le.AppendUint32(b, sp.Off)
		b = le.AppendUint16(b, sp.N)
		b = le.AppendUint16(b, 0)
	}
	for _, v := range []uint32{uint32(e.Lat), uint32(e.Lng), e.Population, e.Weight} {
		b = le.AppendUint32(b, v)
	}
	b = le.AppendUint16(b, e.District)
	return append(b, e.State, e.Kind, 0, 0, 0, 0)
}

// ReadEntry reads entry i of the entries section s, wherever it lies.
func ReadEntry(s string, i int32) Entry {
	r := s[int(i)*EntrySize:][:EntrySize]
	span := func(k int) Span { return Span{Off: U32(r, 2*k), N: U16(r, 4*k+2)} }
	return Entry{
		Words: WordMask(U64(r, 0)),
		Label: span(1), Name: span(2), Postal: span(3), Ctx: span(4),
		Lat:        int32(U32(r, 10)),
		Lng:        int32(U32(r, 11)),
		Population: U32(r, 12),
		Weight:     U32(r, 13),
		District:   U16(r, 28),
		State:      r[58],
		Kind:       r[59],
	}
}

// U16 is the i-th little-endian uint16 of s.
func U16(s string, i int) uint16 {
	s = s[2*i : 2*i+2]
	return uint16(s[0]) | uint16(s[1])<<8
}

// U32 is the i-th little-endian uint32 of s.
func U32(s string, i int) uint32 {
	s = s[4*i : 4*i+4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// U64 is the i-th little-endian uint64 of s.
func U64(s string, i int) uint64 { return uint64(U32(s, 2*i)) | uint64(U32(s, 2*i+1))<<32 }

// A WordMask is a 64-bit sketch of the starts (up to three bytes) of some
// words: a word whose start is not in it cannot start one of them. It lets
// a qualifier skip most namesakes ("Neustadt Hessen" has dozens) without
// reading their words.
type WordMask uint64

func startBit(w string) WordMask {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(w) && i < 3; i++ {
		h = (h ^ uint32(w[i])) * 16777619
	}
	return 1 << (h % 64)
}

// With adds the starts of one word to m.
func (m WordMask) With(w string) WordMask {
	for n := 1; n <= len(w) && n <= 3; n++ {
		m |= startBit(w[:n])
	}
	return m
}

// May says whether a word of the sketch may start with w.
func (m WordMask) May(w string) bool { return m&startBit(w) != 0 }

// Keys are bucketed by their first two bytes, so a lookup's binary search
// starts from the few keys that share them. A key's bytes are a space,
// digits, a-z, or UTF-8 of other scripts; the slots keep their order.
const (
	Slots   = 38
	Buckets = Slots * (Slots + 1)
)

// Slot is a key byte's slot, or -1 for a byte a key cannot have.
func Slot(c byte) int {
	switch {
	case c == ' ':
		return 0
	case c >= '0' && c <= '9':
		return 1 + int(c-'0')
	case c >= 'a' && c <= 'z':
		return 11 + int(c-'a')
	case c >= 0x80:
		return Slots - 1
	}
	return -1
}

// Bucket is a non-empty key's bucket: its first byte's slot, then its
// second's, a key that ends after one byte coming first. ok is false for
// bytes a key cannot have.
func Bucket(k string) (b int, ok bool) {
	s0 := Slot(k[0])
	if len(k) == 1 {
		return s0 * (Slots + 1), s0 >= 0
	}
	s1 := Slot(k[1])
	return s0*(Slots+1) + 1 + s1, s0 >= 0 && s1 >= 0
}

// AreaKey is the key of a postal area's digits ("603"): their number and
// how many there are, so that "6" and "06" differ. ok is false for what
// is not one to four digits.
func AreaKey(digits string) (uint32, bool) {
	if len(digits) == 0 || len(digits) > 4 {
		return 0, false
	}
	v := uint32(0)
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
		v = 10*v + uint32(digits[i]-'0')
	}
	return uint32(len(digits))<<16 | v, true
}

// AreaDigits is the digits of an area key.
func AreaDigits(k uint32) string { return fmt.Sprintf("%0*d", int(k>>16), k&0xffff) }

// MergeInto merges two ascending lists of distinct ids into out, up to n
// more; out must not share memory with a or b beyond its length. (Entry
// ids are ranks, so this keeps the best of both.)
func MergeInto(out, a, b []int32, n int) []int32 {
	n += len(out)
	for len(out) < n && (len(a) > 0 || len(b) > 0) {
		switch {
		case len(b) == 0 || (len(a) > 0 && a[0] < b[0]):
			out, a = append(out, a[0]), a[1:]
		case len(a) == 0 || b[0] < a[0]:
			out, b = append(out, b[0]), b[1:]
		default: // the same entry in both
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return out
}

// File is a places file's sections.
type File struct {
	sections [NumSections]string
	inPlace  bool // its numbers are read where they lie (view.go)
}

// Section is the bytes of section id.
func (f *File) Section(id int) string { return f.sections[id] }

// Open reads a file's table of sections and checks that each section
// lies inside the file and has a size its kind allows. It reads nothing
// else (Check reads every offset, for the tests), and its views of the
// sections read the file where it lies when this machine can (view.go).
func Open(file string) (*File, error) { return open(file, viewable(file)) }

// OpenCopy is Open for a file whose numbers are always decoded into
// copies, as on a machine that cannot read them in place.
func OpenCopy(file string) (*File, error) { return open(file, false) }

func open(file string, inPlace bool) (*File, error) {
	head := len(Magic) + 4 + 8*NumSections
	if len(file) < head || file[:len(Magic)] != Magic {
		return nil, errors.New("wire: not a places file of this version")
	}
	if n := U32(file[len(Magic):], 0); n != NumSections {
		return nil, fmt.Errorf("wire: %d sections, want %d", n, NumSections)
	}
	table := file[len(Magic)+4 : head]
	f := &File{inPlace: inPlace}
	for i := range NumSections {
		off, n := U32(table, 2*i), U32(table, 2*i+1)
		if uint64(off)+uint64(n) > uint64(len(file)) || int(off) < head || off%SectionAlign != 0 {
			return nil, fmt.Errorf("wire: section %d out of the file or not aligned", i)
		}
		f.sections[i] = file[off : off+n]
	}
	return f, f.checkSizes()
}

func (f *File) checkSizes() error {
	count := func(id, size int) int {
		if len(f.sections[id])%size != 0 {
			return -1
		}
		return len(f.sections[id]) / size
	}
	want := func(id, size, n int) error {
		if n < 0 || count(id, size) != n {
			return fmt.Errorf("wire: section %d is %d bytes, not %d items of %d", id, len(f.sections[id]), n, size)
		}
		return nil
	}
	if err := want(SecEntries, EntrySize, count(SecEntries, EntrySize)); err != nil {
		return err
	}
	if err := want(SecCodes, 4, count(SecCodes, 4)); err != nil {
		return err
	}
	if err := want(SecAreaIDs, 4, count(SecAreaKeys, 4)); err != nil {
		return err
	}
	for which := range NumKeyIndexes {
		sec := func(part int) int { return KeySection(which, part) }
		keys := count(sec(KeyIDs), 4)
		for _, err := range []error{
			want(sec(KeyOffsets), 4, keys+1), want(sec(KeyStarts), 4, Buckets+1),
			want(sec(KeyTops), 4, count(sec(KeyTops), 4)), want(sec(KeyTopFirst), 4, keys+1),
			want(sec(KeyTopRanges), 8, count(sec(KeyTopRanges), 8)),
		} {
			if err != nil || keys < 0 {
				return fmt.Errorf("wire: key index %d: %v", which, err)
			}
		}
	}
	if err := checkStrings(f.sections[SecStates]); err != nil {
		return err
	}
	return checkStrings(f.sections[SecDistricts])
}

// A Writer lays sections out as a file.
type Writer struct {
	sections [NumSections][]byte
}

// Set makes data section id.
func (w *Writer) Set(id int, data []byte) { w.sections[id] = data }

// Bytes is the file. Each section starts at a multiple of SectionAlign
// from the file's start, so that a file that lies so aligned in memory
// can be viewed in place.
func (w *Writer) Bytes() []byte {
	head := len(Magic) + 4 + 8*NumSections
	offs := make([]int, NumSections)
	n := head
	for i, s := range w.sections {
		n = align(n)
		offs[i] = n
		n += len(s)
	}
	out := make([]byte, 0, n)
	out = append(out, Magic...)
	out = binary.LittleEndian.AppendUint32(out, NumSections)
	for i, s := range w.sections {
		out = binary.LittleEndian.AppendUint32(out, uint32(offs[i]))
		out = binary.LittleEndian.AppendUint32(out, uint32(len(s)))
	}
	for i, s := range w.sections {
		out = append(out, make([]byte, offs[i]-len(out))...)
		out = append(out, s...)
	}
	return out
}

// SectionAlign is what every section's offset is a multiple of: a cache
// line, so that each entry is one.
const SectionAlign = 64

func align(n int) int { return (n + SectionAlign - 1) / SectionAlign * SectionAlign }

// U32s lays out numbers as a section.
func U32s[T ~int32 | ~uint32 | ~int](vs []T) []byte {
	b := make([]byte, 0, 4*len(vs))
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b
}

// U64s lays out numbers as a section.
func U64s(vs []uint64) []byte {
	b := make([]byte, 0, 8*len(vs))
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b
}

// Strings lays out a string table: the count, the offsets of each string
// and the end, then the strings.
func Strings(ss []string) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(ss)))
	off := 0
	for _, s := range ss {
		b = binary.LittleEndian.AppendUint32(b, uint32(off))
		off += len(s)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(off))
	for _, s := range ss {
		b = append(b, s...)
	}
	return b
}

// StringAt is string i of a string table, "" when there is none.
func StringAt(table string, i int) string {
	if len(table) < 4 || i < 0 || i >= int(U32(table, 0)) {
		return ""
	}
	text := 4 * (int(U32(table, 0)) + 2)
	return table[text+int(U32(table, 1+i)) : text+int(U32(table, 2+i))]
}

// StringCount is how many strings a table holds.
func StringCount(table string) int {
	if len(table) < 4 {
		return 0
	}
	return int(U32(table, 0))
}

func checkStrings(table string) error {
	if len(table) < 4 {
		return errors.New("wire: a string table without its count")
	}
	n := int(U32(table, 0))
	text := 4 * (n + 2)
	if n > len(table) || text > len(table) {
		return errors.New("wire: a string table shorter than its offsets")
	}
	prev := uint32(0)
	for i := 1; i < n+2; i++ {
		off := U32(table, i)
		if off < prev || text+int(off) > len(table) {
			return errors.New("wire: a string table's offsets are out of order or of the table")
		}
		prev = off
	}
	return nil
}
