package places

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/petitmonde/chargedesk/model/places/internal/norm"
	"github.com/petitmonde/chargedesk/model/places/internal/wire"
)

// hit is a match: its entry, and the stage of the search that found it.
type hit struct {
	id    int32
	stage uint8
}

// The stages of a search, in the order their matches are listed; within a
// stage the better place comes first. This is the ranking by match
// quality that Suggest documents.
const (
	stageExact      uint8 = iota // the text is a name
	stageExactAlt                // the text is an alternate name: Munich, Cologne
	stageTyping                  // a name starts with the text and its half-typed "a", "an", "bei"
	stageWords                   // the text is a name's first words, or a name and its district or state
	stagePrefix                  // a name starts with the text
	stageAlt                     // an alternate name starts with the text
	stageInner                   // a later word of a name starts with the text
	stagePostal                  // a postal code, or the area of its first digits
	stagePostalList              // the codes of that area
)

// add appends the ids not yet among hs, as hits of a stage, until hs holds
// n. (A function, not a method: a caller's buffer then stays on its stack.)
func add(hs []hit, n int, ids []int32, stage uint8) []hit {
next:
	for _, id := range ids {
		if len(hs) >= n {
			break
		}
		for _, h := range hs {
			if h.id == id {
				continue next
			}
		}
		hs = append(hs, hit{id, stage})
	}
	return hs
}

// search finds up to n matches for a text, best first.
func (ix *index) search(query string, n int) []hit {
	if n <= 0 {
		return nil
	}
	return ix.searchInto(make([]hit, 0, n), query, n)
}

// searchInto is search appending to dst.
func (ix *index) searchInto(dst []hit, query string, n int) []hit {
	q := norm.Parse(query)
	if q.Key == "" || n <= 0 {
		return nil
	}
	if digits, ok := postalQuery(q.Key); ok {
		return ix.postal(dst, n, digits)
	}
	var scratch [2 * (wire.ScanLimit + MaxSuggestions)]int32
	buf := scratch[:0]
	ps := ix.primary.spans(q.Key)
	for stage := stageExact; stage <= stageInner && len(dst) < n; stage++ {
		dst = add(dst, n, ix.stage(buf, stage, q, ps, n), stage)
	}
	return dst
}

// stage is the matches of one stage, best first. The
// lists are built in buf, so a lookup allocates little.
func (ix *index) stage(buf []int32, stage uint8, q norm.Query, ps spans, n int) []int32 {
	k := q.Key
	switch stage {
	case stageExact:
		return ix.primary.best(buf, ps.exactLo, ps.exactHi, n)
	case stageTyping:
		if q.Typing == "" {
			return nil
		}
		return ix.startsWith(buf, q.Typing, n)
	case stageExactAlt:
		lo, hi := ix.alt.exactRange(k)
		return ix.alt.best(buf, lo, hi, n)
	case stageWords:
		words := ix.primary.best(buf, ps.wordsLo, ps.wordsHi, n)
		qual := ix.qualified(words[len(words):], k, n)
		return wire.MergeInto(qual[len(qual):], words, qual, n)
	case stagePrefix:
		return ix.primary.best(buf, ps.prefixLo, ps.prefixHi, n)
	case stageAlt:
		return ix.alt.bestPrefix(buf, k, n)
	case stageInner:
		return ix.inner.bestPrefix(buf, k, n)
	}
	return nil
}

// startsWith is the entries with a name or alternate name starting with p.
func (ix *index) startsWith(buf []int32, p string, n int) []int32 {
	names := ix.primary.bestPrefix(buf, p, n)
	alts := ix.alt.bestPrefix(names[len(names):], p, n)
	return wire.MergeInto(alts[len(alts):], names, alts, n)
}

// maxNamesakes bounds the places of one name that a qualifier is checked
// against.
const maxNamesakes = 256

// qualified is the entries named by the first words of k whose district,
// state, city or postal code the other words name: "Neustadt Hessen",
// "Sachsenhausen Waldeck", or a label pasted back, "Lage · Lippe,
// Nordrhein-Westfalen" (which finds the station "Lage (Lippe)" too).
func (ix *index) qualified(buf []int32, k string, n int) []int32 {
	got := buf
	for i := strings.LastIndexByte(k, ' '); i > 0; i = strings.LastIndexByte(k[:i], ' ') {
		head, tail := k[:i], k[i+1:]
		for _, x := range []*keyIndex{&ix.primary, &ix.alt} {
			lo, hi := x.exactRange(head)
			for i := lo; i < min(hi, lo+maxNamesakes); i++ {
				if id := x.id(i); ix.fits(id, tail) {
					got = append(got, id)
				}
			}
		}
	}
	slices.Sort(got)
	got = slices.Compact(got)
	return got[:min(n, len(got))]
}

// fits says whether every word of tail starts a word of what is known
// about e: district, state, a station's city, its postal code.
func (ix *index) fits(id int32, tail string) bool {
	e := ix.ent(id)
	words, ctx, postal := e.Words, e.Ctx, e.Postal
	for tail != "" {
		var w string
		w, tail, _ = strings.Cut(tail, " ")
		if !words.May(w) || !(hasWord(ix.str(ctx), w) || strings.HasPrefix(ix.str(postal), w)) {
			return false
		}
	}
	return true
}

// hasWord says whether a word of s starts with w.
func hasWord(s, w string) bool {
	for i := 0; i+len(w) <= len(s); {
		if s[i:i+len(w)] == w {
			return true
		}
		j := strings.IndexByte(s[i:], ' ')
		if j < 0 {
			return false
		}
		i += j + 1
	}
	return false
}

// postalQuery says whether a key is a postal code or its first digits
// ("80331", "603", or "603xx" from a label), returning the digits. A
// number right after makes it something else ("48 1351 11 5820",
// coordinates with a typo): a postal code is followed by a name.
func postalQuery(k string) (string, bool) {
	w, rest, _ := strings.Cut(k, " ")
	if rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		return "", false
	}
	digits := strings.TrimRight(w, "x")
	if digits == "" {
		return "", false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", false
		}
	}
	return digits, len(w) <= 5
}

// postal adds the code, or the area and then its codes in order.
func (ix *index) postal(dst []hit, n int, digits string) []hit {
	code := func(i int) string { return ix.str(ix.ent(ix.code(i)).Postal) }
	codes := len(ix.codes)
	lo := sort.Search(codes, func(i int) bool { return code(i) >= digits })
	hi := lo + sort.Search(codes-lo, func(i int) bool { return !strings.HasPrefix(code(lo+i), digits) })
	var buf [MaxSuggestions]int32
	ids := buf[:0]
	for i := lo; i < min(hi, lo+n); i++ {
		ids = append(ids, ix.code(i))
	}
	if len(digits) == 5 {
		return add(dst, n, ids, stagePostal)
	}
	if area, ok := ix.area(digits); ok {
		dst = add(dst, n, []int32{area}, stagePostal)
	}
	return add(dst, n, ids, stagePostalList)
}

// bestGroup is the hits of the first hit's stage.
func (ix *index) bestGroup(hs []hit) []hit {
	n := 1
	for n < len(hs) && hs[n].stage == hs[0].stage {
		n++
	}
	return hs[:n]
}

// samePlaceKM is how close two matches may be and still count as one
// place (a town and its station, a city and its district).
const samePlaceKM = 5

// clearlyFirst applies Resolve's rule to the best group of matches.
func (ix *index) clearlyFirst(g []hit) bool {
	first := ix.ent(g[0].id)
	if k := Kind(first.Kind); k == PostalCode || k == PostalArea {
		return true
	}
	for _, h := range g[1:] {
		e := ix.ent(h.id)
		if distanceKM(first, e) <= samePlaceKM {
			continue
		}
		return first.Weight > 0 && uint64(first.Weight) >= 10*uint64(e.Weight)
	}
	return true
}

// withLabel is the hit whose label is the text, as when a suggestion is
// pasted back.
func (ix *index) withLabel(hs []hit, query string) (hit, bool) {
	query = strings.TrimSpace(query)
	for _, h := range hs {
		if strings.EqualFold(ix.str(ix.ent(h.id).Label), query) {
			return h, true
		}
	}
	return hit{}, false
}

func isTown(k Kind) bool { return k == Town || k == District || k == Locality }

// townOf is the first hit, or, when that is a station, a town of the same
// name (or alternate name) beside it: "Appenweier" is the village, not its
// station, and "Halle Westf" the town, not "Halle (Westf)" station.
func (ix *index) townOf(hs []hit) int32 {
	first := ix.ent(hs[0].id)
	if Kind(first.Kind) != Station {
		return hs[0].id
	}
	for _, h := range hs[1:] {
		e := ix.ent(h.id)
		if h.stage <= stageExactAlt && isTown(Kind(e.Kind)) && distanceKM(first, e) <= samePlaceKM {
			return h.id
		}
	}
	return hs[0].id
}

// distanceKM is the great-circle distance between two entries.
func distanceKM(a, b *entry) float64 {
	const earthRadiusKM = 6371.0
	rad := math.Pi / 180 / 1e5
	lat1, lat2 := float64(a.Lat)*rad, float64(b.Lat)*rad
	dLat, dLng := lat2-lat1, float64(b.Lng-a.Lng)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadiusKM * math.Asin(math.Min(1, math.Sqrt(h)))
}
