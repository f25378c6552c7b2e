package places

import (
	"slices"
	"sort"
	"strings"
)

// A keyIndex finds entries by key, exactly or by prefix, in time that does
// not grow with the data: the keys are sorted, so a prefix is a range
// found by binary search, and every range too big to scan has its best
// entries worked out when the index is built.
//
// Entry ids are in rank order, so "the best entries of a range" are its
// smallest distinct ids.
type keyIndex struct {
	text  string   // the sorted keys, one after the other
	off   []uint32 // key i is text[off[i]:off[i+1]]
	ids   []int32  // the entry of key i
	start []uint32 // start[b] is the first key in bucket b or later
	// top holds the precomputed best entries of the big ranges, as
	// places in tops; neither holds pointers, for the garbage collector's
	// sake.
	top  map[uint64]topRef
	tops []int32
}

type topRef struct {
	off uint32
	n   uint8
}

func (x *keyIndex) store(lo, hi int, ids []int32) {
	x.top[rangeKey(lo, hi)] = topRef{uint32(len(x.tops)), uint8(len(ids))}
	x.tops = append(x.tops, ids...)
}

// scanLimit is the largest range read key by key; a bigger one has its
// best entries precomputed. It bounds the work of any lookup.
const scanLimit = 16

func newKeyIndex(ks []keyed) *keyIndex {
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	ks = slices.Compact(ks)
	n := 0
	for _, k := range ks {
		n += len(k.key)
	}
	x := &keyIndex{off: make([]uint32, 0, len(ks)+1), ids: make([]int32, 0, len(ks)), top: map[uint64]topRef{}}
	var sb strings.Builder
	sb.Grow(n)
	for _, k := range ks {
		x.off = append(x.off, uint32(sb.Len()))
		x.ids = append(x.ids, k.id)
		sb.WriteString(k.key)
	}
	x.off = append(x.off, uint32(sb.Len()))
	x.text = sb.String()
	x.buckets()
	x.precompute(0, len(x.ids), 0)
	return x
}

// Keys are bucketed by their first two bytes, so a lookup's binary search
// starts from the few keys that share them. A key's bytes are a space,
// digits, a-z, or UTF-8 of other scripts; the slots keep their order.
const slots = 38

func slot(c byte) int {
	switch {
	case c == ' ':
		return 0
	case c >= '0' && c <= '9':
		return 1 + int(c-'0')
	case c >= 'a' && c <= 'z':
		return 11 + int(c-'a')
	case c >= 0x80:
		return slots - 1
	}
	return -1
}

// bucket is a key's bucket: its first byte's slot, then its second's, a
// key that ends after one byte coming first. ok is false for bytes a key
// cannot have.
func bucket(k string) (b int, ok bool) {
	s0 := slot(k[0])
	if len(k) == 1 {
		return s0 * (slots + 1), s0 >= 0
	}
	s1 := slot(k[1])
	return s0*(slots+1) + 1 + s1, s0 >= 0 && s1 >= 0
}

func (x *keyIndex) buckets() {
	n := slots * (slots + 1)
	x.start = make([]uint32, n+1)
	b := 0
	for i := range x.ids {
		kb, _ := bucket(x.key(i))
		for ; b <= kb; b++ {
			x.start[b] = uint32(i)
		}
	}
	for ; b <= n; b++ {
		x.start[b] = uint32(len(x.ids))
	}
}

// narrow is the range of keys that can start with p: its bucket's, or for
// a one-byte p the buckets of that first byte.
func (x *keyIndex) narrow(p string) (int, int) {
	if p == "" {
		return 0, len(x.ids)
	}
	b, ok := bucket(p)
	switch {
	case !ok:
		return 0, 0
	case len(p) == 1:
		return int(x.start[b]), int(x.start[b+slots+1])
	}
	return int(x.start[b]), int(x.start[b+1])
}

func (x *keyIndex) key(i int) string { return x.text[x.off[i]:x.off[i+1]] }

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

// best appends to dst the first n distinct entries of a range, best first.
func (x *keyIndex) best(dst []int32, lo, hi, n int) []int32 {
	if hi-lo > scanLimit {
		if t, ok := x.top[rangeKey(lo, hi)]; ok {
			return append(dst, x.tops[t.off:t.off+uint32(min(n, int(t.n)))]...)
		}
	}
	return x.scan(dst, lo, hi, n)
}

// scan is best by reading the range. The entries of one key are sorted
// already.
func (x *keyIndex) scan(dst []int32, lo, hi, n int) []int32 {
	if hi > lo && x.key(lo) == x.key(hi-1) {
		return append(dst, x.ids[lo:min(hi, lo+n)]...)
	}
	start := len(dst)
	dst = append(dst, x.ids[lo:hi]...)
	got := dst[start:]
	slices.Sort(got)
	got = slices.Compact(got)
	return dst[:start+min(n, len(got))]
}

func rangeKey(lo, hi int) uint64 { return uint64(lo)<<32 | uint64(hi) }

// precompute stores the best MaxSuggestions entries of every range bigger
// than scanLimit that a lookup can ask for: the keys with a given prefix,
// and the keys equal to one, which come first among them. It works bottom
// up, merging the lists of the sub-ranges (one per next byte), and
// returns the range's list.
func (x *keyIndex) precompute(lo, hi, depth int) []int32 {
	if hi-lo <= scanLimit {
		return x.scan(nil, lo, hi, MaxSuggestions)
	}
	var parts [][]int32
	i := lo
	for i < hi && len(x.key(i)) == depth {
		i++
	}
	if i > lo {
		exact := x.scan(nil, lo, i, MaxSuggestions)
		if i-lo > scanLimit {
			x.store(lo, i, exact)
		}
		parts = append(parts, exact)
	}
	for i < hi {
		c := x.key(i)[depth]
		j := i + sort.Search(hi-i, func(k int) bool { return x.key(i + k)[depth] > c })
		parts = append(parts, x.precompute(i, j, depth+1))
		i = j
	}
	top := parts[0]
	for _, p := range parts[1:] {
		top = mergeBest(top, p, MaxSuggestions)
	}
	x.store(lo, hi, top)
	return top
}

// mergeBest merges two ascending lists of distinct ids into a new one of
// at most n.
func mergeBest(a, b []int32, n int) []int32 {
	return mergeInto(make([]int32, 0, min(n, len(a)+len(b))), a, b, n)
}

// mergeInto is mergeBest appending to out, which must not share memory
// with a or b beyond its length.
func mergeInto(out, a, b []int32, n int) []int32 {
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
