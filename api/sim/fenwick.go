package sim

import "math/bits"

// fenwick counts marked positions 0, 1, … (a Fenwick, or binary indexed,
// tree): marking or unmarking one, counting those before a position and
// finding the k-th marked one each cost O(log n). The store keeps one per
// owner and status over the owner's records in creation order, so a page
// of one status, and its total, never take a scan. It grows on demand;
// positions past its end count as unmarked.
type fenwick struct {
	t []int // t[i-1] is node i (1-based): the count of positions (i − lowbit(i), i]
}

func lowbit(i int) int { return i & -i }

// add adds d (±1) to position p's count.
func (f *fenwick) add(p, d int) {
	f.grow(p + 1)
	for i := p + 1; i <= len(f.t); i += lowbit(i) {
		f.t[i-1] += d
	}
}

// grow extends the tree to n positions, the new ones unmarked.
func (f *fenwick) grow(n int) {
	for i := len(f.t) + 1; i <= n; i++ {
		// Node i covers (i − lowbit(i), i]; position i itself counts 0.
		f.t = append(f.t, f.prefix(i-1)-f.prefix(i-lowbit(i)))
	}
}

// prefix counts the marked positions in [0, n).
func (f *fenwick) prefix(n int) int {
	c := 0
	for i := min(n, len(f.t)); i > 0; i -= lowbit(i) {
		c += f.t[i-1]
	}
	return c
}

// find returns the position of the k-th marked one, counting from 1; there
// must be at least k.
func (f *fenwick) find(k int) int {
	pos := 0 // the largest pos found so far with prefix(pos) < k
	for step := highBit(len(f.t)); step > 0; step >>= 1 {
		if next := pos + step; next <= len(f.t) && f.t[next-1] < k {
			pos = next
			k -= f.t[next-1]
		}
	}
	return pos
}

// highBit is the largest power of two ≤ n, 0 for 0.
func highBit(n int) int {
	if n <= 0 {
		return 0
	}
	return 1 << (bits.Len(uint(n)) - 1)
}

// reset rebuilds the tree over n positions, marked where marked says, in O(n).
func (f *fenwick) reset(n int, marked func(p int) bool) {
	if cap(f.t) >= n {
		f.t = f.t[:n]
		clear(f.t)
	} else {
		f.t = make([]int, n)
	}
	for i := 1; i <= n; i++ {
		if marked(i - 1) {
			f.t[i-1]++
		}
		if j := i + lowbit(i); j <= n {
			f.t[j-1] += f.t[i-1]
		}
	}
}
