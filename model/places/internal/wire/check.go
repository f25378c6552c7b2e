package wire

import (
	"errors"
	"fmt"
)

// Check reads a whole file and says what in it would send a lookup out of
// bounds: a span outside the text, an entry id that is no entry, keys out
// of order. The place finder trusts the embedded file (its tests run
// Check on it); a lookup never checks.
func Check(file string) error {
	f, err := Open(file)
	if err != nil {
		return err
	}
	text := f.Section(SecText)
	ents := f.Section(SecEntries)
	n := len(ents) / EntrySize
	inText := func(s Span) bool { return int(s.Off)+int(s.N) <= len(text) }
	for i := range n {
		e := ReadEntry(ents, int32(i))
		if !inText(e.Label) || !inText(e.Name) || !inText(e.Postal) || !inText(e.Ctx) || e.Kind > KindPostalCode {
			return fmt.Errorf("wire: entry %d has a string outside the text or kind %d", i, e.Kind)
		}
		if int(e.State) >= StringCount(f.Section(SecStates)) || int(e.District) >= StringCount(f.Section(SecDistricts)) {
			return fmt.Errorf("wire: entry %d names state %d, district %d", i, e.State, e.District)
		}
	}
	isEntry := func(s string, i int) bool { return int(U32(s, i)) < n }
	for _, id := range []int{SecCodes, SecAreaIDs} {
		s := f.Section(id)
		for i := range len(s) / 4 {
			if !isEntry(s, i) {
				return fmt.Errorf("wire: section %d names entry %d of %d", id, U32(s, i), n)
			}
		}
	}
	areas := f.Section(SecAreaKeys)
	for i := 1; i < len(areas)/4; i++ {
		if U32(areas, i-1) >= U32(areas, i) {
			return errors.New("wire: the postal areas are out of order")
		}
	}
	for which := range NumKeyIndexes {
		if err := checkKeys(f, which, isEntry); err != nil {
			return fmt.Errorf("wire: key index %d: %w", which, err)
		}
	}
	return nil
}

func checkKeys(f *File, which int, isEntry func(string, int) bool) error {
	sec := func(part int) string { return f.Section(KeySection(which, part)) }
	text, offs, ids, starts := sec(KeyText), sec(KeyOffsets), sec(KeyIDs), sec(KeyStarts)
	keys := len(ids) / 4
	prev := ""
	for i := range keys {
		lo, hi := U32(offs, i), U32(offs, i+1)
		if lo > hi || int(hi) > len(text) || lo == hi {
			return fmt.Errorf("key %d at %d..%d of %d", i, lo, hi, len(text))
		}
		k := text[lo:hi]
		if k < prev {
			return fmt.Errorf("key %d %q after %q", i, k, prev)
		}
		if b, ok := Bucket(k); !ok || int(U32(starts, b)) > i || int(U32(starts, b+1)) <= i {
			return fmt.Errorf("key %d %q is not in its bucket", i, k)
		}
		prev = k
		if !isEntry(ids, i) {
			return fmt.Errorf("key %d names entry %d", i, U32(ids, i))
		}
	}
	for b := 0; b < Buckets; b++ {
		if U32(starts, b) > U32(starts, b+1) || int(U32(starts, b+1)) > keys {
			return fmt.Errorf("bucket %d starts at %d, the next at %d", b, U32(starts, b), U32(starts, b+1))
		}
	}
	ranges, first, tops := sec(KeyTopRanges), sec(KeyTopFirst), sec(KeyTops)
	m := len(ranges) / 8
	if U32(first, 0) != 0 || int(U32(first, keys)) != m {
		return fmt.Errorf("the stored ranges span %d to %d of %d", U32(first, 0), U32(first, keys), m)
	}
	for lo := range keys {
		at, end := int(U32(first, lo)), int(U32(first, lo+1))
		if end < at || end > m {
			return fmt.Errorf("the stored ranges from key %d run from %d to %d", lo, at, end)
		}
		for ; at < end; at++ {
			hi, off, n := SplitTopRange(U64(ranges, at))
			if hi <= lo || hi > keys || n > TopN || 4*(off+n) > len(tops) {
				return fmt.Errorf("a stored range from key %d: to %d, %d entries at %d", lo, hi, n, off)
			}
			for j := off; j < off+n; j++ {
				if !isEntry(tops, j) {
					return fmt.Errorf("a stored range from key %d names entry %d", lo, U32(tops, j))
				}
			}
		}
	}
	return nil
}
