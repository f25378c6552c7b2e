package styles

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/petitmonde/chargedesk/model"
)

func TestStatusColoursTellOutcomesApart(t *testing.T) {
	for _, dark := range []bool{true, false} {
		s := New(dark)
		waiting, good, done, bad := s.StatusColor(model.Pending), s.StatusColor(model.Confirmed), s.StatusColor(model.Completed), s.StatusColor(model.NoShow)
		if waiting == good || good == bad || done == bad || waiting == bad {
			t.Fatalf("dark=%v: outcome classes share a colour", dark)
		}
		if s.StatusColor(model.Expired) != bad || s.StatusColor(model.Cancelled) != bad || s.StatusColor(model.Requested) != waiting {
			t.Fatalf("dark=%v: a class is not one colour", dark)
		}
		if s.StatusColor("ON_HOLD") != s.Muted {
			t.Fatalf("an unknown status is not muted")
		}
	}
	if New(true).Accent == New(false).Accent {
		t.Fatal("the accent does not change with the background")
	}
}

func TestBadgesCarryTheirText(t *testing.T) {
	s := New(true)
	for _, st := range append(model.Statuses, "ON_HOLD") {
		for _, out := range []string{s.Badge(st), s.SmallBadge(st), s.StatusText(st)} {
			if !strings.Contains(ansi.Strip(out), string(st)) {
				t.Fatalf("%q lacks %s (the text must survive NO_COLOR)", ansi.Strip(out), st)
			}
		}
	}
	if got := ansi.Strip(s.Badge("")); !strings.Contains(got, "?") {
		t.Fatalf("empty status badge %q", got)
	}
	if h := strings.Count(s.Badge(model.Confirmed), "\n"); h != 2 {
		t.Fatalf("the large badge is %d lines high, want 3", h+1)
	}
	for _, e := range model.EVSEStatuses {
		if !strings.Contains(ansi.Strip(s.EVSEStatusText(e)), string(e)) {
			t.Fatalf("EVSE status %s lost its text", e)
		}
	}
}
