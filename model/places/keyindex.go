package places

import (
	"slices"
	"sort"
	"strings"

	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// A keyIndex finds entries by key, exactly or by prefix, in time that does
// not grow with the data: the keys are sorted, so a prefix is a range
// found by binary search, and every range too big to scan has its best
// entries stored in the file (worked out when it was made).
//
// Entry ids are in rank order, so "the best entries of a range" are its
// smallest distinct ids. Every field is a section of the file, read
// where it lies (wire.File's views).
type keyIndex struct {
	text   string   // the sorted keys, one after the other
	off    []uint32 // key i is text[off[i]:off[i+1]]
	ids    []uint32 // the entry of key i
	start  []uint32 // the first key in bucket b or later (wire.Bucket)
	ranges []uint64 // the stored ranges, by first key then last (wire.TopRange)
	first  []uint32 // where in ranges those that start at key i or later begin
	tops   []uint32 // each stored range's best entries
}

func keysOf(f *wire.File, which int) keyIndex {
	sec := func(part int) int { return wire.KeySection(which, part) }
	return keyIndex{
		text: f.Section(sec(wire.KeyText)), off: f.U32s(sec(wire.KeyOffsets)), ids: f.U32s(sec(wire.KeyIDs)),
		start: f.U32s(sec(wire.KeyStarts)), ranges: f.U64s(sec(wire.KeyTopRanges)), first: f.U32s(sec(wire.KeyTopFirst)),
		tops: f.U32s(sec(wire.KeyTops)),
	}
}

func (x *keyIndex) size() int { return len(x.ids) }

func (x *keyIndex) key(i int) string { return x.text[x.off[i]:x.off[i+1]] }

func (x *keyIndex) id(i int) int32 { return int32(x.ids[i]) }

// appendIDs appends the entries of keys lo to hi.
func (x *keyIndex) appendIDs(dst []int32, lo, hi int) []int32 {
	for i := lo; i < hi; i++ {
		dst = append(dst, x.id(i))
	}
	return dst
}

// narrow is the range of keys that can start with p: its bucket's, or for
// a one-byte p the buckets of that first byte.
func (x *keyIndex) narrow(p string) (int, int) {
	if p == "" || x.size() == 0 {
		return 0, x.size()
	}
	b, ok := wire.Bucket(p)
	switch {
	case !ok:
		return 0, 0
	case len(p) == 1:
		return int(x.start[b]), int(x.start[b+wire.Slots+1])
	}
	return int(x.start[b]), int(x.start[b+1])
}

// prefixRange is the range of keys that start with p.
func (x *keyIndex) prefixRange(p string) (int, int) {
	lo, hi := x.narrow(p)
	lo += sort.Search(hi-lo, func(i int) bool { return x.key(lo+i) >= p })
	hi = lo + sort.Search(hi-lo, func(i int) bool { return !strings.HasPrefix(x.key(lo+i), p) })
	return lo, hi
}

// spans are the ranges of keys that a key k looks up: equal to k, the
// words of k followed by more words, and starting with k.
type spans struct {
	exactLo, exactHi   int
	wordsLo, wordsHi   int
	prefixLo, prefixHi int
}

// spans finds them with one search for the prefix range, inside which
// the keys equal to k come first and then those that go on with a space.
func (x *keyIndex) spans(k string) spans {
	var s spans
	s.prefixLo, s.prefixHi = x.prefixRange(k)
	lo, n := s.prefixLo, s.prefixHi-s.prefixLo
	s.exactLo = lo
	s.exactHi = lo + sort.Search(n, func(i int) bool { return len(x.key(lo+i)) > len(k) })
	lo, n = s.exactHi, s.prefixHi-s.exactHi
	s.wordsLo = lo
	s.wordsHi = lo + sort.Search(n, func(i int) bool { return x.key(lo + i)[len(k)] != ' ' })
	return s
}

// exactRange is the range of keys equal to k.
func (x *keyIndex) exactRange(k string) (int, int) {
	lo, hi := x.narrow(k)
	lo += sort.Search(hi-lo, func(i int) bool { return x.key(lo+i) >= k })
	hi = lo + sort.Search(hi-lo, func(i int) bool { return x.key(lo+i) != k })
	return lo, hi
}

// bestPrefix appends the best n entries with a key starting with p.
func (x *keyIndex) bestPrefix(dst []int32, p string, n int) []int32 {
	lo, hi := x.prefixRange(p)
	return x.best(dst, lo, hi, n)
}

// best appends to dst the first n distinct entries of a range, best first:
// stored in the file for a big range, read from the range for a small one.
func (x *keyIndex) best(dst []int32, lo, hi, n int) []int32 {
	if hi-lo > wire.ScanLimit {
		if off, count, ok := x.stored(lo, hi); ok {
			for i := off; i < off+min(n, count); i++ {
				dst = append(dst, int32(x.tops[i]))
			}
			return dst
		}
	}
	return x.scan(dst, lo, hi, n)
}

// stored finds a range's best entries in tops: among the few stored
// ranges that start where it does (a prefix's and its longer prefixes').
func (x *keyIndex) stored(lo, hi int) (off, n int, ok bool) {
	for _, r := range x.ranges[x.first[lo]:x.first[lo+1]] {
		if h, off, n := wire.SplitTopRange(r); h == hi {
			return off, n, true
		}
	}
	return 0, 0, false
}

// scan is best by reading the range. The entries of one key are sorted
// already.
func (x *keyIndex) scan(dst []int32, lo, hi, n int) []int32 {
	if hi > lo && x.key(lo) == x.key(hi-1) {
		return x.appendIDs(dst, lo, min(hi, lo+n))
	}
	start := len(dst)
	dst = x.appendIDs(dst, lo, hi)
	got := dst[start:]
	slices.Sort(got)
	got = slices.Compact(got)
	return dst[:start+min(n, len(got))]
}
