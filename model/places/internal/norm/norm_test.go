package norm

import "testing"

func TestKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"München", "munchen"},
		{"Muenchen", "munchen"},
		{"Munchen", "munchen"},
		{"MÜNCHEN", "munchen"},
		{"Mu\u0308nchen", "munchen"}, // decomposed umlaut
		{"Düsseldorf", "dusseldorf"},
		{"Duesseldorf", "dusseldorf"},
		{"Köln", "koln"},
		{"Koeln", "koln"},
		{"Straße", "strasse"},
		{"Strasse", "strasse"},
		{"Hauptstr.", "hauptstrasse"},
		{"Frankfurt am Main", "frankfurt main"},
		{"Frankfurt a.M.", "frankfurt main"},
		{"Frankfurt a. M.", "frankfurt main"},
		{"Frankfurt/Main", "frankfurt main"},
		{"Frankfurt (Main)", "frankfurt main"},
		{"Frankfurt(Main)Hbf", "frankfurt main hauptbahnhof"},
		{"Frankfurt Hbf", "frankfurt hauptbahnhof"},
		{"Halle (Saale)", "halle saale"},
		{"Halle an der Saale", "halle saale"},
		{"Halle a.d. Saale", "halle saale"},
		{"Garching bei München", "garching munchen"},
		{"Garching b. München", "garching munchen"},
		{"St. Ingbert", "sankt ingbert"},
		{"Sankt Ingbert", "sankt ingbert"},
		{"Freiburg i. Br.", "freiburg breisgau"},
		{"Weiden i.d.OPf.", "weiden oberpfalz"},
		{"Rheda-Wiedenbrück", "rheda wiedenbruck"},
		{"  Berlin   Mitte ", "berlin mitte"},
		{"Kol'n", "koln"},
		{"Île-de-France", "ile de france"},
		{"an", "an"}, // nothing but a filler: kept
		{"", ""},
		{"...", ""},
		{"60329", "60329"},
		{"Москва", "москва"},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseTyping(t *testing.T) {
	tests := []struct{ in, key, typing string }{
		{"Bad A", "bad", "bad a"},
		{"Frankfurt a", "frankfurt", "frankfurt a"},
		{"Frankfurt a.", "frankfurt", ""},
		{"Frankfurt am ", "frankfurt", ""},
		{"Garching bei", "garching", "garching bei"},
		{"Berlin", "berlin", ""},
		{"am", "am", ""},
	}
	for _, tt := range tests {
		q := Parse(tt.in)
		if q.Key != tt.key || q.Typing != tt.typing {
			t.Errorf("Parse(%q) = %+v, want key %q typing %q", tt.in, q, tt.key, tt.typing)
		}
	}
}

func TestShort(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Frankfurt (Oder)", "Frankfurt"},
		{"Frankfurt am Main", "Frankfurt"},
		{"Neustadt an der Weinstraße", "Neustadt"},
		{"Garching b. München", "Garching"},
		{"Weiden i.d.OPf.", "Weiden"},
		{"Bad Homburg v.d.Höhe", "Bad Homburg"},
		{"Neustadt/Harz", "Neustadt"},
		{"Sankt Augustin", ""},
		{"Berlin", ""},
		{"(Main)", ""},
	}
	for _, tt := range tests {
		if got := Short(tt.in); got != tt.want {
			t.Errorf("Short(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWithoutParens(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Frankfurt (Main) Hbf", "Frankfurt Hbf"},
		{"Frankfurt(Main)Hbf", "Frankfurt Hbf"},
		{"Halle (Saale) Hbf", "Halle Hbf"},
		{"München Hbf", ""},
	}
	for _, tt := range tests {
		if got := WithoutParens(tt.in); got != tt.want {
			t.Errorf("WithoutParens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkKey(b *testing.B) {
	for b.Loop() {
		Key("Frankfurt (Main) Hbf")
	}
}
