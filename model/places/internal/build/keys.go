package build

import (
	"slices"
	"sort"
	"strings"

	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// A keyIndex finds entries by key, exactly or by prefix, in time that does
// not grow with the data: the keys are sorted, so a prefix is a range
// found by binary search, and every range too big to scan has its best
// entries worked out here, when the file is made.
//
// Entry ids are in rank order, so "the best entries of a range" are its
// smallest distinct ids.
type keyIndex struct {
	text   string   // the sorted keys, one after the other
	off    []uint32 // key i is text[off[i]:off[i+1]]
	ids    []int32  // the entry of key i
	start  []uint32 // start[b] is the first key in bucket b or later
	ranges []uint64 // the stored ranges, by first key then last (wire.TopRange)
	first  []uint32 // where in ranges those that start at key i or later begin
	tops   []int32  // their best entries
}

func newKeyIndex(ks []Keyed) *keyIndex {
	ks = slices.DeleteFunc(ks, func(k Keyed) bool { return k.Key == "" })
	slices.SortFunc(ks, func(a, b Keyed) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	ks = slices.Compact(ks)
	n := 0
	for _, k := range ks {
		n += len(k.Key)
	}
	x := &keyIndex{off: make([]uint32, 0, len(ks)+1), ids: make([]int32, 0, len(ks))}
	var sb strings.Builder
	sb.Grow(n)
	for _, k := range ks {
		x.off = append(x.off, uint32(sb.Len()))
		x.ids = append(x.ids, k.ID)
		sb.WriteString(k.Key)
	}
	x.off = append(x.off, uint32(sb.Len()))
	x.text = sb.String()
	x.buckets()
	type stored struct {
		lo, hi int
		ids    []int32
	}
	var all []stored
	x.precompute(0, len(x.ids), 0, func(lo, hi int, ids []int32) {
		all = append(all, stored{lo, hi, ids})
	})
	slices.SortFunc(all, func(a, b stored) int {
		if a.lo != b.lo {
			return a.lo - b.lo
		}
		return a.hi - b.hi
	})
	all = slices.CompactFunc(all, func(a, b stored) bool { return a.lo == b.lo && a.hi == b.hi })
	x.first = make([]uint32, len(x.ids)+1)
	r := 0
	for lo := range x.first {
		x.first[lo] = uint32(len(x.ranges))
		for ; r < len(all) && all[r].lo == lo; r++ {
			x.ranges = append(x.ranges, wire.TopRange(all[r].hi, len(x.tops), len(all[r].ids)))
			x.tops = append(x.tops, all[r].ids...)
		}
	}
	return x
}

func (x *keyIndex) encode(w *wire.Writer, which int) {
	sec := func(part int) int { return wire.KeySection(which, part) }
	w.Set(sec(wire.KeyText), []byte(x.text))
	w.Set(sec(wire.KeyOffsets), wire.U32s(x.off))
	w.Set(sec(wire.KeyIDs), wire.U32s(x.ids))
	w.Set(sec(wire.KeyStarts), wire.U32s(x.start))
	w.Set(sec(wire.KeyTopRanges), wire.U64s(x.ranges))
	w.Set(sec(wire.KeyTops), wire.U32s(x.tops))
	w.Set(sec(wire.KeyTopFirst), wire.U32s(x.first))
}

func (x *keyIndex) key(i int) string { return x.text[x.off[i]:x.off[i+1]] }

func (x *keyIndex) buckets() {
	x.start = make([]uint32, wire.Buckets+1)
	b := 0
	for i := range x.ids {
		kb, _ := wire.Bucket(x.key(i))
		for ; b <= kb; b++ {
			x.start[b] = uint32(i)
		}
	}
	for ; b <= wire.Buckets; b++ {
		x.start[b] = uint32(len(x.ids))
	}
}

// scan is the best n entries of a range, by reading it. The entries of one
// key are sorted already.
func (x *keyIndex) scan(lo, hi, n int) []int32 {
	if hi > lo && x.key(lo) == x.key(hi-1) {
		return slices.Clone(x.ids[lo:min(hi, lo+n)])
	}
	got := slices.Clone(x.ids[lo:hi])
	slices.Sort(got)
	got = slices.Compact(got)
	return got[:min(n, len(got))]
}

// precompute stores the best wire.TopN entries of every range bigger
// than wire.ScanLimit that a lookup can ask for: the keys with a given
// prefix, and the keys equal to one, which come first among them. It works
// bottom up, merging the lists of the sub-ranges (one per next byte), and
// returns the range's list.
func (x *keyIndex) precompute(lo, hi, depth int, store func(lo, hi int, ids []int32)) []int32 {
	if hi-lo <= wire.ScanLimit {
		return x.scan(lo, hi, wire.TopN)
	}
	var parts [][]int32
	i := lo
	for i < hi && len(x.key(i)) == depth {
		i++
	}
	if i > lo {
		exact := x.scan(lo, i, wire.TopN)
		if i-lo > wire.ScanLimit {
			store(lo, i, exact)
		}
		parts = append(parts, exact)
	}
	for i < hi {
		c := x.key(i)[depth]
		j := i + sort.Search(hi-i, func(k int) bool { return x.key(i + k)[depth] > c })
		parts = append(parts, x.precompute(i, j, depth+1, store))
		i = j
	}
	top := parts[0]
	for _, p := range parts[1:] {
		top = wire.MergeInto(make([]int32, 0, min(wire.TopN, len(top)+len(p))), top, p, wire.TopN)
	}
	store(lo, hi, top)
	return top
}
