// Package norm turns place names, and what a person types for them, into
// search keys. The generator and the place finder share it, so a name is
// folded the same way when the data is built and when it is looked up.
//
// A key is lower-case ASCII words separated by single spaces: accents are
// dropped, umlauts and their spellings with e fold alike (München,
// Muenchen and Munchen are all "munchen"), ß is ss, punctuation separates
// words, the abbreviations of German place and station names are spelled
// out (Hbf, St., Str., a.M., OPf.) and the filler words of qualifiers (am,
// an der, bei, im, i., b.) are dropped, so "Halle (Saale)" and "Halle an der
// Saale" share the key "halle saale".
package norm

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// fillers are the small words of German qualifiers ("an der Saale", "bei
// München", "i. Br."). Dropping them lets "(Saale)", "/Saale" and "an der
// Saale" meet.
var fillers = map[string]bool{
	"a": true, "am": true, "an": true, "b": true, "bei": true, "d": true,
	"der": true, "den": true, "dem": true, "i": true, "im": true, "in": true,
	"ob": true, "v": true, "vor": true,
}

// expansions spell out the abbreviations used in place and station names.
// "hb" is there because it is how "Hbf" looks half typed.
var expansions = map[string]string{
	"hbf": "hauptbahnhof", "hb": "hauptbahnhof", "bf": "bahnhof",
	"st": "sankt", "str": "strasse", "opf": "oberpfalz", "br": "breisgau",
	"westf": "westfalen", "holst": "holstein",
}

// IsFiller reports whether a key word is one that keys leave out.
func IsFiller(w string) bool { return fillers[w] }

// Key is the search key of a name. It is Parse(name).Key.
func Key(name string) string { return Parse(name).Key }

// Query is text read for searching.
type Query struct {
	// Key is the text's key.
	Key string
	// Typing is set when the last word is a filler still being typed
	// ("Bad A" on its way to "Bad Aibling"): the key with that word kept,
	// to be tried as a prefix before Key.
	Typing string
}

// Parse reads s as a key. It never fails: text with nothing to search
// for gives an empty Key.
func Parse(s string) Query {
	var bb [96]byte
	var wb [12]word
	b, ws := split(bb[:0], wb[:0], s)
	p := parser{b: b, ws: ws}
	p.abbreviate()
	fillersOnly := true
	for _, w := range p.ws {
		if !w.filler {
			fillersOnly = false
		}
	}
	q := Query{Key: p.join(fillersOnly)}
	if n := len(p.ws); n > 0 && !fillersOnly && p.ws[n-1].open && p.ws[n-1].filler {
		q.Typing = q.Key + " " + p.text(p.ws[n-1])
	}
	return q
}

// parser holds a text's folded bytes and its words (for a short text, in
// arrays on Parse's stack).
type parser struct {
	b  []byte
	ws []word
}

// word is one word of the text: b[start:end], or long if an abbreviation
// was spelled out. dotted: a full stop followed it; open: nothing did (it
// may still be being typed).
type word struct {
	start, end     int
	long           string
	dotted, open   bool
	filler, merged bool
}

func (p *parser) text(w word) string {
	if w.long != "" {
		return w.long
	}
	return string(p.b[w.start:w.end])
}

func (p *parser) is(w word, s string) bool {
	return w.long == "" && string(p.b[w.start:w.end]) == s
}

// split folds s into words: appends its folded bytes to b and its words
// to ws. (A function, not a method, so that short texts stay on the
// caller's stack.)
func split(b []byte, ws []word, s string) ([]byte, []word) {
	start := 0
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '`' || r == 'ʼ':
			// K'oln, Kol'n: apostrophes of transliterations join.
		case unicode.Is(unicode.Mn, r):
			// A combining accent on the letter before it.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b = foldRune(b, r)
		default:
			b, ws = endWord(b, ws, start, r == '.')
			start = len(b)
		}
	}
	b, ws = endWord(b, ws, start, false)
	if n := len(ws); n > 0 && !endsWithSeparator(s) {
		ws[n-1].open = true
	}
	return b, ws
}

// endWord ends the word b[start:], if there is one.
func endWord(b []byte, ws []word, start int, dotted bool) ([]byte, []word) {
	if len(b) == start {
		return b, ws
	}
	end := collapse(b, start)
	return b[:end], append(ws, word{start: start, end: end, dotted: dotted})
}

func endsWithSeparator(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return s != "" && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && !strings.ContainsRune("'’`ʼ", r)
}

// collapse folds the spelled-out umlauts ae, oe and ue of b[start:] to the
// vowel, as foldRune does with ä, ö and ü, and returns the new end.
func collapse(b []byte, start int) int {
	out := start
	for i := start; i < len(b); i++ {
		c := b[i]
		b[out] = c
		out++
		if (c == 'a' || c == 'o' || c == 'u') && i+1 < len(b) && b[i+1] == 'e' {
			i++
		}
	}
	return out
}

// abbreviate spells abbreviations out (a.M. is am Main, Hbf Hauptbahnhof,
// a word ending in "str" is a street) and marks the filler words.
func (p *parser) abbreviate() {
	for i := range p.ws {
		w := &p.ws[i]
		if w.merged {
			continue
		}
		t := p.b[w.start:w.end]
		if p.is(*w, "a") && i+1 < len(p.ws) && p.is(p.ws[i+1], "m") {
			// "a.M." and "a. M.": am Main.
			next := &p.ws[i+1]
			next.long, w.merged = "main", true
			continue
		}
		if long, ok := expansions[string(t)]; ok {
			w.long = long
		} else if len(t) > 4 && bytes.HasSuffix(t, []byte("str")) {
			w.long = string(t) + "asse" // Hauptstr.
		}
		w.filler = w.long == "" && fillers[string(t)]
	}
}

// join writes the words with single spaces, leaving out merged words and,
// unless there is nothing else, fillers.
func (p *parser) join(keepFillers bool) string {
	var out []byte
	var ob [96]byte
	out = ob[:0]
	for _, w := range p.ws {
		if w.merged || (w.filler && !keepFillers) {
			continue
		}
		if len(out) > 0 {
			out = append(out, ' ')
		}
		if w.long != "" {
			out = append(out, w.long...)
		} else {
			out = append(out, p.b[w.start:w.end]...)
		}
	}
	return string(out)
}

// foldRune appends r lower-cased and without its accent. Letters of
// other scripts are kept as they are: they match nothing, which is right.
func foldRune(b []byte, r rune) []byte {
	r = unicode.ToLower(r)
	if r < utf8.RuneSelf {
		return append(b, byte(r))
	}
	if s, ok := foldTable[r]; ok {
		return append(b, s...)
	}
	return utf8.AppendRune(b, r)
}

// foldTable maps the Latin letters with diacritics that occur in the names
// to their base letters.
var foldTable = func() map[rune]string {
	groups := map[string]string{
		"a": "àáâãäåāăąǎȧạảấầ", "ae": "æ", "c": "çćĉċč", "d": "ďđð",
		"e": "èéêëēĕėęěẹẽếề", "g": "ĝğġģ", "h": "ĥħ", "i": "ìíîïĩīĭįıǐị",
		"j": "ĵ", "k": "ķ", "l": "ĺļľŀł", "n": "ñńņňŉ",
		"o": "òóôõöøōŏőǒọơ", "oe": "œ", "r": "ŕŗř", "s": "śŝşšș", "ss": "ß",
		"t": "ţťŧț", "th": "þ", "u": "ùúûüũūŭůűųǔưụ", "w": "ŵ", "y": "ýÿŷ",
		"z": "źżž",
	}
	m := make(map[rune]string)
	for base, letters := range groups {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// Short is a name without its qualifier: "Frankfurt (Oder)", "Neustadt an
// der Weinstraße", "Garching b. München" and "Weiden i.d.OPf." are
// Frankfurt, Neustadt, Garching and Weiden, which is how people say them.
// It returns "" when the name has no qualifier.
func Short(name string) string {
	cut := len(name)
	for _, sep := range []string{"(", "/", ","} {
		if i := strings.Index(name, sep); i > 0 && i < cut {
			cut = i
		}
	}
	f := strings.Fields(name[:cut])
	for i := 1; i < len(f); i++ {
		w, _, _ := strings.Cut(strings.ToLower(f[i]), ".") // "b.", "a.M.", "i.d.OPf."
		if IsFiller(w) {
			f = f[:i]
			break
		}
	}
	short := strings.Join(f, " ")
	if short == strings.TrimSpace(name) {
		return ""
	}
	return short
}

// WithoutParens is a name with its parenthesised parts left out: the
// station "Frankfurt (Main) Süd" as people say it, "Frankfurt Süd". It
// returns "" when the name has none.
func WithoutParens(name string) string {
	if !strings.Contains(name, "(") {
		return ""
	}
	var sb strings.Builder
	depth := 0
	for _, r := range name {
		switch {
		case r == '(':
			depth++
			sb.WriteByte(' ')
		case r == ')' && depth > 0:
			depth--
			sb.WriteByte(' ')
		case depth == 0:
			sb.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(sb.String()), " ")
}
