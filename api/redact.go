package api

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
)

// CheckKey trims a key as it was read (from the variable or profile named
// by source) and refuses one that is not printable ASCII, naming the source:
// a control character or a stray space in a key is a copy-paste accident that
// would otherwise travel in every header and dodge redaction.
func CheckKey(key, source string) (string, error) {
	k := strings.TrimSpace(key)
	for i, r := range k {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' {
			return "", fmt.Errorf("the API key from %s has a character that is not printable ASCII (position %d): paste it again without spaces or line breaks", source, i+1)
		}
	}
	return k, nil
}

// Redact replaces the key in s with a mask, in every spelling a server
// could echo it in (see Redactor).
func Redact(s, key string) string {
	return RedactWith(s, key, MaskKey(strings.TrimSpace(key)))
}

// RedactWith is Redact with mask in place of every spelling of the key.
// A caller that redacts often keeps a Redactor instead.
func RedactWith(s, key, mask string) string {
	return NewRedactor(key, mask).String(s)
}

// Redactor masks one secret wherever it is in a text, however it is
// spelled. It normalises before it matches: the text is read a character at
// a time through two layers of decoding (so one escape inside another, such
// as %255F or \u0025 5F, is read too) of percent-encoding (%5f, %5F),
// \u and \x escapes, JSON's short escapes and HTML's numeric entities, in
// any mix; line breaks, spaces, quotes, commas and plus signs between two
// characters are skipped, so a secret split across lines or JSON string
// pieces ("sk_live_CAN" + "ARY…") is still one. The secret is looked for
// in that reading, and so is its base64 and base64url encoding at each of
// the three byte alignments (the characters that encode it whole, padded or
// not, wherever it sits in the encoded text). What matches is replaced, from
// its first to its last character as written, by the mask: whatever the
// body (valid JSON or not), header or error text.
//
// One pass over the text, without allocating when the secret is not there.
// A Redactor is safe for concurrent use.
type Redactor struct {
	mask    string
	base64  []bool  // by pattern: an encoding (its match grows to the neighbouring base64 characters)
	lens    []int32 // by pattern: its length once normalised
	classes [256]uint8
	idle    [256]bool // a byte read outside a match that starts none (or is skipped)
	ncls    int
	next    []int32 // the automaton: next[state*ncls+class]
	out     []int16 // by state: the longest pattern ending there, -1: none
	longest int
}

// minPattern is the shortest spelling looked for: below it, a secret (or
// the part of an encoding that is its own) would match ordinary text.
const minPattern = 4

// NewRedactor is a Redactor of key (trimmed) that writes mask in its place.
// A key shorter than 4 characters is not looked for.
func NewRedactor(key, mask string) *Redactor {
	r := &Redactor{mask: mask}
	key = strings.TrimSpace(key)
	if len(key) < minPattern {
		return r
	}
	var patterns [][]byte
	add := func(p []byte, enc bool) {
		p = normalised(p)
		if len(p) < minPattern {
			return
		}
		for _, q := range patterns {
			if string(q) == string(p) {
				return
			}
		}
		patterns = append(patterns, p)
		r.base64 = append(r.base64, enc)
	}
	add([]byte(key), false)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for align := range 3 {
			add(encodedCore(enc, []byte(key), align), true)
		}
	}
	r.build(patterns)
	return r
}

// encodedCore is the part of enc's encoding of a text holding secret at
// byte offset align (mod 3) that depends on the secret alone: the same
// characters wherever the secret sits, whatever surrounds it.
func encodedCore(enc *base64.Encoding, secret []byte, align int) []byte {
	buf := make([]byte, align+len(secret)+3)
	copy(buf[align:], secret)
	full := enc.EncodeToString(buf)
	from := (8*align + 5) / 6             // the first character whose 6 bits are all the secret's
	to := (8 * (align + len(secret))) / 6 // the first whose bits run past it
	if to <= from {
		return nil
	}
	return []byte(full[from:to])
}

// normalised is p read as text is read: decoded, separators dropped.
func normalised(p []byte) []byte {
	var out []byte
	for i := 0; i < len(p); {
		var v int
		v, i = unit2(p, i)
		if v < 256 && kinds[v] == kindSeparator {
			continue
		}
		if v >= 256 {
			v = nonASCII
		}
		out = append(out, byte(v))
	}
	return out
}

// build makes the automaton (Aho-Corasick, with every transition spelled
// out) over the bytes the patterns use; every other byte is class 0.
func (r *Redactor) build(patterns [][]byte) {
	if len(patterns) == 0 {
		return
	}
	r.ncls = 1
	for _, p := range patterns {
		for _, c := range p {
			if r.classes[c] == 0 {
				r.classes[c] = uint8(r.ncls)
				r.ncls++
			}
		}
		r.longest = max(r.longest, len(p))
		r.lens = append(r.lens, int32(len(p)))
	}
	// The trie.
	goTo := [][]int{make([]int, r.ncls)}
	r.out = []int16{-1}
	for pi, p := range patterns {
		s := 0
		for _, c := range p {
			cl := r.classes[c]
			if goTo[s][cl] == 0 {
				goTo = append(goTo, make([]int, r.ncls))
				r.out = append(r.out, -1)
				goTo[s][cl] = len(goTo) - 1
			}
			s = goTo[s][cl]
		}
		r.out[s] = int16(pi)
	}
	// Failure links, breadth first, folded into the transitions.
	fail := make([]int, len(goTo))
	queue := []int{}
	for cl := 1; cl < r.ncls; cl++ {
		if s := goTo[0][cl]; s != 0 {
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if f := r.out[fail[s]]; f >= 0 && (r.out[s] < 0 || r.lens[f] > r.lens[r.out[s]]) {
			r.out[s] = f
		}
		for cl := 1; cl < r.ncls; cl++ {
			t := goTo[s][cl]
			if t == 0 {
				goTo[s][cl] = goTo[fail[s]][cl]
				continue
			}
			fail[t] = goTo[fail[s]][cl]
			queue = append(queue, t)
		}
	}
	r.next = make([]int32, len(goTo)*r.ncls)
	for s, row := range goTo {
		for cl, t := range row {
			r.next[s*r.ncls+cl] = int32(t)
		}
	}
	for c := range r.idle {
		r.idle[c] = kinds[c] == kindSeparator || kinds[c] == kindPlain && goTo[0][r.classes[c]] == 0
	}
}

// Bytes is b with the secret masked: b itself when it is not there.
func (r *Redactor) Bytes(b []byte) []byte {
	spans := find(r, b)
	if len(spans) == 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	at := 0
	for _, s := range spans {
		out = append(append(out, b[at:s.from]...), r.mask...)
		at = s.to
	}
	return append(out, b[at:]...)
}

// String is s with the secret masked.
func (r *Redactor) String(s string) string {
	spans := find(r, s)
	if len(spans) == 0 {
		return s
	}
	var out strings.Builder
	out.Grow(len(s))
	at := 0
	for _, sp := range spans {
		out.WriteString(s[at:sp.from])
		out.WriteString(r.mask)
		at = sp.to
	}
	out.WriteString(s[at:])
	return out.String()
}

// span is where a match is written: [from, to).
type span struct{ from, to int }

// find is where the secret is in t, in order, overlapping matches merged.
func find[T string | []byte](r *Redactor, t T) []span {
	if r.next == nil {
		return nil
	}
	var spans []span
	// starts is where the characters of the match under way began, a ring
	// of the last r.longest; count is how many went in (a character that
	// leaves the automaton at its start is part of no match: not counted).
	var ring [128]int // on the stack, for any key of the usual length
	var starts []int
	state, count := 0, 0
	for i := 0; i < len(t); {
		if state == 0 {
			for i < len(t) && r.idle[t[i]] {
				i++
			}
			if i == len(t) {
				break
			}
		}
		at := i
		var v int
		switch kinds[t[i]] {
		case kindPlain:
			v = int(t[i])
			i++
		case kindSeparator:
			i++
			continue
		default:
			v, i = unit2(t, i)
			if v < 256 && kinds[v] == kindSeparator {
				continue
			}
		}
		cl := 0
		if v < 256 {
			cl = int(r.classes[v])
		}
		state = int(r.next[state*r.ncls+cl])
		if state == 0 {
			continue
		}
		if starts == nil {
			if r.longest <= len(ring) {
				starts = ring[:r.longest]
			} else {
				starts = make([]int, r.longest)
			}
		}
		starts[count%r.longest] = at
		count++
		if p := r.out[state]; p >= 0 {
			s := span{starts[(count-int(r.lens[p]))%r.longest], i}
			if r.base64[p] {
				s = widen(t, s)
			}
			if n := len(spans); n > 0 && s.from <= spans[n-1].to {
				spans[n-1].to = max(spans[n-1].to, s.to)
			} else {
				spans = append(spans, s)
			}
		}
	}
	return spans
}

// widen grows a base64 match by the character on each side, which holds
// some bits of the secret too.
func widen[T string | []byte](t T, s span) span {
	if s.from > 0 && isBase64(t[s.from-1]) {
		s.from--
	}
	if s.to < len(t) && isBase64(t[s.to]) {
		s.to++
	}
	return s
}

func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}

// What a byte is to the reader: an ordinary character, one skipped between
// two characters, or the start of an escape.
const (
	kindPlain = iota
	kindSeparator
	kindEscape
)

// nonASCII is what a character past ASCII reads as: a secret is ASCII
// (CheckKey), so it never matches one.
const nonASCII = 0x80

var kinds = func() (k [256]uint8) {
	for _, c := range " \t\n\r\v\f\"',+" {
		k[c] = kindSeparator
	}
	for _, c := range `%\&` {
		k[c] = kindEscape
	}
	return k
}()

// unit2 reads the character at t[i] through both layers of decoding: one
// escape, or an escape spelled with escapes. It returns the character (a
// rune; ≥ 256 past Latin-1) and where the next begins.
func unit2[T string | []byte](t T, i int) (int, int) {
	v, j := unit1(t, i)
	if v > 255 || kinds[v] != kindEscape {
		return v, j
	}
	// The escape's own characters may be escaped: read them a unit at a
	// time into a small buffer, and decode that.
	var buf [12]byte
	ends := [12]int{}
	buf[0], ends[0] = byte(v), j
	n := 1
	for n < len(buf) && j < len(t) {
		w, k := unit1(t, j)
		if w > 255 {
			break
		}
		buf[n], ends[n] = byte(w), k
		n++
		j = k
	}
	w, used := unit1(buf[:n], 0)
	if used <= 1 {
		return v, ends[0]
	}
	return w, ends[used-1]
}

// unit1 reads one character at t[i], decoding one escape: %XX, \uXXXX,
// \xXX, JSON's \n \r \t \b \f \/ \\ \" \', &#NN; and &#xNN;.
func unit1[T string | []byte](t T, i int) (int, int) {
	c := t[i]
	switch {
	case c == '%' && i+2 < len(t) && isHex(t[i+1]) && isHex(t[i+2]):
		return int(unhex(t[i+1])<<4 | unhex(t[i+2])), i + 3
	case c == '\\' && i+1 < len(t):
		switch d := t[i+1]; d {
		case 'u', 'U':
			if v, ok := hexRun(t, i+2, 4); ok {
				return v, i + 6
			}
		case 'x', 'X':
			if v, ok := hexRun(t, i+2, 2); ok {
				return v, i + 4
			}
		case 'n', 'r', 't', 'b', 'f', 'v':
			return '\n', i + 2 // a separator, whichever it is
		case '/', '\\', '"', '\'':
			return int(d), i + 2
		}
	case c == '&' && i+3 < len(t) && t[i+1] == '#':
		return entity(t, i)
	}
	return int(c), i + 1
}

// entity reads &#NN; or &#xNN; at t[i] (up to 7 digits), or the & alone.
func entity[T string | []byte](t T, i int) (int, int) {
	j, base := i+2, 10
	if t[j] == 'x' || t[j] == 'X' {
		j, base = j+1, 16
	}
	v, digits := 0, 0
	for ; j < len(t) && digits < 7; j++ {
		d := t[j]
		switch {
		case d >= '0' && d <= '9':
			v = v*base + int(d-'0')
		case base == 16 && isHex(d):
			v = v*base + int(unhex(d))
		case d == ';' && digits > 0:
			return v, j + 1
		default:
			return '&', i + 1
		}
		digits++
	}
	return '&', i + 1
}

func hexRun[T string | []byte](t T, i, n int) (int, bool) {
	if i+n > len(t) {
		return 0, false
	}
	v := 0
	for k := i; k < i+n; k++ {
		if !isHex(t[k]) {
			return 0, false
		}
		v = v<<4 | int(unhex(t[k]))
	}
	return v, true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// MaskKey shows that a key is set without showing it: its last two characters.
func MaskKey(key string) string {
	if key == "" {
		return "(none)"
	}
	if len(key) <= 8 {
		return "••••"
	}
	return "••••" + key[len(key)-2:]
}
