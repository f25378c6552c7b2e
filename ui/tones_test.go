package ui

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/petitmonde/chargedesk/model"
	"github.com/petitmonde/chargedesk/styles"
)

func TestStatusTonesTellOutcomesApart(t *testing.T) {
	want := map[model.Status]styles.Tone{
		model.Requested: styles.Waiting, model.Pending: styles.Waiting,
		model.Confirmed: styles.Good, model.Attending: styles.Good,
		model.Completed: styles.Done,
		model.Cancelled: styles.Bad, model.Expired: styles.Bad, model.NoShow: styles.Bad,
		"ON_HOLD": styles.Neutral,
	}
	for st, tone := range want {
		if got := statusTone(st); got != tone {
			t.Errorf("%s: tone %d, want %d", st, got, tone)
		}
	}
	if evseTone(model.EVSEAvailable) == evseTone(model.EVSEOutOfOrder) || evseTone(model.EVSEUnknown) != styles.Neutral {
		t.Error("EVSE tones do not tell free from broken from unknown")
	}
}

// The footer's key help and the text fields take the theme's colours
// (styles.Styles.Help and Input, which the contrast test checks), on a
// light terminal as on a dark one: not bubbles' defaults (its key help was
// #B2B2B2 on white, 2.1:1, the separators #DADADA, 1.4:1).
func TestFooterAndFieldsTakeTheThemesColours(t *testing.T) {
	t.Parallel()
	for _, dark := range []bool{true, false} {
		h := newHarness(t, large)
		bg := color.Color(color.Black)
		if !dark {
			bg = color.White
		}
		h.send(tea.BackgroundColorMsg{Color: bg})
		st := styles.New(dark)
		foot := h.app.Render()
		foot = foot[strings.LastIndex(foot, "\n")+1:]
		for _, c := range []color.Color{st.Help.ShortKey.GetForeground(), st.Help.ShortDesc.GetForeground()} {
			if seq := fgSequence(c); !strings.Contains(foot, seq) {
				t.Errorf("dark=%v: the footer lacks the theme's colour %q: %q", dark, seq, foot)
			}
		}
		if old := fgSequence(help.DefaultStyles(dark).ShortDesc.GetForeground()); strings.Contains(foot, old) {
			t.Errorf("dark=%v: the footer still uses bubbles' default %q", dark, old)
		}
		if got, want := inputStyles(dark).Focused.Placeholder.GetForeground(), st.Input.Focused.Placeholder.GetForeground(); got != want {
			t.Errorf("dark=%v: the fields' placeholder is %v, the theme's %v", dark, got, want)
		}
	}
}

// fgSequence is the SGR parameters that set c as the foreground.
func fgSequence(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("38;2;%d;%d;%d", r>>8, g>>8, b>>8)
}
