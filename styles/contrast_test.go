package styles

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

// The terminal backgrounds each palette is checked on: black and white,
// and the dark and light backgrounds of the common themes (gruvbox,
// Solarized). Text the program leaves in the terminal's own colours is
// the terminal's pairing and is not checked.
var backgrounds = map[bool][]string{
	true:  {"#000000", "#1E1E1E", "#282828", "#002B36"},
	false: {"#FFFFFF", "#F5F5F5", "#FDF6E3", "#EEE8D5"},
}

// WCAG 2.x: text needs a contrast ratio of at least 4.5:1 (AA); a border
// (a user-interface component, not text) at least 3:1.
const aaText, aaNonText = 4.5, 3.0

// luminance is the WCAG relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of two colours (1 to 21).
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestContrastRatioMatchesWCAG(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#FFFFFF", 21},
		{"#FFFFFF", "#FFFFFF", 1},
		{"#767676", "#FFFFFF", 4.54}, // the lightest grey that passes AA on white
		{"#777777", "#FFFFFF", 4.48},
	} {
		if got := contrast(lipgloss.Color(tt.a), lipgloss.Color(tt.b)); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("%s on %s: %.2f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}

// pair is one foreground on one background, where the theme draws it.
type pair struct {
	where  string
	fg, bg color.Color
	min    float64
}

// pairs are every foreground/background pair a style draws on the
// terminal background bg: its text (reversed when the style reverses) and
// its border.
func stylePairs(where string, s lipgloss.Style, bg color.Color) ([]pair, error) {
	if s.GetFaint() {
		return nil, fmt.Errorf("%s is faint: how faint is the terminal's choice, so its contrast is not known", where)
	}
	fg, back := s.GetForeground(), s.GetBackground()
	if _, none := back.(lipgloss.NoColor); none {
		back = bg
	}
	var out []pair
	if s.GetReverse() {
		fg, back = back, fg
	}
	_, fgNone := fg.(lipgloss.NoColor)
	_, backNone := back.(lipgloss.NoColor)
	if !fgNone && !backNone {
		out = append(out, pair{where, fg, back, aaText})
	}
	if border, top, right, bottom, left := s.GetBorder(); border != (lipgloss.Border{}) && (top || right || bottom || left) {
		for side, c := range map[string]color.Color{"top": s.GetBorderTopForeground(), "left": s.GetBorderLeftForeground()} {
			if _, none := c.(lipgloss.NoColor); !none {
				out = append(out, pair{where + " border " + side, c, bg, aaNonText})
			}
		}
	}
	return out, nil
}

// walk collects the pairs of every style and colour in v (the theme, and
// the widgets' styles it holds), by field name.
func walk(t *testing.T, where string, v reflect.Value, bg color.Color, out *[]pair) {
	switch {
	case v.Type() == reflect.TypeOf(lipgloss.Style{}):
		ps, err := stylePairs(where, v.Interface().(lipgloss.Style), bg)
		if err != nil {
			t.Error(err)
		}
		*out = append(*out, ps...)
	case v.Type().Implements(reflect.TypeOf((*color.Color)(nil)).Elem()) && v.Kind() == reflect.Interface && !v.IsNil():
		if strings.HasSuffix(where, ".Cursor.Color") { // the cursor is drawn as a block, not text
			*out = append(*out, pair{where, v.Interface().(color.Color), bg, aaNonText})
			return
		}
		*out = append(*out, pair{where, v.Interface().(color.Color), bg, aaText}) // a palette colour: text in it
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walk(t, where+"."+v.Type().Field(i).Name, v.Field(i), bg, out)
			}
		}
	}
}

// TestContrastBothThemes: every foreground/background pair of both
// palettes — every style of the theme (the header, the footer's key help,
// the text fields, the badges, the boxes' borders), every tone — meets
// WCAG AA on each of the backgrounds the palette is for: 4.5:1 for text,
// 3:1 for a border or the cursor.
func TestContrastBothThemes(t *testing.T) {
	for _, dark := range []bool{true, false} {
		s := New(dark)
		worst := map[string]float64{}
		for _, hex := range backgrounds[dark] {
			bg := lipgloss.Color(hex)
			var ps []pair
			walk(t, "Styles", reflect.ValueOf(s), bg, &ps)
			for _, tone := range []Tone{Neutral, Waiting, Good, Done, Bad} {
				ps = append(ps, pair{fmt.Sprintf("ToneColor(%d)", tone), s.ToneColor(tone), bg, aaText})
			}
			if len(ps) < 40 {
				t.Fatalf("only %d pairs found: the walk misses the theme's styles", len(ps))
			}
			for _, p := range ps {
				r := contrast(p.fg, p.bg)
				if w, ok := worst[p.where]; !ok || r < w {
					worst[p.where] = r
				}
				if r < p.min {
					t.Errorf("dark=%v, on %s: %s is %.2f:1, want ≥ %.1f:1", dark, hex, p.where, r, p.min)
				}
			}
		}
		names := make([]string, 0, len(worst))
		for n := range worst {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool { return worst[names[i]] < worst[names[j]] })
		var low []string
		for _, n := range names[:min(5, len(names))] {
			low = append(low, fmt.Sprintf("%s %.2f", n, worst[n]))
		}
		t.Logf("dark=%v: %d pairs on %d backgrounds; the lowest: %s", dark, len(worst), len(backgrounds[dark]), strings.Join(low, ", "))
	}
}
