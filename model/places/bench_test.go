package places

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// The speed budget: a lookup over all the data costs no more than twice
// one over 1 % of it. Both indexes have the embedded file's layout (the
// small one is made here from every hundredth entry), and both run the same mix of what agents type: single letters, short
// prefixes, whole names, qualifiers, stations, postal codes and their
// first digits. Compare
//
//	go test -run XXX -bench . -benchmem ./model/places
//
// BenchmarkSuggestAll with BenchmarkSuggestSample (one op is the whole
// mix), BenchmarkSearchAll with BenchmarkSearchSample (the same without
// making the Places), and BenchmarkSuggestRatio, which alternates the two
// indexes and reports the ratio itself.
var benchQueries = []string{
	"m", "b", "be", "ha", "Mün", "Frank", "Düss", "Aschh", "Neu", "Bad A",
	"Berlin", "Frankfurt", "Muenchen", "Koeln", "Neustadt", "Sachsenhausen",
	"Garching b. München", "Halle (Saale)", "Neustadt Hessen", "Cologne",
	"Frankfurt Hbf", "Hbf", "St. Ingbert", "Augustin",
	"6", "60", "603", "60329", "8033", "Xyzzy",
}

var (
	indexOnce           sync.Once
	fullIndex, sample1p *index
)

// benchIndexes are the embedded index and one made of every hundredth of
// its entries (with their keys, codes and areas), laid out the same way:
// the full data's shape at a hundredth of its size.
func benchIndexes(b *testing.B) (*index, *index) {
	indexOnce.Do(func() {
		fullIndex = data()
		sample1p = open(string(planOf(fullIndex).Sample(100).Encode()))
	})
	if sample1p.size() == 0 || sample1p.size() > fullIndex.size()/90 {
		b.Fatalf("sample of %d entries from %d", sample1p.size(), fullIndex.size())
	}
	return fullIndex, sample1p
}

// benchSuggest runs the mix as Suggest does, places and all.
func benchSuggest(b *testing.B, ix *index) {
	b.ReportAllocs()
	results := 0
	for b.Loop() {
		for _, q := range benchQueries {
			var buf [MaxSuggestions]hit
			results += len(ix.places(ix.searchInto(buf[:0], q, 10)))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchQueries)), "ns/lookup")
	b.ReportMetric(float64(results)/float64(b.N), "results/op")
}

// benchSearch runs the mix through the index alone: the part whose cost
// could grow with the data, without making the Places, whose number
// does (the full data matches more).
func benchSearch(b *testing.B, ix *index) {
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range benchQueries {
			var buf [MaxSuggestions]hit
			ix.searchInto(buf[:0], q, 10)
		}
	}
}

func BenchmarkSuggestAll(b *testing.B) {
	full, _ := benchIndexes(b)
	benchSuggest(b, full)
}

func BenchmarkSuggestSample(b *testing.B) {
	_, small := benchIndexes(b)
	benchSuggest(b, small)
}

func BenchmarkSearchAll(b *testing.B) {
	full, _ := benchIndexes(b)
	benchSearch(b, full)
}

func BenchmarkSearchSample(b *testing.B) {
	_, small := benchIndexes(b)
	benchSearch(b, small)
}

// BenchmarkSuggestRatio runs the mix on both indexes in turn, so that a
// busy machine slows both alike, and reports the ratio of their times
// (the budget: at most 2) with each one's time per lookup.
func BenchmarkSuggestRatio(b *testing.B) {
	full, small := benchIndexes(b)
	var tFull, tSmall time.Duration
	mix := func(ix *index) time.Duration {
		start := time.Now()
		for _, q := range benchQueries {
			var buf [MaxSuggestions]hit
			ix.places(ix.searchInto(buf[:0], q, 10))
		}
		return time.Since(start)
	}
	for b.Loop() {
		tFull += mix(full)
		tSmall += mix(small)
	}
	lookups := float64(b.N * len(benchQueries))
	b.ReportMetric(float64(tFull.Nanoseconds())/lookups, "ns/lookup-all")
	b.ReportMetric(float64(tSmall.Nanoseconds())/lookups, "ns/lookup-1%")
	b.ReportMetric(float64(tFull)/float64(tSmall), "ratio")
}

// BenchmarkResolve is Resolve over the mix, on the embedded index.
func BenchmarkResolve(b *testing.B) {
	data()
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range benchQueries {
			_, _, _ = Resolve(q)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchQueries)), "ns/lookup")
}

// BenchmarkOpen is what the first lookup pays before it searches: reading
// the file's table of sections (the index is not decoded). It reports the
// heap that takes.
func BenchmarkOpen(b *testing.B) {
	b.ReportAllocs()
	var ix *index
	for b.Loop() {
		ix = open(file)
	}
	b.ReportMetric(float64(heapOf(func() any { return open(file) })), "heap-B")
	runtime.KeepAlive(ix)
}

// heapOf is how much live heap what make returns holds.
func heapOf(make func() any) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := make()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return after.HeapAlloc - before.HeapAlloc
}

// TestLookupCostsLittle is the budget as a test where it can be one: the
// number of allocations of a lookup, which does not depend on the
// machine. (Times are benchmarks, above.)
func TestLookupCostsLittle(t *testing.T) {
	ix := data()
	for _, q := range benchQueries {
		allocs := testing.AllocsPerRun(20, func() { Suggest(q, 10) })
		if allocs > 5 {
			t.Errorf("Suggest(%q): %.0f allocations", q, allocs)
		}
	}
	start := time.Now()
	for range 1000 {
		ix.search("m", 10)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("1000 lookups of a single letter took %v", d)
	}
}
