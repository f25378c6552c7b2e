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
	ws := words(s)
	ws = abbreviate(ws)
	kept := dropFillers(ws)
	q := Query{Key: join(kept)}
	if n := len(ws); len(kept) < n && ws[n-1].open && IsFiller(ws[n-1].text) {
		q.Typing = q.Key + " " + ws[n-1].text
	}
	return q
}

// word is one word of a text as folded. dotted: a full stop followed it
// (an abbreviation); open: nothing followed it (it may still be typed).
type word struct {
	text   string
	dotted bool
	open   bool
}

// words splits s into folded words.
func words(s string) []word {
	var ws []word
	var b []byte
	flush := func(sep rune) {
		if len(b) > 0 {
			ws = append(ws, word{text: collapse(b), dotted: sep == '.'})
			b = b[:0]
		}
	}
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '`' || r == 'ʼ':
			// K'oln, Kol'n: apostrophes of transliterations join.
		case unicode.Is(unicode.Mn, r):
			// A combining accent on the letter before it.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b = foldRune(b, r)
		default:
			flush(r)
		}
	}
	if len(b) > 0 {
		ws = append(ws, word{text: collapse(b), open: true})
	}
	return ws
}

// collapse folds the spelled-out umlauts ae, oe and ue to the vowel, as
// foldRune does with ä, ö and ü.
func collapse(b []byte) string {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		out = append(out, c)
		if (c == 'a' || c == 'o' || c == 'u') && i+1 < len(b) && b[i+1] == 'e' {
			i++
		}
	}
	return string(out)
}

// abbreviate spells abbreviations out: a.M. is am Main, Hbf Hauptbahnhof,
// and a word ending in "str" is a street.
func abbreviate(ws []word) []word {
	out := ws[:0]
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if w.text == "a" && i+1 < len(ws) && ws[i+1].text == "m" {
			// "a.M." and "a. M.": am Main.
			w = word{text: "main", dotted: ws[i+1].dotted, open: ws[i+1].open}
			i++
		} else if long, ok := expansions[w.text]; ok {
			w.text = long
		} else if len(w.text) > 4 && strings.HasSuffix(w.text, "str") {
			w.text += "asse" // Hauptstr.
		}
		out = append(out, w)
	}
	return out
}

// dropFillers leaves out filler words, unless nothing else is left.
func dropFillers(ws []word) []word {
	var kept []word
	for _, w := range ws {
		if !IsFiller(w.text) {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return ws
	}
	return kept
}

func join(ws []word) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0].text
	}
	n := len(ws) - 1
	for _, w := range ws {
		n += len(w.text)
	}
	var sb strings.Builder
	sb.Grow(n)
	for i, w := range ws {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(w.text)
	}
	return sb.String()
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
