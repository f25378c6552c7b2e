package places

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// The speed budget: a lookup over all the data costs no more than twice
// one over 1 % of it. Both indexes are built here from the embedded file,
// and both run the same mix of what agents type: single letters, short
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

func benchIndexes(b *testing.B) (*index, *index) {
	indexOnce.Do(func() {
		ds, err := wire.Decode(file)
		if err != nil {
			b.Fatal(err)
		}
		fullIndex = build(ds)
		sample1p = build(sample(ds, 100))
	})
	return fullIndex, sample1p
}

// sample keeps every k-th town, postal code and station, so that the
// sample has the full data's shape at a hundredth of its size.
func sample(ds *wire.Dataset, k int) *wire.Dataset {
	out := &wire.Dataset{Mask: ds.Mask, States: ds.States, Districts: ds.Districts}
	renumber := map[int]int{}
	for i, t := range ds.Towns {
		if i%k == 0 {
			renumber[i] = len(out.Towns)
			out.Towns = append(out.Towns, t)
		}
	}
	for i, p := range ds.Postal {
		if i%k != 0 {
			continue
		}
		var towns []int
		for _, t := range p.Towns {
			if n, ok := renumber[t]; ok {
				towns = append(towns, n)
			}
		}
		p.Towns = towns
		out.Postal = append(out.Postal, p)
	}
	for i, s := range ds.Stations {
		if i%k == 0 {
			out.Stations = append(out.Stations, s)
		}
	}
	return out
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

// BenchmarkResolve is Resolve over the mix, on the real (lazily loaded)
// data.
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

// BenchmarkLoad is the first lookup's cost: decoding the embedded file and
// building the index. It reports the index's size on the heap.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	var ix *index
	for b.Loop() {
		ds, err := wire.Decode(file)
		if err != nil {
			b.Fatal(err)
		}
		ix = build(ds)
	}
	b.ReportMetric(float64(heapOf(func() any { return build(mustDecode(b)) }))/1e6, "heap-MB")
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

func mustDecode(b *testing.B) *wire.Dataset {
	ds, err := wire.Decode(file)
	if err != nil {
		b.Fatal(err)
	}
	return ds
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
