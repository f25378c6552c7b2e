package styles

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestTonesTellOutcomesApart(t *testing.T) {
	for _, dark := range []bool{true, false} {
		s := New(dark)
		seen := map[any]Tone{}
		for _, tone := range []Tone{Neutral, Waiting, Good, Done, Bad} {
			c := s.ToneColor(tone)
			if other, dup := seen[c]; dup {
				t.Fatalf("dark=%v: tones %d and %d share a colour", dark, other, tone)
			}
			seen[c] = tone
		}
		if s.ToneColor(Neutral) != s.Muted {
			t.Fatalf("dark=%v: the neutral tone is not muted", dark)
		}
	}
	if New(true).Accent == New(false).Accent {
		t.Fatal("the accent does not change with the background")
	}
	if New(true).ToneColor(Good) == New(false).ToneColor(Good) {
		t.Fatal("a tone does not change with the background")
	}
}

func TestBadgesCarryTheirText(t *testing.T) {
	s := New(true)
	for _, tone := range []Tone{Neutral, Waiting, Good, Done, Bad} {
		for _, out := range []string{s.Badge("CONFIRMED", tone), s.SmallBadge("CONFIRMED", tone), s.Toned("CONFIRMED", tone), s.Colored("CONFIRMED", tone)} {
			if !strings.Contains(ansi.Strip(out), "CONFIRMED") {
				t.Fatalf("%q lost its text (the text must survive NO_COLOR)", ansi.Strip(out))
			}
		}
	}
	if got := ansi.Strip(s.Badge("", Neutral)); !strings.Contains(got, "?") {
		t.Fatalf("empty badge %q", got)
	}
	if h := strings.Count(s.Badge("CONFIRMED", Good), "\n"); h != 2 {
		t.Fatalf("the large badge is %d lines high, want 3", h+1)
	}
}
