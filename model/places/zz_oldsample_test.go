package places

import (
	"encoding/json"
	"github.com/petitmonde/chargedesk/model/places/internal/build"
	"os"
	"testing"
	"time"
)

type zzE struct {
	Name, Label, Postal, Ctx string
	Lat, Lng                 int32
	Pop, Weight              uint32
	District                 uint16
	State                    uint8
	Kind                     uint8
}
type zzK struct {
	Key string
	ID  int32
}
type zzP struct {
	Entries           []zzE
	Keys              [3][]zzK
	Codes             []int32
	Areas             map[string]int32
	States, Districts []string
}

func BenchmarkZZOldSample(b *testing.B) {
	full, small := benchIndexes(b)
	raw, _ := os.ReadFile("/tmp/i19/oldsample.json")
	var z zzP
	json.Unmarshal(raw, &z)
	p := &build.Plan{States: z.States, Districts: z.Districts, Codes: z.Codes, Areas: z.Areas}
	for _, e := range z.Entries {
		p.Entries = append(p.Entries, build.Entry{Name: e.Name, Label: e.Label, Postal: e.Postal, Ctx: e.Ctx, Lat: e.Lat, Lng: e.Lng, Population: e.Pop, Weight: e.Weight, District: e.District, State: e.State, Kind: e.Kind})
	}
	for w := range z.Keys {
		for _, k := range z.Keys[w] {
			p.Keys[w] = append(p.Keys[w], build.Keyed{Key: k.Key, ID: k.ID})
		}
	}
	old := open(string(p.Encode()))
	var tf, ts, to time.Duration
	mix := func(ix *index) time.Duration {
		start := time.Now()
		for _, q := range benchQueries {
			var buf [MaxSuggestions]hit
			ix.places(ix.searchInto(buf[:0], q, 10))
		}
		return time.Since(start)
	}
	for b.Loop() {
		tf += mix(full)
		ts += mix(small)
		tf += mix(full)
		to += mix(old)
	}
	b.ReportMetric(float64(tf/2)/float64(ts), "full/newsample")
	b.ReportMetric(float64(tf/2)/float64(to), "full/oldsample")
}
